package kms

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
)

// KeyType is the component's type token.
const KeyType = "mlplatform:aws:Key"

// DefaultDeletionWindowDays is the wait before a scheduled deletion happens.
const DefaultDeletionWindowDays = 30

// KeyArgs configure a Key.
type KeyArgs struct {
	// Description says what the key protects. Required.
	Description string
	// Alias is the alias name without "alias/"; unset means the component name.
	Alias string
	// AccountID and Region place the key; Partition defaults to "aws".
	AccountID, Region, Partition string
	// CloudWatchLogs lets CloudWatch Logs in Region encrypt log groups of this
	// account with the key.
	CloudWatchLogs bool
	// AutoScaling lets the EC2 Auto Scaling service-linked role use the key for
	// EBS volumes of instances it launches (managed node groups).
	AutoScaling bool
	// DeletionWindowDays is 7 to 30; unset means 30.
	DeletionWindowDays int
}

// Key is a customer-managed KMS key with rotation on.
type Key struct {
	pulumi.ResourceState

	// ARN is the key's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// KeyID is the key's id.
	KeyID pulumi.StringOutput `pulumi:"keyId"`
}

// NewKey creates the key and its alias.
func NewKey(ctx *pulumi.Context, name string, args *KeyArgs, opts ...pulumi.ResourceOption) (*Key, error) {
	if args == nil || args.Description == "" || args.AccountID == "" || args.Region == "" {
		return nil, fmt.Errorf("creating key %q: Description, AccountID and Region are required", name)
	}
	a := *args
	if a.Partition == "" {
		a.Partition = "aws"
	}
	if a.DeletionWindowDays == 0 {
		a.DeletionWindowDays = DefaultDeletionWindowDays
	}
	if a.DeletionWindowDays < 7 || a.DeletionWindowDays > 30 {
		return nil, fmt.Errorf("creating key %q: DeletionWindowDays (%d) must be 7 to 30", name, a.DeletionWindowDays)
	}
	if a.Alias == "" {
		a.Alias = name
	}
	comp := &Key{}
	if err := ctx.RegisterComponentResource(KeyType, name, comp, opts...); err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:                    pulumi.String(a.Description),
		EnableKeyRotation:              pulumi.Bool(true),
		DeletionWindowInDays:           pulumi.Int(a.DeletionWindowDays),
		BypassPolicyLockoutSafetyCheck: pulumi.Bool(false),
		Policy:                         pulumi.String(Policy(a).JSON()),
	}, pulumi.Parent(comp))
	if err != nil {
		return nil, fmt.Errorf("creating key %q: %w", name, err)
	}
	if _, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		Name:        pulumi.String(names.KMSAlias.Fit("alias/" + a.Alias)),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(comp)); err != nil {
		return nil, fmt.Errorf("creating alias for key %q: %w", name, err)
	}
	comp.ARN, comp.KeyID = key.Arn, key.KeyId
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": key.Arn, "keyId": key.KeyId})
}

// Policy returns the key policy for args: the account root (so IAM policies
// decide access, and the key can never become unmanageable), plus the services
// args enables, each confined to this account.
func Policy(a KeyArgs) policydoc.Document {
	root := fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.AccountID)
	st := []policydoc.Statement{{
		Sid: "AccountIAMDecides", Effect: policydoc.Allow,
		Principal: map[string]interface{}{"AWS": root},
		Action:    []string{"kms:*"}, Resource: []string{"*"},
	}}
	if a.CloudWatchLogs {
		st = append(st, policydoc.Statement{
			Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups", Effect: policydoc.Allow,
			Principal: map[string]interface{}{"Service": fmt.Sprintf("logs.%s.amazonaws.com", a.Region)},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]string{"ArnLike": {
				"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:*", a.Partition, a.Region, a.AccountID),
			}},
		})
	}
	if a.AutoScaling {
		slr := map[string]interface{}{"AWS": fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", a.Partition, a.AccountID)}
		st = append(st, policydoc.Statement{
			Sid: "AutoScalingUsesKeyForNodeVolumes", Effect: policydoc.Allow, Principal: slr,
			Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource: []string{"*"},
		}, policydoc.Statement{
			Sid: "AutoScalingGrantsForAttachedVolumes", Effect: policydoc.Allow, Principal: slr,
			Action:    []string{"kms:CreateGrant"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]string{"Bool": {"kms:GrantIsForAWSResource": "true"}},
		})
	}
	return policydoc.New(st...)
}
