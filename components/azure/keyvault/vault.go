package keyvault

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/network"
	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// VaultType is the component's type token.
const VaultType = "mlplatform:azure:Vault"

// Key names inside the vault.
const (
	KeyKMS     = "aks-kms"
	KeyStorage = "storage-cmk"
)

// VaultArgs configure a Vault.
type VaultArgs struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	// VaultName is globally unique, 3-24 characters. Required.
	VaultName string
	// TenantID and SubscriptionID place the vault and its role assignments.
	TenantID, SubscriptionID string
	// AllowedCIDRs may reach the data plane; all else is denied.
	AllowedCIDRs []string
	// SoftDeleteRetentionDays is 7 to 90; unset means 90.
	SoftDeleteRetentionDays int
	// KeyRotationDays rotates both keys; unset means 90.
	KeyRotationDays int
	// DeployerObjectID is the identity running the deployment (from
	// GetClientConfig); it may manage keys. Required.
	DeployerObjectID pulumi.StringInput
	// DeployerPrincipalType is what the deployer is: ServicePrincipal (CI) or
	// User (someone's own login). Unset means ServicePrincipal.
	DeployerPrincipalType string
	// ClusterPrincipalID is the AKS control-plane identity. Required.
	ClusterPrincipalID pulumi.StringInput
	// StoragePrincipalID is the storage account's identity. Required.
	StoragePrincipalID pulumi.StringInput
	// EndpointSubnetID and DNSZoneID place the vault's private endpoint.
	EndpointSubnetID, DNSZoneID pulumi.StringInput
	Protect                     bool
	Tags                        tags.Set
}

// Vault is the platform's Key Vault with its keys and access.
type Vault struct {
	pulumi.ResourceState

	VaultID  pulumi.StringOutput `pulumi:"vaultId"`
	VaultURI pulumi.StringOutput `pulumi:"vaultUri"`
	// KMSKeyID is the KMS key's versioned URI, as AKS requires.
	KMSKeyID pulumi.StringOutput `pulumi:"kmsKeyId"`
	// StorageKeyName is the storage account's key.
	StorageKeyName pulumi.StringOutput `pulumi:"storageKeyName"`
	// ClusterAccess and StorageAccess are the role assignments the cluster and
	// the storage account must wait for.
	ClusterAccess, StorageAccess []pulumi.Resource
	// VaultName is the vault's name; DeployerAccess is the deployer's
	// administrator role, which whatever else creates keys or secrets in
	// the vault must wait for.
	VaultName      pulumi.StringOutput `pulumi:"vaultName"`
	DeployerAccess []pulumi.Resource
}

