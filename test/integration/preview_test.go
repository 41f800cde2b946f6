//go:build integration

package integration

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	terraaws "github.com/gruntwork-io/terratest/modules/aws"
	"github.com/gruntwork-io/terratest/modules/random"
	teststructure "github.com/gruntwork-io/terratest/modules/test-structure"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/previews"
)

// TestAccPreviewStack walks a full-scope preview stack through what
// `mlplat preview up`, `list` and `destroy` do, with the same Automation
// backend: up, check the platform with terratest (nodes ready, no GPU node,
// standard support, expires-at on the cluster), see it listed with its
// expiry, then destroy and remove it and see it gone. It uses a file backend
// of its own, so it never touches the team's preview stacks.
func TestAccPreviewStack(t *testing.T) {
	region, cidr := requireAWS(t)
	var missing []string
	for _, v := range []string{"MLPLAT_GITHUB_APP_ID", "MLPLAT_GITHUB_APP_INSTALLATION_ID", "MLPLAT_GITHUB_APP_PRIVATE_KEY"} {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Skipf("skipping: a full preview installs runner scale sets, which need the GitHub App: set %s", strings.Join(missing, ", "))
	}
	ctx := context.Background()
	workDir := t.TempDir()
	t.Setenv("PULUMI_BACKEND_URL", "file://"+filepath.Join(workDir, "state"))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", random.UniqueId())
	// Operator-held passwords a throwaway preview can make up.
	for _, v := range []string{"MLPLAT_GRAFANA_ADMIN_PASSWORD", "MLPLAT_MLFLOW_ADMIN_PASSWORD", "MLPLAT_MLFLOW_FLASK_SECRET_KEY",
		"MLPLAT_MLFLOW_DATABASE_PASSWORD", "MLPLAT_JUPYTERHUB_CLIENT_SECRET"} {
		if os.Getenv(v) == "" {
			t.Setenv(v, random.UniqueId()+random.UniqueId())
		}
	}
	root, err := filepath.Abs(projectRoot)
	if err != nil {
		t.Fatal(err)
	}
	b, err := previews.NewAutomation(root, "organization")
	if err != nil {
		t.Fatal(err)
	}
	// A pull request number no real PR has, so names never collide.
	req := previews.Request{PR: 900000 + rand.IntN(99999), Scope: previews.Full, Cloud: "aws", TTL: 6 * time.Hour}
	stack := req.StackName()
	envPath := awsEnvironmentFor(t, workDir, "preview", region, cidr)
	env, err := environments.LoadFile(envPath, environments.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := previews.Config(req, env, "organization", time.Now(), os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg["mlplatform:environmentFile"] = previews.Value{Value: envPath}

	var log bytes.Buffer
	defer teststructure.RunTestStage(t, "destroy", func() {
		if err := b.Destroy(ctx, stack, os.Stdout); err != nil {
			t.Errorf("destroying %s (clean up by hand with pulumi destroy --remove --stack organization/mlplatform/%s): %v", stack, stack, err)
			return
		}
		list, err := b.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(previews.ForPR(list, req.PR)) != 0 {
			t.Errorf("%s is still listed after destroy", stack)
		}
	})
	var outputs map[string]interface{}
	teststructure.RunTestStage(t, "up", func() {
		if outputs, err = b.Up(ctx, stack, cfg, &log); err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
	})
	teststructure.RunTestStage(t, "check", func() {
		at, problem := previews.ParseExpiry(outputs)
		if problem != "" || at.Before(time.Now()) || at.After(time.Now().Add(req.TTL)) {
			t.Errorf("expiresAt output: %v %s", at, problem)
		}
		name := outputs["clusterName"].(string)
		checkPreviewCluster(t, region, name, at)
		list, err := b.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mine := previews.ForPR(list, req.PR)
		if len(mine) != 1 || mine[0].Name != stack || !mine[0].ExpiresAt.Equal(at) {
			t.Errorf("list shows %+v for pull request %d, want %s expiring %s", mine, req.PR, stack, at)
		}
		if expired, _ := previews.Expired(mine, time.Now()); len(expired) != 0 {
			t.Errorf("a fresh preview reads as expired: %+v", expired)
		}
	})
	// The kubeconfig is a secret output; checkNodes needs it in plain text.
	teststructure.RunTestStage(t, "nodes", func() {
		kc := exportedKubeconfig(t, ctx, root, stack)
		checkNodes(t, workDir, kc)
	})
}

func checkPreviewCluster(t *testing.T, region, name string, expires time.Time) {
	cfg, err := terraaws.NewAuthenticatedSession(region)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := eks.NewFromConfig(*cfg).DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: awssdk.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if cl.Cluster.UpgradePolicy == nil || string(cl.Cluster.UpgradePolicy.SupportType) != "STANDARD" {
		t.Errorf("cluster %s upgrade policy %+v, want support type STANDARD", name, cl.Cluster.UpgradePolicy)
	}
	if got := cl.Cluster.Tags["expires-at"]; got != expires.UTC().Format(time.RFC3339) {
		t.Errorf("cluster %s tag expires-at = %q, want %s", name, got, expires.UTC().Format(time.RFC3339))
	}
}

// exportedKubeconfig reads the stack's kubeconfig output, which Automation
// returns in plain text with its secret flag (mlplat shows it as [secret]).
func exportedKubeconfig(t *testing.T, ctx context.Context, root, stack string) string {
	s, err := auto.SelectStackLocalSource(ctx, previews.FullyQualified("organization", stack), root)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Outputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kc, ok := out["kubeconfig"].Value.(string)
	if !ok || kc == "" {
		t.Fatalf("stack %s has no kubeconfig output", stack)
	}
	return kc
}
