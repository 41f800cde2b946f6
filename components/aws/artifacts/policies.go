package artifacts

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
)

// BucketAccess returns the statements that read (and, with write, change)
// objects under prefix, and use the key for them.
func BucketAccess(bucketARN, keyARN, prefix string, write bool) policydoc.Document {
	objectActions := []string{"s3:GetObject", "s3:GetObjectVersion"}
	keyActions := []string{"kms:Decrypt"}
	if write {
		objectActions = append(objectActions, "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload")
		keyActions = append(keyActions, "kms:GenerateDataKey")
	}
	return policydoc.New(
		policydoc.Statement{Sid: "ListThePrefix", Effect: policydoc.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN},
			Condition: map[string]map[string]string{"StringLike": {"s3:prefix": prefix + "*"}}},
		policydoc.Statement{Sid: "ObjectsUnderThePrefix", Effect: policydoc.Allow, Action: objectActions, Resource: []string{bucketARN + "/" + prefix + "*"}},
		policydoc.Statement{Sid: "TheBucketKey", Effect: policydoc.Allow, Action: keyActions, Resource: []string{keyARN}},
	)
}

// PayloadWrite returns the statements that let a model's logger add
// objects under its payload prefix, encrypted with the key: write only,
// since nothing in the pod reads the archive back.
func PayloadWrite(bucketARN, keyARN, prefix string) []policydoc.Statement {
	return []policydoc.Statement{
		policydoc.Statement{Sid: "WritePayloadsUnderThePrefix", Effect: policydoc.Allow, Action: []string{"s3:PutObject"}, Resource: []string{bucketARN + "/" + prefix + "*"}},
		policydoc.Statement{Sid: "EncryptPayloads", Effect: policydoc.Allow, Action: []string{"kms:GenerateDataKey"}, Resource: []string{keyARN}},
	}
}

func bucketPolicyDoc(bucketARN pulumi.StringOutput, keyARN pulumi.StringInput, prefix string, write bool) pulumi.StringOutput {
	return pulumi.All(bucketARN, keyARN).ApplyT(func(v []interface{}) string {
		return BucketAccess(v[0].(string), v[1].(string), prefix, write).JSON()
	}).(pulumi.StringOutput)
}

// RegistryAccess returns the statements that pull (and, with push, push)
// images of the repositories.
func RegistryAccess(repoARNs []string, keyARN string, push bool) policydoc.Document {
	actions := []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}
	if push {
		actions = append(actions, "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload")
	}
	keyActions := []string{"kms:Decrypt"}
	if push {
		keyActions = append(keyActions, "kms:GenerateDataKey")
	}
	return policydoc.New(
		// GetAuthorizationToken has no resource-level scope in IAM.
		policydoc.Statement{Sid: "RegistryLogin", Effect: policydoc.Allow, Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		policydoc.Statement{Sid: "ThePlatformRepositories", Effect: policydoc.Allow, Action: actions, Resource: repoARNs},
		policydoc.Statement{Sid: "TheRegistryKey", Effect: policydoc.Allow, Action: keyActions, Resource: []string{keyARN}},
	)
}

func registryPolicyDoc(repoARNs pulumi.StringArray, keyARN pulumi.StringInput, push bool) pulumi.StringOutput {
	return pulumi.All(repoARNs.ToStringArrayOutput(), keyARN).ApplyT(func(v []interface{}) string {
		return RegistryAccess(v[0].([]string), v[1].(string), push).JSON()
	}).(pulumi.StringOutput)
}
