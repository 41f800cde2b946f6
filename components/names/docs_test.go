package names

import (
	"flag"
	"os"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/components/names.md from the rules")

const docsPath = "../../docs/components/names.md"

// docs/components/names.md is generated from the rules; a stale page fails.
// Rewrite with: make docs
func TestNamesDocIsCurrent(t *testing.T) {
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
