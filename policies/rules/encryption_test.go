package rules

import (
	"testing"

	"github.com/pangea-ai/mlplatform/plan/props"
)

const (
	testCMK   = "arn:aws:kms:us-east-1:123456789012:key/b849cdc5-76e5-fd2c-878f-4617b0f6d2d0"
	testAlias = "arn:aws:kms:us-east-1:123456789012:alias/aws/s3"
)

func TestEncryptionEKSSecretsEnvelopeKMS(t *testing.T) {
	cluster := func(cfg interface{}) *Resource {
		return res(encEKSCluster, "aws-prod", map[string]interface{}{"encryptionConfig": cfg})
	}
	runRule(t, "eks-secrets-envelope-kms", []ruleCase{
		{"customer key", stackOf("prod", cluster(map[string]interface{}{"resources": []interface{}{"secrets"}, "provider": map[string]interface{}{"keyArn": testCMK}})), nil},
		{"no secrets", stackOf("prod", cluster(map[string]interface{}{"resources": []interface{}{}, "provider": map[string]interface{}{"keyArn": testCMK}})),
			[]string{`Cluster "aws-prod" must encrypt secrets: encryptionConfig.resources must include "secrets"`}},
		{"alias", stackOf("prod", cluster(map[string]interface{}{"resources": []interface{}{"secrets"}, "provider": map[string]interface{}{"keyArn": testAlias}})),
			[]string{`Cluster "aws-prod" must encrypt secrets with a customer-managed KMS key ARN (encryptionConfig.provider.keyArn = "arn:aws:kms:us-east-1:123456789012:alias/aws/s3")`}},
		{"unknown", stackOf("prod", cluster(map[string]interface{}{"resources": []interface{}{"secrets"}, "provider": map[string]interface{}{"keyArn": props.Unknown{}}})),
			[]string{`unverifiable: Cluster "aws-prod": cannot verify during preview: encryptionConfig is not known until the resource is created`}},
	})
}

func TestEncryptionAWSNodeVolumes(t *testing.T) {
	lt := func(ebs map[string]interface{}) *Resource {
		return res(encLaunchTemplate, "aws-prod-gpu", map[string]interface{}{"blockDeviceMappings": []interface{}{
			map[string]interface{}{"deviceName": "/dev/xvda", "ebs": ebs}}})
	}
	runRule(t, "aws-node-volumes-encrypted", []ruleCase{
		{"encrypted with CMK", stackOf("prod", lt(map[string]interface{}{"encrypted": "true", "kmsKeyId": testCMK}),
			res(encNodeGroup, "aws-prod-gpu", map[string]interface{}{"launchTemplate": map[string]interface{}{"id": "lt-1"}})), nil},
		{"unencrypted", stackOf("prod", lt(map[string]interface{}{"encrypted": "false"})),
			[]string{`LaunchTemplate "aws-prod-gpu" must encrypt volume /dev/xvda (ebs.encrypted must be true)`}},
		{"default key", stackOf("prod", lt(map[string]interface{}{"encrypted": "true"})),
			[]string{`LaunchTemplate "aws-prod-gpu" must encrypt volume /dev/xvda with a customer-managed KMS key (ebs.kmsKeyId = "")`}},
		{"node group without template", stackOf("prod", res(encNodeGroup, "aws-prod-cpu", nil)),
			[]string{`NodeGroup "aws-prod-cpu" must use a launch template with encrypted volumes (it has none, so its disks use the account default)`}},
		{"unknown", stackOf("prod", res(encLaunchTemplate, "aws-prod-gpu", map[string]interface{}{"blockDeviceMappings": props.Unknown{}})),
			[]string{`unverifiable: LaunchTemplate "aws-prod-gpu": cannot verify during preview: blockDeviceMappings is not known until the resource is created`}},
	})
}

func bucketFixture(name string) *Resource {
	b := res(encBucket, name, nil)
	b.ID = name + "-088be0e"
	return b
}

func sseFixture(name, alg, key string) *Resource {
	def := map[string]interface{}{"sseAlgorithm": alg}
	if key != "" {
		def["kmsMasterKeyId"] = key
	}
	return res(encBucketSSE, name, map[string]interface{}{"bucket": name + "-088be0e",
		"rules": []interface{}{map[string]interface{}{"applyServerSideEncryptionByDefault": def}}})
}

