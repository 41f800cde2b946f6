package aks

import (
	"gopkg.in/yaml.v3"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/nodepool"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func clusterArgs(publicCIDRs ...string) *ClusterArgs {
	return &ClusterArgs{
		ResourceGroupName: pulumi.String("rg"), Location: "eastus",
		ClusterName: "aks-test", DNSPrefix: "test", NodeResourceGroup: "rg-nodes", KubernetesVersion: "1.35", SKUTier: "Standard",
		TenantID: "tenant", AdminGroupObjectIDs: []string{"6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b"},
		ClusterIdentityID: pulumi.String("id-cluster"), KubeletIdentityID: pulumi.String("id-kubelet"),
		KubeletClientID: pulumi.String("kubelet-client"), KubeletObjectID: pulumi.String("kubelet-object"),
		KMSKeyID: pulumi.String("https://kv.vault.azure.net/keys/aks-kms/v1"), VaultID: pulumi.String("vault-id"),
		NetworkPolicy: "cilium", PodCIDR: "192.168.0.0/16", ServiceCIDR: "172.16.0.0/16", DNSServiceIP: "172.16.0.10",
		APIServerSubnetID: pulumi.String("snet-apiserver"), PublicAccessCIDRs: publicCIDRs,
		UpgradeChannel: "patch", NodeOSUpgradeChannel: "NodeImage",
		Maintenance:      Maintenance{DayOfWeek: "Sunday", StartTime: "02:00", DurationHours: 4},
		LogRetentionDays: 90,
		SystemPool: nodepool.Spec{Name: "system", Kind: nodes.KindSystem, VMSize: "Standard_D4s_v5", MinCount: 2, MaxCount: 4, Count: 2,
			OSDiskSizeGB: 80, SubnetID: pulumi.String("snet-system")},
		Tags: tags.Set{"environment": "prod"},
	}
}

