package upstream

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tgz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range sortedKeys(toAny(files)) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const plainCRD = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"

// TestFetchLaysOutFactsFromChartRepositories fetches two charts, one from
// an https-style chart repository (index.yaml) and one from an OCI registry
// that asks for an anonymous bearer token, both served on loopback, and
// reads the result back through Facts.
func TestFetchLaysOutFactsFromChartRepositories(t *testing.T) {
	web := tgz(t, map[string]string{
		"web/Chart.yaml":                 "apiVersion: v2\nname: web\nversion: 1.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n- name: packed\n  version: 2.0.0\n  alias: pk\n",
		"web/values.yaml":                "replicas: 1\nnodeSelector: {}\n",
		"web/values.schema.json":         `{"type":"object","properties":{"replicas":{"type":"integer"}}}`,
		"web/crds/widgets.yaml":          plainCRD,
		"web/templates/crd-gadgets.yaml": "{{- if .Values.crds }}\n" + strings.Replace(plainCRD, "widgets", "gadgets", 1) + "{{- end }}\n",
		"web/templates/deployment.yaml":  "kind: Deployment\n",
		"web/charts/sub/Chart.yaml":      "name: sub\nversion: 0.1.0\n",
		"web/charts/sub/values.yaml":     "port: 80\n",
		"web/charts/packed-2.0.0.tgz":    string(tgz(t, map[string]string{"packed/Chart.yaml": "name: packed\n", "packed/values.yaml": "mode: fast\n"})),
	})
	api := tgz(t, map[string]string{"api/Chart.yaml": "apiVersion: v2\nname: api\nversion: v2.0.0\n", "api/values.yaml": "image: x\n"})
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(api))

	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/repo/index.yaml":
			fmt.Fprint(w, "apiVersion: v1\nentries:\n  web:\n  - version: 1.1.0\n    urls: [charts/web-1.1.0.tgz]\n  - version: 1.0.0\n    urls: [charts/web-1.0.0.tgz]\n")
		case r.URL.Path == "/src/counters.csv":
			fmt.Fprint(w, "DCGM_FI_DEV_GPU_TEMP, gauge, GPU temperature (in C).\n")
		case r.URL.Path == "/repo/charts/web-1.1.0.tgz":
			w.Write(web)
		case r.URL.Path == "/token":
			if r.URL.Query().Get("scope") != "repository:charts/api:pull" {
				http.Error(w, "bad scope", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, `{"token":"anon"}`)
		case strings.HasPrefix(r.URL.Path, "/v2/charts/api/"):
			if r.Header.Get("Authorization") != "Bearer anon" {
				w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/token",service="test",scope="repository:charts/api:pull"`, srv.URL))
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			switch strings.TrimPrefix(r.URL.Path, "/v2/charts/api/") {
			case "manifests/v2.0.0":
				fmt.Fprintf(w, `{"layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":%q}]}`, digest)
			case "blobs/" + digest:
				w.Write(api)
			case "tags/list":
				fmt.Fprint(w, `{"tags":["v1.0.0","v2.0.0"]}`)
			default:
				http.NotFound(w, r)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	dir := t.TempDir()
	f := &Fetcher{Dir: dir, Client: srv.Client(), Files: map[string]string{"metrics/counters.csv": srv.URL + "/src/counters.csv"}}
	err := f.Fetch([]Pin{
		{Repo: srv.URL + "/repo", Name: "web", Version: "1.1.0"},
		{Name: "oci://" + host + "/charts/api", Version: "v2.0.0"},
		{Repo: srv.URL + "/repo", Name: "web", Version: "9.9.9"},
	})
	if want := "fetching upstream facts: 1 problems:\n - web 9.9.9: " + srv.URL + "/repo/index.yaml lists no version 9.9.9 of web"; err == nil || err.Error() != want {
		t.Errorf("Fetch() = %v, want %q", err, want)
	}
	t.Setenv(EnvDir, "") // make test points it at the real facts
	facts, err := Locate(filepath.Join(dir, "nowhere"))
	if err == nil {
		t.Fatalf("located %s without MLPLAT_UPSTREAM", facts.Dir)
	}
	t.Setenv(EnvDir, dir)
	if facts, err = Locate(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	rel, err := facts.Releases()
	if err != nil {
		t.Fatal(err)
	}
	if !rel["web"].Released("1.0.0") || !rel["web"].Released("1.1.0") || !rel["api"].Released("v1.0.0") || rel["api"].Released("v3.0.0") {
		t.Errorf("releases = %+v", rel)
	}
	cv, err := facts.Values("web", "1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range cv.Check(facts, map[string]interface{}{"replicas": 2, "sub": map[string]interface{}{"port": 8080}, "pk": map[string]interface{}{"mode": "slow", "speed": 1}}, Rules{}) {
		got = append(got, p.String())
	}
	if want := "pk.speed: no such key in web 1.1.0's values.yaml or values.schema.json; nearest real key: pk.mode"; strings.Join(got, "\n") != want {
		t.Errorf("Check() = %q, want %q", got, want)
	}
	set, err := facts.LoadCRDs("web", "1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if names := strings.Join(set.Names(), ","); names != "widgets.example.com" {
		t.Errorf("CRDs = %s, want only the plain file's", names)
	}
	note, err := os.ReadFile(filepath.Join(facts.ChartDir("web", "1.1.0"), "NOT-FETCHED"))
	if err != nil || !strings.Contains(string(note), "web/templates/crd-gadgets.yaml") {
		t.Errorf("NOT-FETCHED = %q, %v; want it to name the templated CRD", note, err)
	}
	if p, err := facts.Metrics("counters.csv"); err != nil {
		t.Errorf("the extra file: %v", err)
	} else if b, _ := os.ReadFile(p); !strings.HasPrefix(string(b), "DCGM_FI_DEV_GPU_TEMP") {
		t.Errorf("counters.csv = %q", b)
	}
	if _, err := facts.Values("api", "v2.0.0"); err != nil {
		t.Errorf("the OCI chart's values: %v", err)
	}
}
