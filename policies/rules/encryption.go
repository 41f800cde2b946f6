package rules

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Types the encryption rules read.
const (
	encEKSCluster      = tokens.AWSEKSCluster
	encNodeGroup       = tokens.AWSEKSNodeGroup
	encLaunchTemplate  = tokens.AWSEC2LaunchTemplate
	encBucket          = tokens.AWSS3BucketV2
	encBucketSSE       = tokens.AWSS3BucketServerSideEncryptionConfigurationV2
	encBucketPolicy    = tokens.AWSS3BucketPolicy
	encBucketLogging   = tokens.AWSS3BucketLoggingV2
	encECRRepository   = tokens.AWSECRRepository
	encKMSKey          = tokens.AWSKMSKey
	encManagedCluster  = tokens.AzureAKSManagedCluster
	encAgentPool       = tokens.AzureAKSAgentPool
	encStorageAccount  = tokens.AzureStorageAccount
	encKeyVault        = tokens.AzureKeyVault
	encManagedClusterN = tokens.AzureAKSManagedClusterUnversioned
	encAgentPoolN      = tokens.AzureAKSAgentPoolUnversioned
)

// cmkARN matches a customer-managed KMS key ARN (not an alias, not an AWS
// managed key such as alias/aws/s3).
var cmkARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$`)

func encryptionRules() []Rule {
	return []Rule{
		eksSecretsEnvelopeKMS,
		awsNodeVolumesEncrypted,
		s3SSEKMS,
		s3TLSOnly,
		registryEncryption,
		kmsKeyHygiene,
		aksSecretsKMS,
		aksHostEncryption,
		storageCMK,
		storageTLS,
		keyvaultRecoverable,
		databaseEncryption,
		databaseTLS,
	}
}

// eksSecretsEnvelopeKMS is rule eks-secrets-envelope-kms.
var eksSecretsEnvelopeKMS = Rule{ID: "eks-secrets-envelope-kms", Category: Encryption, Kind: Fixed,
	Description: "Checks whether EKS clusters encrypt Kubernetes secrets with a customer-managed KMS key (envelope encryption).",
	Resources:   "EKS clusters", Mirrors: "CKV_AWS_58, CIS EKS 5.3.1",
	Check: checkEKSSecretsEnvelopeKMS}

// checkEKSSecretsEnvelopeKMS is the check of rule eks-secrets-envelope-kms.
func checkEKSSecretsEnvelopeKMS(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.ByType(encEKSCluster) {
		switch {
		case c.IsUnknown("encryptionConfig"):
			out = append(out, CannotVerify(c, "encryptionConfig"))
		case !slices.Contains(props.Strings(encValue(c.Get("encryptionConfig.resources"))), "secrets"):
			out = append(out, Violation(c, "%s must encrypt secrets: encryptionConfig.resources must include \"secrets\"", Subject(c)))
		case !cmkARN.MatchString(c.Str("encryptionConfig.provider.keyArn")):
			out = append(out, Violation(c, "%s must encrypt secrets with a customer-managed KMS key ARN (encryptionConfig.provider.keyArn = %q)", Subject(c), c.Str("encryptionConfig.provider.keyArn")))
		}
	}
	return out
}

// awsNodeVolumesEncrypted is rule aws-node-volumes-encrypted.
var awsNodeVolumesEncrypted = Rule{ID: "aws-node-volumes-encrypted", Category: Encryption, Kind: Fixed,
	Description: "Checks whether every EKS node group boots from a launch template whose block devices are encrypted with a customer-managed KMS key.",
	Resources:   "EKS node groups, launch templates", Mirrors: "AWSGuard encrypted-volumes, CKV_AWS_3, cdk-nag EC26",
	Check: checkAWSNodeVolumesEncrypted}

// checkAWSNodeVolumesEncrypted is the check of rule aws-node-volumes-encrypted.
func checkAWSNodeVolumesEncrypted(s *Stack) []Finding {
	var out []Finding
	for _, ng := range s.ByType(encNodeGroup) {
		if _, ok := ng.Get("launchTemplate"); !ok {
			out = append(out, Violation(ng, "%s must use a launch template with encrypted volumes (it has none, so its disks use the account default)", Subject(ng)))
		}
	}
	for _, lt := range s.ByType(encLaunchTemplate) {
		if lt.IsUnknown("blockDeviceMappings") {
			out = append(out, CannotVerify(lt, "blockDeviceMappings"))
			continue
		}
		bdms, _ := encValue(lt.Get("blockDeviceMappings")).([]interface{})
		if len(bdms) == 0 {
			out = append(out, Violation(lt, "%s must map its root volume with encrypted=true and a KMS key (blockDeviceMappings is empty)", Subject(lt)))
		}
		for i := range bdms {
			p := "blockDeviceMappings[" + strconv.Itoa(i) + "].ebs"
			dev := lt.Str("blockDeviceMappings[" + strconv.Itoa(i) + "].deviceName")
			if enc := lt.Str(p + ".encrypted"); enc != "true" {
				if b, ok := lt.Bool(p + ".encrypted"); !ok || !b {
					out = append(out, Violation(lt, "%s must encrypt volume %s (ebs.encrypted must be true)", Subject(lt), dev))
					continue
				}
			}
			if !cmkARN.MatchString(lt.Str(p + ".kmsKeyId")) {
				out = append(out, Violation(lt, "%s must encrypt volume %s with a customer-managed KMS key (ebs.kmsKeyId = %q)", Subject(lt), dev, lt.Str(p+".kmsKeyId")))
			}
		}
	}
	return out
}

// s3SSEKMS is rule s3-sse-kms.
var s3SSEKMS = Rule{ID: "s3-sse-kms", Category: Encryption, Kind: Fixed,
	Description: "Checks whether every S3 bucket has a default encryption configuration using aws:kms with a customer-managed key (access-log target buckets, which S3 only lets use SSE-S3, need AES256 at least).",
	Resources:   "S3 buckets and their server-side encryption configurations, bucket logging", Mirrors: "CKV_AWS_145, cdk-nag S3 KMS",
	Check: checkS3SSEKMS}

// checkS3SSEKMS is the check of rule s3-sse-kms.
func checkS3SSEKMS(s *Stack) []Finding {
	var out []Finding
	logTarget := func(b *Resource) bool {
		for _, l := range s.ByType(encBucketLogging) {
			if l.RefersTo("targetBucket", b) {
				return true
			}
		}
		return false
	}
	for _, b := range s.ByType(encBucket) {
		sse := encBucketConfig(s, b, encBucketSSE)
		if sse == nil {
			out = append(out, Violation(b, "%s must have a server-side encryption configuration with aws:kms and a customer-managed key (none found)", Subject(b)))
			continue
		}
		if sse.IsUnknown("rules") {
			out = append(out, CannotVerify(sse, "rules"))
			continue
		}
		alg := sse.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")
		key := sse.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId")
		switch {
		case logTarget(b) && (alg == "AES256" || alg == "aws:kms"):
		case alg != "aws:kms":
			out = append(out, Violation(sse, "%s must encrypt bucket %s with sseAlgorithm aws:kms (it is %q)", Subject(sse), encBucketName(b, sse), alg))
		case !cmkARN.MatchString(key):
			out = append(out, Violation(sse, "%s must encrypt bucket %s with a customer-managed KMS key ARN (kmsMasterKeyId = %q)", Subject(sse), encBucketName(b, sse), key))
		}
	}
	return out
}

// s3TLSOnly is rule s3-tls-only.
var s3TLSOnly = Rule{ID: "s3-tls-only", Category: Encryption, Kind: Fixed,
	Description: "Checks whether every S3 bucket's policy denies requests without TLS (aws:SecureTransport false) on the bucket and its objects.",
	Resources:   "S3 buckets and bucket policies", Mirrors: "AwsSolutions-S10, FSBP S3.5",
	Check: checkS3TLSOnly}

// checkS3TLSOnly is the check of rule s3-tls-only.
func checkS3TLSOnly(s *Stack) []Finding {
	var out []Finding
	for _, b := range s.ByType(encBucket) {
		pol := encBucketConfig(s, b, encBucketPolicy)
		name := encBucketName(b, pol)
		switch {
		case pol == nil:
			out = append(out, Violation(b, "%s must have a bucket policy denying requests where aws:SecureTransport is false (no policy found)", Subject(b)))
		case pol.IsUnknown("policy"):
			out = append(out, CannotVerify(pol, "policy"))
		case !encDeniesInsecureTransport(pol.Str("policy"), name):
			out = append(out, Violation(pol, "%s must deny s3:* where aws:SecureTransport is false on arn:aws:s3:::%s and arn:aws:s3:::%s/*", Subject(pol), name, name))
		}
	}
	return out
}

// registryEncryption is rule registry-encryption.
var registryEncryption = Rule{ID: "registry-encryption", Category: Encryption, Kind: Fixed,
	Description: "Checks whether ECR repositories encrypt images with KMS.",
	Resources:   "ECR repositories", Mirrors: "CKV_AWS_136",
	Check: checkRegistryEncryption}

// checkRegistryEncryption is the check of rule registry-encryption.
func checkRegistryEncryption(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(encECRRepository) {
		switch t := r.Str("encryptionConfigurations[0].encryptionType"); {
		case r.IsUnknown("encryptionConfigurations"):
			out = append(out, CannotVerify(r, "encryptionConfigurations"))
		case t != "KMS":
			out = append(out, Violation(r, "%s must encrypt images with KMS (encryptionConfigurations[0].encryptionType = %q)", Subject(r), t))
		}
	}
	return out
}

// kmsKeyHygiene is rule kms-key-hygiene.
var kmsKeyHygiene = Rule{ID: "kms-key-hygiene", Category: Encryption, Kind: Fixed,
	Description: "Checks whether KMS keys rotate yearly, wait at least 14 days before deletion and never bypass the policy lockout safety check.",
	Resources:   "KMS keys", Mirrors: "AWSGuard cmk-backing-key-rotation-enabled, CKV_AWS_7",
	Check: checkKMSKeyHygiene}

// checkKMSKeyHygiene is the check of rule kms-key-hygiene.
func checkKMSKeyHygiene(s *Stack) []Finding {
	var out []Finding
	for _, k := range s.ByType(encKMSKey) {
		if rot, _ := k.Bool("enableKeyRotation"); !rot {
			out = append(out, Violation(k, "%s must enable key rotation (enableKeyRotation)", Subject(k)))
		}
		if d, ok := k.Num("deletionWindowInDays"); !ok || d < 14 {
			out = append(out, Violation(k, "%s must keep a deletion window of at least 14 days (deletionWindowInDays = %s)", Subject(k), encNumber(k, "deletionWindowInDays")))
		}
		if bypass, _ := k.Bool("bypassPolicyLockoutSafetyCheck"); bypass {
			out = append(out, Violation(k, "%s must not bypass the policy lockout safety check (bypassPolicyLockoutSafetyCheck)", Subject(k)))
		}
	}
	return out
}

// aksSecretsKMS is rule aks-secrets-kms.
var aksSecretsKMS = Rule{ID: "aks-secrets-kms", Category: Encryption, Kind: Lowerable,
	Description: "Checks whether AKS clusters encrypt Kubernetes secrets with a Key Vault key (KMS etcd encryption).",
	Resources:   "AKS clusters", Mirrors: "Azure Policy \"AKS should enable KMS\", CIS AKS 5.3.1",
	Check: checkAKSSecretsKMS}

// checkAKSSecretsKMS is the check of rule aks-secrets-kms.
func checkAKSSecretsKMS(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.ByType(encManagedCluster, encManagedClusterN) {
		on, _ := c.Bool("securityProfile.azureKeyVaultKms.enabled")
		switch {
		case c.IsUnknown("securityProfile.azureKeyVaultKms"):
			out = append(out, CannotVerify(c, "securityProfile.azureKeyVaultKms"))
		case !on:
			out = append(out, Violation(c, "%s must enable KMS encryption of secrets (securityProfile.azureKeyVaultKms.enabled)", Subject(c)))
		case c.Str("securityProfile.azureKeyVaultKms.keyId") == "":
			out = append(out, Violation(c, "%s must name the Key Vault key for secrets (securityProfile.azureKeyVaultKms.keyId is empty)", Subject(c)))
		}
	}
	return out
}

// aksHostEncryption is rule aks-host-encryption.
var aksHostEncryption = Rule{ID: "aks-host-encryption", Category: Encryption, Kind: Fixed,
	Description: "Checks whether every AKS node pool encrypts at host (temporary disks and caches); it can only be set when a pool is created.",
	Resources:   "AKS clusters' pool profiles, agent pools", Mirrors: "CKV_AZURE_227",
	Check: checkAKSHostEncryption}

// checkAKSHostEncryption is the check of rule aks-host-encryption.
func checkAKSHostEncryption(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.ByType(encManagedCluster, encManagedClusterN) {
		pools, _ := encValue(c.Get("agentPoolProfiles")).([]interface{})
		for i := range pools {
			p := "agentPoolProfiles[" + strconv.Itoa(i) + "]"
			if on, _ := c.Bool(p + ".enableEncryptionAtHost"); !on {
				out = append(out, Violation(c, "%s must enable encryption at host on pool %s (enableEncryptionAtHost; it cannot be changed after the pool exists)", Subject(c), c.Str(p+".name")))
			}
		}
	}
	for _, p := range s.ByType(encAgentPool, encAgentPoolN) {
		if on, _ := p.Bool("enableEncryptionAtHost"); !on {
			out = append(out, Violation(p, "%s must enable encryption at host (enableEncryptionAtHost; it cannot be changed after the pool exists)", Subject(p)))
		}
	}
	return out
}

// storageCMK is rule storage-cmk.
var storageCMK = Rule{ID: "storage-cmk", Category: Encryption, Kind: Lowerable,
	Description: "Checks whether storage accounts encrypt with a customer-managed key from Key Vault.",
	Resources:   "storage accounts", Mirrors: "CKV2_AZURE_1",
	Check: checkStorageCMK}

// checkStorageCMK is the check of rule storage-cmk.
func checkStorageCMK(s *Stack) []Finding {
	var out []Finding
	for _, a := range s.ByType(encStorageAccount) {
		switch {
		case a.IsUnknown("encryption"):
			out = append(out, CannotVerify(a, "encryption"))
		case a.Str("encryption.keySource") != "Microsoft.Keyvault":
			out = append(out, Violation(a, "%s must encrypt with a Key Vault key (encryption.keySource = %q, want Microsoft.Keyvault)", Subject(a), a.Str("encryption.keySource")))
		case a.Str("encryption.keyVaultProperties.keyName") == "" || a.Str("encryption.keyVaultProperties.keyVaultUri") == "":
			out = append(out, Violation(a, "%s must name its key (encryption.keyVaultProperties.keyName and keyVaultUri)", Subject(a)))
		}
	}
	return out
}

// storageTLS is rule storage-tls.
var storageTLS = Rule{ID: "storage-tls", Category: Encryption, Kind: Fixed,
	Description: "Checks whether storage accounts accept HTTPS only, with TLS 1.2 or later.",
	Resources:   "storage accounts", Mirrors: "CKV_AZURE_44, CKV_AZURE_3",
	Check: checkStorageTLS}

// checkStorageTLS is the check of rule storage-tls.
func checkStorageTLS(s *Stack) []Finding {
	var out []Finding
	for _, a := range s.ByType(encStorageAccount) {
		if v := a.Str("minimumTlsVersion"); v != "TLS1_2" && v != "TLS1_3" {
			out = append(out, Violation(a, "%s must require TLS 1.2 or later (minimumTlsVersion = %q)", Subject(a), v))
		}
		if on, ok := a.Bool("enableHttpsTrafficOnly"); !ok || !on {
			out = append(out, Violation(a, "%s must accept HTTPS only (enableHttpsTrafficOnly must be true)", Subject(a)))
		}
	}
	return out
}

// keyvaultRecoverable is rule keyvault-recoverable.
var keyvaultRecoverable = Rule{ID: "keyvault-recoverable", Category: Encryption, Kind: Fixed,
	Description: "Checks whether Key Vaults keep soft delete and purge protection on and authorize with Azure RBAC.",
	Resources:   "Key Vaults", Mirrors: "CKV_AZURE_42/110",
	Check: checkKeyvaultRecoverable}

// checkKeyvaultRecoverable is the check of rule keyvault-recoverable.
func checkKeyvaultRecoverable(s *Stack) []Finding {
	var out []Finding
	for _, v := range s.ByType(encKeyVault) {
		if on, ok := v.Bool("properties.enableSoftDelete"); ok && !on {
			out = append(out, Violation(v, "%s must keep soft delete on (properties.enableSoftDelete)", Subject(v)))
		}
		if on, _ := v.Bool("properties.enablePurgeProtection"); !on {
			out = append(out, Violation(v, "%s must enable purge protection (properties.enablePurgeProtection)", Subject(v)))
		}
		if on, _ := v.Bool("properties.enableRbacAuthorization"); !on {
			out = append(out, Violation(v, "%s must authorize with Azure RBAC, not access policies (properties.enableRbacAuthorization)", Subject(v)))
		}
	}
	return out
}

// encBucketName is the bucket's physical name: its id or bucket input, or
// what a configuration resource names it.
func encBucketName(b, config *Resource) string {
	switch {
	case b.ID != "":
		return b.ID
	case b.Str("bucket") != "":
		return b.Str("bucket")
	case config != nil:
		return config.Str("bucket")
	}
	return ""
}

// encBucketConfig finds the configuration resource of a type whose bucket
// input is the bucket.
func encBucketConfig(s *Stack, b *Resource, typ string) *Resource {
	for _, c := range s.ByType(typ) {
		if c.RefersTo("bucket", b) {
			return c
		}
	}
	return nil
}

// deniesInsecureTransport reports whether a bucket policy has a Deny of s3
// actions on the bucket and its objects when aws:SecureTransport is false.
func encDeniesInsecureTransport(policy, bucket string) bool {
	var doc struct {
		Statement []struct {
			Effect    string
			Action    interface{}
			Resource  interface{}
			Condition map[string]map[string]interface{}
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return false
	}
	list := func(v interface{}) []string {
		if s, ok := v.(string); ok {
			return []string{s}
		}
		return props.Strings(v)
	}
	for _, st := range doc.Statement {
		secure := st.Condition["Bool"]["aws:SecureTransport"]
		if st.Effect != "Deny" || (secure != "false" && secure != false) {
			continue
		}
		res, act := list(st.Resource), list(st.Action)
		if slices.Contains(res, "arn:aws:s3:::"+bucket) && slices.Contains(res, "arn:aws:s3:::"+bucket+"/*") &&
			(slices.Contains(act, "s3:*") || slices.Contains(act, "*")) {
			return true
		}
	}
	return false
}

func encValue(v interface{}, _ bool) interface{} { return v }

func encNumber(r *Resource, path string) string {
	if n, ok := r.Num(path); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return "unset"
}
