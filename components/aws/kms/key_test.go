package kms

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func TestKeyHasRotationWindowAndAlias(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewKey(ctx, "platform", &KeyArgs{Description: "test", AccountID: "123456789012", Region: "us-east-1"})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := rec.Named("aws:kms/key:Key", "platform")
	if err != nil {
		t.Fatal(err)
	}
	if key.In("enableKeyRotation") != true || key.In("deletionWindowInDays") != 30.0 || key.In("bypassPolicyLockoutSafetyCheck") != false {
		t.Errorf("key rotation %v window %v bypass %v", key.In("enableKeyRotation"), key.In("deletionWindowInDays"), key.In("bypassPolicyLockoutSafetyCheck"))
	}
	alias, err := rec.Named("aws:kms/alias:Alias", "platform")
	if err != nil {
		t.Fatal(err)
	}
	if alias.InString("name") != "alias/platform" || alias.InString("targetKeyId") != key.Out("keyId") {
		t.Errorf("alias %v -> %v, want alias/platform -> %v", alias.In("name"), alias.In("targetKeyId"), key.Out("keyId"))
	}
	comp, _ := rec.Named(KeyType, "platform")
	if key.Parent != comp.URN || alias.Parent != comp.URN {
		t.Errorf("children not parented to the component")
	}
}

func TestPolicyGrantsOnlyTheNamedServices(t *testing.T) {
	cases := map[string]struct {
		args KeyArgs
		sids []string
	}{
		"account only":          {KeyArgs{AccountID: "1", Region: "r"}, []string{"AccountIAMDecides"}},
		"logs":                  {KeyArgs{AccountID: "1", Region: "r", CloudWatchLogs: true}, []string{"AccountIAMDecides", "CloudWatchLogsEncryptsThisAccountsLogGroups"}},
		"logs and auto scaling": {KeyArgs{AccountID: "1", Region: "r", CloudWatchLogs: true, AutoScaling: true}, []string{"AccountIAMDecides", "CloudWatchLogsEncryptsThisAccountsLogGroups", "AutoScalingUsesKeyForNodeVolumes", "AutoScalingGrantsForAttachedVolumes"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.args.Partition = "aws"
			var sids []string
			for _, s := range Policy(tc.args).Statement {
				sids = append(sids, s.Sid)
			}
			if !reflect.DeepEqual(sids, tc.sids) {
				t.Errorf("statements %v, want %v", sids, tc.sids)
			}
		})
	}
	p := Policy(KeyArgs{AccountID: "123456789012", Region: "eu-west-1", Partition: "aws", CloudWatchLogs: true, AutoScaling: true})
	logs := p.Statement[1]
	if logs.Principal["Service"] != "logs.eu-west-1.amazonaws.com" ||
		logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] != "arn:aws:logs:eu-west-1:123456789012:*" {
		t.Errorf("logs statement not confined to the account's log groups in the region: %+v", logs)
	}
	grant := p.Statement[3]
	if !reflect.DeepEqual(grant.Action, []string{"kms:CreateGrant"}) || grant.Condition["Bool"]["kms:GrantIsForAWSResource"] != "true" ||
		grant.Principal["AWS"] != "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" {
		t.Errorf("auto scaling grant statement = %+v", grant)
	}
	if _, err := policydoc.Parse(p.JSON()); err != nil {
		t.Error(err)
	}
}

func TestArgsErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		args *KeyArgs
		want string
	}{
		"nil":          {nil, `creating key "k": Description, AccountID and Region are required`},
		"short window": {&KeyArgs{Description: "d", AccountID: "1", Region: "r", DeletionWindowDays: 3}, `creating key "k": DeletionWindowDays (3) must be 7 to 30`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := recorder.Run(func(ctx *pulumi.Context) error {
				_, err := NewKey(ctx, "k", tc.args)
				return err
			}, recorder.Options{Project: "p", Stack: "s"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
