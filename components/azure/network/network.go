package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// NetworkType is the component's type token.
const NetworkType = "mlplatform:azure:Network"

// Private DNS zones for the private endpoints the platform uses.
const (
	ZoneKeyVault = "privatelink.vaultcore.azure.net"
	ZoneBlob     = "privatelink.blob.core.windows.net"
	// ZonePostgres is where flexible servers with private access register:
	// its name must end in .postgres.database.azure.com ("Networking with
	// private access (VNET integration)", Azure Database for PostgreSQL).
	ZonePostgres = "mlflow.private.postgres.database.azure.com"
)

// Subnet names inside the virtual network.
const (
	SubnetSystem    = "snet-system"
	SubnetUser      = "snet-user"
	SubnetEndpoints = "snet-endpoints"
	SubnetAPIServer = "snet-apiserver"
	SubnetDatabase  = "snet-database"
)

// PostgresDelegation is the service a flexible server's subnet is
// delegated to.
const PostgresDelegation = "Microsoft.DBforPostgreSQL/flexibleServers"

// NetworkArgs configure a Network.
type NetworkArgs struct {
	// ResourceGroupName and Location place everything. Required.
	ResourceGroupName pulumi.StringInput
	Location          string
	// VNetName is the virtual network's name. Required unless Existing.
	VNetName string
	// CIDR is the address space; the four subnet CIDRs lie inside it.
	// Required unless Existing.
	CIDR                                                                      string
	SystemSubnetCIDR, UserSubnetCIDR, EndpointSubnetCIDR, APIServerSubnetCIDR string
	// DatabaseSubnetCIDR, when set, adds a subnet delegated to PostgreSQL
	// flexible servers.
	DatabaseSubnetCIDR string
	// PrivateDNSZones are created and linked to the network; unset means the
	// Key Vault and blob zones.
	PrivateDNSZones []string
	// Tags is the stack's tag set.
	Tags tags.Set
	// Existing brings subnets instead of creating the network.
	Existing *Existing
}

// Existing names brought subnets by resource id.
type Existing struct {
	SystemSubnetID, UserSubnetID, EndpointSubnetID, APIServerSubnetID string
	// DatabaseSubnetID is a subnet already delegated to PostgreSQL
	// flexible servers; empty when none is needed.
	DatabaseSubnetID string
}

// Network is a virtual network with the platform's subnets and DNS zones.
type Network struct {
	pulumi.ResourceState

	VNetID            pulumi.StringOutput `pulumi:"vnetId"`
	SystemSubnetID    pulumi.StringOutput `pulumi:"systemSubnetId"`
	UserSubnetID      pulumi.StringOutput `pulumi:"userSubnetId"`
	EndpointSubnetID  pulumi.StringOutput `pulumi:"endpointSubnetId"`
	APIServerSubnetID pulumi.StringOutput `pulumi:"apiServerSubnetId"`
	// DatabaseSubnetID is the subnet delegated to PostgreSQL flexible
	// servers; empty when there is none.
	DatabaseSubnetID pulumi.StringOutput `pulumi:"databaseSubnetId"`
	// PrivateDNSZoneIDs maps each zone name to its id.
	PrivateDNSZoneIDs map[string]pulumi.StringOutput
}

// NewNetwork creates the network, or passes a brought one through.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	comp := &Network{PrivateDNSZoneIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(NetworkType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	if args.Existing != nil {
		e := args.Existing
		comp.SystemSubnetID = pulumi.String(e.SystemSubnetID).ToStringOutput()
		comp.UserSubnetID = pulumi.String(e.UserSubnetID).ToStringOutput()
		comp.EndpointSubnetID = pulumi.String(e.EndpointSubnetID).ToStringOutput()
		comp.APIServerSubnetID = pulumi.String(e.APIServerSubnetID).ToStringOutput()
		comp.DatabaseSubnetID = pulumi.String(e.DatabaseSubnetID).ToStringOutput()
		comp.VNetID = pulumi.String(vnetOf(e.SystemSubnetID)).ToStringOutput()
	} else if err := comp.createNetwork(ctx, name, args, parent); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	if err := comp.createZones(ctx, name, args, parent); err != nil {
		return nil, fmt.Errorf("creating private DNS zones of %q: %w", name, err)
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"vnetId": comp.VNetID, "systemSubnetId": comp.SystemSubnetID, "userSubnetId": comp.UserSubnetID,
		"endpointSubnetId": comp.EndpointSubnetID, "apiServerSubnetId": comp.APIServerSubnetID,
		"databaseSubnetId": comp.DatabaseSubnetID,
	})
}

