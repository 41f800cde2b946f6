package previews

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/environments"
)

func TestStackNames(t *testing.T) {
	cases := map[string]struct {
		req  Request
		name string
	}{
		"namespace on aws": {Request{PR: 42, Scope: Namespace, Cloud: "aws"}, "aws-pr-42"},
		"full on azure":    {Request{PR: 7, Scope: Full, Cloud: "azure"}, "azure-pr-7-full"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.req.StackName(); got != tc.name {
				t.Fatalf("StackName = %q, want %q", got, tc.name)
			}
			info, ok := ParseStackName("organization/mlplatform/" + tc.name)
			if want := (Info{Cloud: tc.req.Cloud, PR: tc.req.PR, Scope: tc.req.Scope}); !ok || info != want {
				t.Errorf("ParseStackName = %+v, %v; want %+v", info, ok, want)
			}
		})
	}
	for _, notPreview := range []string{"aws-dev", "aws-pr-0", "gcp-pr-1", "aws-pr-12-fullish", "aws-pr-x"} {
		if _, ok := ParseStackName(notPreview); ok {
			t.Errorf("%s read as a preview stack", notPreview)
		}
	}
}

func TestEnvVar(t *testing.T) {
	for key, want := range map[string]string{
		"grafanaAdminPassword": "MLPLAT_GRAFANA_ADMIN_PASSWORD", "githubAppId": "MLPLAT_GITHUB_APP_ID",
	} {
		if got := EnvVar(key); got != want {
			t.Errorf("EnvVar(%s) = %s, want %s", key, got, want)
		}
	}
}

