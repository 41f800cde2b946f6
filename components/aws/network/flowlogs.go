package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
)

// createFlowLogs sends all VPC traffic records to a KMS-encrypted log group
// through a role only the flow-logs service can assume.
func (b *builder) createFlowLogs() error {
	name := b.name + "-flow-logs"
	group, err := cloudwatch.NewLogGroup(b.ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/vpc/%s/flow-logs", b.name),
		RetentionInDays: pulumi.Int(b.args.FlowLogRetentionDays),
		KmsKeyId:        b.args.FlowLogKMSKeyARN,
	}, b.parent)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(b.ctx, names.IAMRole.Logical(name), &iam.RoleArgs{
		Description:      pulumi.String("Lets VPC flow logs write to their log group"),
		AssumeRolePolicy: pulumi.String(flowLogsTrust(b.args.AccountID, b.args.Region).JSON()),
	}, b.parent)
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(b.ctx, name, &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: group.Arn.ApplyT(func(arn string) string {
			return policydoc.New(policydoc.Statement{
				Effect:   policydoc.Allow,
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				Resource: []string{arn, arn + ":*"},
			}).JSON()
		}).(pulumi.StringOutput),
	}, b.parent); err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(b.ctx, name, &ec2.FlowLogArgs{
		VpcId:                  b.vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   nameTag(name),
	}, b.parent)
	return err
}

// flowLogsTrust lets the flow-logs service assume the role only for deliveries
// of this account's flow logs in this region (no confused deputy).
func flowLogsTrust(accountID, region string) policydoc.Document {
	d := policydoc.ServiceTrust("vpc-flow-logs.amazonaws.com")
	d.Statement[0].Condition = map[string]map[string]string{
		"StringEquals": {"aws:SourceAccount": accountID},
		"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/*", region, accountID)},
	}
	return d
}