func record(t *testing.T, a *ClusterArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewCluster(ctx, "c", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const clusterType = "azure-native:containerservice/v20240902preview:ManagedCluster"

func TestClusterChildren(t *testing.T) {
	rec := record(t, clusterArgs())
	comp, _ := rec.Named(ClusterType, "c")
	want := []string{
		"azure-native:containerservice/v20240902preview:MaintenanceConfiguration c-aksManagedAutoUpgradeSchedule",
		"azure-native:containerservice/v20240902preview:MaintenanceConfiguration c-aksManagedNodeOSUpgradeSchedule",
		clusterType + " c",
		"azure-native:insights:DiagnosticSetting c-audit",
		"azure-native:operationalinsights:Workspace c",
		"pulumi:providers:kubernetes c",
	}
	if got := rec.ChildSummary(comp.URN); !reflect.DeepEqual(got, want) {
		t.Errorf("children:\n got %v\nwant %v", got, want)
	}
}

func TestClusterSecurityInputs(t *testing.T) {
	rec := record(t, clusterArgs())
	cl, _ := rec.Named(clusterType, "c")
	recorder.AssertInputs(t, cl, map[string]interface{}{
		"identity.type": "UserAssigned", "identity.userAssignedIdentities": []interface{}{"id-cluster"},
		"identityProfile.kubeletidentity.resourceId": "id-kubelet",
		"disableLocalAccounts":                       true, "enableRBAC": true,
		"aadProfile.managed": true, "aadProfile.enableAzureRBAC": true,
		"aadProfile.adminGroupObjectIDs": []interface{}{"6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b"},
		"oidcIssuerProfile.enabled":      true, "securityProfile.workloadIdentity.enabled": true,
		"securityProfile.azureKeyVaultKms.enabled": true, "securityProfile.azureKeyVaultKms.keyId": "https://kv.vault.azure.net/keys/aks-kms/v1",
		"securityProfile.azureKeyVaultKms.keyVaultNetworkAccess": "Private", "securityProfile.azureKeyVaultKms.keyVaultResourceId": "vault-id",
		"networkProfile.networkPlugin": "azure", "networkProfile.networkPluginMode": "overlay",
		"networkProfile.networkPolicy": "cilium", "networkProfile.networkDataplane": "cilium",
		"networkProfile.podCidr": "192.168.0.0/16", "networkProfile.serviceCidr": "172.16.0.0/16", "networkProfile.dnsServiceIP": "172.16.0.10",
		"apiServerAccessProfile.enablePrivateCluster": true, "apiServerAccessProfile.authorizedIPRanges": nil,
		"apiServerAccessProfile.enableVnetIntegration": true, "apiServerAccessProfile.subnetId": "snet-apiserver",
		"autoUpgradeProfile.upgradeChannel": "patch", "autoUpgradeProfile.nodeOSUpgradeChannel": "NodeImage",
		"sku.tier": "Standard", "kubernetesVersion": "1.35",
		"agentPoolProfiles[0].mode": "System", "agentPoolProfiles[0].enableEncryptionAtHost": true,
		"agentPoolProfiles[0].enableNodePublicIP": false,
		"agentPoolProfiles[0].nodeTaints":         []interface{}{"CriticalAddonsOnly=true:NoSchedule"},
	})
	if !reflect.DeepEqual(cl.IgnoreChanges, []string{"agentPoolProfiles[0].count"}) {
		t.Errorf("ignoreChanges = %v", cl.IgnoreChanges)
	}
}

func TestAuthorizedRangesWhenPublic(t *testing.T) {
	cl, _ := record(t, clusterArgs("203.0.113.0/24")).Named(clusterType, "c")
	recorder.AssertInputs(t, cl, map[string]interface{}{
		"apiServerAccessProfile.enablePrivateCluster": false,
		"apiServerAccessProfile.authorizedIPRanges":   []interface{}{"203.0.113.0/24"},
	})
}

func TestAuditLogsAndMaintenance(t *testing.T) {
	rec := record(t, clusterArgs())
	cl, _ := rec.Named(clusterType, "c")
	ws, _ := rec.Named("azure-native:operationalinsights:Workspace", "c")
	diag, _ := rec.Named("azure-native:insights:DiagnosticSetting", "c-audit")
	var cats []string
	for _, l := range diag.In("logs").([]interface{}) {
		m := l.(map[string]interface{})
		if m["enabled"] != true {
			t.Errorf("log category %v disabled", m["category"])
		}
		cats = append(cats, m["category"].(string))
	}
	if !reflect.DeepEqual(cats, AuditLogCategories) || diag.In("resourceUri") != cl.ID || diag.In("workspaceId") != ws.ID {
		t.Errorf("diagnostic setting = %v", diag.In(""))
	}
	recorder.AssertInputs(t, ws, map[string]interface{}{"retentionInDays": 90.0, "sku.name": "PerGB2018"})
	for _, cfg := range MaintenanceConfigs {
		m, _ := rec.Named("azure-native:containerservice/v20240902preview:MaintenanceConfiguration", "c-"+cfg)
		recorder.AssertInputs(t, m, map[string]interface{}{
			"configName": cfg, "resourceName": "aks-test",
			"maintenanceWindow.schedule.weekly.dayOfWeek": "Sunday", "maintenanceWindow.schedule.weekly.intervalWeeks": 1.0,
			"maintenanceWindow.startTime": "02:00", "maintenanceWindow.durationHours": 4.0,
		})
	}
}

func TestKubeconfigIsSecretAndUsesKubelogin(t *testing.T) {
	rec := record(t, clusterArgs())
	prov, _ := rec.Named("pulumi:providers:kubernetes", "c")
	if !prov.IsSecretInput("kubeconfig") {
		t.Fatal("the kubeconfig reaches the provider in plaintext")
	}
	raw, _ := prov.Revealed("kubeconfig").(string)
	var cfg struct {
		Users []struct {
			User struct {
				Exec struct {
					Command string   `yaml:"command"`
					Args    []string `yaml:"args"`
				} `yaml:"exec"`
			} `yaml:"user"`
		} `yaml:"users"`
	}
	if err := yaml.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	wantArgs := []string{"get-token", "--environment", "AzurePublicCloud", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630",
		"--tenant-id", "55555555-6666-7777-8888-999999999999", "--login", "azurecli"}
	if e := cfg.Users[0].User.Exec; e.Command != "kubelogin" || !reflect.DeepEqual(e.Args, wantArgs) || !strings.Contains(raw, "aks-test") {
		t.Errorf("kubeconfig is not set for unattended azurecli login: %+v", e)
	}
	var creds bool
	for _, inv := range rec.Invokes() {
		if inv.Token == "azure-native:containerservice/v20240902preview:listManagedClusterUserCredentials" &&
			inv.Args["format"].StringValue() == "exec" && inv.Args["resourceName"].StringValue() == "aks-test" {
			creds = true
		}
	}
	if !creds {
		t.Error("user credentials were not listed in exec format for the cluster")
	}
}

func TestClusterArgsErrors(t *testing.T) {
	cases := map[string]struct {
		mutate func(*ClusterArgs)
		want   string
	}{
		"open to the internet": {func(a *ClusterArgs) { a.PublicAccessCIDRs = []string{"0.0.0.0/0"} },
			`creating cluster "c": PublicAccessCIDRs: "0.0.0.0/0" must be a CIDR block narrower than the whole internet`},
		"no admin group": {func(a *ClusterArgs) { a.AdminGroupObjectIDs = nil },
			`creating cluster "c": AdminGroupObjectIDs is empty: local accounts are off, so nobody could administer the cluster`},
		"spot system pool": {func(a *ClusterArgs) { a.SystemPool.Spot = true },
			`creating cluster "c": system pool "system": the system pool needs MinCount >= 1 and cannot be spot`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := clusterArgs()
			tc.mutate(a)
			recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
				_, err := NewCluster(ctx, "c", a)
				return err
			}, tc.want)
		})
	}
}
