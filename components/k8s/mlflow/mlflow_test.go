package mlflow

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

func testArgs() *Args {
	return &Args{
		Namespace: "mlflow", Replicas: 2, DefaultPermission: "READ",
		Database: Database{
			Host: pulumi.String("db.example.internal"), Port: pulumi.Int(5432), Name: "mlflow",
			Store: AWSSecretsManager, SecretRef: pulumi.String("arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1"),
			CIDRs: []string{"10.10.0.0/19", "10.10.32.0/19"}, DatabasePort: 5432,
		},
		ArtifactsDestination: pulumi.String("s3://bucket/models/mlflow"),
		Identity: Identity{
			ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/mlflow")},
			Env:                       map[string]string{"AWS_REGION": "us-east-1"},
		},
		AdminPassword:    pulumi.ToSecret(pulumi.String("correct-horse-battery")).(pulumi.StringOutput),
		FlaskSecretKey:   pulumi.ToSecret(pulumi.String("flask-key")).(pulumi.StringOutput),
		ClientNamespaces: []string{"runners", "serving"},
		Metrics:          true,
	}
}

// TestServerRunsAsTheIssueAsks asserts what the mock can show: the pinned
// image, non-root with a read-only root on the system group, the backend
// store's credentials named (never carried), the secrets from a Secret,
// the policies and the authenticated scrape. It does not prove that the
// image starts as user 1000 or that start.py reaches a real secret store.
func TestServerRunsAsTheIssueAsks(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "aws-dev-mlflow", testArgs())
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, r := range rec.Resources() {
		if r.Type != Type {
			kids = append(kids, r.Type+" "+r.InString("metadata.namespace")+"/"+r.InString("metadata.name"))
		}
	}
	sort.Strings(kids)
	want := []string{
		"kubernetes:apps/v1:Deployment mlflow/mlflow",
		"kubernetes:core/v1:ConfigMap mlflow/mlflow-start",
		"kubernetes:core/v1:Secret mlflow/mlflow-auth",
		"kubernetes:core/v1:Secret mlflow/mlflow-metrics",
		"kubernetes:core/v1:Service mlflow/mlflow",
		"kubernetes:core/v1:ServiceAccount mlflow/mlflow",
		"kubernetes:monitoring.coreos.com/v1:PodMonitor mlflow/mlflow",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy mlflow/mlflow-callers",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy mlflow/mlflow-database",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy runners/allow-egress-mlflow",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy serving/allow-egress-mlflow",
		"kubernetes:policy/v1:PodDisruptionBudget mlflow/mlflow",
	}
	if !reflect.DeepEqual(kids, want) {
		t.Fatalf("children\n got %v\nwant %v", kids, want)
	}
	dep, _ := rec.Named("kubernetes:apps/v1:Deployment", "aws-dev-mlflow")
	c := "spec.template.spec.containers[0]."
	recorder.AssertInputs(t, dep, map[string]interface{}{
		c + "image":   "ghcr.io/mlflow/mlflow:v3.17.0-full",
		c + "command": []interface{}{"python", "/opt/mlplatform/start.py"},
		c + "args": []interface{}{"mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--workers", "4",
			"--serve-artifacts", "--app-name", "basic-auth", "--expose-prometheus", "/tmp/metrics"},
		c + "securityContext.readOnlyRootFilesystem":      true,
		c + "securityContext.allowPrivilegeEscalation":    false,
		c + "securityContext.capabilities.drop":           []interface{}{"ALL"},
		"spec.template.spec.securityContext.runAsUser":    1000.0,
		"spec.template.spec.securityContext.runAsNonRoot": true,
		"spec.template.spec.nodeSelector":                 map[string]interface{}{"mlplatform.pangea.ai/kind": "system"},
		"spec.template.spec.automountServiceAccountToken": false,
		"spec.replicas":                                    2.0,
		c + "readinessProbe.httpGet.path":                  "/health",
		c + "readinessProbe.httpGet.httpHeaders[0].value":  "localhost",
		"spec.template.spec.volumes[0].emptyDir.sizeLimit": "1Gi",
	})
	env := map[string]interface{}{}
	for _, e := range dep.In(c + "env").([]interface{}) {
		m := e.(map[string]interface{})
		if v, ok := m["value"]; ok {
			env[m["name"].(string)] = v
		} else {
			env[m["name"].(string)] = "secret:" + m["valueFrom"].(map[string]interface{})["secretKeyRef"].(map[string]interface{})["key"].(string)
		}
	}
	for k, v := range map[string]string{
		"MLPLATFORM_DB_SECRET_SOURCE":    "aws-secrets-manager",
		"MLPLATFORM_DB_SECRET":           "arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1",
		"MLPLATFORM_DB_HOST":             "db.example.internal",
		"MLPLATFORM_DB_PORT":             "5432",
		"MLFLOW_ARTIFACTS_DESTINATION":   "s3://bucket/models/mlflow",
		"MLFLOW_AUTH_ADMIN_PASSWORD":     "secret:MLFLOW_AUTH_ADMIN_PASSWORD",
		"MLFLOW_FLASK_SERVER_SECRET_KEY": "secret:MLFLOW_FLASK_SERVER_SECRET_KEY",
		"AWS_REGION":                     "us-east-1",
		"HOME":                           "/tmp",
	} {
		if env[k] != v {
			t.Errorf("env %s = %v, want %q", k, env[k], v)
		}
	}
	for k, v := range env {
		if s, _ := v.(string); strings.Contains(s, "correct-horse") || strings.Contains(k, "BACKEND_STORE_URI") {
			t.Errorf("env %s carries a credential: %v", k, v)
		}
	}
	auth, _ := rec.Named("kubernetes:core/v1:Secret", "aws-dev-mlflow-auth")
	if !auth.IsSecretInput("stringData") {
		t.Error("the auth Secret's data is not a Pulumi secret")
	}
	pm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "aws-dev-mlflow")
	recorder.AssertInputs(t, pm, map[string]interface{}{
		"spec.podMetricsEndpoints[0].path":                    "/metrics",
		"spec.podMetricsEndpoints[0].basicAuth.password.name": "mlflow-metrics",
		"spec.selector.matchLabels":                           map[string]interface{}{"app.kubernetes.io/name": "mlflow"},
	})
	db, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "aws-dev-mlflow-database")
	recorder.AssertInputs(t, db, map[string]interface{}{
		"spec.egress[0].to[0].ipBlock.cidr": "10.10.0.0/19", "spec.egress[0].to[1].ipBlock.cidr": "10.10.32.0/19",
		"spec.egress[0].ports[0].port": 5432.0, "spec.policyTypes": []interface{}{"Egress"},
	})
	callers, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "aws-dev-mlflow-callers")
	recorder.AssertInputs(t, callers, map[string]interface{}{
		"spec.ingress[0].ports[0].port":                         5000.0,
		"spec.ingress[0].from[0].namespaceSelector.matchLabels": map[string]interface{}{"kubernetes.io/metadata.name": "monitoring"},
		"spec.ingress[0].from[2].namespaceSelector.matchLabels": map[string]interface{}{"kubernetes.io/metadata.name": "serving"},
	})
}

