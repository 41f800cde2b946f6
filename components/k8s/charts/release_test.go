package charts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

// TestInstallRegistersTheProvidersRelease: Install registers the
// provider's Helm Release with the pinned chart, the repository, the
// rollback settings and the values, and nothing else.
func TestInstallRegistersTheProvidersRelease(t *testing.T) {
	cases := map[string]struct {
		chart Chart
		repo  map[string]interface{}
	}{
		"repository chart": {Chart{Repo: "https://charts.example.org", Name: "thing", Version: "1.2.3"}, map[string]interface{}{"repo": "https://charts.example.org"}},
		"OCI chart":        {Chart{Name: "oci://ghcr.io/example/thing", Version: "1.2.3"}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec, err := recorder.Run(func(ctx *pulumi.Context) error {
				_, err := Install(ctx, "rel", tc.chart, "thing", "things", map[string]interface{}{"replicas": 2, "image": map[string]interface{}{"tag": "v1"}})
				return err
			}, recorder.Options{Project: "p", Stack: "s"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := rec.Named(tokens.K8sHelmV3Release, "rel")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]interface{}{
				"name": "thing", "chart": tc.chart.Name, "version": "1.2.3", "namespace": "things",
				"values":        map[string]interface{}{"replicas": 2.0, "image": map[string]interface{}{"tag": "v1"}},
				"atomic":        true,
				"cleanupOnFail": true,
				"maxHistory":    5.0,
				"timeout":       float64(ReleaseTimeoutSeconds),
				"compat":        "true",
			}
			if tc.repo != nil {
				want["repositoryOpts"] = tc.repo
			}
			if !reflect.DeepEqual(r.Inputs, want) {
				t.Errorf("inputs:\n%v\nwant:\n%v", r.Inputs, want)
			}
		})
	}
}

// TestInstallRefusesAnUnpinnedChart: the chart's own check runs first.
func TestInstallRefusesAnUnpinnedChart(t *testing.T) {
	_, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := Install(ctx, "rel", Chart{Repo: "https://x", Name: "a", Version: "latest"}, "a", "ns", nil)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err == nil || !strings.Contains(err.Error(), `chart a: version "latest" is not an exact version`) {
		t.Errorf("err = %v", err)
	}
}

// TestReleaseInputsMatchTheSDK reads the pinned pulumi-kubernetes SDK's
// helm/v3/release.go from the module cache (parsed, not compiled: compiling
// it is what Release avoids) and checks that every input Install sends is
// one of the provider's Release inputs, that the SDK registers the same
// type token, and that it too always sends compat "true". An SDK upgrade
// that renames or drops an input fails here.
func TestReleaseInputsMatchTheSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-kubernetes/sdk/v4").Output()
	if err != nil {
		t.Fatalf("finding the pulumi-kubernetes SDK in the module cache: %v", err)
	}
	file := filepath.Join(strings.TrimSpace(string(out)), "go", "kubernetes", "helm", "v3", "release.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	sdk := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "releaseArgs" {
			return true
		}
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			if field.Tag != nil {
				sdk[reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("pulumi")] = true
			}
		}
		return false
	})
	if len(sdk) == 0 {
		t.Fatalf("%s has no releaseArgs struct", file)
	}
	ours := reflect.TypeOf(releaseInputs{})
	for i := 0; i < ours.NumField(); i++ {
		if tag := ours.Field(i).Tag.Get("pulumi"); !sdk[tag] {
			t.Errorf("input %q is not one of the SDK's Release inputs (%s)", tag, file)
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`ctx.RegisterResource("` + tokens.K8sHelmV3Release + `"`, `args.Compat = pulumi.StringPtr("true")`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("%s no longer contains %s", file, want)
		}
	}
}
