package artifacts

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
)

type repositories struct {
	arns pulumi.StringArray
	urls pulumi.StringMapOutput
}

// LifecyclePolicy expires untagged images after untaggedDays and keeps at most
// 500 images per repository.
func LifecyclePolicy(untaggedDays int) string {
	b, _ := json.Marshal(map[string]interface{}{"rules": []interface{}{
		map[string]interface{}{
			"rulePriority": 1, "description": "expire untagged images",
			"selection": map[string]interface{}{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": untaggedDays},
			"action":    map[string]string{"type": "expire"},
		},
		map[string]interface{}{
			"rulePriority": 2, "description": "keep the newest 500 images",
			"selection": map[string]interface{}{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 500},
			"action":    map[string]string{"type": "expire"},
		},
	}})
	return string(b)
}

func newRepositories(ctx *pulumi.Context, name string, a *ArtifactsArgs, parent pulumi.ResourceOption) (*repositories, error) {
	out := &repositories{}
	urls := pulumi.StringMap{}
	for _, repo := range a.Repositories {
		resName := name + "-" + repo
		fullName := repo
		if a.RepositoryNamespace != "" {
			fullName = a.RepositoryNamespace + "/" + repo
		}
		r, err := ecr.NewRepository(ctx, resName, &ecr.RepositoryArgs{
			Name:               pulumi.String(names.ECRRepository.Fit(fullName)),
			ImageTagMutability: pulumi.String("IMMUTABLE"),
			ImageScanningConfiguration: ecr.RepositoryImageScanningConfigurationArgs{
				ScanOnPush: pulumi.Bool(true),
			},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{ecr.RepositoryEncryptionConfigurationArgs{
				EncryptionType: pulumi.String("KMS"), KmsKey: a.KMSKeyARN,
			}},
			ForceDelete: pulumi.Bool(false),
		}, parent, pulumi.Protect(a.Protect))
		if err != nil {
			return nil, err
		}
		if _, err := ecr.NewLifecyclePolicy(ctx, resName, &ecr.LifecyclePolicyArgs{
			Repository: r.Name, Policy: pulumi.String(LifecyclePolicy(a.UntaggedImageDays)),
		}, parent); err != nil {
			return nil, err
		}
		out.arns = append(out.arns, r.Arn)
		urls[repo] = r.RepositoryUrl
	}
	out.urls = urls.ToStringMapOutput()
	return out, nil
}
