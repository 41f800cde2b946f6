package plan

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// azureType says how an azure-native resource is named and addressed: the
// input holding its name, and the ARM path below the resource group (with
// %s for the name, and for child resources the parent's name input first).
type azureType struct {
	nameKey   string
	parentKey string
	path      string
}

var azureTypes = map[string]azureType{
	"azure-native:resources:ResourceGroup":                                    {nameKey: "resourceGroupName"},
	"azure-native:network:VirtualNetwork":                                     {nameKey: "virtualNetworkName", path: "Microsoft.Network/virtualNetworks/%s"},
	"azure-native:network:Subnet":                                             {nameKey: "subnetName", parentKey: "virtualNetworkName", path: "Microsoft.Network/virtualNetworks/%s/subnets/%s"},
	"azure-native:network:NetworkSecurityGroup":                               {nameKey: "networkSecurityGroupName", path: "Microsoft.Network/networkSecurityGroups/%s"},
	"azure-native:network:PrivateEndpoint":                                    {nameKey: "privateEndpointName", path: "Microsoft.Network/privateEndpoints/%s"},
	"azure-native:network:PrivateZone":                                        {nameKey: "privateZoneName", path: "Microsoft.Network/privateDnsZones/%s"},
	"azure-native:network:VirtualNetworkLink":                                 {nameKey: "virtualNetworkLinkName", parentKey: "privateZoneName", path: "Microsoft.Network/privateDnsZones/%s/virtualNetworkLinks/%s"},
	"azure-native:network:PrivateDnsZoneGroup":                                {nameKey: "privateDnsZoneGroupName", parentKey: "privateEndpointName", path: "Microsoft.Network/privateEndpoints/%s/privateDnsZoneGroups/%s"},
	"azure-native:keyvault:Vault":                                             {nameKey: "vaultName", path: "Microsoft.KeyVault/vaults/%s"},
	"azure-native:keyvault:Key":                                               {nameKey: "keyName", parentKey: "vaultName", path: "Microsoft.KeyVault/vaults/%s/keys/%s"},
	"azure-native:managedidentity:UserAssignedIdentity":                       {nameKey: "resourceName", path: "Microsoft.ManagedIdentity/userAssignedIdentities/%s"},
	"azure-native:managedidentity:FederatedIdentityCredential":                {nameKey: "federatedIdentityCredentialResourceName", parentKey: "resourceName", path: "Microsoft.ManagedIdentity/userAssignedIdentities/%s/federatedIdentityCredentials/%s"},
	"azure-native:operationalinsights:Workspace":                              {nameKey: "workspaceName", path: "Microsoft.OperationalInsights/workspaces/%s"},
	"azure-native:insights:DataCollectionEndpoint":                            {nameKey: "dataCollectionEndpointName", path: "Microsoft.Insights/dataCollectionEndpoints/%s"},
	"azure-native:insights:DataCollectionRule":                                {nameKey: "dataCollectionRuleName", path: "Microsoft.Insights/dataCollectionRules/%s"},
	"azure-native:storage:StorageAccount":                                     {nameKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s"},
	"azure-native:storage:BlobServiceProperties":                              {nameKey: "blobServicesName", parentKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s/blobServices/%s"},
	"azure-native:storage:BlobContainer":                                      {nameKey: "containerName", parentKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s/blobServices/default/containers/%s"},
	"azure-native:containerregistry:Registry":                                 {nameKey: "registryName", path: "Microsoft.ContainerRegistry/registries/%s"},
	"azure-native:containerservice/v20240902preview:ManagedCluster":           {nameKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s"},
	"azure-native:containerservice/v20240902preview:AgentPool":                {nameKey: "agentPoolName", parentKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s/agentPools/%s"},
	"azure-native:containerservice/v20240902preview:MaintenanceConfiguration": {nameKey: "configName", parentKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s/maintenanceConfigurations/%s"},
}

// azureOutputs adds the computed properties of azure-native resources.
func azureOutputs(w World, res *Resource, state resource.PropertyMap, set func(string, interface{}), str func(string) string) string {
	h := hexOf(res.URN, 17)
	rgPrefix := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/", w.SubscriptionID, str("resourceGroupName"))
	switch res.Type {
	case "azure-native:authorization:RoleAssignment":
		name := str("roleAssignmentName")
		if name == "" {
			name = uuidOf(res.URN)
			set("roleAssignmentName", name)
		}
		return str("scope") + "/providers/Microsoft.Authorization/roleAssignments/" + name
	case "azure-native:insights:DiagnosticSetting":
		return str("resourceUri") + "/providers/Microsoft.Insights/diagnosticSettings/" + str("name")
	case "azure-native:resources:Resource":
		// A generic ARM resource: addressed by its provider namespace, type
		// and name (top-level resources only).
		name := str("resourceName")
		set("name", name)
		return rgPrefix + str("resourceProviderNamespace") + "/" + str("resourceType") + "/" + name
	}
	t, ok := azureTypes[res.Type]
	if !ok {
		return "/subscriptions/" + w.SubscriptionID + "/mock/" + h
	}
	name := str(t.nameKey)
	if name == "" {
		name = res.Name + hexOf(res.URN, 7)
		set(t.nameKey, name)
	}
	set("name", name)
	var id string
	switch {
	case res.Type == "azure-native:resources:ResourceGroup":
		id = fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", w.SubscriptionID, name)
	case t.parentKey != "":
		id = rgPrefix + fmt.Sprintf(t.path, str(t.parentKey), name)
	default:
		id = rgPrefix + fmt.Sprintf(t.path, name)
	}
	switch res.Type {
	case "azure-native:keyvault:Vault":
		set("properties", mergeObject(state, "properties", map[string]interface{}{"vaultUri": fmt.Sprintf("https://%s.vault.azure.net/", name)}))
	case "azure-native:keyvault:Key":
		uri := fmt.Sprintf("https://%s.vault.azure.net/keys/%s", str("vaultName"), name)
		set("keyUri", uri)
		set("keyUriWithVersion", uri+"/"+hexOf(res.URN+"version", 32))
	case "azure-native:managedidentity:UserAssignedIdentity":
		set("principalId", uuidOf(res.URN+"principal"))
		set("clientId", uuidOf(res.URN+"client"))
		set("tenantId", w.TenantID)
	case "azure-native:operationalinsights:Workspace":
		set("customerId", uuidOf(res.URN+"customer"))
	case "azure-native:insights:DataCollectionEndpoint":
		set("metricsIngestion", map[string]interface{}{"endpoint": fmt.Sprintf("https://%s-%s.%s-1.metrics.ingest.monitor.azure.com", name, hexOf(res.URN, 4), w.Location)})
	case "azure-native:insights:DataCollectionRule":
		set("immutableId", "dcr-"+hexOf(res.URN+"immutable", 32))
	case "azure-native:storage:StorageAccount":
		set("primaryEndpoints", map[string]interface{}{"blob": fmt.Sprintf("https://%s.blob.core.windows.net/", name)})
	case "azure-native:containerregistry:Registry":
		set("loginServer", strings.ToLower(name)+".azurecr.io")
	case "azure-native:containerservice/v20240902preview:ManagedCluster":
		set("fqdn", fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", str("dnsPrefix"), hexOf(res.URN, 8), w.Location))
		set("privateFQDN", fmt.Sprintf("%s-%s.privatelink.%s.azmk8s.io", str("dnsPrefix"), hexOf(res.URN, 8), w.Location))
		set("oidcIssuerProfile", map[string]interface{}{"enabled": true, "issuerURL": fmt.Sprintf("https://%s.oic.prod-aks.azure.com/%s/%s/", w.Location, w.TenantID, uuidOf(res.URN+"oidc"))})
	}
	return id
}

// mergeObject returns the object input at key with extra properties added.
func mergeObject(state resource.PropertyMap, key string, extra map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	if v, ok := state[resource.PropertyKey(key)]; ok && v.IsObject() {
		for k, e := range v.ObjectValue().Mappable() {
			out[k] = e
		}
	}
	for k, e := range extra {
		out[k] = e
	}
	return out
}

// azureKubeconfig is what listManagedClusterUserCredentials returns in exec
// format: a kubeconfig whose user runs kubelogin with device-code login.
func azureKubeconfig(w World, cluster string) string {
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: https://%[1]s.privatelink.%[2]s.azmk8s.io:443
    certificate-authority-data: TU9DSw==
contexts:
- name: %[1]s
  context: {cluster: %[1]s, user: clusterUser_%[1]s}
current-context: %[1]s
users:
- name: clusterUser_%[1]s
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, %[3]s, --login, devicecode]
`, cluster, w.Location, w.TenantID)
	return base64.StdEncoding.EncodeToString([]byte(cfg))
}
