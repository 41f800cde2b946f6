package artifacts

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/network"
	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// ArtifactsType is the component's type token.
const ArtifactsType = "mlplatform:azure:Artifacts"

// ArtifactsArgs configure Artifacts.
type ArtifactsArgs struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	SubscriptionID    string
	// StorageAccountName and RegistryName are globally unique. Required.
	StorageAccountName, RegistryName string
	// ZoneRedundant stores three copies across zones (Standard_ZRS) instead
	// of three in one datacenter (Standard_LRS).
	ZoneRedundant bool
	// StorageIdentityID reaches the customer-managed key; KeyVaultURI and
	// KeyName name it. Required.
	StorageIdentityID    pulumi.StringInput
	KeyVaultURI, KeyName pulumi.StringInput
	// KeyAccess are the role assignments the account must wait for.
	KeyAccess []pulumi.Resource
	// AllowedCIDRs may reach the account from outside the network.
	AllowedCIDRs []string
	// EndpointSubnetID and BlobZoneID place the blob private endpoint.
	EndpointSubnetID, BlobZoneID pulumi.StringInput
	// ModelsContainer is the private container for models; unset means "models".
	ModelsContainer string
	// SoftDeleteDays keeps deleted blobs and containers; unset means 30.
	SoftDeleteDays int
	// ExpiringPrefixes are folders of the models container whose blobs are
	// deleted a number of days after they are written (models' payload
	// archives).
	ExpiringPrefixes []ExpiringPrefix
	// RegistrySKU is Basic, Standard or Premium; UntaggedRetentionDays
	// (Premium only) removes untagged manifests.
	RegistrySKU           string
	UntaggedRetentionDays int
	// IdentityPrefix names the reader and writer identities.
	IdentityPrefix string
	// KubeletPrincipalID is the nodes' identity; it gets AcrPull so nodes
	// can pull the platform's images. Required.
	KubeletPrincipalID pulumi.StringInput
	Protect            bool
	Tags               tags.Set
}

// ExpiringPrefix deletes the blobs under Prefix of the models container
// Days after they are written, and their earlier versions a day after
// they are replaced.
type ExpiringPrefix struct {
	// Name names the lifecycle rule: letters and digits only, at most 256
	// (a management policy's rule name; at most 100 rules per policy).
	Name   string
	Prefix string
	Days   int
}

// Artifacts are the storage account, the registry and their access identities.
type Artifacts struct {
	pulumi.ResourceState

	StorageAccountName  pulumi.StringOutput `pulumi:"storageAccountName"`
	BlobEndpoint        pulumi.StringOutput `pulumi:"blobEndpoint"`
	ModelsContainerID   pulumi.StringOutput `pulumi:"modelsContainerId"`
	RegistryLoginServer pulumi.StringOutput `pulumi:"registryLoginServer"`
	// RegistryID scopes role assignments on the registry (push rights).
	RegistryID pulumi.StringOutput `pulumi:"registryId"`
	// ReaderIdentityID and WriterIdentityID are for workload identity.
	ReaderIdentityID pulumi.StringOutput `pulumi:"readerIdentityId"`
	WriterIdentityID pulumi.StringOutput `pulumi:"writerIdentityId"`
}

// NewArtifacts creates the storage account, container, registry and identities.
func NewArtifacts(ctx *pulumi.Context, name string, args *ArtifactsArgs, opts ...pulumi.ResourceOption) (*Artifacts, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating artifacts %q: %w", name, err)
	}
	comp := &Artifacts{}
	if err := ctx.RegisterComponentResource(ArtifactsType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	account, container, err := storageAccount(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	if len(a.ExpiringPrefixes) > 0 {
		if err := expiry(ctx, name, &a, account, container, parent); err != nil {
			return nil, err
		}
	}
	registry, err := containerRegistry(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	if _, err := roles.Assign(ctx, name+"-kubelet-pull", a.SubscriptionID, roles.Assignment{
		PrincipalID: a.KubeletPrincipalID, PrincipalType: roles.ServicePrincipal, Role: roles.AcrPull, Scope: registry.ID(),
	}, parent); err != nil {
		return nil, err
	}
	identities := map[string]pulumi.StringOutput{}
	for _, access := range []struct {
		who       string
		blob, acr roles.Role
	}{
		{"models-reader", roles.StorageBlobDataReader, roles.AcrPull},
		{"models-writer", roles.StorageBlobDataContributor, roles.AcrPush},
	} {
		id, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-"+access.who, &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
			ResourceName: pulumi.String(names.ManagedIdentity.Fit(a.IdentityPrefix + "-" + access.who)), Tags: a.Tags.StringMap(),
		}, parent)
		if err != nil {
			return nil, err
		}
		for _, g := range []struct {
			suffix string
			role   roles.Role
			scope  pulumi.StringInput
		}{{"blob", access.blob, container.ID()}, {"registry", access.acr, registry.ID()}} {
			if _, err := roles.Assign(ctx, name+"-"+access.who+"-"+g.suffix, a.SubscriptionID, roles.Assignment{
				PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: g.role, Scope: g.scope,
			}, parent); err != nil {
				return nil, err
			}
		}
		identities[access.who] = id.ID().ToStringOutput()
	}
	comp.StorageAccountName = account.Name
	comp.BlobEndpoint = account.PrimaryEndpoints.Blob()
	comp.ModelsContainerID = container.ID().ToStringOutput()
	comp.RegistryLoginServer = registry.LoginServer
	comp.RegistryID = registry.ID().ToStringOutput()
	comp.ReaderIdentityID, comp.WriterIdentityID = identities["models-reader"], identities["models-writer"]
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"storageAccountName": comp.StorageAccountName, "blobEndpoint": comp.BlobEndpoint, "modelsContainerId": comp.ModelsContainerID,
		"registryLoginServer": comp.RegistryLoginServer, "registryId": comp.RegistryID, "readerIdentityId": comp.ReaderIdentityID, "writerIdentityId": comp.WriterIdentityID,
	})
}