func TestRejectsBadArgs(t *testing.T) {
	a := testArgs()
	a.Replicas, a.DefaultPermission, a.Database.Store = 0, "WRITE", AzureKeyVault
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := New(ctx, "m", a)
		return err
	}, `creating MLflow "m": Replicas 0 must be 1 to 5; DefaultPermission "WRITE" must be one of READ, USE, EDIT, MANAGE, NO_PERMISSIONS; Database.Username is required with Azure Key Vault: the secret holds only the password`)
}

// TestRouteThroughTheGateway: with a Route, the server answers for the
// gateway's host too, an HTTPRoute attaches to the named listener only, and
// the gateway's namespace is among the callers.
func TestRouteThroughTheGateway(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		a := testArgs()
		a.Route = &Route{Gateway: "models", Namespace: "serving", Listener: "platform", Hostname: "mlflow.platform.mlplatform.internal"}
		a.ClientNamespaces = append(a.ClientNamespaces, "envoy-gateway-system")
		_, err := New(ctx, "aws-dev-mlflow", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	route, err := rec.Named("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "aws-dev-mlflow-route")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, route, map[string]interface{}{
		"metadata.namespace":        "mlflow",
		"spec.parentRefs":           []interface{}{map[string]interface{}{"name": "models", "namespace": "serving", "sectionName": "platform"}},
		"spec.hostnames":            []interface{}{"mlflow.platform.mlplatform.internal"},
		"spec.rules[0].backendRefs": []interface{}{map[string]interface{}{"name": "mlflow", "port": 5000.0}},
	})
	hosts := AllowedHosts("mlflow", &Route{Hostname: "mlflow.platform.mlplatform.internal"})
	if got := strings.Join(hosts[len(hosts)-2:], ","); got != "mlflow.platform.mlplatform.internal,mlflow.platform.mlplatform.internal:*" {
		t.Errorf("allowed hosts end %s", got)
	}
	if _, err := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "aws-dev-mlflow-from-envoy-gateway-system"); err != nil {
		t.Error("the gateway's proxies may not reach MLflow:", err)
	}
}
