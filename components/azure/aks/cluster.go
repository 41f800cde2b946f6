package aks

import (
	"encoding/base64"
	"fmt"
	"net/netip"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/azure/nodepool"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// ClusterType is the component's type token.
const ClusterType = "mlplatform:azure:Cluster"

// AuditLogCategories are the diagnostic log categories sent to Log Analytics.
var AuditLogCategories = []string{"kube-audit", "kube-audit-admin", "guard"}

// MaintenanceConfigs are the schedules the window applies to.
var MaintenanceConfigs = []string{"aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"}

// Maintenance is a weekly window.
type Maintenance struct {
	DayOfWeek, StartTime string
	DurationHours        int
}

// ClusterArgs configure a Cluster.
type ClusterArgs struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	// ClusterName, DNSPrefix and NodeResourceGroup name the cluster. Required.
	ClusterName, DNSPrefix, NodeResourceGroup string
	KubernetesVersion                         string
	// SKUTier is Free or Standard.
	SKUTier string
	// TenantID and AdminGroupObjectIDs set up Entra ID; the groups get admin.
	TenantID            string
	AdminGroupObjectIDs []string
	// ClusterIdentityID is the control plane's user-assigned identity.
	ClusterIdentityID pulumi.StringInput
	// Kubelet is the kubelet's user-assigned identity.
	KubeletIdentityID, KubeletClientID, KubeletObjectID pulumi.StringInput
	// KMSKeyID (versioned) and VaultID enable KMS for etcd.
	KMSKeyID, VaultID pulumi.StringInput
	// NetworkPolicy is cilium or azure.
	NetworkPolicy                      string
	PodCIDR, ServiceCIDR, DNSServiceIP string
	// APIServerSubnetID is the subnet delegated for API server VNet integration.
	APIServerSubnetID pulumi.StringInput
	// PublicAccessCIDRs are the authorized IP ranges; empty makes the
	// cluster private.
	PublicAccessCIDRs []string
	// UpgradeChannel and NodeOSUpgradeChannel act inside Maintenance.
	UpgradeChannel, NodeOSUpgradeChannel string
	Maintenance                          Maintenance
	// LogRetentionDays keeps audit logs (30 to 730).
	LogRetentionDays int
	// SystemPool is the inline system pool.
	SystemPool nodepool.Spec
	// WaitFor are role assignments the control plane needs first.
	WaitFor []pulumi.Resource
	Protect bool
	Tags    tags.Set
}

// Cluster is an AKS cluster with its logs and maintenance schedule.
type Cluster struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
	// ID is the cluster's resource id.
	ID pulumi.StringOutput `pulumi:"id"`
	// OIDCIssuerURL is what workload identity federation trusts.
	OIDCIssuerURL pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	// Kubeconfig authenticates through kubelogin (Entra ID). A secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// WorkspaceID is the Log Analytics workspace.
	WorkspaceID pulumi.StringOutput `pulumi:"workspaceId"`
	// Provider is a Kubernetes provider for this cluster.
	Provider *kubernetes.Provider
}

