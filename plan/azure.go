package plan

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/pangea-ai/mlplatform/components/tokens"
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
	tokens.AzureResourcesResourceGroup:              {nameKey: "resourceGroupName"},
	tokens.AzureNetworkVirtualNetwork:               {nameKey: "virtualNetworkName", path: "Microsoft.Network/virtualNetworks/%s"},
	tokens.AzureNetworkSubnet:                       {nameKey: "subnetName", parentKey: "virtualNetworkName", path: "Microsoft.Network/virtualNetworks/%s/subnets/%s"},
	tokens.AzureNetworkSecurityGroup:                {nameKey: "networkSecurityGroupName", path: "Microsoft.Network/networkSecurityGroups/%s"},
	tokens.AzureNetworkPrivateEndpoint:              {nameKey: "privateEndpointName", path: "Microsoft.Network/privateEndpoints/%s"},
	tokens.AzureNetworkPrivateZone:                  {nameKey: "privateZoneName", path: "Microsoft.Network/privateDnsZones/%s"},
	tokens.AzureNetworkVirtualNetworkLink:           {nameKey: "virtualNetworkLinkName", parentKey: "privateZoneName", path: "Microsoft.Network/privateDnsZones/%s/virtualNetworkLinks/%s"},
	tokens.AzureNetworkPrivateDnsZoneGroup:          {nameKey: "privateDnsZoneGroupName", parentKey: "privateEndpointName", path: "Microsoft.Network/privateEndpoints/%s/privateDnsZoneGroups/%s"},
	tokens.AzureKeyVault:                            {nameKey: "vaultName", path: "Microsoft.KeyVault/vaults/%s"},
	tokens.AzureKeyVaultKey:                         {nameKey: "keyName", parentKey: "vaultName", path: "Microsoft.KeyVault/vaults/%s/keys/%s"},
	tokens.AzureKeyVaultSecret:                      {nameKey: "secretName", parentKey: "vaultName", path: "Microsoft.KeyVault/vaults/%s/secrets/%s"},
	tokens.AzureIdentityUserAssignedIdentity:        {nameKey: "resourceName", path: "Microsoft.ManagedIdentity/userAssignedIdentities/%s"},
	tokens.AzureIdentityFederatedIdentityCredential: {nameKey: "federatedIdentityCredentialResourceName", parentKey: "resourceName", path: "Microsoft.ManagedIdentity/userAssignedIdentities/%s/federatedIdentityCredentials/%s"},
	tokens.AzureOperationalInsightsWorkspace:        {nameKey: "workspaceName", path: "Microsoft.OperationalInsights/workspaces/%s"},
	tokens.AzureInsightsDataCollectionEndpoint:      {nameKey: "dataCollectionEndpointName", path: "Microsoft.Insights/dataCollectionEndpoints/%s"},
	tokens.AzureInsightsDataCollectionRule:          {nameKey: "dataCollectionRuleName", path: "Microsoft.Insights/dataCollectionRules/%s"},
	tokens.AzureStorageAccount:                      {nameKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s"},
	tokens.AzureStorageBlobServiceProperties:        {nameKey: "blobServicesName", parentKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s/blobServices/%s"},
	tokens.AzureStorageBlobContainer:                {nameKey: "containerName", parentKey: "accountName", path: "Microsoft.Storage/storageAccounts/%s/blobServices/default/containers/%s"},
	tokens.AzureRegistry:                            {nameKey: "registryName", path: "Microsoft.ContainerRegistry/registries/%s"},
	tokens.AzureAKSManagedCluster:                   {nameKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s"},
	tokens.AzureAKSAgentPool:                        {nameKey: "agentPoolName", parentKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s/agentPools/%s"},
	tokens.AzureAKSMaintenanceConfiguration:         {nameKey: "configName", parentKey: "resourceName", path: "Microsoft.ContainerService/managedClusters/%s/maintenanceConfigurations/%s"},
}

// azureOutputs adds the computed properties of azure-native resources.
func azureOutputs(w World, res *Resource, state resource.PropertyMap, set func(string, interface{}), str func(string) string) string {
	h := hexOf(res.URN, 17)
	rgPrefix := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/", w.SubscriptionID, str("resourceGroupName"))
	switch res.Type {
	case tokens.AzureAuthorizationRoleAssignment:
		name := str("roleAssignmentName")
		if name == "" {
			name = uuidOf(res.URN)
			set("roleAssignmentName", name)
		}
		return str("scope") + "/providers/Microsoft.Authorization/roleAssignments/" + name
	case tokens.AzureInsightsDiagnosticSetting:
		return str("resourceUri") + "/providers/Microsoft.Insights/diagnosticSettings/" + str("name")
	case tokens.AzureResourcesResource:
		// A generic ARM resource: addressed by its provider namespace, its
		// parent's path (type/name pairs, for a child resource), its type
		// and name.
		name := str("resourceName")
		set("name", name)
		parent := str("parentResourcePath")
		if parent != "" {
			parent += "/"
		}
		id := rgPrefix + str("resourceProviderNamespace") + "/" + parent + str("resourceType") + "/" + name
		if str("resourceType") == "flexibleServers" {
			set("properties", mergeObject(state, "properties", map[string]interface{}{
				"fullyQualifiedDomainName": name + ".postgres.database.azure.com", "state": "Ready",
			}))
		}
		return id
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
	case res.Type == tokens.AzureResourcesResourceGroup:
		id = fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", w.SubscriptionID, name)
	case t.parentKey != "":
		id = rgPrefix + fmt.Sprintf(t.path, str(t.parentKey), name)
	default:
		id = rgPrefix + fmt.Sprintf(t.path, name)
	}
	switch res.Type {
	case tokens.AzureKeyVault:
		set("properties", mergeObject(state, "properties", map[string]interface{}{"vaultUri": fmt.Sprintf("https://%s.vault.azure.net/", name)}))
	case tokens.AzureKeyVaultKey:
		uri := fmt.Sprintf("https://%s.vault.azure.net/keys/%s", str("vaultName"), name)
		set("keyUri", uri)
		set("keyUriWithVersion", uri+"/"+hexOf(res.URN+"version", 32))
	case tokens.AzureIdentityUserAssignedIdentity:
		set("principalId", uuidOf(res.URN+"principal"))
		set("clientId", uuidOf(res.URN+"client"))
		set("tenantId", w.TenantID)
	case tokens.AzureOperationalInsightsWorkspace:
		set("customerId", uuidOf(res.URN+"customer"))
	case tokens.AzureInsightsDataCollectionEndpoint:
		set("metricsIngestion", map[string]interface{}{"endpoint": fmt.Sprintf("https://%s-%s.%s-1.metrics.ingest.monitor.azure.com", name, hexOf(res.URN, 4), w.Location)})
	case tokens.AzureInsightsDataCollectionRule:
		set("immutableId", "dcr-"+hexOf(res.URN+"immutable", 32))
	case tokens.AzureStorageAccount:
		set("primaryEndpoints", map[string]interface{}{"blob": fmt.Sprintf("https://%s.blob.core.windows.net/", name)})
	case tokens.AzureRegistry:
		set("loginServer", strings.ToLower(name)+".azurecr.io")
	case tokens.AzureAKSManagedCluster:
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
