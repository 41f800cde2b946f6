package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/aks"
	azartifacts "github.com/pangea-ai/mlplatform/components/azure/artifacts"
	azdatabase "github.com/pangea-ai/mlplatform/components/azure/database"
	"github.com/pangea-ai/mlplatform/components/azure/identity"
	"github.com/pangea-ai/mlplatform/components/azure/keyvault"
	aznetwork "github.com/pangea-ai/mlplatform/components/azure/network"
	"github.com/pangea-ai/mlplatform/components/azure/nodepool"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// AzureNames are the names of a stack's Azure resources. Globally unique
// ones (vault, storage account, registry) come from the environment file when
// it names them, else from the stack name and a short hash of it.
type AzureNames struct {
	ResourceGroup, NodeResourceGroup, VNet, Cluster, KeyVault, StorageAccount, Registry string
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]`)

// AzureNamesFor derives a stack's names.
func AzureNamesFor(stack string, a *environments.Azure) AzureNames {
	sum := sha256.Sum256([]byte(stack))
	h := hex.EncodeToString(sum[:])[:6]
	compact := nonAlnum.ReplaceAllString(strings.ToLower(stack), "")
	n := AzureNames{
		ResourceGroup:     names.ResourceGroup.Fit("rg-mlplatform-" + stack),
		NodeResourceGroup: names.NodeResourceGroup.Fit("rg-mlplatform-" + stack + "-nodes"),
		VNet:              names.VirtualNetwork.Fit("vnet-" + stack),
		Cluster:           names.AKSCluster.Fit("aks-" + stack),
		KeyVault:          a.KeyVault.Name,
		StorageAccount:    a.Artifacts.StorageAccountName,
		Registry:          a.Artifacts.RegistryName,
	}
	if n.KeyVault == "" {
		n.KeyVault = "kv" + truncate(compact, 24-2-6) + h
	}
	if n.StorageAccount == "" {
		n.StorageAccount = "st" + truncate(compact, 24-2-6) + h
	}
	if n.Registry == "" {
		n.Registry = "acr" + truncate(compact, 50-3-6) + h
	}
	return n
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Azure composes the Azure platform: resource group, identities, network,
// Key Vault, cluster, user pools and artifacts. Every taggable resource gets
// the tag set explicitly; a transform adds it wherever a resource forgot.
func Azure(ctx *pulumi.Context, env *environments.Environment, tagSet tags.Set, s Settings) error {
	a := env.Azure
	base := ctx.Stack()
	names := AzureNamesFor(base, a)
	secrets, err := serviceSecrets(ctx, env, CloudAzure)
	if err != nil {
		return err
	}
	if err := ctx.RegisterResourceTransform(tagSet.AzureTransform()); err != nil {
		return err
	}
	prov, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(a.Location)})
	if err != nil {
		return err
	}
	withProv := pulumi.Provider(prov)
	client, err := authorization.GetClientConfig(ctx, withProv)
	if err != nil {
		return fmt.Errorf("looking up the Azure subscription: %w", err)
	}
	prod := env.IsProd()
	rg, err := resources.NewResourceGroup(ctx, base, &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(names.ResourceGroup), Location: pulumi.String(a.Location), Tags: tagSet.StringMap(),
	}, withProv)
	if err != nil {
		return err
	}
	ids, err := identity.NewIdentities(ctx, base, &identity.IdentitiesArgs{
		ResourceGroupName: rg.Name, Location: a.Location, NamePrefix: "id-" + base,
		SubscriptionID: client.SubscriptionId, Tags: tagSet,
	}, withProv)
	if err != nil {
		return err
	}
	net, err := aznetwork.NewNetwork(ctx, base, azureNetworkArgs(a, names, rg.Name, tagSet), withProv)
	if err != nil {
		return err
	}
	vault, err := keyvault.NewVault(ctx, base, &keyvault.VaultArgs{
		ResourceGroupName: rg.Name, Location: a.Location, VaultName: names.KeyVault,
		TenantID: client.TenantId, SubscriptionID: client.SubscriptionId,
		AllowedCIDRs:            a.KeyVault.AllowedCIDRs,
		SoftDeleteRetentionDays: a.KeyVault.SoftDeleteRetentionDays, KeyRotationDays: a.KeyVault.KeyRotationDays,
		DeployerObjectID: pulumi.String(client.ObjectId), DeployerPrincipalType: s.DeployerPrincipalType,
		ClusterPrincipalID: ids.ByRole[identity.Cluster].PrincipalID, StoragePrincipalID: ids.ByRole[identity.Storage].PrincipalID,
		EndpointSubnetID: net.EndpointSubnetID, DNSZoneID: net.PrivateDNSZoneIDs[aznetwork.ZoneKeyVault],
		Protect: prod, Tags: tagSet,
	}, withProv)
	if err != nil {
		return err
	}
	// The control plane manages the network of its pools and API server.
	var clusterAccess []pulumi.Resource
	for i, subnet := range []pulumi.StringOutput{net.SystemSubnetID, net.UserSubnetID, net.APIServerSubnetID} {
		ra, err := assignNetworkContributor(ctx, fmt.Sprintf("%s-cluster-network-%d", base, i), client.SubscriptionId, ids, subnet, withProv)
		if err != nil {
			return err
		}
		clusterAccess = append(clusterAccess, ra)
	}
	clusterAccess = append(append(clusterAccess, vault.ClusterAccess...), ids.KubeletOperator)
	var system environments.NodeGroup
	var systemName string
	for _, name := range sortedNames(env.NodeGroups) {
		if g := env.NodeGroups[name]; g.Kind == nodes.KindSystem {
			system, systemName = g, name
		}
	}
	kubelet := ids.ByRole[identity.Kubelet]
	cluster, err := aks.NewCluster(ctx, base, &aks.ClusterArgs{
		ResourceGroupName: rg.Name, Location: a.Location,
		ClusterName: names.Cluster, DNSPrefix: base, NodeResourceGroup: names.NodeResourceGroup,
		KubernetesVersion: env.Cluster.KubernetesVersion, SKUTier: a.Cluster.SKUTier,
		TenantID: client.TenantId, AdminGroupObjectIDs: a.Cluster.AdminGroupObjectIDs,
		ClusterIdentityID: ids.ByRole[identity.Cluster].ID,
		KubeletIdentityID: kubelet.ID, KubeletClientID: kubelet.ClientID, KubeletObjectID: kubelet.PrincipalID,
		KMSKeyID: vault.KMSKeyID, VaultID: vault.VaultID,
		NetworkPolicy: a.Cluster.NetworkPolicy, PodCIDR: a.Cluster.PodCIDR, ServiceCIDR: a.Cluster.ServiceCIDR, DNSServiceIP: a.Cluster.DNSServiceIP,
		APIServerSubnetID: net.APIServerSubnetID, PublicAccessCIDRs: env.Cluster.PublicAccessCIDRs,
		UpgradeChannel: a.Cluster.UpgradeChannel, NodeOSUpgradeChannel: a.Cluster.NodeOSUpgradeChannel,
		Maintenance: aks.Maintenance{
			DayOfWeek: a.Cluster.MaintenanceWindow.DayOfWeek, StartTime: a.Cluster.MaintenanceWindow.StartTime,
			DurationHours: a.Cluster.MaintenanceWindow.DurationHours,
		},
		LogRetentionDays: env.Cluster.LogRetentionDays,
		SystemPool:       poolSpec(systemName, system, a, net.SystemSubnetID, tagSet),
		WaitFor:          clusterAccess, Protect: prod, Tags: tagSet,
	}, withProv)
	if err != nil {
		return err
	}
	pools := pulumi.StringArray{pulumi.String(systemName)}
	for _, name := range sortedNames(env.NodeGroups) {
		g := env.NodeGroups[name]
		if g.Kind == nodes.KindSystem {
			continue
		}
		pool, err := nodepool.NewNodePool(ctx, base+"-"+name, &nodepool.NodePoolArgs{
			Spec: poolSpec(name, g, a, net.UserSubnetID, tagSet), ClusterName: cluster.Name, ResourceGroupName: rg.Name,
		}, withProv)
		if err != nil {
			return err
		}
		pools = append(pools, pool.PoolName)
	}
	art, err := azartifacts.NewArtifacts(ctx, base, &azartifacts.ArtifactsArgs{
		ResourceGroupName: rg.Name, Location: a.Location, SubscriptionID: client.SubscriptionId,
		StorageAccountName: names.StorageAccount, RegistryName: names.Registry, ZoneRedundant: prod,
		StorageIdentityID: ids.ByRole[identity.Storage].ID, KeyVaultURI: vault.VaultURI, KeyName: vault.StorageKeyName,
		KeyAccess:        vault.StorageAccess,
		AllowedCIDRs:     a.Artifacts.AllowedCIDRs,
		EndpointSubnetID: net.EndpointSubnetID, BlobZoneID: net.PrivateDNSZoneIDs[aznetwork.ZoneBlob],
		ModelsContainer: a.Artifacts.ModelsContainer, SoftDeleteDays: a.Artifacts.SoftDeleteDays,
		ExpiringPrefixes: azurePayloadExpiry(env.Models),
		RegistrySKU:      a.Artifacts.RegistrySKU, UntaggedRetentionDays: a.Artifacts.UntaggedRetentionDays,
		IdentityPrefix: "id-" + base, KubeletPrincipalID: kubelet.PrincipalID, Protect: prod, Tags: tagSet,
	}, withProv)
	if err != nil {
		return err
	}
	services, err := azureServices(ctx, env, names, azureIdentityScope{
		ResourceGroupName: rg.Name, SubscriptionID: client.SubscriptionId, TenantID: pulumi.String(client.TenantId),
		IssuerURL: cluster.OIDCIssuerURL, ModelsContainerID: art.ModelsContainerID, RegistryID: art.RegistryID, Tags: tagSet,
	}, withProv)
	if err != nil {
		return err
	}
	if env.MLflowOn() {
		db, err := azdatabase.NewPostgres(ctx, base+"-mlflow", mlflowServerArgs(env, base, client.SubscriptionId, client.TenantId, rg.Name, net, vault,
			pulumi.ToSecret(secrets["mlflowDatabasePassword"]).(pulumi.StringOutput), tagSet), withProv)
		if err != nil {
			return err
		}
		scope := azureIdentityScope{
			ResourceGroupName: rg.Name, SubscriptionID: client.SubscriptionId, TenantID: pulumi.String(client.TenantId),
			IssuerURL: cluster.OIDCIssuerURL, ModelsContainerID: art.ModelsContainerID, Tags: tagSet,
		}
		if services.MLflow, err = azureMLflow(ctx, env, names, scope, db, withProv); err != nil {
			return err
		}
		ctx.Export("mlflowDatabaseHost", db.Host)
		ctx.Export("mlflowDatabasePasswordSecret", db.PasswordSecretURL)
	}
	if err := platformServices(ctx, env, cluster.Provider, services, secrets); err != nil {
		return err
	}
	ctx.Export("environment", pulumi.String(env.Name))
	ctx.Export("location", pulumi.String(a.Location))
	ctx.Export("resourceGroup", rg.Name)
	ctx.Export("clusterName", cluster.Name)
	ctx.Export("oidcIssuerUrl", cluster.OIDCIssuerURL)
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	ctx.Export("nodePools", pools)
	ctx.Export("keyVaultUri", vault.VaultURI)
	ctx.Export("storageAccount", art.StorageAccountName)
	ctx.Export("blobEndpoint", art.BlobEndpoint)
	ctx.Export("registryLoginServer", art.RegistryLoginServer)
	ctx.Export("modelsReaderIdentityId", art.ReaderIdentityID)
	ctx.Export("modelsWriterIdentityId", art.WriterIdentityID)
	ctx.Export("workloadIdentityClientId", ids.ByRole[identity.Workload].ClientID)
	return nil
}

// mlflowServerArgs size MLflow's flexible server from the environment: in
// its delegated subnet and private zone, encrypted with its own key in the
// platform's vault, the password kept there too; zone-redundant,
// geo-backed-up and protected in prod.
func mlflowServerArgs(env *environments.Environment, stack, subscriptionID, tenantID string, rg pulumi.StringInput, net *aznetwork.Network,
	vault *keyvault.Vault, password pulumi.StringInput, tagSet tags.Set) *azdatabase.PostgresArgs {
	a, d, prod := env.Azure, env.MLflow.Database, env.IsProd()
	tier, sku, _ := strings.Cut(d.SKU, "/")
	zone := net.PrivateDNSZoneIDs[aznetwork.ZonePostgres]
	if e := a.Network.Existing; e != nil {
		zone = pulumi.String(e.PostgresDNSZoneID).ToStringOutput()
	}
	args := &azdatabase.PostgresArgs{
		ResourceGroupName: rg, Location: a.Location, SubscriptionID: subscriptionID, TenantID: tenantID,
		ServerName: names.PostgresServer.Fit("psql-" + stack + "-mlflow"), Version: d.Version, SKUTier: tier, SKUName: sku,
		// Azure's smallest flexible server disk is 32 GiB.
		StorageGiB: max(d.StorageGiB, 32), BackupRetentionDays: d.BackupRetentionDays, ZoneRedundant: prod,
		SubnetID: net.DatabaseSubnetID, DNSZoneID: zone, AdministratorPassword: password,
		EntraAdminGroupID: a.Cluster.AdminGroupObjectIDs[0],
		VaultName:         vault.VaultName, VaultURI: vault.VaultURI, KeyRotationDays: a.KeyVault.KeyRotationDays,
		DeployerAccess: vault.DeployerAccess, Protect: prod, Tags: tagSet,
	}
	if g := d.AzureGeoBackup; g != nil {
		args.GeoBackup = &azdatabase.GeoBackup{KeyURI: g.KeyURI, IdentityID: g.IdentityID}
	}
	return args
}

func azureNetworkArgs(a *environments.Azure, names AzureNames, rg pulumi.StringInput, tagSet tags.Set) *aznetwork.NetworkArgs {
	n := a.Network
	args := &aznetwork.NetworkArgs{ResourceGroupName: rg, Location: a.Location, Tags: tagSet}
	if n.Existing != nil {
		args.Existing = &aznetwork.Existing{
			SystemSubnetID: n.Existing.SystemSubnetID, UserSubnetID: n.Existing.UserSubnetID,
			EndpointSubnetID: n.Existing.PrivateEndpointSubnetID, APIServerSubnetID: n.Existing.APIServerSubnetID,
			DatabaseSubnetID: n.Existing.DatabaseSubnetID,
		}
		return args
	}
	args.DatabaseSubnetCIDR = n.DatabaseSubnetCIDR
	// The zones the platform's private endpoints and database register in.
	args.PrivateDNSZones = []string{aznetwork.ZoneKeyVault, aznetwork.ZoneBlob}
	if n.DatabaseSubnetCIDR != "" {
		args.PrivateDNSZones = append(args.PrivateDNSZones, aznetwork.ZonePostgres)
	}
	args.VNetName, args.CIDR = names.VNet, n.VNetCIDR
	args.SystemSubnetCIDR, args.UserSubnetCIDR = n.SystemSubnetCIDR, n.UserSubnetCIDR
	args.EndpointSubnetCIDR, args.APIServerSubnetCIDR = n.PrivateEndpointSubnetCIDR, n.APIServerSubnetCIDR
	return args
}

func poolSpec(name string, g environments.NodeGroup, a *environments.Azure, subnet pulumi.StringInput, tagSet tags.Set) nodepool.Spec {
	s := nodepool.Spec{
		Name: name, Kind: g.Kind, VMSize: g.Azure.VMSize,
		MinCount: g.MinSize, MaxCount: g.MaxSize, Count: g.DesiredSize, OSDiskSizeGB: g.DiskSizeGiB,
		Zones: a.AvailabilityZones, SubnetID: subnet, Labels: g.Labels,
		Spot: g.CapacityType == "SPOT", SpotMaxPrice: g.Azure.SpotMaxPrice,
		InstallGPUDriver: g.Kind == nodes.KindGPU && g.Azure.GPUDriver != "None",
		TimeSliced:       g.GPUSharing != nil,
		Tags:             tagSet,
	}
	for _, t := range g.Taints {
		s.Taints = append(s.Taints, nodes.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
	}
	return s
}
