package imports

import (
	"os"
	"os/exec"
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
// package linking testing, environments importing a component, and the
// command importing the test-only recorder (allowed here as pending).
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
	write("stacks/y.go", "package stacks\nimport \"github.com/pangea-ai/mlplatform/plan/stackfile\"\n")
	write("stacks/y_test.go", "package stacks\nimport \"github.com/pangea-ai/mlplatform/plan/stackfile\"\n")
	write("test/recorder/assert.go", "package recorder\nimport \"testing\"\n")
	write("other/go.mod", "module other\n")
	write("other/x.go", "package other\nimport \"testing\"\n")
	write("cmd/mlplat/plan.go", "package main\nimport \"github.com/pangea-ai/mlplatform/test/recorder\"\n")
	imports, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	saved := Pending
	defer func() { Pending = saved }()
	Pending = map[string]string{
		"cmd/mlplat -> test/recorder": "allowed until a move",
		"stacks -> test/standin":      "a stale entry",
	}
	got := Violations(imports)
	want := []string{
		"components/k8s/baseline/baseline_test.go imports environments: components take their own args and never import the environment file, the program, the policies, the plan or the commands",
		"components/k8s/serving/model.go imports environments: components take their own args and never import the environment file, the program, the policies, the plan or the commands",
		"environments/fit.go imports components/k8s/serving: environments may use the shared vocabulary (" + strings.Join(Vocabulary, ", ") + ") and no component",
		"plan/assert.go imports testing: product code never links the testing package; test helpers live under test/ or in _test.go files",
		"stacks -> test/standin no longer occurs: remove it from imports.Pending (a stale entry)",
		"stacks/x.go imports test/recorder: product code never imports test code",
		"stacks/y.go imports plan/stackfile: the program never imports the commands, the offline plan or the preview lifecycle (its tests may run it under the plan)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProductLinksNoTesting: nothing the command, the program or the plan
// links, however indirectly, is the testing package.
func TestProductLinksNoTesting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../../cmd/mlplat", "../../stacks", "../../plan/...", "../../policies/pack").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "testing" || strings.HasPrefix(dep, Module+"/test/") {
			t.Errorf("the product links %s", dep)
		}
	}
}