// NewCluster creates the workspace, the cluster, its maintenance windows and
// diagnostic settings, and a Kubernetes provider.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	system, err := args.SystemPool.SystemProfile()
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	a := args
	comp := &Cluster{}
	if err := ctx.RegisterComponentResource(ClusterType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	ws, err := operationalinsights.NewWorkspace(ctx, name, &operationalinsights.WorkspaceArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		WorkspaceName:   pulumi.String(names.LogAnalyticsWorkspace.Fit("log-" + a.ClusterName)),
		Sku:             operationalinsights.WorkspaceSkuArgs{Name: pulumi.String("PerGB2018")},
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            a.Tags.StringMap(),
	}, parent)
	if err != nil {
		return nil, err
	}
	private := len(a.PublicAccessCIDRs) == 0
	apiServer := cs.ManagedClusterAPIServerAccessProfileArgs{
		EnablePrivateCluster:  pulumi.Bool(private),
		EnableVnetIntegration: pulumi.Bool(true),
		SubnetId:              a.APIServerSubnetID,
	}
	if !private {
		apiServer.AuthorizedIPRanges = pulumi.ToStringArray(a.PublicAccessCIDRs)
	}
	cluster, err := cs.NewManagedCluster(ctx, name, &cs.ManagedClusterArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		ResourceName: pulumi.String(a.ClusterName), DnsPrefix: pulumi.String(a.DNSPrefix),
		NodeResourceGroup: pulumi.String(a.NodeResourceGroup),
		KubernetesVersion: pulumi.String(a.KubernetesVersion),
		Sku:               cs.ManagedClusterSKUArgs{Name: pulumi.String("Base"), Tier: pulumi.String(a.SKUTier)},
		Identity: cs.ManagedClusterIdentityArgs{
			Type:                   cs.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{a.ClusterIdentityID},
		},
		IdentityProfile: cs.UserAssignedIdentityMap{"kubeletidentity": cs.UserAssignedIdentityArgs{
			ResourceId: a.KubeletIdentityID, ClientId: a.KubeletClientID, ObjectId: a.KubeletObjectID,
		}},
		EnableRBAC:           pulumi.Bool(true),
		DisableLocalAccounts: pulumi.Bool(true),
		AadProfile: cs.ManagedClusterAADProfileArgs{
			Managed: pulumi.Bool(true), EnableAzureRBAC: pulumi.Bool(true),
			TenantID: pulumi.String(a.TenantID), AdminGroupObjectIDs: pulumi.ToStringArray(a.AdminGroupObjectIDs),
		},
		OidcIssuerProfile: cs.ManagedClusterOIDCIssuerProfileArgs{Enabled: pulumi.Bool(true)},
		SecurityProfile: cs.ManagedClusterSecurityProfileArgs{
			WorkloadIdentity: cs.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
			AzureKeyVaultKms: cs.AzureKeyVaultKmsArgs{
				Enabled: pulumi.Bool(true), KeyId: a.KMSKeyID,
				KeyVaultNetworkAccess: pulumi.String("Private"), KeyVaultResourceId: a.VaultID,
			},
		},
		NetworkProfile: cs.ContainerServiceNetworkProfileArgs{
			NetworkPlugin: pulumi.String("azure"), NetworkPluginMode: pulumi.String("overlay"),
			NetworkPolicy: pulumi.String(a.NetworkPolicy), NetworkDataplane: pulumi.String(dataplane(a.NetworkPolicy)),
			PodCidr: pulumi.String(a.PodCIDR), ServiceCidr: pulumi.String(a.ServiceCIDR), DnsServiceIP: pulumi.String(a.DNSServiceIP),
			OutboundType: pulumi.String("loadBalancer"),
		},
		ApiServerAccessProfile: apiServer,
		AutoUpgradeProfile: cs.ManagedClusterAutoUpgradeProfileArgs{
			UpgradeChannel: pulumi.String(a.UpgradeChannel), NodeOSUpgradeChannel: pulumi.String(a.NodeOSUpgradeChannel),
		},
		AgentPoolProfiles: cs.ManagedClusterAgentPoolProfileArray{system},
		Tags:              a.Tags.StringMap(),
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn(a.WaitFor),
		// The autoscaler owns the system pool's node count.
		pulumi.IgnoreChanges([]string{"agentPoolProfiles[0].count"}))
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	for _, cfg := range MaintenanceConfigs {
		if _, err := cs.NewMaintenanceConfiguration(ctx, name+"-"+cfg, &cs.MaintenanceConfigurationArgs{
			ResourceGroupName: a.ResourceGroupName, ResourceName: cluster.Name, ConfigName: pulumi.String(cfg),
			MaintenanceWindow: cs.MaintenanceWindowArgs{
				Schedule:      cs.ScheduleArgs{Weekly: cs.WeeklyScheduleArgs{DayOfWeek: pulumi.String(a.Maintenance.DayOfWeek), IntervalWeeks: pulumi.Int(1)}},
				DurationHours: pulumi.Int(a.Maintenance.DurationHours), StartTime: pulumi.String(a.Maintenance.StartTime),
				UtcOffset: pulumi.String("+00:00"),
			},
		}, parent); err != nil {
			return nil, err
		}
	}
	logs := insights.LogSettingsArray{}
	for _, c := range AuditLogCategories {
		logs = append(logs, insights.LogSettingsArgs{Category: pulumi.String(c), Enabled: pulumi.Bool(true)})
	}
	if _, err := insights.NewDiagnosticSetting(ctx, name+"-audit", &insights.DiagnosticSettingArgs{
		Name: pulumi.String("audit-to-log-analytics"), ResourceUri: cluster.ID(), WorkspaceId: ws.ID(),
		LogAnalyticsDestinationType: pulumi.String("Dedicated"), Logs: logs,
	}, parent); err != nil {
		return nil, err
	}
	creds := cs.ListManagedClusterUserCredentialsOutput(ctx, cs.ListManagedClusterUserCredentialsOutputArgs{
		ResourceGroupName: a.ResourceGroupName, ResourceName: cluster.Name, Format: pulumi.String("exec"),
	}, parent)
	comp.Kubeconfig = pulumi.ToSecret(creds.Kubeconfigs().Index(pulumi.Int(0)).Value().ApplyT(func(b64 string) (string, error) {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("decoding the kubeconfig of %q: %w", name, err)
		}
		return UnattendedKubeconfig(string(raw), KubeloginMode)
	})).(pulumi.StringOutput)
	comp.Provider, err = kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{Kubeconfig: comp.Kubeconfig}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating Kubernetes provider for cluster %q: %w", name, err)
	}
	comp.Name, comp.ID, comp.WorkspaceID = cluster.Name, cluster.ID().ToStringOutput(), ws.ID().ToStringOutput()
	comp.OIDCIssuerURL = cluster.OidcIssuerProfile.IssuerURL().Elem()
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"name": comp.Name, "id": comp.ID, "oidcIssuerUrl": comp.OIDCIssuerURL, "kubeconfig": comp.Kubeconfig, "workspaceId": comp.WorkspaceID,
	})
}

