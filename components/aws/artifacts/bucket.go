package artifacts

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
)

// bucketSettings are what differs between the artifact and the log bucket.
type bucketSettings struct {
	// kmsKeyARN selects SSE-KMS; nil selects SSE-S3 (AES256), which S3 server
	// access logging requires of its target bucket.
	kmsKeyARN pulumi.StringInput
	// expireDays expires current objects (log buckets); 0 keeps them.
	expireDays     int
	noncurrentDays int
	// extraStatements are added to the TLS-only bucket policy.
	extraStatements func(bucketARN string) []policydoc.Statement
	// expiring are folders whose objects expire on their own schedule.
	expiring []ExpiringPrefix
	protect  bool
}

// hardenedBucket creates a bucket with versioning, default encryption, the
// four public-access block flags, BucketOwnerEnforced, a TLS-only policy and
// a lifecycle. Each control is its own resource, as the AWS provider models it.
func hardenedBucket(ctx *pulumi.Context, name string, s bucketSettings, parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	bucket, err := s3.NewBucketV2(ctx, names.S3Bucket.Logical(name), &s3.BucketV2Args{}, parent, pulumi.Protect(s.protect))
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent); err != nil {
		return nil, err
	}
	sse := s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm: pulumi.String("AES256"),
		},
	}
	if s.kmsKeyARN != nil {
		sse = s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: s.kmsKeyARN,
			},
			// A bucket key cuts KMS requests (and cost) by orders of magnitude.
			BucketKeyEnabled: pulumi.Bool(true),
		}
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(), Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{sse},
	}, parent); err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			st := []policydoc.Statement{TLSOnlyStatement(arn)}
			if s.extraStatements != nil {
				st = append(st, s.extraStatements(arn)...)
			}
			return policydoc.New(st...).JSON()
		}).(pulumi.StringOutput),
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil { // S3 rejects policies racing the block
		return nil, err
	}
	rules := s3.BucketLifecycleConfigurationV2RuleArray{
		s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-noncurrent-versions"), Status: pulumi.String("Enabled"),
			Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(s.noncurrentDays),
			},
		},
		s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("abort-incomplete-uploads"), Status: pulumi.String("Enabled"),
			Filter:                         s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		},
	}
	if s.expireDays > 0 {
		rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-objects"), Status: pulumi.String("Enabled"),
			Filter:     s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration: s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(s.expireDays)},
		})
	}
	for _, e := range s.expiring {
		// The bucket is versioned: expiring a current object leaves a
		// delete marker and a replaced version, which goes a day later.
		// Where this rule and the bucket-wide one overlap, S3 honours the
		// shorter expiration (docs.aws.amazon.com/AmazonS3/latest/userguide/
		// lifecycle-conflicts.html).
		rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String(e.ID), Status: pulumi.String("Enabled"),
			Filter:                      s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(e.Prefix)},
			Expiration:                  s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(e.Days)},
			NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
		})
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(), Rules: rules,
	}, parent); err != nil {
		return nil, err
	}
	return bucket, nil
}

// TLSOnlyStatement denies every request to the bucket and its objects that
// does not arrive over TLS.
func TLSOnlyStatement(bucketARN string) policydoc.Statement {
	return policydoc.Statement{
		Sid: "DenyInsecureTransport", Effect: policydoc.Deny,
		Principal: map[string]interface{}{"AWS": "*"},
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// newArtifactBucket creates the access-log bucket, then the artifact bucket
// logging into it.
func newArtifactBucket(ctx *pulumi.Context, name string, a *ArtifactsArgs, parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	bucket, err := hardenedBucket(ctx, name, bucketSettings{
		kmsKeyARN: a.KMSKeyARN, noncurrentDays: a.NoncurrentVersionDays, expiring: a.ExpiringPrefixes, protect: a.Protect,
	}, parent)
	if err != nil {
		return nil, err
	}
	logs, err := hardenedBucket(ctx, name+"-access-logs", bucketSettings{
		expireDays: a.AccessLogRetentionDays, noncurrentDays: 1, protect: a.Protect,
		extraStatements: func(logsARN string) []policydoc.Statement {
			return []policydoc.Statement{{
				Sid: "S3ServerAccessLogDelivery", Effect: policydoc.Allow,
				Principal: map[string]interface{}{"Service": "logging.s3.amazonaws.com"},
				Action:    []string{"s3:PutObject"},
				Resource:  []string{logsARN + "/*"},
				Condition: map[string]map[string]string{"StringEquals": {"aws:SourceAccount": a.AccountID}},
			}}
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLoggingV2(ctx, name, &s3.BucketLoggingV2Args{
		Bucket: bucket.ID(), TargetBucket: logs.ID(), TargetPrefix: pulumi.String("artifacts/"),
	}, parent); err != nil {
		return nil, err
	}
	return bucket, nil
}
