package rules

import (
	"flag"
	"os"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/policies.md from the rules")

const docsPath = "../../docs/policies.md"

// docs/policies.md is generated from the rules; a stale page fails.
// Rewrite with: make docs
func TestPoliciesDocIsCurrent(t *testing.T) {
	want := Markdown()
	if *updateDocs {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run make docs", docsPath)
	}
}
