package artifacts

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/data"

func record(t *testing.T, protect bool) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewArtifacts(ctx, "art", &ArtifactsArgs{
			KMSKeyARN: pulumi.String(keyARN), AccountID: "123456789012",
			Repositories: []string{"models", "explainers"}, RepositoryNamespace: "aws-dev", Protect: protect,
		})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestArtifactBucketControls(t *testing.T) {
	rec := record(t, true)
	bucket, _ := rec.Named("aws:s3/bucketV2:BucketV2", "art")
	id := bucket.ID
	sse, _ := rec.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "art")
	wantSSE := []interface{}{map[string]interface{}{
		"applyServerSideEncryptionByDefault": map[string]interface{}{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyARN},
		"bucketKeyEnabled":                   true,
	}}
	if sse.InString("bucket") != id || !reflect.DeepEqual(sse.In("rules"), wantSSE) {
		t.Errorf("encryption = %v", sse.In(""))
	}
	ver, _ := rec.Named("aws:s3/bucketVersioningV2:BucketVersioningV2", "art")
	if ver.InString("versioningConfiguration.status") != "Enabled" || ver.InString("bucket") != id {
		t.Errorf("versioning = %v", ver.In(""))
	}
	pab, _ := rec.Named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "art")
	for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.In(flag) != true {
			t.Errorf("public access block %s = %v", flag, pab.In(flag))
		}
	}
	own, _ := rec.Named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "art")
	if own.InString("rule.objectOwnership") != "BucketOwnerEnforced" {
		t.Errorf("ownership = %v", own.In("rule"))
	}
	pol, _ := rec.Named("aws:s3/bucketPolicy:BucketPolicy", "art")
	doc, err := policydoc.Parse(pol.InString("policy"))
	if err != nil {
		t.Fatal(err)
	}
	arn := bucket.Out("arn").(string)
	if !reflect.DeepEqual(doc.Statement, []policydoc.Statement{TLSOnlyStatement(arn)}) {
		t.Errorf("bucket policy = %+v", doc.Statement)
	}
	if doc.Statement[0].Effect != "Deny" || doc.Statement[0].Condition["Bool"]["aws:SecureTransport"] != "false" ||
		!reflect.DeepEqual(doc.Statement[0].Resource, []string{arn, arn + "/*"}) {
		t.Errorf("TLS statement = %+v", doc.Statement[0])
	}
	if !slices.Contains(pol.DependsOn, pab.URN) {
		t.Error("bucket policy does not wait for the public access block")
	}
	life, _ := rec.Named("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "art")
	rules := life.In("rules").([]interface{})
	if len(rules) != 2 || rules[0].(map[string]interface{})["noncurrentVersionExpiration"].(map[string]interface{})["noncurrentDays"] != 30.0 ||
		rules[1].(map[string]interface{})["abortIncompleteMultipartUpload"].(map[string]interface{})["daysAfterInitiation"] != 7.0 {
		t.Errorf("lifecycle = %v", rules)
	}
	logging, _ := rec.Named("aws:s3/bucketLoggingV2:BucketLoggingV2", "art")
	logs, _ := rec.Named("aws:s3/bucketV2:BucketV2", "art-access-logs")
	if logging.InString("bucket") != id || logging.InString("targetBucket") != logs.ID {
		t.Errorf("access logging = %v", logging.In(""))
	}
	if !bucket.Protect || !logs.Protect {
		t.Error("buckets not protected when Protect is set")
	}
}

func TestAccessLogBucketUsesSSES3AndAdmitsOnlyLogDelivery(t *testing.T) {
	rec := record(t, false)
	sse, _ := rec.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "art-access-logs")
	if sse.InString("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm") != "AES256" {
		t.Errorf("log bucket encryption = %v (server access logging needs SSE-S3 on its target)", sse.In("rules"))
	}
	pol, _ := rec.Named("aws:s3/bucketPolicy:BucketPolicy", "art-access-logs")
	doc, _ := policydoc.Parse(pol.InString("policy"))
	if len(doc.Statement) != 2 || doc.Statement[1].Principal["Service"] != "logging.s3.amazonaws.com" ||
		doc.Statement[1].Condition["StringEquals"]["aws:SourceAccount"] != "123456789012" {
		t.Errorf("log bucket policy = %+v", doc.Statement)
	}
	life, _ := rec.Named("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "art-access-logs")
	if life.In("rules[2].expiration.days") != 90.0 {
		t.Errorf("access logs expire after %v days, want 90", life.In("rules[2].expiration.days"))
	}
}

func TestRepositories(t *testing.T) {
	rec := record(t, true)
	for _, name := range []string{"models", "explainers"} {
		repo, err := rec.Named("aws:ecr/repository:Repository", "art-"+name)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]interface{}{
			"name": "aws-dev/" + name, "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": map[string]interface{}{"scanOnPush": true},
			"encryptionConfigurations": []interface{}{map[string]interface{}{"encryptionType": "KMS", "kmsKey": keyARN}},
			"forceDelete":              false,
		}
		if got := repo.In(""); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
		if !repo.Protect {
			t.Errorf("%s not protected", name)
		}
		lp, _ := rec.Named("aws:ecr/lifecyclePolicy:LifecyclePolicy", "art-"+name)
		var doc struct {
			Rules []struct {
				Selection map[string]interface{} `json:"selection"`
			} `json:"rules"`
		}
		if err := json.Unmarshal([]byte(lp.InString("policy")), &doc); err != nil || lp.InString("repository") != "aws-dev/"+name {
			t.Fatalf("lifecycle policy of %s: %v %v", name, err, lp.In(""))
		}
		if doc.Rules[0].Selection["tagStatus"] != "untagged" || doc.Rules[0].Selection["countNumber"] != 7.0 {
			t.Errorf("untagged rule = %v", doc.Rules[0].Selection)
		}
	}
}

func TestAccessPoliciesAreScopedToThePrefix(t *testing.T) {
	rec := record(t, false)
	bucket, _ := rec.Named("aws:s3/bucketV2:BucketV2", "art")
	arn := bucket.Out("arn").(string)
	for _, tc := range []struct {
		name    string
		actions []string
	}{
		{"art-read-only", []string{"s3:GetObject", "s3:GetObjectVersion"}},
		{"art-read-write", []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}},
	} {
		p, _ := rec.Named("aws:iam/policy:Policy", tc.name)
		doc, err := policydoc.Parse(p.InString("policy"))
		if err != nil {
			t.Fatal(err)
		}
		list, objects := doc.Statement[0], doc.Statement[1]
		if list.Condition["StringLike"]["s3:prefix"] != "models/*" || !reflect.DeepEqual(list.Resource, []string{arn}) {
			t.Errorf("%s list statement = %+v", tc.name, list)
		}
		if !reflect.DeepEqual(objects.Resource, []string{arn + "/models/*"}) || !reflect.DeepEqual(objects.Action, tc.actions) {
			t.Errorf("%s object statement = %+v", tc.name, objects)
		}
	}
	push, _ := rec.Named("aws:iam/policy:Policy", "art-registry-push")
	doc, _ := policydoc.Parse(push.InString("policy"))
	repos := doc.Statement[1].Resource
	if len(repos) != 2 || repos[0] != "arn:aws:ecr:us-east-1:123456789012:repository/aws-dev/models" {
		t.Errorf("push policy repositories = %v", repos)
	}
}
