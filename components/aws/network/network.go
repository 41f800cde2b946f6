package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NetworkType is the component's type token.
const NetworkType = "mlplatform:aws:Network"

// NATStrategy decides how many NAT gateways the VPC gets.
type NATStrategy string

// NAT strategies.
const (
	// NATSingle is one NAT gateway in the first zone: cheap; the other zones'
	// egress depends on that zone.
	NATSingle NATStrategy = "single"
	// NATPerAZ is one NAT gateway per zone: no cross-zone dependency.
	NATPerAZ NATStrategy = "perAz"
)

// InterfaceEndpointServices are the AWS services a private-only cluster's
// nodes reach through interface endpoints: pulling images (ECR API and
// registry), assuming IRSA roles (STS), and EC2 for the VPC CNI.
var InterfaceEndpointServices = []string{"ecr.api", "ecr.dkr", "sts", "ec2"}

// NetworkArgs configure a Network.
type NetworkArgs struct {
	// CIDR is the VPC's IPv4 block. Required unless Existing is set.
	CIDR string
	// AvailabilityZones are the zones to span, at least 2. Required.
	AvailabilityZones []string
	// PrivateSubnetCIDRs and PublicSubnetCIDRs hold one block per zone.
	PrivateSubnetCIDRs, PublicSubnetCIDRs []string
	// NAT is the NAT gateway strategy; unset means NATSingle.
	NAT NATStrategy
	// Region builds endpoint service names. Required.
	Region string
	// AccountID confines the flow-logs role to deliveries for this account.
	// Required unless Existing.
	AccountID string
	// ClusterName is tagged on subnets (kubernetes.io/cluster/<name>=shared).
	ClusterName string
	// InterfaceEndpoints creates the InterfaceEndpointServices endpoints; set
	// it when the cluster API is private-only.
	InterfaceEndpoints bool
	// FlowLogKMSKeyARN encrypts the flow log group. Required unless Existing.
	FlowLogKMSKeyARN pulumi.StringInput
	// FlowLogRetentionDays keeps flow logs this long; unset means 30.
	FlowLogRetentionDays int
	// Existing brings a VPC instead of creating one.
	Existing *Existing
}

// Existing names a VPC and subnets that already exist.
type Existing struct {
	VPCID                             string
	PrivateSubnetIDs, PublicSubnetIDs []string
}

// Network is a VPC with its subnets, gateways, endpoints and flow logs.
type Network struct {
	pulumi.ResourceState

	// VPCID is the VPC's id.
	VPCID pulumi.StringOutput `pulumi:"vpcId"`
	// PrivateSubnetIDs are where nodes and the cluster's network interfaces go.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// PublicSubnetIDs hold NAT gateways and internet-facing load balancers.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
}

// NewNetwork creates the VPC, or passes through an existing one.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	a := args.withDefaults()
	comp := &Network{}
	if err := ctx.RegisterComponentResource(NetworkType, name, comp, opts...); err != nil {
		return nil, err
	}
	if a.Existing != nil {
		comp.VPCID = pulumi.String(a.Existing.VPCID).ToStringOutput()
		comp.PrivateSubnetIDs = pulumi.ToStringArray(a.Existing.PrivateSubnetIDs).ToStringArrayOutput()
		comp.PublicSubnetIDs = pulumi.ToStringArray(a.Existing.PublicSubnetIDs).ToStringArrayOutput()
		return comp, comp.register(ctx)
	}
	b := &builder{ctx: ctx, name: name, args: a, parent: pulumi.Parent(comp)}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	comp.VPCID = b.vpc.ID().ToStringOutput()
	comp.PrivateSubnetIDs = subnetIDs(b.private)
	comp.PublicSubnetIDs = subnetIDs(b.public)
	return comp, comp.register(ctx)
}

func (n *Network) register(ctx *pulumi.Context) error {
	return ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId": n.VPCID, "privateSubnetIds": n.PrivateSubnetIDs, "publicSubnetIds": n.PublicSubnetIDs,
	})
}

func (a *NetworkArgs) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.Existing != nil:
		if a.CIDR != "" || len(a.PrivateSubnetCIDRs)+len(a.PublicSubnetCIDRs) > 0 {
			return fmt.Errorf("Existing conflicts with CIDR and subnet CIDRs: a brought VPC is not changed; remove one")
		}
		if len(a.Existing.PrivateSubnetIDs) < 2 {
			return fmt.Errorf("Existing.PrivateSubnetIDs needs subnets in at least 2 zones, got %d", len(a.Existing.PrivateSubnetIDs))
		}
		return nil
	case len(a.AvailabilityZones) < 2:
		return fmt.Errorf("AvailabilityZones needs at least 2 zones, got %d", len(a.AvailabilityZones))
	case len(a.PrivateSubnetCIDRs) != len(a.AvailabilityZones) || len(a.PublicSubnetCIDRs) != len(a.AvailabilityZones):
		return fmt.Errorf("PrivateSubnetCIDRs (%d) and PublicSubnetCIDRs (%d) need one block per zone (%d)",
			len(a.PrivateSubnetCIDRs), len(a.PublicSubnetCIDRs), len(a.AvailabilityZones))
	case a.CIDR == "" || a.Region == "" || a.AccountID == "" || a.FlowLogKMSKeyARN == nil:
		return fmt.Errorf("CIDR, Region, AccountID and FlowLogKMSKeyARN are required")
	case a.NAT != "" && a.NAT != NATSingle && a.NAT != NATPerAZ:
		return fmt.Errorf("NAT %q must be %q or %q", a.NAT, NATSingle, NATPerAZ)
	}
	return nil
}

func (a *NetworkArgs) withDefaults() NetworkArgs {
	out := *a
	if out.NAT == "" {
		out.NAT = NATSingle
	}
	if out.FlowLogRetentionDays == 0 {
		out.FlowLogRetentionDays = 30
	}
	return out
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(subnets))
	for i, s := range subnets {
		ids[i] = s.ID().ToStringOutput()
	}
	return ids.ToStringArrayOutput()
}