// dataplane is the eBPF dataplane for Cilium policies, Azure's otherwise.
func dataplane(policy string) string {
	if policy == "cilium" {
		return "cilium"
	}
	return "azure"
}

func (a *ClusterArgs) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.ResourceGroupName == nil || a.Location == "" || a.ClusterName == "" || a.DNSPrefix == "" || a.NodeResourceGroup == "" || a.KubernetesVersion == "":
		return fmt.Errorf("ResourceGroupName, Location, ClusterName, DNSPrefix, NodeResourceGroup and KubernetesVersion are required")
	case a.ClusterIdentityID == nil || a.KubeletIdentityID == nil || a.KMSKeyID == nil || a.VaultID == nil || a.APIServerSubnetID == nil:
		return fmt.Errorf("the cluster and kubelet identities, KMSKeyID, VaultID and APIServerSubnetID are required")
	case len(a.AdminGroupObjectIDs) == 0:
		return fmt.Errorf("AdminGroupObjectIDs is empty: local accounts are off, so nobody could administer the cluster")
	case a.SKUTier != "Free" && a.SKUTier != "Standard":
		return fmt.Errorf("SKUTier %q must be Free or Standard", a.SKUTier)
	case a.NetworkPolicy != "cilium" && a.NetworkPolicy != "azure":
		return fmt.Errorf("NetworkPolicy %q must be cilium or azure", a.NetworkPolicy)
	case a.TenantID == "" || a.KubeletClientID == nil || a.KubeletObjectID == nil:
		return fmt.Errorf("TenantID and the kubelet identity's client and object ids are required")
	case a.LogRetentionDays < 30 || a.LogRetentionDays > 730:
		return fmt.Errorf("LogRetentionDays (%d) must be 30 to 730, as Log Analytics keeps", a.LogRetentionDays)
	case a.Maintenance.DayOfWeek == "" || a.Maintenance.StartTime == "" || a.Maintenance.DurationHours < 4:
		return fmt.Errorf("Maintenance needs a day, a start time and at least 4 hours")
	}
	for _, c := range a.PublicAccessCIDRs {
		if p, err := netip.ParsePrefix(c); err != nil || p.Bits() == 0 {
			return fmt.Errorf("PublicAccessCIDRs: %q must be a CIDR block narrower than the whole internet", c)
		}
	}
	return nil
}

// KubeloginMode is how the kubeconfig's kubelogin gets a token: from the
// Azure CLI's login, which works for people (az login) and for CI (az login
// with a federated token), where AKS's default, device code, would wait for
// someone to type a code.
const KubeloginMode = "azurecli"

// UnattendedKubeconfig rewrites every kubelogin exec user of a kubeconfig to
// log in with mode instead of the interactive device-code flow; the client id
// belongs to device-code login and is dropped.
func UnattendedKubeconfig(raw, mode string) (string, error) {
	var cfg map[string]interface{}
	if err := yaml.Unmarshal([]byte(raw), &cfg); err != nil {
		return "", fmt.Errorf("parsing the cluster's kubeconfig: %w", err)
	}
	users, _ := cfg["users"].([]interface{})
	for _, u := range users {
		exec, _ := getMap(getMap(u, "user"), "exec").(map[string]interface{})
		if exec == nil || exec["command"] != "kubelogin" {
			continue
		}
		args, _ := exec["args"].([]interface{})
		var out []interface{}
		for i := 0; i < len(args); i++ {
			switch args[i] {
			case "--login", "-l", "--client-id":
				i++ // drop the flag and its value
			default:
				out = append(out, args[i])
			}
		}
		exec["args"] = append(out, "--login", mode)
	}
	b, err := yaml.Marshal(cfg)
	return string(b), err
}

func getMap(v interface{}, key string) interface{} {
	if m, ok := v.(map[string]interface{}); ok {
		return m[key]
	}
	return nil
}
