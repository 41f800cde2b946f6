package stacks

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

// devOutputs stand in for the dev stacks' outputs, as the StackReference
// would return them.
var devOutputs = map[string]recorder.StackOutputs{
	"organization/mlplatform/aws-dev": {Values: map[string]interface{}{
		"kubeconfig":        "apiVersion: v1\nkind: Config\n",
		"oidcProviderArn":   "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
		"oidcIssuerUrl":     "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
		"artifactBucket":    "mlplatform-aws-dev-artifacts",
		"artifactBucketArn": "arn:aws:s3:::mlplatform-aws-dev-artifacts",
		"dataKeyArn":        "arn:aws:kms:us-east-1:123456789012:key/1111",
	}, Secrets: []string{"kubeconfig"}},
	"organization/mlplatform/azure-dev": {Values: map[string]interface{}{
		"kubeconfig":    "apiVersion: v1\nkind: Config\n",
		"oidcIssuerUrl": "https://eastus.oic.prod-aks.azure.com/tenant/issuer/",
	}, Secrets: []string{"kubeconfig"}},
}

func recordPreview(t *testing.T, cloud string, extra map[string]string) (*recorder.Recorder, error) {
	t.Helper()
	cfg := map[string]string{
		Project + ":environment": "dev", Project + ":cloud": cloud, Project + ":scope": ScopeNamespace,
		Project + ":pullRequest": "42", Project + ":baseStack": "organization/mlplatform/" + cloud + "-dev",
		Project + ":expiresAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
	}
	for k, v := range extra {
		cfg[Project+":"+k] = v
	}
	return recorder.Run(Program, recorder.Options{Project: Project, Stack: cloud + "-pr-42", Config: cfg, StackReferences: devOutputs})
}

// TestNamespacePreview checks what a pull request's namespace preview
// creates on the shared dev cluster: its namespace and the models, nothing
// cluster-wide. It cannot show the models actually run (no cluster here);
// the control-plane suite applies the same ModelService objects for real.
func TestNamespacePreview(t *testing.T) {
	for _, cloud := range []string{CloudAWS, CloudAzure} {
		t.Run(cloud, func(t *testing.T) {
			rec, err := recordPreview(t, cloud, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rec.Resources() {
				switch {
				case r.Type == "kubernetes:helm.sh/v3:Release", strings.HasPrefix(r.Type, "kubernetes:scheduling.k8s.io"),
					r.Type == "aws:eks/cluster:Cluster", strings.HasSuffix(r.Type, ":ManagedCluster"), r.Type == "aws:s3/bucketV2:BucketV2":
					t.Errorf("a namespace preview must not create %s %s: the dev platform owns it", r.Type, r.Name)
				}
			}
			ns, err := rec.Named("kubernetes:core/v1:Namespace", cloud+"-pr-42-namespace-pr-42")
			if err != nil {
				t.Fatal(err)
			}
			labels, annotations := ns.StringMap("metadata.labels"), ns.StringMap("metadata.annotations")
			if labels["mlplatform.pangea.ai/models"] != "true" || labels[LabelPullRequest] != "42" || labels["pod-security.kubernetes.io/enforce"] != "restricted" {
				t.Errorf("namespace labels %v", labels)
			}
			if _, err := time.Parse(time.RFC3339, annotations[AnnotationExpiresAt]); err != nil {
				t.Errorf("namespace annotations %v: no RFC 3339 expiry", annotations)
			}
			isvcs := rec.ByType("kubernetes:serving.kserve.io/v1beta1:InferenceService")
			if len(isvcs) != 2 {
				t.Fatalf("%d InferenceServices, want the 2 models of dev.yaml", len(isvcs))
			}
			for _, isvc := range isvcs {
				if got := isvc.In("metadata.namespace"); got != "pr-42" {
					t.Errorf("%s is in namespace %v, want pr-42", isvc.Name, got)
				}
			}
			for _, np := range rec.ByType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
				if !strings.HasSuffix(np.Name, "-callers") {
					continue
				}
				sel := np.StringMap("spec.ingress[0].from[0].podSelector.matchLabels")
				if sel["gateway.envoyproxy.io/owning-gateway-namespace"] != "serving" {
					t.Errorf("%s admits proxies of gateway namespace %q, want the dev gateway's (serving)", np.Name, sel["gateway.envoyproxy.io/owning-gateway-namespace"])
				}
			}
			quotas := rec.ByType("kubernetes:core/v1:ResourceQuota")
			if len(quotas) != 1 || quotas[0].In("metadata.namespace") != "pr-42" {
				t.Errorf("want one quota in pr-42, got %d", len(quotas))
			}
		})
	}
}

