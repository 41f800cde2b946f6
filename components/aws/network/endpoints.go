package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
)

// createEndpoints adds the S3 gateway endpoint (free; keeps model downloads
// off the NAT gateways) and, for private-only clusters, interface endpoints
// behind a security group that admits HTTPS from the VPC alone.
func (b *builder) createEndpoints() error {
	tables := make(pulumi.StringArray, len(b.privateTables))
	for i, rt := range b.privateTables {
		tables[i] = rt.ID().ToStringOutput()
	}
	if _, err := ec2.NewVpcEndpoint(b.ctx, b.name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           b.vpc.ID(),
		ServiceName:     pulumi.Sprintf("com.amazonaws.%s.s3", b.args.Region),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   tables,
		Tags:            nameTag(b.name + "-s3"),
	}, b.parent); err != nil {
		return err
	}
	if !b.args.InterfaceEndpoints {
		return nil
	}
	sg, err := ec2.NewSecurityGroup(b.ctx, names.SecurityGroup.Logical(b.name+"-endpoints"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.String("HTTPS from inside the VPC to AWS service interface endpoints"),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS from the VPC"),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			CidrBlocks: pulumi.StringArray{pulumi.String(b.args.CIDR)},
		}},
		Tags: nameTag(b.name + "-endpoints"),
	}, b.parent)
	if err != nil {
		return err
	}
	subnets := subnetIDs(b.private)
	for _, svc := range InterfaceEndpointServices {
		name := fmt.Sprintf("%s-%s", b.name, strings.ReplaceAll(svc, ".", "-"))
		if _, err := ec2.NewVpcEndpoint(b.ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             b.vpc.ID(),
			ServiceName:       pulumi.Sprintf("com.amazonaws.%s.%s", b.args.Region, svc),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         subnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			PrivateDnsEnabled: pulumi.Bool(true),
			Tags:              nameTag(name),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
