package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
)

// BenchmarkPlanModels measures a whole offline plan of aws-staging and
// azure-staging with 10, 100 and 1,000 models, each a copy of the
// environment's first model under its own name and storage path; one in ten
// keeps its monitoring (an Azure storage account's lifecycle policy holds a
// rule for at most 100 monitored models, and prod requires monitoring on
// every model, so prod stops at 100 models on Azure). ns/op divided by the
// model count, between two sizes, is what one more model costs:
//
//	go test -run '^$' -bench PlanModels -benchtime 3x ./cmd/mlplat
//
// docs/build-and-plan-cost.md records the figures.
func BenchmarkPlanModels(b *testing.B) {
	root, _ := filepath.Abs("../..")
	for _, stack := range []string{"aws-staging", "azure-staging"} {
		for _, n := range []int{10, 100, 1000} {
			file := writeScaledEnvironment(b, filepath.Join(root, "environments", "staging.yaml"), n)
			b.Run(fmt.Sprintf("%s/models=%d", stack, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p, err := buildPlan(planFlags{stack: stack, root: root, envFile: file}, time.Now())
					if err != nil {
						b.Fatal(err)
					}
					if got := countModels(p.Doc.Resources); got != n {
						b.Fatalf("the plan serves %d models, want %d", got, n)
					}
				}
			})
		}
	}
}

// TestScaledEnvironmentPlansEveryModel checks the benchmark's input: the
// generated file with 25 models is valid, every model becomes an
// InferenceService and the plan has no mandatory violation, so the
// benchmark measures a plan that would pass, not a refused one.
func TestScaledEnvironmentPlansEveryModel(t *testing.T) {
	root, _ := filepath.Abs("../..")
	file := writeScaledEnvironment(t, filepath.Join(root, "environments", "staging.yaml"), 25)
	for _, stack := range []string{"aws-staging", "azure-staging"} {
		p, err := buildPlan(planFlags{stack: stack, root: root, envFile: file}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got := countModels(p.Doc.Resources); got != 25 {
			t.Errorf("%s: the plan serves %d models, want 25", stack, got)
		}
		for _, v := range p.Doc.Violations {
			if v.Level == "mandatory" {
				t.Errorf("%s: %s: %s", stack, v.Policy, v.Message)
			}
		}
	}
}

// countModels counts the InferenceServices a plan creates.
func countModels(resources []*plan.Resource) int {
	n := 0
	for _, r := range resources {
		if r.Type == tokens.K8sKServeInferenceService {
			n++
		}
	}
	return n
}

// writeScaledEnvironment writes a copy of the environment file at src whose
// models list holds n copies of its first model, named model-0000 on, each
// with its own storage path, monitoring only every tenth, and returns the
// copy's path.
func writeScaledEnvironment(tb testing.TB, src string, n int) string {
	tb.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	models := mappingValue(doc.Content[0], "models")
	if models == nil || len(models.Content) == 0 {
		tb.Fatalf("%s has no models to copy", src)
	}
	first := models.Content[0]
	models.Content = nil
	for i := 0; i < n; i++ {
		m := deepCopy(first)
		mappingValue(m, "name").Value = fmt.Sprintf("model-%04d", i)
		mappingValue(m, "storageUri").Value = fmt.Sprintf("bench/model-%04d", i)
		if i%10 != 0 {
			dropKey(m, "monitoring")
		}
		models.Content = append(models.Content, m)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		tb.Fatal(err)
	}
	file := filepath.Join(tb.TempDir(), filepath.Base(src))
	if err := os.WriteFile(file, out, 0o644); err != nil {
		tb.Fatal(err)
	}
	return file
}

// dropKey removes key and its value from mapping node m.
func dropKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = nil
	for _, child := range n.Content {
		c.Content = append(c.Content, deepCopy(child))
	}
	return &c
}