func TestConfig(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	dev, err := environments.Load("..", "dev", environments.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Config(Request{PR: 42, Scope: Namespace, Cloud: "aws", TTL: 48 * time.Hour}, dev, "acme", now, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Value{
		"mlplatform:cloud": {Value: "aws"}, "mlplatform:environment": {Value: "dev"}, "mlplatform:pullRequest": {Value: "42"},
		"mlplatform:expiresAt": {Value: "2026-11-26T10:00:00Z"}, "aws:region": {Value: dev.AWS.Region},
		"mlplatform:scope": {Value: "namespace"}, "mlplatform:baseStack": {Value: "acme/mlplatform/aws-dev"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("namespace config:\n%v\nwant:\n%v", cfg, want)
	}

	preview, err := environments.Load("..", "preview", environments.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MLPLAT_GRAFANA_ADMIN_PASSWORD": "pw", "MLPLAT_GITHUB_APP_ID": "1"}
	_, err = Config(Request{PR: 42, Scope: Full, Cloud: "azure", TTL: time.Hour}, preview, "acme", now, func(k string) string { return env[k] })
	if want := "a full preview needs the values only operators hold; set these environment variables: MLPLAT_MLFLOW_ADMIN_PASSWORD (MLflow's bootstrap administrator password (at least 12 characters)), MLPLAT_MLFLOW_FLASK_SECRET_KEY (the key MLflow signs its CSRF tokens with, shared by every replica), MLPLAT_MLFLOW_DATABASE_PASSWORD (the MLflow database administrator's password (16 or more characters, three of upper, lower, digit, symbol), kept in Key Vault), MLPLAT_JUPYTERHUB_CLIENT_SECRET (the JupyterHub GitHub OAuth app's client secret), MLPLAT_GITHUB_APP_INSTALLATION_ID (the GitHub App's installation on the organisation), MLPLAT_GITHUB_APP_PRIVATE_KEY (the GitHub App's private key (PEM))"; err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	env["MLPLAT_GITHUB_APP_INSTALLATION_ID"], env["MLPLAT_GITHUB_APP_PRIVATE_KEY"] = "2", "pem"
	env["MLPLAT_MLFLOW_ADMIN_PASSWORD"], env["MLPLAT_MLFLOW_FLASK_SECRET_KEY"], env["MLPLAT_MLFLOW_DATABASE_PASSWORD"] = "admin-password", "flask", "Db-password-0123456"
	env["MLPLAT_JUPYTERHUB_CLIENT_SECRET"] = "oauth-secret"
	cfg, err = Config(Request{PR: 42, Scope: Full, Cloud: "azure", TTL: time.Hour}, preview, "acme", now, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg["mlplatform:grafanaAdminPassword"] != (Value{Value: "pw", Secret: true}) || cfg["mlplatform:githubAppId"] != (Value{Value: "1"}) ||
		cfg["mlplatform:environment"].Value != "preview" || cfg["azure-native:location"].Value != preview.Azure.Location || cfg["mlplatform:scope"].Value != "" {
		t.Errorf("full config: %v", cfg)
	}
}

func TestValidate(t *testing.T) {
	if err := (Request{PR: 1, Scope: Full, Cloud: "azure", TTL: 72 * time.Hour}).Validate(72 * time.Hour); err != nil {
		t.Errorf("a valid request: %v", err)
	}
	err := (Request{PR: -1, Scope: "cluster", Cloud: "aws", TTL: 0}).Validate(72 * time.Hour)
	want := "mlplat preview up: 3 problems:\n - --pr -1: must be the pull request's number (1 or more)\n - --scope \"cluster\": must be namespace (the PR's models on the dev cluster) or full (a whole platform)\n - --ttl 0s: must be above 0 and at most 72h0m0s (environments/preview.yaml ephemeral.maxTTL)"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

func TestExpired(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	live := Summary{Name: "aws-pr-1", ExpiresAt: now.Add(time.Minute)}
	past := Summary{Name: "aws-pr-2", ExpiresAt: now.Add(-time.Minute)}
	exact := Summary{Name: "aws-pr-3", ExpiresAt: now}
	unknown := Summary{Name: "aws-pr-4", Problem: "no output"}
	expired, unk := Expired([]Summary{live, past, exact, unknown}, now)
	if !reflect.DeepEqual(expired, []Summary{past, exact}) || !reflect.DeepEqual(unk, []Summary{unknown}) {
		t.Errorf("expired %v, unknown %v", expired, unk)
	}
}

type failingBackend struct{ destroyed []string }

func (f *failingBackend) Up(context.Context, string, map[string]Value, io.Writer) (map[string]interface{}, error) {
	return nil, nil
}
func (f *failingBackend) List(context.Context) ([]Summary, error) { return nil, nil }
func (f *failingBackend) Destroy(_ context.Context, stack string, _ io.Writer) error {
	f.destroyed = append(f.destroyed, stack)
	if stack == "aws-pr-1" {
		return errors.New("resource in use")
	}
	return nil
}

// DestroyAll keeps going past a failure and reports every failure at the end.
func TestDestroyAllReportsEveryFailure(t *testing.T) {
	b := &failingBackend{}
	var out bytes.Buffer
	err := DestroyAll(context.Background(), b, []Summary{{Name: "aws-pr-1"}, {Name: "aws-pr-1-full"}}, &out)
	if !reflect.DeepEqual(b.destroyed, []string{"aws-pr-1", "aws-pr-1-full"}) {
		t.Errorf("destroyed %v", b.destroyed)
	}
	want := "destroying 1 of 2 preview stacks failed; rerun, or destroy by hand with pulumi destroy --remove:\n - aws-pr-1: resource in use"
	if err == nil || err.Error() != want {
		t.Errorf("error %v", err)
	}
}

func TestParseExpiry(t *testing.T) {
	cases := map[string]struct {
		outputs map[string]interface{}
		at      time.Time
		problem string
	}{
		"set":     {map[string]interface{}{"expiresAt": "2026-11-26T10:00:00Z"}, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), ""},
		"missing": {map[string]interface{}{}, time.Time{}, "the stack has no expiresAt output (never deployed, or deployed by an older mlplat)"},
		"garbage": {map[string]interface{}{"expiresAt": "soon"}, time.Time{}, `expiresAt output "soon" is not an RFC 3339 time`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			at, problem := ParseExpiry(tc.outputs)
			if !at.Equal(tc.at) || problem != tc.problem {
				t.Errorf("ParseExpiry = %v, %q", at, problem)
			}
		})
	}
}

func TestChangedModels(t *testing.T) {
	const base = `models:
  - name: fraud-xgb
    format: xgboost
    storageUri: fraud/v3
  - name: defect-detector
    format: pytorch
    storageUri: defects/v7
`
	cases := map[string]struct {
		base, head string
		want       []string
	}{
		"nothing changed":                  {base, base, []string{}},
		"a new version of one model":       {base, strings.Replace(base, "fraud/v3", "fraud/v4", 1), []string{"fraud-xgb"}},
		"a model added":                    {base, base + "  - name: churn\n    format: sklearn\n    storageUri: churn/v1\n", []string{"churn"}},
		"a model removed is not previewed": {base, "models:\n  - name: fraud-xgb\n    format: xgboost\n    storageUri: fraud/v3\n", []string{}},
		"a new file: every model":          {"", base, []string{"fraud-xgb", "defect-detector"}},
		"other sections do not count":      {base, "name: dev\n" + base, []string{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b []byte
			if tc.base != "" {
				b = []byte(tc.base)
			}
			got, err := ChangedModels(b, []byte(tc.head))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ChangedModels = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := ChangedModels([]byte("models: {"), []byte(base)); err == nil || !strings.HasPrefix(err.Error(), "reading the models of the base version: ") {
		t.Errorf("a broken base: %v", err)
	}
}

func TestModelsOnlyForNamespacePreviews(t *testing.T) {
	err := (Request{PR: 1, Scope: Full, Cloud: "aws", TTL: time.Hour, Models: []string{"a"}}).Validate(72 * time.Hour)
	if err == nil || !strings.Contains(err.Error(), "--models or --changed-since: a full preview stands up every model; pick the models only with --scope namespace") {
		t.Errorf("error %v", err)
	}
	dev, err := environments.Load("..", "dev", environments.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Config(Request{PR: 1, Scope: Namespace, Cloud: "aws", TTL: time.Hour, Models: []string{"fraud-xgb", "defect-detector"}}, dev, "o", time.Now(), os.Getenv)
	if err != nil || cfg["mlplatform:previewModels"] != (Value{Value: "fraud-xgb,defect-detector"}) {
		t.Errorf("config %v, %v", cfg["mlplatform:previewModels"], err)
	}
}
