package mlflow

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is what start.py runs in place of `mlflow server` here: it
// records the environment and auth file it was given, then waits for a
// signal, as the server would.
const fakeServer = `
import json, os, signal, sys
out = sys.argv[1]
with open(os.environ["MLFLOW_AUTH_CONFIG_PATH"]) as f:
    ini = f.read()
mode = oct(os.stat(os.environ["MLFLOW_AUTH_CONFIG_PATH"]).st_mode & 0o777)
with open(out + ".tmp", "w") as f:
    json.dump({"uri": os.environ["MLFLOW_BACKEND_STORE_URI"], "ini": ini, "mode": mode}, f)
os.rename(out + ".tmp", out)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
signal.pause()
`

// TestStartScriptReadsRotatesAndCreatesTheMetricsUser runs start.py with
// python3 against a credentials file and a local stand-in for the server's
// user API. It proves the URI and auth file start.py writes (escaping
// included), the metrics user it creates with the admin's credentials,
// and that a rotated password stops the server so the kubelet restarts
// it. It does not prove the boto3 or azure-identity paths, which need the
// image and a cloud.
func TestStartScriptReadsRotatesAndCreatesTheMetricsUser(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: start.py's behaviour is not checked on this machine")
	}
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	writeCreds := func(pw string) {
		b, _ := json.Marshal(map[string]string{"username": "mlflow", "password": pw})
		if err := os.WriteFile(creds+".tmp", b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(creds+".tmp", creds); err != nil {
			t.Fatal(err)
		}
	}
	writeCreds("p@ss%word:/")

	var mu sync.Mutex
	var calls []string
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+body["username"]+":"+body["password"])
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"user":{}}`))
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api.Listener = ln
	api.Start()
	defer api.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)

	script := filepath.Join(dir, "start.py")
	if err := os.WriteFile(script, []byte(StartScript()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "server.json")
	cmd := exec.Command(python, script, python, "-c", fakeServer, out)
	cmd.Env = append(os.Environ(),
		"MLPLATFORM_DB_SECRET_SOURCE=file", "MLPLATFORM_DB_SECRET="+creds,
		"MLPLATFORM_DB_HOST=db.internal", "MLPLATFORM_DB_PORT=5432", "MLPLATFORM_DB_NAME=mlflow",
		"MLPLATFORM_RUN_DIR="+dir, "MLPLATFORM_PORT="+port, "MLPLATFORM_DB_SECRET_POLL_SECONDS=0.3",
		"MLPLATFORM_DEFAULT_PERMISSION=READ",
		"MLPLATFORM_METRICS_USERNAME=prometheus", "MLPLATFORM_METRICS_PASSWORD=scrape-pw",
		"MLFLOW_AUTH_ADMIN_USERNAME=admin", "MLFLOW_AUTH_ADMIN_PASSWORD=admin%pw-123",
	)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if ok() {
				return
			}
		}
		_ = cmd.Process.Kill()
		t.Fatalf("timed out waiting for %s; start.py said:\n%s", what, logs.String())
	}
	wait("the server to start", func() bool { _, err := os.Stat(out); return err == nil })
	wait("the metrics user", func() bool { mu.Lock(); defer mu.Unlock(); return len(calls) > 0 })

	var got struct{ URI, INI, Mode string }
	b, _ := os.ReadFile(out)
	_ = json.Unmarshal(b, &got)
	if want := "postgresql+psycopg2://mlflow:p%40ss%25word%3A%2F@db.internal:5432/mlflow?sslmode=require"; got.URI != want {
		t.Errorf("backend store URI\n got %s\nwant %s", got.URI, want)
	}
	wantINI := "[mlflow]\ndefault_permission = READ\n" +
		"database_uri = postgresql+psycopg2://mlflow:p%%40ss%%25word%%3A%%2F@db.internal:5432/mlflow?sslmode=require\n" +
		"admin_username = admin\nadmin_password = admin%%pw-123\n"
	if got.INI != wantINI || got.Mode != "0o600" {
		t.Errorf("auth file (mode %s)\n got %q\nwant %q", got.Mode, got.INI, wantINI)
	}
	mu.Lock()
	first := calls[0]
	mu.Unlock()
	wantCall := "POST /api/2.0/mlflow/users/create Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin%pw-123")) + " prometheus:scrape-pw"
	if first != wantCall {
		t.Errorf("metrics user call\n got %s\nwant %s", first, wantCall)
	}

	writeCreds("rotated")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("start.py exited with %v after a rotation, want 0 so the kubelet restarts it; it said:\n%s", err, logs.String())
		}
		if !strings.Contains(logs.String(), "the database password was rotated") {
			t.Errorf("start.py did not say why it stopped:\n%s", logs.String())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("start.py kept running after the password was rotated:\n%s", logs.String())
	}
}
