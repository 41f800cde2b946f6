package artifacts

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
)

// ArtifactsType is the component's type token.
const ArtifactsType = "mlplatform:aws:Artifacts"

// ArtifactsArgs configure Artifacts.
type ArtifactsArgs struct {
	// KMSKeyARN encrypts the bucket and the repositories. Required.
	KMSKeyARN pulumi.StringInput
	// AccountID confines the log delivery service to this account. Required.
	AccountID string
	// Repositories are the ECR repository names. Required.
	Repositories []string
	// RepositoryNamespace prefixes every repository name ("<namespace>/models")
	// so that stacks sharing an account and region never collide; unset means
	// no prefix.
	RepositoryNamespace string
	// ModelPrefix is the key prefix the access policies cover, ending in "/";
	// unset means "models/".
	ModelPrefix string
	// NoncurrentVersionDays keeps replaced object versions; unset means 30.
	NoncurrentVersionDays int
	// AccessLogRetentionDays keeps access logs; unset means 90.
	AccessLogRetentionDays int
	// UntaggedImageDays keeps untagged images; unset means 7.
	UntaggedImageDays int
	// ExpiringPrefixes are folders of the artifact bucket whose objects are
	// deleted after a number of days (models' payload archives).
	ExpiringPrefixes []ExpiringPrefix
	// Protect marks the bucket and repositories protected (prod).
	Protect bool
}

// ExpiringPrefix deletes the objects under Prefix Days after they are
// written, and their replaced versions a day after that.
type ExpiringPrefix struct {
	// ID names the lifecycle rule (at most 255 characters).
	ID     string
	Prefix string
	Days   int
}

// Artifacts is the artifact bucket, its log bucket, the registries and the
// access policies.
type Artifacts struct {
	pulumi.ResourceState

	// BucketName and BucketARN identify the artifact bucket.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	BucketARN  pulumi.StringOutput `pulumi:"bucketArn"`
	// RepositoryURLs maps each repository name to its URL.
	RepositoryURLs pulumi.StringMapOutput `pulumi:"repositoryUrls"`
	// ReadOnlyPolicyARN and ReadWritePolicyARN cover the model prefix.
	ReadOnlyPolicyARN  pulumi.StringOutput `pulumi:"readOnlyPolicyArn"`
	ReadWritePolicyARN pulumi.StringOutput `pulumi:"readWritePolicyArn"`
	// PullPolicyARN and PushPolicyARN cover the repositories.
	PullPolicyARN pulumi.StringOutput `pulumi:"pullPolicyArn"`
	PushPolicyARN pulumi.StringOutput `pulumi:"pushPolicyArn"`
}

// NewArtifacts creates the buckets, repositories and policies.
func NewArtifacts(ctx *pulumi.Context, name string, args *ArtifactsArgs, opts ...pulumi.ResourceOption) (*Artifacts, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating artifacts %q: %w", name, err)
	}
	comp := &Artifacts{}
	if err := ctx.RegisterComponentResource(ArtifactsType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	bucket, err := newArtifactBucket(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	repos, err := newRepositories(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	policies := map[string]pulumi.StringOutput{}
	for _, p := range []struct {
		suffix, description string
		doc                 pulumi.StringOutput
	}{
		{"read-only", "Read models under " + a.ModelPrefix, bucketPolicyDoc(bucket.Arn, a.KMSKeyARN, a.ModelPrefix, false)},
		{"read-write", "Read and write models under " + a.ModelPrefix, bucketPolicyDoc(bucket.Arn, a.KMSKeyARN, a.ModelPrefix, true)},
		{"registry-pull", "Pull images from the platform's repositories", registryPolicyDoc(repos.arns, a.KMSKeyARN, false)},
		{"registry-push", "Push images to the platform's repositories", registryPolicyDoc(repos.arns, a.KMSKeyARN, true)},
	} {
		pol, err := iam.NewPolicy(ctx, names.IAMPolicy.Logical(name+"-"+p.suffix), &iam.PolicyArgs{
			Description: pulumi.String(p.description), Policy: p.doc,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating %s policy of %q: %w", p.suffix, name, err)
		}
		policies[p.suffix] = pol.Arn
	}
	comp.BucketName, comp.BucketARN, comp.RepositoryURLs = bucket.Bucket, bucket.Arn, repos.urls
	comp.ReadOnlyPolicyARN, comp.ReadWritePolicyARN = policies["read-only"], policies["read-write"]
	comp.PullPolicyARN, comp.PushPolicyARN = policies["registry-pull"], policies["registry-push"]
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"bucketName": comp.BucketName, "bucketArn": comp.BucketARN, "repositoryUrls": comp.RepositoryURLs,
		"readOnlyPolicyArn": comp.ReadOnlyPolicyARN, "readWritePolicyArn": comp.ReadWritePolicyARN,
		"pullPolicyArn": comp.PullPolicyARN, "pushPolicyArn": comp.PushPolicyARN,
	})
}

func (a *ArtifactsArgs) withDefaults() (ArtifactsArgs, error) {
	if a == nil || a.KMSKeyARN == nil || a.AccountID == "" || len(a.Repositories) == 0 {
		return ArtifactsArgs{}, fmt.Errorf("KMSKeyARN, AccountID and Repositories are required")
	}
	out := *a
	if out.ModelPrefix == "" {
		out.ModelPrefix = "models/"
	}
	if !strings.HasSuffix(out.ModelPrefix, "/") || strings.HasPrefix(out.ModelPrefix, "/") {
		return out, fmt.Errorf("ModelPrefix %q must be relative and end in /", out.ModelPrefix)
	}
	if out.NoncurrentVersionDays == 0 {
		out.NoncurrentVersionDays = 30
	}
	if out.AccessLogRetentionDays == 0 {
		out.AccessLogRetentionDays = 90
	}
	if out.UntaggedImageDays == 0 {
		out.UntaggedImageDays = 7
	}
	// A lifecycle configuration holds at most 1000 rules
	// (docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleConfiguration.html);
	// the bucket keeps 2 of its own.
	if len(out.ExpiringPrefixes) > 998 {
		return out, fmt.Errorf("ExpiringPrefixes: %d rules, the bucket's lifecycle configuration holds at most 998 besides its own 2", len(out.ExpiringPrefixes))
	}
	for _, e := range out.ExpiringPrefixes {
		if e.ID == "" || len(e.ID) > 255 || !strings.HasSuffix(e.Prefix, "/") || strings.HasPrefix(e.Prefix, "/") || strings.HasPrefix(e.Prefix, out.ModelPrefix) || e.Days < 1 {
			return out, fmt.Errorf("ExpiringPrefixes: %+v needs an ID of 1 to 255 characters, a relative prefix ending in / outside ModelPrefix, and at least 1 day", e)
		}
	}
	return out, nil
}