func storageAccount(ctx *pulumi.Context, name string, a *ArtifactsArgs, parent pulumi.ResourceOption) (*storage.StorageAccount, *storage.BlobContainer, error) {
	skuName := "Standard_LRS"
	if a.ZoneRedundant {
		skuName = "Standard_ZRS"
	}
	ipRules := storage.IPRuleArray{}
	for _, c := range a.AllowedCIDRs {
		ipRules = append(ipRules, storage.IPRuleArgs{IPAddressOrRange: pulumi.String(c), Action: storage.ActionAllow})
	}
	account, err := storage.NewStorageAccount(ctx, name, &storage.StorageAccountArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		AccountName: pulumi.String(a.StorageAccountName),
		Kind:        pulumi.String("StorageV2"), Sku: storage.SkuArgs{Name: pulumi.String(skuName)},
		MinimumTlsVersion: pulumi.String("TLS1_2"), EnableHttpsTrafficOnly: pulumi.Bool(true),
		AllowBlobPublicAccess: pulumi.Bool(false), AllowSharedKeyAccess: pulumi.Bool(false),
		DefaultToOAuthAuthentication: pulumi.Bool(true), AllowCrossTenantReplication: pulumi.Bool(false),
		PublicNetworkAccess: pulumi.String("Enabled"), // reachable only as the network rules allow
		NetworkRuleSet: storage.NetworkRuleSetArgs{
			DefaultAction: storage.DefaultActionDeny, Bypass: pulumi.String("AzureServices"), IpRules: ipRules,
		},
		Identity: storage.IdentityArgs{Type: pulumi.String("UserAssigned"), UserAssignedIdentities: pulumi.StringArray{a.StorageIdentityID}},
		Encryption: storage.EncryptionArgs{
			KeySource:                       pulumi.String("Microsoft.Keyvault"),
			RequireInfrastructureEncryption: pulumi.Bool(true),
			KeyVaultProperties:              storage.KeyVaultPropertiesArgs{KeyName: a.KeyName, KeyVaultUri: a.KeyVaultURI},
			EncryptionIdentity:              storage.EncryptionIdentityArgs{EncryptionUserAssignedIdentity: a.StorageIdentityID},
			Services: storage.EncryptionServicesArgs{
				Blob: storage.EncryptionServiceArgs{Enabled: pulumi.Bool(true), KeyType: pulumi.String("Account")},
				File: storage.EncryptionServiceArgs{Enabled: pulumi.Bool(true), KeyType: pulumi.String("Account")},
			},
		},
		Tags: a.Tags.StringMap(),
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn(a.KeyAccess))
	if err != nil {
		return nil, nil, fmt.Errorf("creating storage account of %q: %w", name, err)
	}
	retention := storage.DeleteRetentionPolicyArgs{Enabled: pulumi.Bool(true), Days: pulumi.Int(a.SoftDeleteDays)}
	blobService, err := storage.NewBlobServiceProperties(ctx, name, &storage.BlobServicePropertiesArgs{
		ResourceGroupName: a.ResourceGroupName, AccountName: account.Name, BlobServicesName: pulumi.String("default"),
		IsVersioningEnabled: pulumi.Bool(true), DeleteRetentionPolicy: retention, ContainerDeleteRetentionPolicy: retention,
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	container, err := storage.NewBlobContainer(ctx, name+"-"+a.ModelsContainer, &storage.BlobContainerArgs{
		ResourceGroupName: a.ResourceGroupName, AccountName: account.Name,
		ContainerName: pulumi.String(a.ModelsContainer), PublicAccess: storage.PublicAccessNone,
	}, parent, pulumi.DependsOn([]pulumi.Resource{blobService}))
	if err != nil {
		return nil, nil, err
	}
	if _, err := network.NewPrivateEndpoint(ctx, name+"-blob-endpoint", network.PrivateEndpointArgs{
		ResourceGroupName: a.ResourceGroupName, Location: a.Location, EndpointName: "pe-" + a.StorageAccountName + "-blob",
		SubnetID: a.EndpointSubnetID, TargetID: account.ID(), GroupID: "blob", ZoneID: a.BlobZoneID, Tags: a.Tags,
	}, parent); err != nil {
		return nil, nil, err
	}
	return account, container, nil
}

func containerRegistry(ctx *pulumi.Context, name string, a *ArtifactsArgs, parent pulumi.ResourceOption) (*containerregistry.Registry, error) {
	args := &containerregistry.RegistryArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		RegistryName:     pulumi.String(a.RegistryName),
		Sku:              containerregistry.SkuArgs{Name: pulumi.String(a.RegistrySKU)},
		AdminUserEnabled: pulumi.Bool(false),
		Tags:             a.Tags.StringMap(),
	}
	if a.RegistrySKU == "Premium" && a.UntaggedRetentionDays > 0 {
		args.Policies = containerregistry.PoliciesArgs{RetentionPolicy: containerregistry.RetentionPolicyArgs{
			Days: pulumi.Int(a.UntaggedRetentionDays), Status: pulumi.String("enabled"),
		}}
	}
	r, err := containerregistry.NewRegistry(ctx, name, args, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating registry of %q: %w", name, err)
	}
	return r, nil
}

func (a *ArtifactsArgs) withDefaults() (ArtifactsArgs, error) {
	if a == nil || a.ResourceGroupName == nil || a.Location == "" || a.SubscriptionID == "" || a.StorageAccountName == "" || a.RegistryName == "" ||
		a.StorageIdentityID == nil || a.KeyVaultURI == nil || a.KeyName == nil || a.EndpointSubnetID == nil || a.BlobZoneID == nil || a.IdentityPrefix == "" || a.KubeletPrincipalID == nil {
		return ArtifactsArgs{}, fmt.Errorf("ResourceGroupName, Location, SubscriptionID, StorageAccountName, RegistryName, StorageIdentityID, KeyVaultURI, KeyName, EndpointSubnetID, BlobZoneID, IdentityPrefix and KubeletPrincipalID are required")
	}
	out := *a
	if out.ModelsContainer == "" {
		out.ModelsContainer = "models"
	}
	if out.SoftDeleteDays == 0 {
		out.SoftDeleteDays = 30
	}
	switch out.RegistrySKU {
	case "":
		out.RegistrySKU = "Standard"
	case "Basic", "Standard", "Premium":
	default:
		return out, fmt.Errorf("RegistrySKU %q must be Basic, Standard or Premium", out.RegistrySKU)
	}
	if len(out.ExpiringPrefixes) > 100 {
		return out, fmt.Errorf("ExpiringPrefixes: %d rules, a management policy holds at most 100", len(out.ExpiringPrefixes))
	}
	for _, e := range out.ExpiringPrefixes {
		if !ruleNameRE.MatchString(e.Name) || !strings.HasSuffix(e.Prefix, "/") || strings.HasPrefix(e.Prefix, "/") || e.Days < 1 {
			return out, fmt.Errorf("ExpiringPrefixes: %+v needs a name of 1 to 256 letters and digits, a relative prefix ending in /, and at least 1 day", e)
		}
	}
	return out, nil
}

var ruleNameRE = regexp.MustCompile(`^[A-Za-z0-9]{1,256}$`)

// expiry is the storage account's management policy: one lifecycle rule
// per expiring prefix of the models container. Blob versioning is on, so a
// deleted blob leaves a version, which goes a day later.
func expiry(ctx *pulumi.Context, name string, a *ArtifactsArgs, account *storage.StorageAccount, container *storage.BlobContainer, parent pulumi.ResourceOption) error {
	rules := storage.ManagementPolicyRuleArray{}
	for _, e := range a.ExpiringPrefixes {
		rules = append(rules, storage.ManagementPolicyRuleArgs{
			Name: pulumi.String(e.Name), Enabled: pulumi.Bool(true), Type: pulumi.String("Lifecycle"),
			Definition: storage.ManagementPolicyDefinitionArgs{
				Filters: storage.ManagementPolicyFilterArgs{
					BlobTypes:   pulumi.StringArray{pulumi.String("blockBlob")},
					PrefixMatch: pulumi.StringArray{pulumi.String(a.ModelsContainer + "/" + e.Prefix)},
				},
				Actions: storage.ManagementPolicyActionArgs{
					BaseBlob: storage.ManagementPolicyBaseBlobArgs{Delete: storage.DateAfterModificationArgs{DaysAfterModificationGreaterThan: pulumi.Float64(float64(e.Days))}},
					Version:  storage.ManagementPolicyVersionArgs{Delete: storage.DateAfterCreationArgs{DaysAfterCreationGreaterThan: pulumi.Float64(1)}},
				},
			},
		})
	}
	_, err := storage.NewManagementPolicy(ctx, name+"-expiry", &storage.ManagementPolicyArgs{
		ResourceGroupName: a.ResourceGroupName, AccountName: account.Name, ManagementPolicyName: pulumi.String("default"),
		Policy: storage.ManagementPolicySchemaArgs{Rules: rules},
	}, parent, pulumi.DependsOn([]pulumi.Resource{container}))
	return err
}
