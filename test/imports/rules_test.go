package imports

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportRules holds the whole module to the rules.
func TestImportRules(t *testing.T) {
	imports, err := Scan("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 500 {
		t.Fatalf("read %d imports: the scan missed the module", len(imports))
	}
	for _, v := range Violations(imports) {
		t.Error(v)
	}
}

// TestRulesCatchWhatTheyForbid runs the rules on a small tree laid out as
// the module was before issue 15: a component taking the environment
// file's types, a component test loading an environment file, a product
// package linking testing, and environments importing a component.
func TestRulesCatchWhatTheyForbid(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("components/k8s/serving/model.go", "package serving\nimport \"github.com/pangea-ai/mlplatform/environments\"\n")
	write("components/k8s/baseline/baseline_test.go", "package baseline\nimport (\n\"testing\"\n\"github.com/pangea-ai/mlplatform/environments\"\n)\n")
	write("environments/fit.go", "package environments\nimport \"github.com/pangea-ai/mlplatform/components/k8s/serving\"\n")
	write("plan/assert.go", "package plan\nimport \"testing\"\n")
	write("stacks/x.go", "package stacks\nimport \"github.com/pangea-ai/mlplatform/test/recorder\"\n")
	write("test/recorder/assert.go", "package recorder\nimport \"testing\"\n")
	write("other/go.mod", "module other\n")
	write("other/x.go", "package other\nimport \"testing\"\n")
	imports, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	got := Violations(imports)
	want := []string{
		"cmd/mlplat -> test/recorder no longer occurs: remove it from imports.Pending (the recording engine moves to plan/ (issue 15, item 3))",
		"components/k8s/baseline/baseline_test.go imports environments: components take their own args and never import the environment file, the program, the policies or the commands",
		"components/k8s/serving/model.go imports environments: components take their own args and never import the environment file, the program, the policies or the commands",
		"environments/fit.go imports components/k8s/serving: environments may use the shared vocabulary (components/catalog, components/nodes, components/k8s/workload) and no component",
		"plan/assert.go imports testing: product code never links the testing package; test helpers live under test/ or in _test.go files",
		"stacks/x.go imports test/recorder: product code never imports test code",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