func (a *NetworkArgs) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.ResourceGroupName == nil || a.Location == "":
		return fmt.Errorf("ResourceGroupName and Location are required")
	case a.Existing != nil:
		if a.VNetName != "" || a.CIDR != "" || a.SystemSubnetCIDR != "" || a.UserSubnetCIDR != "" || a.EndpointSubnetCIDR != "" || a.APIServerSubnetCIDR != "" {
			return fmt.Errorf("Existing conflicts with VNetName and the CIDRs: a brought network is not changed; remove one or the other")
		}
		e := a.Existing
		vnet := vnetOf(e.SystemSubnetID)
		for _, id := range []string{e.SystemSubnetID, e.UserSubnetID, e.EndpointSubnetID, e.APIServerSubnetID} {
			if vnetOf(id) == "" || vnetOf(id) != vnet {
				return fmt.Errorf("Existing subnet %q must be a subnet resource id in the same virtual network as the system subnet", id)
			}
		}
	case a.VNetName == "" || a.CIDR == "" || a.SystemSubnetCIDR == "" || a.UserSubnetCIDR == "" || a.EndpointSubnetCIDR == "" || a.APIServerSubnetCIDR == "":
		return fmt.Errorf("VNetName, CIDR and the four subnet CIDRs are required")
	}
	return nil
}

// vnetOf returns the virtual network id of a subnet id, or "" when id is not
// one.
func vnetOf(subnetID string) string {
	i := strings.Index(subnetID, "/subnets/")
	if i <= 0 || !strings.Contains(subnetID[:i], "/providers/Microsoft.Network/virtualNetworks/") || i+len("/subnets/") == len(subnetID) {
		return ""
	}
	return subnetID[:i]
}

func (n *Network) createNetwork(ctx *pulumi.Context, name string, a *NetworkArgs, parent pulumi.ResourceOption) error {
	vnet, err := network.NewVirtualNetwork(ctx, name, &network.VirtualNetworkArgs{
		ResourceGroupName:  a.ResourceGroupName,
		Location:           pulumi.String(a.Location),
		VirtualNetworkName: pulumi.String(a.VNetName),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(a.CIDR)}},
		Tags:               a.Tags.StringMap(),
	}, parent,
		// Subnets are their own resources; the network must not reset them.
		pulumi.IgnoreChanges([]string{"subnets"}))
	if err != nil {
		return err
	}
	n.VNetID = vnet.ID().ToStringOutput()
	n.DatabaseSubnetID = pulumi.String("").ToStringOutput()
	var previous pulumi.Resource = vnet
	type subnetSpec struct {
		subnet, cidr string
		out          *pulumi.StringOutput
		denyInternet bool
		delegation   string // name/service, or ""
		endpoints    bool
	}
	specs := []subnetSpec{
		{SubnetSystem, a.SystemSubnetCIDR, &n.SystemSubnetID, true, "", false},
		{SubnetUser, a.UserSubnetCIDR, &n.UserSubnetID, true, "", false},
		{SubnetEndpoints, a.EndpointSubnetCIDR, &n.EndpointSubnetID, true, "", true},
		{SubnetAPIServer, a.APIServerSubnetCIDR, &n.APIServerSubnetID, false, "aks/Microsoft.ContainerService/managedClusters", false},
	}
	if a.DatabaseSubnetCIDR != "" {
		// The database answers only inside the network: no internet in.
		specs = append(specs, subnetSpec{SubnetDatabase, a.DatabaseSubnetCIDR, &n.DatabaseSubnetID, true, "postgres/" + PostgresDelegation, false})
	}
	for _, s := range specs {
		resName := name + "-" + strings.TrimPrefix(s.subnet, "snet-")
		nsg, err := network.NewNetworkSecurityGroup(ctx, resName, &network.NetworkSecurityGroupArgs{
			ResourceGroupName:        a.ResourceGroupName,
			Location:                 pulumi.String(a.Location),
			NetworkSecurityGroupName: pulumi.String(names.NetworkSecurityGroup.Fit("nsg-" + a.VNetName + "-" + strings.TrimPrefix(s.subnet, "snet-"))),
			SecurityRules:            securityRules(s.denyInternet),
			Tags:                     a.Tags.StringMap(),
		}, parent)
		if err != nil {
			return err
		}
		args := &network.SubnetArgs{
			ResourceGroupName:    a.ResourceGroupName,
			VirtualNetworkName:   vnet.Name,
			SubnetName:           pulumi.String(s.subnet),
			AddressPrefix:        pulumi.String(s.cidr),
			NetworkSecurityGroup: network.NetworkSecurityGroupTypeArgs{Id: nsg.ID().ToStringOutput().ToStringPtrOutput()},
		}
		if name, service, ok := strings.Cut(s.delegation, "/"); ok {
			args.Delegations = network.DelegationArray{network.DelegationArgs{Name: pulumi.String(name), ServiceName: pulumi.String(service)}}
		}
		if s.endpoints {
			// Network policies on private endpoints let the NSG apply to them.
			args.PrivateEndpointNetworkPolicies = pulumi.String("Enabled")
		}
		// Azure updates a network's subnets one at a time.
		subnet, err := network.NewSubnet(ctx, resName, args, parent, pulumi.DependsOn([]pulumi.Resource{previous}))
		if err != nil {
			return err
		}
		previous = subnet
		*s.out = subnet.ID().ToStringOutput()
	}
	return nil
}

