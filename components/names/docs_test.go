package names

import (
	"flag"
	"testing"

	"github.com/pangea-ai/mlplatform/test/docfile"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/components/names.md from the rules")

// docs/components/names.md is generated from the rules; a stale page fails.
func TestNamesDocIsCurrent(t *testing.T) {
	docfile.Check(t, "../../docs/components/names.md", Markdown(), *updateDocs, "make docs")
}
