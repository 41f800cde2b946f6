package notebooks

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func testArgs() *Args {
	return &Args{
		Namespace: "notebooks", Auth: Auth{GitHub: &GitHub{Organization: "pangea-ai", ClientID: "Iv23liDevNotebooks01"}},
		CallbackURL: "https://jupyter.dev.pangea.ai/hub/oauth_callback", ClientSecret: pulumi.ToSecret(pulumi.String("oauth-secret")).(pulumi.StringOutput),
		HomeGiB: 10, StorageClass: "mlplatform-encrypted", IdleTimeoutMinutes: 60,
		Profiles: []Profile{
			{Group: "cpu", CPU: "1", Memory: "4G"},
			{Group: "gpu", GPU: true, Shared: true, CPU: "1", Memory: "4G", Taints: []nodes.Taint{nodes.GPUTaint}},
		},
		Identity:  Identity{ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/notebooks")}},
		MLflowURL: "http://mlflow.mlflow.svc:5000", MLflowNamespace: "mlflow", MLflowPort: 5000, Metrics: true,
	}
}

// TestHubValues asserts the values that make the hub what the issue asks:
// SSO with the secret kept out of the release, notebooks non-root under the
// restricted standard with no root init container, culling, encrypted
// homes, egress to MLflow and HTTPS only, and profiles on their groups.
// That every key exists in the chart is TestHelmValuesExistUpstream's
// (cmd/mlplat); that the hub honours them needs a running hub.
func TestHubValues(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "aws-dev-notebooks", testArgs())
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := rec.Named("kubernetes:helm.sh/v3:Release", "aws-dev-notebooks")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, rel, map[string]interface{}{
		"chart": "jupyterhub", "version": "4.4.0", "namespace": "notebooks", "name": "jupyterhub",
		"values.hub.existingSecret":                                                  "jupyterhub-oauth",
		"values.hub.config.JupyterHub.authenticator_class":                           "github",
		"values.hub.config.GitHubOAuthenticator.allowed_organizations":               []interface{}{"pangea-ai"},
		"values.hub.config.GitHubOAuthenticator.client_secret":                       nil,
		"values.hub.config.KubeSpawner.container_security_context.capabilities.drop": []interface{}{"ALL"},
		"values.hub.config.KubeSpawner.pod_security_context.seccompProfile.type":     "RuntimeDefault",
		"values.singleuser.cloudMetadata.blockWithIptables":                          false,
		"values.singleuser.allowPrivilegeEscalation":                                 false,
		"values.singleuser.uid":                                                      1000.0,
		"values.singleuser.storage.capacity":                                         "10Gi",
		"values.singleuser.storage.dynamic.storageClass":                             "mlplatform-encrypted",
		"values.singleuser.networkPolicy.egressAllowRules.nonPrivateIPs":             false,
		"values.singleuser.networkPolicy.egress[0].ports[0].port":                    443.0,
		"values.singleuser.networkPolicy.egress[0].to[0].ipBlock.except":             []interface{}{"169.254.169.254/32"},
		"values.singleuser.networkPolicy.egress[1].ports[0].port":                    5000.0,
		"values.singleuser.extraEnv.MLFLOW_TRACKING_URI":                             "http://mlflow.mlflow.svc:5000",
		"values.singleuser.serviceAccountName":                                       "notebook",
		"values.cull.enabled":                                                        true,
		"values.cull.timeout":                                                        3600.0,
		"values.proxy.service.type":                                                  "ClusterIP",
		"values.scheduling.userScheduler.enabled":                                    false,
	})
	p := func(i int) string { return "values.singleuser.profileList[" + string(rune('0'+i)) + "]." }
	recorder.AssertInputs(t, rel, map[string]interface{}{
		p(0) + "slug": "cpu-cpu", p(0) + "default": true,
		p(0) + "kubespawner_override.node_selector":         map[string]interface{}{"mlplatform.pangea.ai/node-group": "cpu"},
		p(0) + "kubespawner_override.extra_resource_limits": nil,
		p(1) + "slug": "shared-gpu-gpu", p(1) + "default": false,
		p(1) + "kubespawner_override.node_selector":         map[string]interface{}{"mlplatform.pangea.ai/node-group": "gpu"},
		p(1) + "kubespawner_override.extra_resource_limits": map[string]interface{}{"nvidia.com/gpu": "1"},
	})
	// The profile's tolerations replace the chart's: the user toleration
	// is repeated, the GPU one added, the GPU group taint not twice.
	var keys []string
	for _, tol := range rel.In(p(1) + "kubespawner_override.tolerations").([]interface{}) {
		keys = append(keys, tol.(map[string]interface{})["key"].(string))
	}
	if want := []string{"hub.jupyter.org/dedicated", "nvidia.com/gpu"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("GPU profile tolerations %v, want %v", keys, want)
	}
	secret, _ := rec.Named("kubernetes:core/v1:Secret", "aws-dev-notebooks-oauth")
	if secret.In("stringData") != "[secret]" && secret.In("stringData.values.yaml") != "[secret]" {
		t.Errorf("the OAuth values are not a Pulumi secret: %v", secret.In("stringData"))
	}
	if sm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "aws-dev-notebooks-hub-metrics"); sm == nil ||
		sm.InString("spec.endpoints[0].path") != "/hub/metrics" {
		t.Error("no ServiceMonitor on the hub's /hub/metrics")
	}
}

func TestSecretValuesNameTheAuthenticator(t *testing.T) {
	got, err := SecretValues(Auth{Entra: &Entra{TenantID: "t", ClientID: "c"}}, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if want := "hub:\n    config:\n        AzureAdOAuthenticator:\n            client_secret: s3cret\n"; got != want {
		t.Errorf("secret values\n got %q\nwant %q", got, want)
	}
}

func TestRejectsBadArgs(t *testing.T) {
	a := testArgs()
	a.Auth.Entra, a.CallbackURL, a.Profiles = &Entra{}, "http://x/hub/oauth_callback", nil
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := New(ctx, "n", a)
		return err
	}, `creating notebooks "n": Auth needs exactly one of GitHub and Entra; CallbackURL "http://x/hub/oauth_callback" must be https://<host>/hub/oauth_callback; Profiles is empty: users could start no notebook`)
}
