//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
// environment, checks it through Azure Resource Manager (az rest) and terratest's k8s module, proves a
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
		group := "/subscriptions/" + subscription + "/resourceGroups/" + rg
		var sa struct{ Kind string }
		armGet(t, group+"/providers/Microsoft.Storage/storageAccounts/"+account, storageAPI, &sa)
		if sa.Kind != "StorageV2" {
			t.Errorf("storage account %s is of kind %q, want StorageV2", account, sa.Kind)
		}
		var container struct {
			Properties struct{ PublicAccess string }
		}
		armGet(t, group+"/providers/Microsoft.Storage/storageAccounts/"+account+"/blobServices/default/containers/models", storageAPI, &container)
		if container.Properties.PublicAccess != "None" {
			t.Errorf("the models container's public access is %q, want None", container.Properties.PublicAccess)
		}
		var cluster struct {
			Properties struct {
				EnableRBAC *bool `json:"enableRBAC"`
			}
		}
		armGet(t, group+"/providers/Microsoft.ContainerService/managedClusters/"+outputs["clusterName"].Value.(string), aksAPI, &cluster)
		if cluster.Properties.EnableRBAC == nil || !*cluster.Properties.EnableRBAC {
			t.Errorf("cluster RBAC is not on: %+v", cluster.Properties)
		}
		checkNodes(t, workDir, outputs["kubeconfig"].Value.(string))
	})
}

// ARM API versions the checks read with, those the azure-native SDK's
// modules default to (pulumi-azure-native-sdk storage/v2 v2.92.0
// storageAccount.go and blobContainer.go; containerservice/v2 v2.82.0
// managedCluster.go).
const (
	storageAPI = "2022-09-01"
	aksAPI     = "2023-04-01"
)

// armGet reads one Azure Resource Manager resource by id into out with
// `az rest`, as the runner's az login sees it, and fails the test if it
// cannot. The checks go through the az CLI the test needs anyway rather
// than terratest's azure module, whose legacy Azure SDK packages (75 of
// them) every cold compile of these tests otherwise built.
func armGet(t *testing.T, id, apiVersion string, out interface{}) {
	t.Helper()
	cmd := exec.Command("az", "rest", "--method", "get", "--url", "https://management.azure.com"+id+"?api-version="+apiVersion)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("az rest GET %s: %v: %s", id, err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("reading %s: %v", id, err)
	}
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