// securityRules returns the subnet's own rules. Azure's default rules already
// deny inbound internet traffic at the lowest priority; the explicit rule at
// 4000 keeps it denied even if someone later adds a broad allow rule with a
// priority after it, and makes the intent visible in review. The API server
// subnet keeps the defaults, as AKS expects.
func securityRules(denyInternet bool) network.SecurityRuleTypeArray {
	if !denyInternet {
		return network.SecurityRuleTypeArray{}
	}
	return network.SecurityRuleTypeArray{network.SecurityRuleTypeArgs{
		Name:                     pulumi.String("deny-internet-inbound"),
		Priority:                 pulumi.Int(4000),
		Direction:                pulumi.String("Inbound"),
		Access:                   pulumi.String("Deny"),
		Protocol:                 pulumi.String("*"),
		SourceAddressPrefix:      pulumi.String("Internet"),
		SourcePortRange:          pulumi.String("*"),
		DestinationAddressPrefix: pulumi.String("*"),
		DestinationPortRange:     pulumi.String("*"),
	}}
}

func (n *Network) createZones(ctx *pulumi.Context, name string, a *NetworkArgs, parent pulumi.ResourceOption) error {
	zones := a.PrivateDNSZones
	if zones == nil {
		zones = []string{ZoneKeyVault, ZoneBlob}
	}
	for _, z := range zones {
		resName := name + "-" + strings.Split(strings.TrimPrefix(z, "privatelink."), ".")[0]
		zone, err := network.NewPrivateZone(ctx, resName, &network.PrivateZoneArgs{
			ResourceGroupName: a.ResourceGroupName,
			PrivateZoneName:   pulumi.String(z),
			Location:          pulumi.String("global"),
			Tags:              a.Tags.StringMap(),
		}, parent)
		if err != nil {
			return err
		}
		if _, err := network.NewVirtualNetworkLink(ctx, resName, &network.VirtualNetworkLinkArgs{
			ResourceGroupName:      a.ResourceGroupName,
			PrivateZoneName:        zone.Name,
			VirtualNetworkLinkName: pulumi.String("vnet"),
			Location:               pulumi.String("global"),
			RegistrationEnabled:    pulumi.Bool(false),
			VirtualNetwork:         network.SubResourceArgs{Id: n.VNetID.ToStringPtrOutput()},
			Tags:                   a.Tags.StringMap(),
		}, parent); err != nil {
			return err
		}
		n.PrivateDNSZoneIDs[z] = zone.ID().ToStringOutput()
	}
	return nil
}

// PrivateEndpointArgs configure a private endpoint into the network.
type PrivateEndpointArgs struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	// EndpointName is the endpoint's name.
	EndpointName string
	SubnetID     pulumi.StringInput
	// TargetID is the resource reached; GroupID its sub-resource ("vault", "blob").
	TargetID pulumi.StringInput
	GroupID  string
	// ZoneID is the private DNS zone the endpoint registers in.
	ZoneID pulumi.StringInput
	Tags   tags.Set
}

// NewPrivateEndpoint creates a private endpoint and its DNS zone group, as
// children of parent. It returns the endpoint, so callers can wait for it.
func NewPrivateEndpoint(ctx *pulumi.Context, name string, a PrivateEndpointArgs, opts ...pulumi.ResourceOption) (*network.PrivateEndpoint, error) {
	if a.ResourceGroupName == nil || a.SubnetID == nil || a.TargetID == nil || a.ZoneID == nil || a.EndpointName == "" || a.GroupID == "" {
		return nil, fmt.Errorf("creating private endpoint %q: ResourceGroupName, EndpointName, SubnetID, TargetID, GroupID and ZoneID are required", name)
	}
	pe, err := network.NewPrivateEndpoint(ctx, name, &network.PrivateEndpointArgs{
		ResourceGroupName:   a.ResourceGroupName,
		Location:            pulumi.String(a.Location),
		PrivateEndpointName: pulumi.String(names.PrivateEndpoint.Fit(a.EndpointName)),
		Subnet:              network.SubnetTypeArgs{Id: a.SubnetID.ToStringOutput().ToStringPtrOutput()},
		PrivateLinkServiceConnections: network.PrivateLinkServiceConnectionArray{network.PrivateLinkServiceConnectionArgs{
			Name:                 pulumi.String(names.PrivateEndpoint.Fit(a.EndpointName)),
			PrivateLinkServiceId: a.TargetID.ToStringOutput().ToStringPtrOutput(),
			GroupIds:             pulumi.StringArray{pulumi.String(a.GroupID)},
		}},
		Tags: a.Tags.StringMap(),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating private endpoint %q: %w", name, err)
	}
	if _, err := network.NewPrivateDnsZoneGroup(ctx, name, &network.PrivateDnsZoneGroupArgs{
		ResourceGroupName:       a.ResourceGroupName,
		PrivateEndpointName:     pe.Name,
		PrivateDnsZoneGroupName: pulumi.String("default"),
		PrivateDnsZoneConfigs: network.PrivateDnsZoneConfigArray{network.PrivateDnsZoneConfigArgs{
			Name: pulumi.String(a.GroupID), PrivateDnsZoneId: a.ZoneID.ToStringOutput().ToStringPtrOutput(),
		}},
	}, opts...); err != nil {
		return nil, fmt.Errorf("creating DNS zone group of private endpoint %q: %w", name, err)
	}
	return pe, nil
}