func TestNamespacePreviewIdentitiesExpire(t *testing.T) {
	rec, err := recordPreview(t, CloudAWS, nil)
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := rec.Named("pulumi:providers:aws", "aws")
	tags := prov.StringMap("defaultTags.tags")
	if _, err := time.Parse(time.RFC3339, tags["expires-at"]); err != nil || tags["environment"] != "dev" {
		t.Errorf("AWS provider default tags %v: want environment dev and expires-at", tags)
	}
	roles := rec.ByType("aws:iam/role:Role")
	if len(roles) != 2 {
		t.Fatalf("%d IAM roles, want one per model", len(roles))
	}
	for _, r := range roles {
		trust := r.In("assumeRolePolicy").(string)
		if !strings.Contains(trust, "system:serviceaccount:pr-42:") || !strings.Contains(trust, "oidc.eks.us-east-1.amazonaws.com/id/ABC") {
			t.Errorf("%s trust policy does not name the pr-42 service account on the dev issuer:\n%s", r.Name, trust)
		}
	}
	azure, err := recordPreview(t, CloudAzure, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range azure.ByType("azure-native:managedidentity:UserAssignedIdentity") {
		if got := id.StringMap("tags"); got["expires-at"] == "" || id.In("resourceGroupName") != "rg-mlplatform-azure-dev" {
			t.Errorf("%s: tags %v, resource group %v", id.Name, got, id.In("resourceGroupName"))
		}
	}
	creds := azure.ByType("azure-native:managedidentity:FederatedIdentityCredential")
	if len(creds) != 2 || !slices.ContainsFunc(creds, func(c *recorder.Resource) bool { return c.In("subject") == "system:serviceaccount:pr-42:fraud-xgb" }) {
		t.Errorf("federated credentials: want one per model for pr-42's service accounts")
	}
}

func TestNamespacePreviewConfigErrors(t *testing.T) {
	cases := map[string]struct {
		extra map[string]string
		want  string
	}{
		"no pull request": {map[string]string{"pullRequest": ""},
			"stack config: mlplatform:scope = namespace needs mlplatform:pullRequest; fix: pulumi config set pullRequest <N> (mlplat preview up sets it)"},
		"bad scope and pull request": {map[string]string{"scope": "cluster", "pullRequest": "x"},
			`stack config: mlplatform:pullRequest = "x": must be a pull request number; fix: pulumi config set pullRequest <N>; mlplatform:scope = "cluster": must be empty (the whole platform) or namespace; fix: pulumi config rm scope, or set it to namespace`},
		"expired": {map[string]string{"expiresAt": "2020-01-01T00:00:00Z"},
			`config mlplatform:expiresAt = "2020-01-01T00:00:00Z": a namespace preview needs an RFC 3339 expiry in the future; fix: set it, e.g. `},
		"a model dev.yaml lacks": {map[string]string{"previewModels": "fraud-xgb,churn"},
			"config mlplatform:previewModels names churn, not in environments/dev.yaml; fix: name models the environment has (fraud-xgb, defect-detector)"},
		"unknown base stack": {map[string]string{"baseStack": "organization/mlplatform/aws-qa"},
			"stack reference organization/mlplatform/aws-qa: the recorder was given no outputs for that stack"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := recordPreview(t, CloudAWS, tc.extra)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

// A pull request that changes one model previews that model alone, with a
// quota sized to it.
func TestNamespacePreviewOfChosenModels(t *testing.T) {
	rec, err := recordPreview(t, CloudAWS, map[string]string{"previewModels": "fraud-xgb"})
	if err != nil {
		t.Fatal(err)
	}
	isvcs := rec.ByType("kubernetes:serving.kserve.io/v1beta1:InferenceService")
	if len(isvcs) != 1 || isvcs[0].In("metadata.name") != "fraud-xgb" {
		t.Fatalf("InferenceServices %d, want only fraud-xgb", len(isvcs))
	}
	if roles := rec.ByType("aws:iam/role:Role"); len(roles) != 1 {
		t.Errorf("%d IAM roles, want one for fraud-xgb", len(roles))
	}
	// fraud-xgb at 2 replicas: predictor 1 CPU / 2Gi and explainer 500m /
	// 1Gi, times 1.25 headroom (pods also get a surge pod per component); no GPUs.
	want := map[string]string{"requests.cpu": "3750m", "requests.memory": "7680Mi", "limits.memory": "7680Mi", "requests.nvidia.com/gpu": "0", "pods": "7"}
	if got := rec.ByType("kubernetes:core/v1:ResourceQuota")[0].StringMap("spec.hard"); !reflect.DeepEqual(got, want) {
		t.Errorf("quota %v, want %v", got, want)
	}
}