func TestEncryptionS3SSEKMS(t *testing.T) {
	runRule(t, "s3-sse-kms", []ruleCase{
		{"kms with CMK", stackOf("prod", bucketFixture("models"), sseFixture("models", "aws:kms", testCMK)), nil},
		{"access-log target on SSE-S3", stackOf("prod", bucketFixture("logs"), sseFixture("logs", "AES256", ""),
			res(encBucketLogging, "models", map[string]interface{}{"bucket": "models-088be0e", "targetBucket": "logs-088be0e"})), nil},
		{"SSE-S3", stackOf("prod", bucketFixture("models"), sseFixture("models", "AES256", "")),
			[]string{`BucketServerSideEncryptionConfigurationV2 "models" must encrypt bucket models-088be0e with sseAlgorithm aws:kms (it is "AES256")`}},
		{"AWS managed key", stackOf("prod", bucketFixture("models"), sseFixture("models", "aws:kms", testAlias)),
			[]string{`BucketServerSideEncryptionConfigurationV2 "models" must encrypt bucket models-088be0e with a customer-managed KMS key ARN (kmsMasterKeyId = "arn:aws:kms:us-east-1:123456789012:alias/aws/s3")`}},
		{"no configuration", stackOf("prod", bucketFixture("models")),
			[]string{`BucketV2 "models" must have a server-side encryption configuration with aws:kms and a customer-managed key (none found)`}},
		{"unknown", stackOf("prod", bucketFixture("models"), res(encBucketSSE, "models", map[string]interface{}{"bucket": "models-088be0e", "rules": props.Unknown{}})),
			[]string{`unverifiable: BucketServerSideEncryptionConfigurationV2 "models": cannot verify during preview: rules is not known until the resource is created`}},
	})
}

func TestEncryptionS3TLSOnly(t *testing.T) {
	policy := func(doc string) *Resource {
		return res(encBucketPolicy, "models", map[string]interface{}{"bucket": "models-088be0e", "policy": doc})
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["arn:aws:s3:::models-088be0e","arn:aws:s3:::models-088be0e/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	objectsOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::models-088be0e/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	runRule(t, "s3-tls-only", []ruleCase{
		{"denies insecure transport", stackOf("prod", bucketFixture("models"), policy(deny)), nil},
		{"objects only", stackOf("prod", bucketFixture("models"), policy(objectsOnly)),
			[]string{`BucketPolicy "models" must deny s3:* where aws:SecureTransport is false on arn:aws:s3:::models-088be0e and arn:aws:s3:::models-088be0e/*`}},
		{"no policy", stackOf("prod", bucketFixture("models")),
			[]string{`BucketV2 "models" must have a bucket policy denying requests where aws:SecureTransport is false (no policy found)`}},
		{"empty policy", stackOf("prod", bucketFixture("models"), policy("")), []string{`BucketPolicy "models" must deny s3:* where aws:SecureTransport is false on arn:aws:s3:::models-088be0e and arn:aws:s3:::models-088be0e/*`}},
		{"unknown document", stackOf("prod", bucketFixture("models"), res(encBucketPolicy, "models", map[string]interface{}{"bucket": "models-088be0e", "policy": props.Unknown{}})),
			[]string{`unverifiable: BucketPolicy "models": cannot verify during preview: policy is not known until the resource is created`}},
	})
}

func TestEncryptionRegistry(t *testing.T) {
	repo := func(cfg interface{}) *Resource {
		return res(encECRRepository, "aws-prod-models", map[string]interface{}{"encryptionConfigurations": cfg})
	}
	runRule(t, "registry-encryption", []ruleCase{
		{"kms", stackOf("prod", repo([]interface{}{map[string]interface{}{"encryptionType": "KMS", "kmsKey": testCMK}})), nil},
		{"aes", stackOf("prod", repo([]interface{}{map[string]interface{}{"encryptionType": "AES256"}})),
			[]string{`Repository "aws-prod-models" must encrypt images with KMS (encryptionConfigurations[0].encryptionType = "AES256")`}},
		{"unknown", stackOf("prod", repo(props.Unknown{})),
			[]string{`unverifiable: Repository "aws-prod-models": cannot verify during preview: encryptionConfigurations is not known until the resource is created`}},
	})
}

func TestEncryptionKMSKeyHygiene(t *testing.T) {
	key := func(rot bool, days float64, bypass bool) *Resource {
		return res(encKMSKey, "aws-prod-data", map[string]interface{}{"enableKeyRotation": rot, "deletionWindowInDays": days, "bypassPolicyLockoutSafetyCheck": bypass})
	}
	runRule(t, "kms-key-hygiene", []ruleCase{
		{"hygienic", stackOf("prod", key(true, 30, false)), nil},
		{"everything wrong", stackOf("prod", key(false, 7, true)), []string{
			`Key "aws-prod-data" must enable key rotation (enableKeyRotation)`,
			`Key "aws-prod-data" must keep a deletion window of at least 14 days (deletionWindowInDays = 7)`,
			`Key "aws-prod-data" must not bypass the policy lockout safety check (bypassPolicyLockoutSafetyCheck)`,
		}},
		{"window unset", stackOf("prod", res(encKMSKey, "k", map[string]interface{}{"enableKeyRotation": true})),
			[]string{`Key "k" must keep a deletion window of at least 14 days (deletionWindowInDays = unset)`}},
	})
}

