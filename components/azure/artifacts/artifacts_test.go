package artifacts

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func record(t *testing.T, sku string, keyAccess bool) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		var access []pulumi.Resource
		if keyAccess {
			ra, err := roles.Assign(ctx, "key-access", "sub", roles.Assignment{PrincipalID: pulumi.String("storage"), PrincipalType: roles.ServicePrincipal, Role: roles.KeyVaultCryptoServiceEncryptionUser, Scope: pulumi.String("vault")})
			if err != nil {
				return err
			}
			access = append(access, ra)
		}
		_, err := NewArtifacts(ctx, "art", &ArtifactsArgs{
			ResourceGroupName: pulumi.String("rg"), Location: "eastus", SubscriptionID: "sub",
			StorageAccountName: "stmlplattest", RegistryName: "acrmlplattest", ZoneRedundant: true,
			StorageIdentityID: pulumi.String("id-storage"), KeyVaultURI: pulumi.String("https://kv.vault.azure.net/"), KeyName: pulumi.String("storage-cmk"),
			KeyAccess: access, AllowedCIDRs: []string{"203.0.113.0/24"},
			EndpointSubnetID: pulumi.String("snet-endpoints"), BlobZoneID: pulumi.String("zone-blob"),
			RegistrySKU: sku, UntaggedRetentionDays: 14, IdentityPrefix: "id-s", KubeletPrincipalID: pulumi.String("kubelet"), Protect: true, Tags: tags.Set{"environment": "prod"},
		})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestStorageAccountControls(t *testing.T) {
	rec := record(t, "Premium", true)
	st, _ := rec.Named("azure-native:storage:StorageAccount", "art")
	recorder.AssertInputs(t, st, map[string]interface{}{
		"accountName": "stmlplattest", "kind": "StorageV2", "sku.name": "Standard_ZRS",
		"minimumTlsVersion": "TLS1_2", "enableHttpsTrafficOnly": true, "allowBlobPublicAccess": false, "allowSharedKeyAccess": false,
		"networkRuleSet.defaultAction": "Deny", "networkRuleSet.bypass": "AzureServices",
		"networkRuleSet.ipRules": []interface{}{map[string]interface{}{"iPAddressOrRange": "203.0.113.0/24", "action": "Allow"}},
		"identity.type":          "UserAssigned", "identity.userAssignedIdentities": []interface{}{"id-storage"},
		"encryption.keySource": "Microsoft.Keyvault", "encryption.requireInfrastructureEncryption": true,
		"encryption.keyVaultProperties.keyName": "storage-cmk", "encryption.keyVaultProperties.keyVaultUri": "https://kv.vault.azure.net/",
		"encryption.encryptionIdentity.encryptionUserAssignedIdentity": "id-storage",
	})
	access, _ := rec.Named("azure-native:authorization:RoleAssignment", "key-access")
	if !slices.Contains(st.DependsOn, access.URN) || !st.Protect {
		t.Errorf("account waits for its key access: %v, protected: %v", slices.Contains(st.DependsOn, access.URN), st.Protect)
	}
	blob, _ := rec.Named("azure-native:storage:BlobServiceProperties", "art")
	recorder.AssertInputs(t, blob, map[string]interface{}{
		"isVersioningEnabled": true, "deleteRetentionPolicy.enabled": true, "deleteRetentionPolicy.days": 30.0,
		"containerDeleteRetentionPolicy.enabled": true, "containerDeleteRetentionPolicy.days": 30.0,
	})
	c, _ := rec.Named("azure-native:storage:BlobContainer", "art-models")
	recorder.AssertInputs(t, c, map[string]interface{}{"containerName": "models", "publicAccess": "None"})
	pe, _ := rec.Named("azure-native:network:PrivateEndpoint", "art-blob-endpoint")
	recorder.AssertInputs(t, pe, map[string]interface{}{"privateLinkServiceConnections[0].groupIds": []interface{}{"blob"}, "subnet.id": "snet-endpoints"})
}

func TestRegistry(t *testing.T) {
	for _, tc := range []struct {
		sku       string
		retention interface{}
	}{{"Premium", map[string]interface{}{"days": 14.0, "status": "enabled"}}, {"Standard", nil}} {
		r, _ := record(t, tc.sku, false).Named("azure-native:containerregistry:Registry", "art")
		recorder.AssertInputs(t, r, map[string]interface{}{
			"registryName": "acrmlplattest", "sku.name": tc.sku, "adminUserEnabled": false, "policies.retentionPolicy": tc.retention,
		})
	}
}

func TestReaderAndWriterIdentities(t *testing.T) {
	rec := record(t, "Premium", false)
	container, _ := rec.Named("azure-native:storage:BlobContainer", "art-models")
	registry, _ := rec.Named("azure-native:containerregistry:Registry", "art")
	want := map[string][2]string{
		"art-models-reader-blob":     {container.ID, roles.StorageBlobDataReader.DefinitionID("sub")},
		"art-models-reader-registry": {registry.ID, roles.AcrPull.DefinitionID("sub")},
		"art-models-writer-blob":     {container.ID, roles.StorageBlobDataContributor.DefinitionID("sub")},
		"art-models-writer-registry": {registry.ID, roles.AcrPush.DefinitionID("sub")},
		"art-kubelet-pull":           {registry.ID, roles.AcrPull.DefinitionID("sub")},
	}
	got := map[string][2]string{}
	for _, ra := range rec.ByType("azure-native:authorization:RoleAssignment") {
		got[ra.Name] = [2]string{ra.InString("scope"), ra.InString("roleDefinitionId")}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("assignments:\n got %v\nwant %v", got, want)
	}
}
