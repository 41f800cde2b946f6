package rules

import "github.com/pangea-ai/mlplatform/components/tokens"

// protectStateful is rule protect-stateful.
var protectStateful = Rule{ID: "protect-stateful", Category: Reliability, Kind: ProdOnly,
	Description: "Checks whether a prod stack protects its stateful resources (buckets, KMS keys, registries, Key Vaults and their keys, storage accounts, clusters, databases) with the protect option, so that no update deletes or replaces them.",
	Resources:   "S3 buckets, KMS keys, ECR repositories, EKS clusters, RDS instances, Key Vaults and keys, storage accounts, container registries, AKS clusters, PostgreSQL flexible servers",
	Mirrors:     "Pulumi protect semantics",
	Check:       relCheckProtect}

// relStateful reports whether losing a resource of typ loses data or state
// that a redeploy cannot recreate.
func relStateful(typ string) bool {
	switch typ {
	case relS3Bucket, relS3BucketV1, relKMSKey, relECRRepository, relEKSCluster, tokens.AWSRDSInstance:
		return true
	}
	return relAzure(typ, "keyvault", "Vault") || relAzure(typ, "keyvault", "Key") ||
		relAzure(typ, "storage", "StorageAccount") || relAzure(typ, "containerregistry", "Registry") ||
		relAKSCluster(typ)
}

func relCheckProtect(s *Stack) []Finding {
	if !s.IsProd() {
		return nil
	}
	var out []Finding
	for _, r := range s.Resources {
		if (relStateful(r.Type) || isFlexibleServer(r)) && !r.Protect {
			out = append(out, Violation(r, "%s must be protected (protect: true) in prod, so that no update deletes or replaces it", Subject(r)))
		}
	}
	return out
}

// ---------------------------------------------------------------- data-durability
