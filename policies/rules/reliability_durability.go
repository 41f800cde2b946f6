package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// dataDurability is rule data-durability.
var dataDurability = Rule{ID: "data-durability", Category: Reliability, Kind: Fixed,
	Description: "Checks whether stored data survives a mistaken delete or overwrite: S3 versioning with noncurrent-version expiration, blob and container soft delete with blob versioning, Key Vault soft delete, and registries that expire untagged images (ECR lifecycle policy, Premium ACR retention policy).",
	Resources:   "S3 buckets + their versioning and lifecycle configurations, storage accounts + blob service properties, Key Vaults, ECR repositories + lifecycle policies, container registries",
	Mirrors:     "CKV_AWS_21",
	Check:       relCheckDurability}

func relCheckDurability(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch {
		case r.Type == relS3Bucket:
			out = append(out, relBucketDurability(s, r)...)
		case r.Type == relECRRepository:
			out = append(out, relECRDurability(s, r)...)
		case relAzure(r.Type, "storage", "StorageAccount"):
			out = append(out, relBlobDurability(s, r)...)
		case relAzure(r.Type, "keyvault", "Vault"):
			switch v, _ := r.Get("properties.enableSoftDelete"); {
			case props.HasUnknown(v):
				out = append(out, CannotVerify(r, "properties.enableSoftDelete"))
			case v != true:
				out = append(out, Violation(r, "%s must set properties.enableSoftDelete to true (got %s)", Subject(r), relShow(v)))
			}
		case relAzure(r.Type, "containerregistry", "Registry"):
			out = append(out, relACRDurability(r)...)
		}
	}
	return out
}

// relShow prints an input value for a message; "unset" when absent.
func relShow(v interface{}) string {
	switch t := v.(type) {
	case nil:
		return "unset"
	case string:
		return strconv.Quote(t)
	case float64:
		return relNum(t)
	}
	return fmt.Sprint(v)
}

func relBucketDurability(s *Stack, b *Resource) []Finding {
	var out []Finding
	name := b.Str("bucket")
	if name == "" {
		name = b.ID
	}
	switch v := relRelated(s, b, relIs(relS3Versioning), "bucket", name); {
	case v == nil:
		out = append(out, Violation(b, "%s must have versioning enabled: no BucketVersioningV2 names it", Subject(b)))
	case v.IsUnknown("versioningConfiguration.status"):
		out = append(out, CannotVerify(v, "versioningConfiguration.status"))
	case v.Str("versioningConfiguration.status") != "Enabled":
		got, _ := v.Get("versioningConfiguration.status")
		out = append(out, Violation(v, "%s must set versioningConfiguration.status to Enabled (got %s)", Subject(v), relShow(got)))
	}
	switch lc := relRelated(s, b, relIs(relS3Lifecycle), "bucket", name); {
	case lc == nil:
		out = append(out, Violation(b, "%s must have a lifecycle configuration that expires noncurrent versions: no BucketLifecycleConfigurationV2 names it", Subject(b)))
	default:
		rules, _ := lc.Get("rules")
		found := false
		for _, rule := range relList(rules) {
			status, _ := lookup(rule, "status")
			days, _ := lookup(rule, "noncurrentVersionExpiration.noncurrentDays")
			if d, ok := days.(float64); ok && status == "Enabled" && d > 0 {
				found = true
			}
		}
		switch {
		case found:
		case props.HasUnknown(rules):
			out = append(out, CannotVerify(lc, "rules"))
		default:
			out = append(out, Violation(lc, "%s must have an Enabled rule with noncurrentVersionExpiration.noncurrentDays, or noncurrent versions are kept forever", Subject(lc)))
		}
	}
	return out
}

func relList(v interface{}) []interface{} {
	l, _ := props.Unwrap(v).([]interface{})
	return l
}

func relECRDurability(s *Stack, repo *Resource) []Finding {
	p := relRelated(s, repo, relIs(relECRLifecycle), "repository", repo.Str("name"))
	if p == nil {
		return []Finding{Violation(repo, "%s must have a lifecycle policy that expires untagged images: no LifecyclePolicy names it", Subject(repo))}
	}
	if p.IsUnknown("policy") {
		return []Finding{CannotVerify(p, "policy")}
	}
	var doc struct {
		Rules []struct {
			Action    struct{ Type string }
			Selection struct{ TagStatus string }
		}
	}
	if err := json.Unmarshal([]byte(p.Str("policy")), &doc); err == nil {
		for _, rule := range doc.Rules {
			if rule.Action.Type == "expire" && rule.Selection.TagStatus == "untagged" {
				return nil
			}
		}
	}
	return []Finding{Violation(p, "%s must have a rule in policy that expires untagged images (tagStatus untagged)", Subject(p))}
}

func relBlobDurability(s *Stack, sa *Resource) []Finding {
	bs := relRelated(s, sa, func(t string) bool { return relAzure(t, "storage", "BlobServiceProperties") }, "accountName", sa.Str("accountName"))
	if bs == nil {
		return []Finding{Violation(sa, "%s must have blob service properties with soft delete and versioning: no BlobServiceProperties names it", Subject(sa))}
	}
	var out []Finding
	for _, path := range []string{"deleteRetentionPolicy.enabled", "containerDeleteRetentionPolicy.enabled", "isVersioningEnabled"} {
		switch v, _ := bs.Get(path); {
		case props.HasUnknown(v):
			out = append(out, CannotVerify(bs, path))
		case v != true:
			out = append(out, Violation(bs, "%s must set %s to true (got %s)", Subject(bs), path, relShow(v)))
		}
	}
	return out
}

// relACRDurability: only Premium registries take a retention policy for
// untagged manifests; Basic and Standard have none to set.
func relACRDurability(r *Resource) []Finding {
	if r.IsUnknown("sku.name") {
		return []Finding{CannotVerify(r, "sku.name")}
	}
	if r.Str("sku.name") != "Premium" {
		return nil
	}
	switch v, _ := r.Get("policies.retentionPolicy.status"); {
	case props.HasUnknown(v):
		return []Finding{CannotVerify(r, "policies.retentionPolicy.status")}
	case !strings.EqualFold(r.Str("policies.retentionPolicy.status"), "enabled"):
		return []Finding{Violation(r, "%s must set policies.retentionPolicy.status to enabled on a Premium registry (got %s)", Subject(r), relShow(v))}
	}
	return nil
}

// ---------------------------------------------------------------- secrets-not-plaintext
