//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	terraaws "github.com/gruntwork-io/terratest/modules/aws"
	"github.com/gruntwork-io/terratest/modules/k8s"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

const projectRoot = "../.."

// requireAWS skips the test, naming what is missing, unless everything a real
// deployment needs is present.
func requireAWS(t *testing.T) (region, cidr string) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("pulumi"); err != nil {
		missing = append(missing, "the pulumi CLI (https://www.pulumi.com/docs/install/)")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		missing = append(missing, "the aws CLI (kubeconfigs authenticate with aws eks get-token)")
	}
	if os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" && os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == "" {
		missing = append(missing, "AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID or OIDC web identity)")
	}
	cidr = os.Getenv("MLPLAT_IT_PUBLIC_CIDR")
	if cidr == "" {
		missing = append(missing, "MLPLAT_IT_PUBLIC_CIDR (this runner's egress CIDR, so the test can reach the cluster API)")
	}
	if os.Getenv("MLPLAT_IT_ADMIN_ROLE_ARN") == "" {
		missing = append(missing, "MLPLAT_IT_ADMIN_ROLE_ARN (the IAM role this runner acts as; it gets the cluster's admin access entry)")
	}
	if len(missing) > 0 {
		t.Skipf("skipping: a real AWS deployment needs %s", strings.Join(missing, ", "))
	}
	region = os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	return region, cidr
}

// TestAccAWSPlatform deploys an ephemeral aws-<random> stack of the dev
// environment, checks what it built, proves a second preview is empty, and
// destroys it.
func TestAccAWSPlatform(t *testing.T) {
	region, cidr := requireAWS(t)
	workDir := t.TempDir()
	config := auto.ConfigMap{
		"mlplatform:environment":     {Value: "dev"},
		"mlplatform:cloud":           {Value: "aws"},
		"mlplatform:environmentFile": {Value: awsEnvironmentFor(t, workDir, "dev", region, cidr)},
		"aws:region":                 {Value: region},
	}
	deployCheckDestroy(t, "aws", workDir, config, func(outputs auto.OutputMap) {
		checkBucket(t, region, outputs["artifactBucket"].Value.(string))
		checkCluster(t, region, outputs["clusterName"].Value.(string), cidr)
		checkNodes(t, workDir, outputs["kubeconfig"].Value.(string))
	})
}

// awsEnvironmentFor writes a copy of environments/<name>.yaml whose API
// endpoint admits this runner, whose admin is the runner's role (nobody else
// gets cluster access) and whose region is the test's.
func awsEnvironmentFor(t *testing.T, dir, name, region, cidr string) string {
	data, err := os.ReadFile(filepath.Join(projectRoot, "environments", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(data), `publicAccessCidrs: ["203.0.113.0/24"]`, fmt.Sprintf("publicAccessCidrs: [%q]", cidr), 1)
	doc = strings.ReplaceAll(doc, "us-east-1", region)
	doc = strings.Replace(doc, "arn:aws:iam::111122223333:role/platform-admin", os.Getenv("MLPLAT_IT_ADMIN_ROLE_ARN"), 1)
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func checkBucket(t *testing.T, region, bucket string) {
	if got := terraaws.GetS3BucketVersioning(t, region, bucket); got != "Enabled" {
		t.Errorf("bucket %s versioning = %q, want Enabled", bucket, got)
	}
	enc, err := terraaws.NewS3Client(t, region).GetBucketEncryption(context.Background(), &s3.GetBucketEncryptionInput{Bucket: awssdk.String(bucket)})
	if err != nil {
		t.Fatalf("reading encryption of %s: %v", bucket, err)
	}
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	if string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm) != "aws:kms" || !awssdk.ToBool(rule.BucketKeyEnabled) {
		t.Errorf("bucket %s encryption = %+v, want aws:kms with a bucket key", bucket, rule)
	}
}

func checkCluster(t *testing.T, region, name, cidr string) {
	cfg, err := terraaws.NewAuthenticatedSession(region)
	if err != nil {
		t.Fatal(err)
	}
	client := eks.NewFromConfig(*cfg)
	cl, err := client.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: awssdk.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	vpc := cl.Cluster.ResourcesVpcConfig
	if !vpc.EndpointPrivateAccess || !vpc.EndpointPublicAccess || !slices.Equal(vpc.PublicAccessCidrs, []string{cidr}) {
		t.Errorf("endpoint access = private %v public %v %v, want private, public only for %s", vpc.EndpointPrivateAccess, vpc.EndpointPublicAccess, vpc.PublicAccessCidrs, cidr)
	}
	ng, err := client.DescribeNodegroup(context.Background(), &eks.DescribeNodegroupInput{ClusterName: awssdk.String(name), NodegroupName: awssdk.String("gpu")})
	if err != nil {
		t.Fatal(err)
	}
	g := ng.Nodegroup
	if g.AmiType != "AL2023_x86_64_NVIDIA" || g.CapacityType != "SPOT" || awssdk.ToInt32(g.ScalingConfig.MinSize) != 0 || g.LaunchTemplate == nil {
		t.Errorf("gpu node group = ami %s capacity %s min %d launch template %v", g.AmiType, g.CapacityType, awssdk.ToInt32(g.ScalingConfig.MinSize), g.LaunchTemplate)
	}
	if len(g.Taints) != 1 || awssdk.ToString(g.Taints[0].Key) != "nvidia.com/gpu" || string(g.Taints[0].Effect) != "NO_SCHEDULE" {
		t.Errorf("gpu node group taints = %+v", g.Taints)
	}
	if g.Labels["nvidia.com/gpu.present"] != "true" {
		t.Errorf("gpu node group labels = %v", g.Labels)
	}
}

func checkNodes(t *testing.T, dir, kubeconfig string) {
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := k8s.NewKubectlOptions("", path, "kube-system")
	k8s.WaitUntilAllNodesReady(t, opts, 40, 15*time.Second)
	for _, n := range k8s.GetNodes(t, opts) {
		if n.Labels["mlplatform.pangea.ai/kind"] == "gpu" {
			t.Errorf("node %s is a GPU node, but dev's GPU group rests at zero", n.Name)
		}
	}
}
