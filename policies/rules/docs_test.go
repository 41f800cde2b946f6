package rules

import (
	"flag"
	"testing"

	"github.com/pangea-ai/mlplatform/test/docfile"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/policies.md from the rules")

// docs/policies.md is generated from the rules; a stale page fails.
func TestPoliciesDocIsCurrent(t *testing.T) {
	docfile.Check(t, "../../docs/policies.md", Markdown(), *updateDocs, "make docs")
}
