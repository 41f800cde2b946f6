package docfile

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateReferences = flag.Bool("update", false, "rewrite the generated reference blocks of docs/components")

// componentPages maps each component page to its package.
var componentPages = map[string]string{
	"aws-artifacts.md": "components/aws/artifacts", "aws-eks.md": "components/aws/eks", "aws-irsa.md": "components/aws/irsa",
	"aws-kms.md": "components/aws/kms", "aws-network.md": "components/aws/network", "aws-nodegroup.md": "components/aws/nodegroup",
	"azure-aks.md": "components/azure/aks", "azure-artifacts.md": "components/azure/artifacts", "azure-identity.md": "components/azure/identity",
	"azure-keyvault.md": "components/azure/keyvault", "azure-network.md": "components/azure/network", "azure-nodepool.md": "components/azure/nodepool",
	"k8s-baseline.md": "components/k8s/baseline", "k8s-gpu.md": "components/k8s/gpu", "k8s-monitoring.md": "components/k8s/monitoring",
	"k8s-runners.md": "components/k8s/runners", "k8s-serving.md": "components/k8s/serving", "tags.md": "components/tags",
	"aws-database.md": "components/aws/database", "azure-database.md": "components/azure/database", "k8s-mlflow.md": "components/k8s/mlflow",
	"k8s-notebooks.md": "components/k8s/notebooks",
}

// TestComponentReferencesAreCurrent: each page's reference block (type
// tokens, Args tables, outputs) is what the package's godoc says now; the
// prose around it is hand-written. Rewrite with: make docs
func TestComponentReferencesAreCurrent(t *testing.T) {
	entries, err := os.ReadDir("../../docs/components")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := componentPages[e.Name()]; !ok && e.Name() != "names.md" {
			t.Errorf("docs/components/%s has no package in componentPages", e.Name())
		}
	}
	for page, dir := range componentPages {
		path := filepath.Join("../../docs/components", page)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		i, j := strings.Index(text, Begin), strings.Index(text, End)
		if i < 0 || j < i {
			t.Errorf("%s has no generated reference block", page)
			continue
		}
		want, err := Reference(filepath.Join("../..", dir), "github.com/pangea-ai/mlplatform/"+dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := text[i : j+len(End)]; got != want {
			if *updateReferences {
				if err := os.WriteFile(path, []byte(text[:i]+want+text[j+len(End):]), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("docs/components/%s: the reference block is stale: run make docs", page)
		}
	}
}