// NewVault creates the vault, its private endpoint, access and keys.
func NewVault(ctx *pulumi.Context, name string, args *VaultArgs, opts ...pulumi.ResourceOption) (*Vault, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	comp := &Vault{}
	if err := ctx.RegisterComponentResource(VaultType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	ipRules := keyvault.IPRuleArray{}
	for _, c := range a.AllowedCIDRs {
		ipRules = append(ipRules, keyvault.IPRuleArgs{Value: pulumi.String(c)})
	}
	vault, err := keyvault.NewVault(ctx, name, &keyvault.VaultArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          pulumi.String(a.Location),
		VaultName:         pulumi.String(a.VaultName),
		Properties: keyvault.VaultPropertiesArgs{
			TenantId:                  pulumi.String(a.TenantID),
			Sku:                       keyvault.SkuArgs{Family: pulumi.String("A"), Name: keyvault.SkuNameStandard},
			EnableRbacAuthorization:   pulumi.Bool(true),
			EnableSoftDelete:          pulumi.Bool(true),
			SoftDeleteRetentionInDays: pulumi.Int(a.SoftDeleteRetentionDays),
			EnablePurgeProtection:     pulumi.Bool(true),
			PublicNetworkAccess:       pulumi.String("Enabled"), // reachable only as NetworkAcls allow
			NetworkAcls: keyvault.NetworkRuleSetArgs{
				DefaultAction: pulumi.String("Deny"),
				Bypass:        pulumi.String("AzureServices"),
				IpRules:       ipRules,
			},
		},
		Tags: a.Tags.StringMap(),
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	if _, err := network.NewPrivateEndpoint(ctx, name+"-endpoint", network.PrivateEndpointArgs{
		ResourceGroupName: a.ResourceGroupName, Location: a.Location, EndpointName: "pe-" + a.VaultName,
		SubnetID: a.EndpointSubnetID, TargetID: vault.ID(), GroupID: "vault", ZoneID: a.DNSZoneID, Tags: a.Tags,
	}, parent); err != nil {
		return nil, err
	}
	assign := func(suffix string, principal pulumi.StringInput, role roles.Role, principalType string) (pulumi.Resource, error) {
		return roles.Assign(ctx, name+"-"+suffix, a.SubscriptionID, roles.Assignment{
			PrincipalID: principal, PrincipalType: principalType, Role: role, Scope: vault.ID(),
		}, parent)
	}
	deployer, err := assign("deployer", a.DeployerObjectID, roles.KeyVaultAdministrator, a.DeployerPrincipalType)
	if err != nil {
		return nil, err
	}
	for _, g := range []struct {
		suffix    string
		principal pulumi.StringInput
		role      roles.Role
		into      *[]pulumi.Resource
	}{
		{"cluster-crypto", a.ClusterPrincipalID, roles.KeyVaultCryptoUser, &comp.ClusterAccess},
		{"cluster-private-link", a.ClusterPrincipalID, roles.KeyVaultContributor, &comp.ClusterAccess},
		{"storage-crypto", a.StoragePrincipalID, roles.KeyVaultCryptoServiceEncryptionUser, &comp.StorageAccess},
	} {
		ra, err := assign(g.suffix, g.principal, g.role, roles.ServicePrincipal)
		if err != nil {
			return nil, err
		}
		*g.into = append(*g.into, ra)
	}
	keys := map[string]*keyvault.Key{}
	// AKS holds the KMS key's version it was given, so KMS versions must not
	// expire; storage follows the newest version by itself, so its old
	// versions may.
	for _, k := range []struct {
		name   string
		expire bool
	}{{KeyKMS, false}, {KeyStorage, true}} {
		key, err := keyvault.NewKey(ctx, name+"-"+k.name, &keyvault.KeyArgs{
			ResourceGroupName: a.ResourceGroupName,
			VaultName:         vault.Name,
			KeyName:           pulumi.String(k.name),
			Properties: keyvault.KeyPropertiesArgs{
				Kty:            pulumi.String("RSA"),
				KeySize:        pulumi.Int(2048),
				KeyOps:         pulumi.ToStringArray([]string{"encrypt", "decrypt", "wrapKey", "unwrapKey"}),
				RotationPolicy: RotationPolicy(a.KeyRotationDays, k.expire),
			},
			Tags: a.Tags.StringMap(),
		}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn([]pulumi.Resource{deployer}))
		if err != nil {
			return nil, fmt.Errorf("creating key %s in %q: %w", k.name, name, err)
		}
		keys[k.name] = key
	}
	comp.VaultID, comp.VaultURI = vault.ID().ToStringOutput(), vault.Properties.VaultUri()
	comp.VaultName, comp.DeployerAccess = vault.Name, []pulumi.Resource{deployer}
	comp.KMSKeyID, comp.StorageKeyName = keys[KeyKMS].KeyUriWithVersion, keys[KeyStorage].Name
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"vaultId": comp.VaultID, "vaultUri": comp.VaultURI, "kmsKeyId": comp.KMSKeyID, "storageKeyName": comp.StorageKeyName,
	})
}

// RotationPolicy rotates a key every rotationDays. With expire, each version
// expires after twice that, with a notice 30 days before; without, versions
// never expire (for consumers pinned to a version, such as AKS KMS).
func RotationPolicy(rotationDays int, expire bool) keyvault.RotationPolicyArgs {
	rotate := keyvault.LifetimeActionArgs{
		Action:  keyvault.ActionArgs{Type: keyvault.KeyRotationPolicyActionTypeRotate},
		Trigger: keyvault.TriggerArgs{TimeAfterCreate: pulumi.Sprintf("P%dD", rotationDays)},
	}
	if !expire {
		return keyvault.RotationPolicyArgs{LifetimeActions: keyvault.LifetimeActionArray{rotate}}
	}
	return keyvault.RotationPolicyArgs{
		Attributes: keyvault.KeyRotationPolicyAttributesArgs{ExpiryTime: pulumi.Sprintf("P%dD", 2*rotationDays)},
		LifetimeActions: keyvault.LifetimeActionArray{rotate, keyvault.LifetimeActionArgs{
			Action:  keyvault.ActionArgs{Type: keyvault.KeyRotationPolicyActionTypeNotify},
			Trigger: keyvault.TriggerArgs{TimeBeforeExpiry: pulumi.String("P30D")},
		}},
	}
}

func (a *VaultArgs) withDefaults() (VaultArgs, error) {
	if a == nil || a.ResourceGroupName == nil || a.Location == "" || a.VaultName == "" || a.TenantID == "" || a.SubscriptionID == "" ||
		a.DeployerObjectID == nil || a.ClusterPrincipalID == nil || a.StoragePrincipalID == nil || a.EndpointSubnetID == nil || a.DNSZoneID == nil {
		return VaultArgs{}, fmt.Errorf("ResourceGroupName, Location, VaultName, TenantID, SubscriptionID, the three principals, EndpointSubnetID and DNSZoneID are required")
	}
	out := *a
	if out.SoftDeleteRetentionDays == 0 {
		out.SoftDeleteRetentionDays = 90
	}
	if out.KeyRotationDays == 0 {
		out.KeyRotationDays = 90
	}
	if out.DeployerPrincipalType == "" {
		out.DeployerPrincipalType = roles.ServicePrincipal
	}
	return out, nil
}
