package tags

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"reflect"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/environments"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func env(ephemeral bool) *environments.Environment {
	e := &environments.Environment{Name: "preview", Tags: map[string]string{
		"environment": "preview", "owner": "ml@pangea.ai", "cost-center": "cc-4821", "project": "mlplatform", "data-classification": "internal",
	}}
	if ephemeral {
		e.Ephemeral = &environments.Ephemeral{MaxTTL: "72h"}
	}
	return e
}

func TestBuild(t *testing.T) {
	got, err := Build(env(true), "aws-pr-42", "2026-11-25T12:00:00+01:00", now)
	if err != nil {
		t.Fatal(err)
	}
	want := Set{
		"environment": "preview", "owner": "ml@pangea.ai", "cost-center": "cc-4821", "project": "mlplatform",
		"data-classification": "internal", "managed-by": "pulumi", "stack": "aws-pr-42", "expires-at": "2026-11-25T11:00:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Build = %v, want %v", got, want)
	}
	if keys := got.Keys(); keys[0] != "cost-center" || keys[len(keys)-1] != "stack" {
		t.Errorf("Keys not sorted: %v", keys)
	}
	if w := got.With(map[string]string{"Name": "x"}); w["Name"] != "x" || got["Name"] != "" {
		t.Errorf("With must copy: %v / %v", w, got)
	}
}

func TestBuildErrors(t *testing.T) {
	cases := map[string]struct {
		ephemeral bool
		expiresAt string
		want      string
	}{
		"missing on ephemeral": {true, "", `config mlplatform:expiresAt = "": environment preview is ephemeral and needs an RFC 3339 expiry; fix: set it, e.g. 2026-11-25T12:00:00Z (preview stacks set it when they are created)`},
		"in the past":          {true, "2026-11-23T11:00:00Z", `config mlplatform:expiresAt = "2026-11-23T11:00:00Z": must lie after now (2026-11-23T12:00:00Z) and within maxTTL 72h; fix: set a time within the next 72h`},
		"beyond the ttl":       {true, "2026-12-01T00:00:00Z", `config mlplatform:expiresAt = "2026-12-01T00:00:00Z": must lie after now (2026-11-23T12:00:00Z) and within maxTTL 72h; fix: set a time within the next 72h`},
		"on a lasting env":     {false, "2026-11-24T00:00:00Z", `config mlplatform:expiresAt = "2026-11-24T00:00:00Z": environment preview is not ephemeral; fix: remove expiresAt from the stack config`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Build(env(tc.ephemeral), "s", tc.expiresAt, now)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTaggabilityListsAreDisjoint(t *testing.T) {
	for typ := range awsTaggable {
		if awsUntaggable[typ] {
			t.Errorf("%s is in both lists", typ)
		}
	}
	if AWSTaggability("aws:ec2/vpc:Vpc") != Taggable || AWSTaggability("aws:kms/alias:Alias") != Untaggable || AWSTaggability("aws:new/thing:Thing") != Unclassified {
		t.Error("AWSTaggability misclassifies")
	}
}

func TestAzureTransformAddsMissingTags(t *testing.T) {
	set := Set{"environment": "dev", "managed-by": "pulumi"}
	tr := set.AzureTransform()
	cases := map[string]struct {
		args *pulumi.ResourceTransformArgs
		want pulumi.StringMap // nil: the transform leaves the resource alone
	}{
		"taggable without tags": {
			&pulumi.ResourceTransformArgs{Custom: true, Type: "azure-native:keyvault:Vault", Props: pulumi.Map{"vaultName": pulumi.String("kv")}},
			pulumi.StringMap{"environment": pulumi.String("dev"), "managed-by": pulumi.String("pulumi")},
		},
		"taggable with its own value": {
			&pulumi.ResourceTransformArgs{Custom: true, Type: "azure-native:storage:StorageAccount", Props: pulumi.Map{"tags": pulumi.StringMap{"environment": pulumi.String("x"), "Name": pulumi.String("n")}}},
			pulumi.StringMap{"environment": pulumi.String("x"), "managed-by": pulumi.String("pulumi"), "Name": pulumi.String("n")},
		},
		"untaggable":  {&pulumi.ResourceTransformArgs{Custom: true, Type: "azure-native:network:Subnet", Props: pulumi.Map{}}, nil},
		"component":   {&pulumi.ResourceTransformArgs{Custom: false, Type: "azure-native:keyvault:Vault", Props: pulumi.Map{}}, nil},
		"aws is left": {&pulumi.ResourceTransformArgs{Custom: true, Type: "aws:s3/bucketV2:BucketV2", Props: pulumi.Map{}}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := tr(context.Background(), tc.args)
			if tc.want == nil {
				if res != nil {
					t.Fatalf("transform changed %s: %v", tc.args.Type, res.Props)
				}
				return
			}
			if res == nil || !reflect.DeepEqual(res.Props["tags"], tc.want) {
				t.Fatalf("tags = %v, want %v", res, tc.want)
			}
			if _, kept := tc.args.Props["vaultName"]; kept && res.Props["vaultName"] != tc.args.Props["vaultName"] {
				t.Error("other properties were not kept")
			}
		})
	}
}

func TestAzureTaggabilityListsAreDisjoint(t *testing.T) {
	for typ := range azureTaggable {
		if azureUntaggable[typ] {
			t.Errorf("%s is in both lists", typ)
		}
	}
}
