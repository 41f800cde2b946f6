package keyvault

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func record(t *testing.T) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewVault(ctx, "kv", &VaultArgs{
			ResourceGroupName: pulumi.String("rg"), Location: "eastus", VaultName: "kvtest", TenantID: "tenant", SubscriptionID: "sub",
			AllowedCIDRs: []string{"203.0.113.0/24"}, KeyRotationDays: 60,
			DeployerObjectID: pulumi.String("deployer"), DeployerPrincipalType: "User", ClusterPrincipalID: pulumi.String("cluster"), StoragePrincipalID: pulumi.String("storage"),
			EndpointSubnetID: pulumi.String("snet-endpoints"), DNSZoneID: pulumi.String("zone-vault"),
			Protect: true, Tags: tags.Set{"environment": "dev"},
		})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestVaultIsRecoverableRBACAndClosed(t *testing.T) {
	rec := record(t)
	v, _ := rec.Named("azure-native:keyvault:Vault", "kv")
	recorder.AssertInputs(t, v, map[string]interface{}{
		"vaultName": "kvtest", "properties.tenantId": "tenant",
		"properties.enableRbacAuthorization": true, "properties.enableSoftDelete": true,
		"properties.softDeleteRetentionInDays": 90.0, "properties.enablePurgeProtection": true,
		"properties.networkAcls.defaultAction": "Deny", "properties.networkAcls.bypass": "AzureServices",
		"properties.networkAcls.ipRules": []interface{}{map[string]interface{}{"value": "203.0.113.0/24"}},
		"properties.accessPolicies":      nil,
	})
	if !v.Protect {
		t.Error("vault not protected")
	}
	pe, _ := rec.Named("azure-native:network:PrivateEndpoint", "kv-endpoint")
	recorder.AssertInputs(t, pe, map[string]interface{}{
		"subnet.id": "snet-endpoints", "privateLinkServiceConnections[0].privateLinkServiceId": v.ID,
		"privateLinkServiceConnections[0].groupIds": []interface{}{"vault"},
	})
	zg, _ := rec.Named("azure-native:network:PrivateDnsZoneGroup", "kv-endpoint")
	recorder.AssertInputs(t, zg, map[string]interface{}{"privateDnsZoneConfigs[0].privateDnsZoneId": "zone-vault"})
}

func TestKeysRotateAndWaitForTheDeployersAccess(t *testing.T) {
	rec := record(t)
	deployer, _ := rec.Named("azure-native:authorization:RoleAssignment", "kv-deployer")
	kms, _ := rec.Named("azure-native:keyvault:Key", "kv-"+KeyKMS)
	// AKS keeps the version it was given: KMS versions rotate but never expire.
	recorder.AssertInputs(t, kms, map[string]interface{}{
		"keyName": KeyKMS, "properties.kty": "RSA", "properties.keySize": 2048.0,
		"properties.rotationPolicy.attributes": nil,
		"properties.rotationPolicy.lifetimeActions": []interface{}{map[string]interface{}{
			"action": map[string]interface{}{"type": "Rotate"}, "trigger": map[string]interface{}{"timeAfterCreate": "P60D"},
		}},
	})
	storage, _ := rec.Named("azure-native:keyvault:Key", "kv-"+KeyStorage)
	recorder.AssertInputs(t, storage, map[string]interface{}{
		"keyName": KeyStorage, "properties.rotationPolicy.attributes.expiryTime": "P120D",
		"properties.rotationPolicy.lifetimeActions[0].trigger.timeAfterCreate":  "P60D",
		"properties.rotationPolicy.lifetimeActions[1].action.type":              "Notify",
		"properties.rotationPolicy.lifetimeActions[1].trigger.timeBeforeExpiry": "P30D",
	})
	for _, key := range []*recorder.Resource{kms, storage} {
		if !slices.Contains(key.DependsOn, deployer.URN) || !key.Protect {
			t.Errorf("%s: waits for deployer access %v, protected %v", key.Name, slices.Contains(key.DependsOn, deployer.URN), key.Protect)
		}
	}
	// The deployer's type is what the stack says (User here), never guessed.
	if deployer.In("principalType") != "User" {
		t.Errorf("deployer principal type = %v, want User", deployer.In("principalType"))
	}
}

func TestRoleAssignments(t *testing.T) {
	rec := record(t)
	v, _ := rec.Named("azure-native:keyvault:Vault", "kv")
	want := map[string][2]string{
		"kv-deployer":             {"deployer", string(roles.KeyVaultAdministrator)},
		"kv-cluster-crypto":       {"cluster", string(roles.KeyVaultCryptoUser)},
		"kv-cluster-private-link": {"cluster", string(roles.KeyVaultContributor)},
		"kv-storage-crypto":       {"storage", string(roles.KeyVaultCryptoServiceEncryptionUser)},
	}
	got := map[string][2]string{}
	for _, ra := range rec.ByType("azure-native:authorization:RoleAssignment") {
		if ra.In("scope") != v.ID {
			t.Errorf("%s scoped to %v, want the vault", ra.Name, ra.In("scope"))
		}
		def := ra.InString("roleDefinitionId")
		got[ra.Name] = [2]string{ra.InString("principalId"), def[len(def)-36:]}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("assignments = %v, want %v", got, want)
	}
}
