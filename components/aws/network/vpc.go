package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// builder holds what one NewNetwork call creates, in creation order.
type builder struct {
	ctx    *pulumi.Context
	name   string
	args   NetworkArgs
	parent pulumi.ResourceOption

	vpc             *ec2.Vpc
	private, public []*ec2.Subnet
	privateTables   []*ec2.RouteTable
}

func (b *builder) build() error {
	steps := []func() error{b.createVPC, b.createSubnets, b.createEgress, b.createEndpoints, b.createFlowLogs}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func nameTag(name string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(name)} }

func (b *builder) createVPC() error {
	var err error
	b.vpc, err = ec2.NewVpc(b.ctx, b.name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.args.CIDR),
		EnableDnsHostnames: pulumi.Bool(true), // interface endpoints' private DNS needs both
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               nameTag(b.name),
	}, b.parent)
	return err
}

func (b *builder) createSubnets() error {
	for i, az := range b.args.AvailabilityZones {
		for _, tier := range []struct {
			kind, cidr, role string
			list             *[]*ec2.Subnet
		}{
			{"private", b.args.PrivateSubnetCIDRs[i], "kubernetes.io/role/internal-elb", &b.private},
			{"public", b.args.PublicSubnetCIDRs[i], "kubernetes.io/role/elb", &b.public},
		} {
			name := fmt.Sprintf("%s-%s-%d", b.name, tier.kind, i)
			tags := nameTag(name)
			tags[tier.role] = pulumi.String("1")
			if b.args.ClusterName != "" {
				tags["kubernetes.io/cluster/"+b.args.ClusterName] = pulumi.String("shared")
			}
			s, err := ec2.NewSubnet(b.ctx, name, &ec2.SubnetArgs{
				VpcId:            b.vpc.ID(),
				CidrBlock:        pulumi.String(tier.cidr),
				AvailabilityZone: pulumi.String(az),
				// Nothing gets a public IP by launching here: NAT gateways use
				// Elastic IPs and load balancers their own.
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags:                tags,
			}, b.parent)
			if err != nil {
				return err
			}
			*tier.list = append(*tier.list, s)
		}
	}
	return nil
}

// createEgress adds the internet gateway, the public route table, the NAT
// gateways and one private route table per zone. Private tables exist per zone
// whatever the strategy, so switching single <-> perAz only changes routes.
func (b *builder) createEgress() error {
	igw, err := ec2.NewInternetGateway(b.ctx, b.name, &ec2.InternetGatewayArgs{VpcId: b.vpc.ID(), Tags: nameTag(b.name)}, b.parent)
	if err != nil {
		return err
	}
	publicRT, err := ec2.NewRouteTable(b.ctx, b.name+"-public", &ec2.RouteTableArgs{VpcId: b.vpc.ID(), Tags: nameTag(b.name + "-public")}, b.parent)
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(b.ctx, b.name+"-public-internet", &ec2.RouteArgs{
		RouteTableId: publicRT.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
	}, b.parent); err != nil {
		return err
	}
	nats := 1
	if b.args.NAT == NATPerAZ {
		nats = len(b.args.AvailabilityZones)
	}
	var natIDs []pulumi.IDOutput
	for i := range nats {
		name := fmt.Sprintf("%s-nat-%d", b.name, i)
		eip, err := ec2.NewEip(b.ctx, name, &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: nameTag(name)}, b.parent)
		if err != nil {
			return err
		}
		nat, err := ec2.NewNatGateway(b.ctx, name, &ec2.NatGatewayArgs{
			AllocationId: eip.AllocationId, SubnetId: b.public[i].ID(), Tags: nameTag(name),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return err
		}
		natIDs = append(natIDs, nat.ID())
	}
	for i := range b.args.AvailabilityZones {
		if _, err := ec2.NewRouteTableAssociation(b.ctx, fmt.Sprintf("%s-public-%d", b.name, i), &ec2.RouteTableAssociationArgs{
			SubnetId: b.public[i].ID(), RouteTableId: publicRT.ID(),
		}, b.parent); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-private-%d", b.name, i)
		rt, err := ec2.NewRouteTable(b.ctx, name, &ec2.RouteTableArgs{VpcId: b.vpc.ID(), Tags: nameTag(name)}, b.parent)
		if err != nil {
			return err
		}
		b.privateTables = append(b.privateTables, rt)
		if _, err := ec2.NewRoute(b.ctx, name+"-nat", &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: natIDs[i%nats],
		}, b.parent); err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, name, &ec2.RouteTableAssociationArgs{
			SubnetId: b.private[i].ID(), RouteTableId: rt.ID(),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