func TestEncryptionAKSSecretsKMS(t *testing.T) {
	aks := func(kms interface{}) *Resource {
		return res(encManagedCluster, "azure-prod", map[string]interface{}{"securityProfile": map[string]interface{}{"azureKeyVaultKms": kms}})
	}
	runRule(t, "aks-secrets-kms", []ruleCase{
		{"on", stackOf("prod", aks(map[string]interface{}{"enabled": true, "keyId": "https://kv.vault.azure.net/keys/kms/1"})), nil},
		{"off", stackOf("prod", aks(map[string]interface{}{"enabled": false})),
			[]string{`ManagedCluster "azure-prod" must enable KMS encryption of secrets (securityProfile.azureKeyVaultKms.enabled)`}},
		{"no key", stackOf("prod", aks(map[string]interface{}{"enabled": true})),
			[]string{`ManagedCluster "azure-prod" must name the Key Vault key for secrets (securityProfile.azureKeyVaultKms.keyId is empty)`}},
		{"unknown", stackOf("prod", aks(map[string]interface{}{"enabled": true, "keyId": props.Unknown{}})),
			[]string{`unverifiable: ManagedCluster "azure-prod": cannot verify during preview: securityProfile.azureKeyVaultKms is not known until the resource is created`}},
	})
}

func TestEncryptionAKSHost(t *testing.T) {
	runRule(t, "aks-host-encryption", []ruleCase{
		{"every pool", stackOf("prod",
			res(encManagedCluster, "azure-prod", map[string]interface{}{"agentPoolProfiles": []interface{}{map[string]interface{}{"name": "system", "enableEncryptionAtHost": true}}}),
			res(encAgentPool, "azure-prod-gpu", map[string]interface{}{"enableEncryptionAtHost": true})), nil},
		{"system pool and agent pool off", stackOf("prod",
			res(encManagedCluster, "azure-prod", map[string]interface{}{"agentPoolProfiles": []interface{}{map[string]interface{}{"name": "system"}}}),
			res(encAgentPool, "azure-prod-gpu", map[string]interface{}{"enableEncryptionAtHost": false})), []string{
			`ManagedCluster "azure-prod" must enable encryption at host on pool system (enableEncryptionAtHost; it cannot be changed after the pool exists)`,
			`AgentPool "azure-prod-gpu" must enable encryption at host (enableEncryptionAtHost; it cannot be changed after the pool exists)`,
		}},
	})
}

func TestEncryptionStorageCMK(t *testing.T) {
	acct := func(enc interface{}) *Resource {
		return res(encStorageAccount, "azure-prod", map[string]interface{}{"encryption": enc})
	}
	runRule(t, "storage-cmk", []ruleCase{
		{"key vault key", stackOf("prod", acct(map[string]interface{}{"keySource": "Microsoft.Keyvault",
			"keyVaultProperties": map[string]interface{}{"keyName": "storage-cmk", "keyVaultUri": "https://kv.vault.azure.net/"}})), nil},
		{"microsoft managed", stackOf("prod", acct(map[string]interface{}{"keySource": "Microsoft.Storage"})),
			[]string{`StorageAccount "azure-prod" must encrypt with a Key Vault key (encryption.keySource = "Microsoft.Storage", want Microsoft.Keyvault)`}},
		{"no key name", stackOf("prod", acct(map[string]interface{}{"keySource": "Microsoft.Keyvault"})),
			[]string{`StorageAccount "azure-prod" must name its key (encryption.keyVaultProperties.keyName and keyVaultUri)`}},
		{"unknown", stackOf("prod", acct(map[string]interface{}{"keySource": "Microsoft.Keyvault", "keyVaultProperties": map[string]interface{}{"keyName": "k", "keyVaultUri": props.Unknown{}}})),
			[]string{`unverifiable: StorageAccount "azure-prod": cannot verify during preview: encryption is not known until the resource is created`}},
	})
}

func TestEncryptionStorageTLS(t *testing.T) {
	runRule(t, "storage-tls", []ruleCase{
		{"tls 1.2 https", stackOf("prod", res(encStorageAccount, "a", map[string]interface{}{"minimumTlsVersion": "TLS1_2", "enableHttpsTrafficOnly": true})), nil},
		{"tls 1.0 and http", stackOf("prod", res(encStorageAccount, "a", map[string]interface{}{"minimumTlsVersion": "TLS1_0", "enableHttpsTrafficOnly": false})), []string{
			`StorageAccount "a" must require TLS 1.2 or later (minimumTlsVersion = "TLS1_0")`,
			`StorageAccount "a" must accept HTTPS only (enableHttpsTrafficOnly must be true)`,
		}},
	})
}

func TestEncryptionKeyVaultRecoverable(t *testing.T) {
	vault := func(p map[string]interface{}) *Resource {
		return res(encKeyVault, "azure-prod", map[string]interface{}{"properties": p})
	}
	runRule(t, "keyvault-recoverable", []ruleCase{
		{"recoverable", stackOf("prod", vault(map[string]interface{}{"enableSoftDelete": true, "enablePurgeProtection": true, "enableRbacAuthorization": true})), nil},
		{"access policies, no protection", stackOf("prod", vault(map[string]interface{}{"enableSoftDelete": false})), []string{
			`Vault "azure-prod" must keep soft delete on (properties.enableSoftDelete)`,
			`Vault "azure-prod" must enable purge protection (properties.enablePurgeProtection)`,
			`Vault "azure-prod" must authorize with Azure RBAC, not access policies (properties.enableRbacAuthorization)`,
		}},
	})
}
