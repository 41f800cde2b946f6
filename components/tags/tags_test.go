package tags

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"reflect"
	"testing"
)

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
