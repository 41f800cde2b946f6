//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/azure"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// requireAzure skips the test, naming what is missing, unless everything a
// real Azure deployment needs is present.
func requireAzure(t *testing.T) (subscription, cidr, adminGroup string) {
	t.Helper()
	var missing []string
	for _, bin := range []string{"pulumi", "az", "kubelogin"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, "the "+bin+" CLI")
		}
	}
	subscription = os.Getenv("ARM_SUBSCRIPTION_ID")
	if subscription == "" || os.Getenv("ARM_TENANT_ID") == "" {
		missing = append(missing, "Azure credentials (ARM_SUBSCRIPTION_ID and ARM_TENANT_ID, with ARM_CLIENT_ID and OIDC or az login)")
	}
	cidr = os.Getenv("MLPLAT_IT_PUBLIC_CIDR")
	if cidr == "" {
		missing = append(missing, "MLPLAT_IT_PUBLIC_CIDR (this runner's egress CIDR, for the API and the Key Vault firewall)")
	}
	adminGroup = os.Getenv("MLPLAT_IT_ADMIN_GROUP_ID")
	if adminGroup == "" {
		missing = append(missing, "MLPLAT_IT_ADMIN_GROUP_ID (an Entra ID group this runner is in; it gets cluster admin)")
	}
	if len(missing) > 0 {
		t.Skipf("skipping: a real Azure deployment needs %s", strings.Join(missing, ", "))
	}
	return subscription, cidr, adminGroup
}

// TestAccAzurePlatform deploys an ephemeral azure-<random> stack of the dev
// environment, checks it with terratest's azure and k8s modules, proves a
// second preview is empty, and destroys it.
func TestAccAzurePlatform(t *testing.T) {
	subscription, cidr, adminGroup := requireAzure(t)
	workDir := t.TempDir()
	config := auto.ConfigMap{
		"mlplatform:environment":     {Value: "dev"},
		"mlplatform:cloud":           {Value: "azure"},
		"mlplatform:environmentFile": {Value: azureDevEnvironmentFor(t, workDir, cidr, adminGroup)},
		"azure-native:location":      {Value: "eastus"},
	}
	deployCheckDestroy(t, "azure", workDir, config, func(outputs auto.OutputMap) {
		rg := outputs["resourceGroup"].Value.(string)
		account := outputs["storageAccount"].Value.(string)
		if !azure.StorageAccountExists(t, account, rg, subscription) || azure.GetStorageAccountKind(t, account, rg, subscription) != "StorageV2" {
			t.Errorf("storage account %s missing or not StorageV2", account)
		}
		if azure.GetStorageBlobContainerPublicAccess(t, "models", account, rg, subscription) {
			t.Error("the models container allows public access")
		}
		cluster, err := azure.GetManagedClusterE(t, rg, outputs["clusterName"].Value.(string), subscription)
		if err != nil {
			t.Fatal(err)
		}
		if cluster.ManagedClusterProperties == nil || cluster.ManagedClusterProperties.EnableRBAC == nil || !*cluster.ManagedClusterProperties.EnableRBAC {
			t.Errorf("cluster RBAC is not on: %+v", cluster.ManagedClusterProperties)
		}
		checkNodes(t, workDir, outputs["kubeconfig"].Value.(string))
	})
}

// azureDevEnvironmentFor writes a copy of environments/dev.yaml whose API and
// Key Vault admit this runner and whose admin group is the runner's.
func azureDevEnvironmentFor(t *testing.T, dir, cidr, adminGroup string) string {
	data, err := os.ReadFile(filepath.Join(projectRoot, "environments", "dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(data), `["203.0.113.0/24"]`, fmt.Sprintf("[%q]", cidr))
	doc = strings.Replace(doc, "6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b", adminGroup, 1)
	path := filepath.Join(dir, "dev.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
