package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/environments"
)

// fakeMLflow answers as MLflow's REST API does for the calls promote makes
// (mlflow/protos/model_registry.proto; proto JSON with snake_case keys,
// errors as {"error_code", "message"} with RESOURCE_DOES_NOT_EXIST as 404
// and an unknown alias as INVALID_PARAMETER_VALUE, 400; mlflow/exceptions.py).
// It checks the basic-auth header MLflow's client sends.
type fakeMLflow struct {
	versions map[string]map[string]interface{} // version -> ModelVersion
	aliases  map[string]string
	uris     map[string]string // version -> artifact_uri
	calls    []string
}

func (f *fakeMLflow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls = append(f.calls, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	if u, p, ok := r.BasicAuth(); !ok || u != "data-scientist" || p != "s3cret-pw" {
		w.Header().Set("WWW-Authenticate", `Basic realm="mlflow"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	reply := func(code int, v interface{}) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	if q.Get("name") != "fraud-xgb" {
		reply(404, map[string]string{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Registered Model with name=" + q.Get("name") + " not found"})
		return
	}
	switch r.URL.Path {
	case "/api/2.0/mlflow/model-versions/get":
		if mv, ok := f.versions[q.Get("version")]; ok {
			reply(200, map[string]interface{}{"model_version": mv})
			return
		}
		reply(404, map[string]string{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Model Version (name=fraud-xgb, version=" + q.Get("version") + ") not found"})
	case "/api/2.0/mlflow/registered-models/alias":
		if v, ok := f.aliases[q.Get("alias")]; ok {
			reply(200, map[string]interface{}{"model_version": f.versions[v]})
			return
		}
		reply(400, map[string]string{"error_code": "INVALID_PARAMETER_VALUE", "message": "Registered model alias " + q.Get("alias") + " not found."})
	case "/api/2.0/mlflow/model-versions/get-download-uri":
		reply(200, map[string]string{"artifact_uri": f.uris[q.Get("version")]})
	default:
		reply(404, map[string]string{"error_code": "ENDPOINT_NOT_FOUND", "message": "no " + r.URL.Path})
	}
}

func newFakeMLflow() *fakeMLflow {
	mv := func(v, status string) map[string]interface{} {
		return map[string]interface{}{
			"name": "fraud-xgb", "version": v, "creation_timestamp": 1764892800000, "last_updated_timestamp": 1764892800000,
			"user_id": "data-scientist", "current_stage": "None", "source": "models:/m-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
			"run_id": "5c2a9b7e0d4f4c1e8a6b3d2f1e0c9b8a", "status": status, "aliases": []string{"champion"},
		}
	}
	return &fakeMLflow{
		versions: map[string]map[string]interface{}{"4": mv("4", "READY"), "5": mv("5", "PENDING_REGISTRATION"), "6": mv("6", "READY")},
		aliases:  map[string]string{"champion": "4"},
		uris: map[string]string{
			"4": "mlflow-artifacts:/1/models/m-0f1e2d3c4b5a69788796a5b4c3d2e1f0/artifacts",
			"6": "s3://someone-elses-bucket/fraud/v9",
		},
	}
}

// promoteRoot is a project root holding a copy of environments/dev.yaml.
func promoteRoot(t *testing.T) (root, file string, original []byte) {
	t.Helper()
	root = t.TempDir()
	original, err := os.ReadFile("../../environments/dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "environments"), 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(root, "environments", "dev.yaml")
	if err := os.WriteFile(file, original, 0o644); err != nil {
		t.Fatal(err)
	}
	return root, file, original
}

func serveMLflow(t *testing.T, f *fakeMLflow) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(f)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPromoteWritesTheRegisteredVersionsPath(t *testing.T) {
	f := newFakeMLflow()
	url := serveMLflow(t, f)
	t.Setenv("MLFLOW_TRACKING_USERNAME", "data-scientist")
	t.Setenv("MLFLOW_TRACKING_PASSWORD", "s3cret-pw")
	for name, flags := range map[string][]string{"by version": {"--version", "4"}, "by alias": {"--alias", "champion"}} {
		t.Run(name, func(t *testing.T) {
			root, file, original := promoteRoot(t)
			f.calls = nil
			code, out, errOut := mlplat(t, append([]string{"promote", "--env", "dev", "--model", "fraud-xgb", "--tracking-uri", url, "--root", root}, flags...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			want := "mlflow/1/models/m-0f1e2d3c4b5a69788796a5b4c3d2e1f0/artifacts"
			got, _ := os.ReadFile(file)
			// Exactly one line changes: the model's storageUri.
			if wantFile := strings.Replace(string(original), "storageUri: fraud/v3\n", "storageUri: "+want+"\n", 1); string(got) != wantFile {
				t.Errorf("environment file changed beyond the storageUri line:\n%s", got)
			}
			env, err := environments.LoadFile(file, environments.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if env.Models[0].StorageURI != want {
				t.Errorf("storageUri = %s", env.Models[0].StorageURI)
			}
			if !strings.Contains(out, "environments/dev.yaml: models[0] fraud-xgb storageUri: fraud/v3 -> "+want) ||
				!strings.Contains(out, "fraud-xgb version 4") || !strings.Contains(out, "run 5c2a9b7e0d4f4c1e8a6b3d2f1e0c9b8a") {
				t.Errorf("output:\n%s", out)
			}
			first := "GET /api/2.0/mlflow/model-versions/get?name=fraud-xgb&version=4"
			if flags[0] == "--alias" {
				first = "GET /api/2.0/mlflow/registered-models/alias?alias=champion&name=fraud-xgb"
			}
			wantCalls := []string{first, "GET /api/2.0/mlflow/model-versions/get-download-uri?name=fraud-xgb&version=4"}
			if strings.Join(f.calls, "\n") != strings.Join(wantCalls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(wantCalls, "\n"))
			}
		})
	}
}

func TestPromoteRefusesAndLeavesTheFile(t *testing.T) {
	f := newFakeMLflow()
	url := serveMLflow(t, f)
	t.Setenv("MLFLOW_TRACKING_USERNAME", "data-scientist")
	t.Setenv("MLFLOW_TRACKING_PASSWORD", "s3cret-pw")
	for name, tc := range map[string]struct {
		flags []string
		code  int
		want  string
	}{
		"a version not registered": {[]string{"--model", "fraud-xgb", "--version", "9"}, exitFailed,
			"reading fraud-xgb version 9 from " + url + ": RESOURCE_DOES_NOT_EXIST (HTTP 404): Model Version (name=fraud-xgb, version=9) not found"},
		"an alias not set": {[]string{"--model", "fraud-xgb", "--alias", "challenger"}, exitFailed,
			"reading fraud-xgb alias challenger from " + url + ": INVALID_PARAMETER_VALUE (HTTP 400): Registered model alias challenger not found."},
		"a version still registering": {[]string{"--model", "fraud-xgb", "--version", "5"}, exitFailed,
			"mlplat promote: fraud-xgb version 5 is PENDING_REGISTRATION, not READY: only a registered version whose files are in place can be served"},
		"files outside the artifact store": {[]string{"--model", "fraud-xgb", "--version", "6"}, exitFailed,
			`mlplat promote: fraud-xgb version 6: its files are at "s3://someone-elses-bucket/fraud/v9", outside the model prefix models/; log and register models through the platform's MLflow server, which keeps them in the model store under mlflow/`},
		"a model the environment does not serve": {[]string{"--model", "churn", "--version", "4"}, exitInvalid,
			"environments/dev.yaml: models: no model \"churn\"; the file's models are fraud-xgb, defect-detector"},
		"both a version and an alias": {[]string{"--model", "fraud-xgb", "--version", "4", "--alias", "champion"}, exitUsage,
			"mlplat promote: give exactly one of --version and --alias"},
	} {
		t.Run(name, func(t *testing.T) {
			root, file, original := promoteRoot(t)
			code, _, errOut := mlplat(t, append([]string{"promote", "--env", "dev", "--tracking-uri", url, "--root", root}, tc.flags...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d with:\n%s", code, errOut, tc.code, tc.want)
			}
			if got, _ := os.ReadFile(file); string(got) != string(original) {
				t.Error("a refused promotion changed the environment file")
			}
		})
	}
	t.Run("wrong credentials", func(t *testing.T) {
		root, _, _ := promoteRoot(t)
		t.Setenv("MLFLOW_TRACKING_PASSWORD", "wrong")
		code, _, errOut := mlplat(t, "promote", "--env", "dev", "--model", "fraud-xgb", "--version", "4", "--tracking-uri", url, "--root", root)
		if code != exitFailed || !strings.Contains(errOut, "HTTP 401") || !strings.Contains(errOut, "MLFLOW_TRACKING_USERNAME") {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
}

func TestStoragePath(t *testing.T) {
	env, err := environments.LoadFile("../../environments/dev.yaml", environments.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for uri, want := range map[string]string{
		"mlflow-artifacts:/1/models/m-abc/artifacts":                                "mlflow/1/models/m-abc/artifacts",
		"mlflow-artifacts://mlflow.mlflow.svc:5000/2/3f4e/artifacts/model/":         "mlflow/2/3f4e/artifacts/model",
		"s3://aws-dev-ac14ec4/models/mlflow/1/models/m-abc/artifacts":               "mlflow/1/models/m-abc/artifacts",
		"wasbs://models@stmlplatformdev.blob.core.windows.net/mlflow/1/m/artifacts": "mlflow/1/m/artifacts",
		"s3://aws-dev-ac14ec4/models/fraud/v3":                                      `outside the mlflow/ folder`,
		"wasbs://other@stmlplatformdev.blob.core.windows.net/mlflow/1":              `outside the models container models`,
		"runs:/5c2a9b7e/model":         `which is not in the artifact store (runs: URIs are not storage)`,
		"mlflow-artifacts:/../secrets": `outside the mlflow/ folder`,
	} {
		got, err := StoragePath(uri, env)
		if err != nil {
			got = err.Error()
		}
		if got != want && !strings.Contains(got, want) {
			t.Errorf("StoragePath(%q) = %q, want %q", uri, got, want)
		}
	}
}
