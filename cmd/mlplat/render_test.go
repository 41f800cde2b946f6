package main

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
)

var updateRendered = flag.Bool("update", false, "rewrite test/golden/rendered from the current program")

// TestRenderedManifestsMatchGolden renders the dev stacks and compares every
// file with test/golden/rendered/<stack>: a change to any Kubernetes object
// or Helm value shows in review. Rewrite with: go test ./cmd/mlplat -run Rendered -update
func TestRenderedManifestsMatchGolden(t *testing.T) {
	for _, stack := range []string{"aws-dev", "azure-dev"} {
		t.Run(stack, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := mlplat(t, "render", "--stack", stack, "--out", dir, "--root", "../..")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden := filepath.Join("..", "..", "test", "golden", "rendered", stack)
			if *updateRendered {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(golden, os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
			}
			got, want := readDir(t, dir), readDir(t, golden)
			for name, body := range want {
				if got[name] != body {
					t.Errorf("%s/%s differs from the rendered output (missing or changed); review, then rerun with -update", golden, name)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s is rendered but not in %s; review, then rerun with -update", name, golden)
				}
			}
		})
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (create the golden files with -update)", err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func TestRenderOrderAndContent(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := mlplat(t, "render", "--stack", "aws-dev", "--out", dir, "--root", "../.."); code != exitOK {
		t.Fatal(stderr)
	}
	files := readDir(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	// Namespaces come first, so every namespaced object finds its namespace.
	for i, want := range []string{"001-namespace-arc-system.yaml", "002-namespace-cert-manager.yaml", "003-namespace-envoy-gateway-system.yaml",
		"004-namespace-gpu.yaml", "005-namespace-kserve.yaml", "006-namespace-mlflow.yaml", "007-namespace-monitoring.yaml", "008-namespace-notebooks.yaml",
		"009-namespace-runners.yaml", "010-namespace-serving.yaml"} {
		if names[i] != want {
			t.Errorf("file %d = %s, want %s", i, names[i], want)
		}
	}
	if !strings.HasPrefix(files["004-namespace-gpu.yaml"], "apiVersion: v1\nkind: Namespace\n") {
		t.Errorf("namespace manifest = %s", files["004-namespace-gpu.yaml"])
	}
	// Custom resources come after everything they refer to, and secrets
	// are never written out.
	last := names[len(names)-2] // before helm-releases.yaml
	if !strings.Contains(last, "-prometheusrule-") && !strings.Contains(last, "-podmonitor-") {
		t.Errorf("last object = %s, want a monitoring custom resource", last)
	}
	for n, body := range files {
		if strings.Contains(n, "-secret-") && (strings.Contains(body, "offline-placeholder") || !strings.Contains(body, "[secret]")) {
			t.Errorf("%s shows secret data:\n%s", n, body)
		}
	}
	policy := ""
	for n, body := range files {
		if strings.Contains(n, "networkpolicy-serving-default-deny") {
			policy = body
		}
	}
	if !strings.HasPrefix(policy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n") {
		t.Errorf("network policy manifest = %q", policy)
	}
	if r := files["helm-releases.yaml"]; !strings.Contains(r, "chart: nvidia-device-plugin") || !strings.Contains(r, "version: "+charts.NVIDIADevicePlugin.Version) {
		t.Errorf("helm-releases.yaml lacks the device plugin:\n%s", r)
	}
}

func TestAPIVersionKind(t *testing.T) {
	for token, want := range map[string][2]string{
		"kubernetes:core/v1:Namespace":                          {"v1", "Namespace"},
		"kubernetes:networking.k8s.io/v1:NetworkPolicy":         {"networking.k8s.io/v1", "NetworkPolicy"},
		"kubernetes:scheduling.k8s.io/v1:PriorityClass":         {"scheduling.k8s.io/v1", "PriorityClass"},
		"kubernetes:serving.kserve.io/v1beta1:InferenceService": {"serving.kserve.io/v1beta1", "InferenceService"},
	} {
		v, k, err := apiVersionKind(token)
		if err != nil || v != want[0] || k != want[1] {
			t.Errorf("apiVersionKind(%s) = %s %s %v, want %v", token, v, k, err, want)
		}
	}
	if _, _, err := apiVersionKind("aws:s3/bucketV2:BucketV2:x"); err == nil {
		t.Error("a malformed token was accepted")
	}
}

func TestRenderUsage(t *testing.T) {
	code, _, stderr := mlplat(t, "render", "--stack", "aws-dev")
	if code != exitUsage || !strings.HasPrefix(stderr, "mlplat render: --stack and --out are required\n") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}
