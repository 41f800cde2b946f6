package rules

import (
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// relDependsOn records that r depends on others (explicitly or through its
// inputs), as the pack's view does when a name is not known yet.
func relDependsOn(r *Resource, others ...*Resource) *Resource {
	for _, o := range others {
		r.DependsOn = append(r.DependsOn, o.URN)
	}
	return r
}

// relAt sets the stack's evaluation time.
func relAt(s *Stack, day string) *Stack {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	s.Context.Now = t
	return s
}

const (
	relAKSClusterType = "azure-native:containerservice/v20240902preview:ManagedCluster"
	relAKSPoolType    = "azure-native:containerservice/v20240902preview:AgentPool"
)

func TestReliabilityProtectStateful(t *testing.T) {
	stateful := func(protect bool) []*Resource {
		rs := []*Resource{
			res("aws:s3/bucketV2:BucketV2", "artifacts", nil),
			res("aws:kms/key:Key", "data", nil),
			res("aws:ecr/repository:Repository", "models", nil),
			res("aws:eks/cluster:Cluster", "main", nil),
			res("azure-native:keyvault:Vault", "vault", nil),
			res("azure-native:keyvault:Key", "cmk", nil),
			res("azure-native:storage:StorageAccount", "store", nil),
			res("azure-native:containerregistry:Registry", "acr", nil),
			res(relAKSClusterType, "aks", nil),
		}
		for _, r := range rs {
			r.Protect = protect
		}
		return rs
	}
	// A node group is replaceable: nothing asks it to be protected.
	nodeGroup := res("aws:eks/nodeGroup:NodeGroup", "cpu", nil)
	runRule(t, "protect-stateful", []ruleCase{
		{name: "prod, every stateful resource protected", stack: stackOf("prod", append(stateful(true), nodeGroup)...)},
		{name: "prod, nothing protected", stack: stackOf("prod", append(stateful(false), nodeGroup)...), want: []string{
			`BucketV2 "artifacts" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Key "data" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Repository "models" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Cluster "main" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Vault "vault" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Key "cmk" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`StorageAccount "store" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`Registry "acr" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
			`ManagedCluster "aks" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
		}},
		{name: "dev is not checked", stack: stackOf("dev", stateful(false)...)},
		// protect is a resource option, always known: unknown inputs change
		// nothing, so this rule never reports "unverifiable".
		{name: "unknown inputs do not hide a missing protect", stack: stackOf("prod",
			res("aws:s3/bucketV2:BucketV2", "artifacts", map[string]interface{}{"bucket": props.Unknown{}}),
		), want: []string{
			`BucketV2 "artifacts" must be protected (protect: true) in prod, so that no update deletes or replaces it`,
		}},
	})
}

func TestReliabilityDataDurability(t *testing.T) {
	noncurrentRules := []interface{}{
		map[string]interface{}{"id": "abort", "status": "Enabled", "abortIncompleteMultipartUpload": map[string]interface{}{"daysAfterInitiation": 7.0}},
		map[string]interface{}{"id": "expire-noncurrent-versions", "status": "Enabled", "noncurrentVersionExpiration": map[string]interface{}{"noncurrentDays": 90.0}},
	}
	ecrPolicy := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`
	countOnly := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}}]}`
	softDelete := map[string]interface{}{"enabled": true, "days": 30.0}

	// Linked by physical name.
	bucket := res("aws:s3/bucketV2:BucketV2", "artifacts", map[string]interface{}{"bucket": "artifacts-1a2b"})
	versioning := res("aws:s3/bucketVersioningV2:BucketVersioningV2", "artifacts", map[string]interface{}{
		"bucket": "artifacts-1a2b", "versioningConfiguration": map[string]interface{}{"status": "Enabled"}})
	lifecycle := res("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "artifacts", map[string]interface{}{
		"bucket": "artifacts-1a2b", "rules": noncurrentRules})
	// Linked through a dependency: the bucket's name is not an input.
	logs := res("aws:s3/bucketV2:BucketV2", "logs", nil)
	logsVersioning := relDependsOn(res("aws:s3/bucketVersioningV2:BucketVersioningV2", "logs", map[string]interface{}{
		"bucket": props.Unknown{}, "versioningConfiguration": map[string]interface{}{"status": "Enabled"}}), logs)
	logsLifecycle := relDependsOn(res("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "logs", map[string]interface{}{
		"bucket": props.Unknown{}, "rules": noncurrentRules}), logs)
	repo := res("aws:ecr/repository:Repository", "models", map[string]interface{}{"name": "prod/models"})
	repoPolicy := res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "models", map[string]interface{}{"repository": "prod/models", "policy": ecrPolicy})
	account := res("azure-native:storage:StorageAccount", "store", map[string]interface{}{"accountName": "stprod"})
	blob := res("azure-native:storage:BlobServiceProperties", "store", map[string]interface{}{
		"accountName": "stprod", "deleteRetentionPolicy": softDelete, "containerDeleteRetentionPolicy": softDelete, "isVersioningEnabled": true})
	vault := res("azure-native:keyvault:Vault", "vault", map[string]interface{}{"properties": map[string]interface{}{"enableSoftDelete": true}})
	premium := res("azure-native:containerregistry:Registry", "acr", map[string]interface{}{
		"sku": map[string]interface{}{"name": "Premium"}, "policies": map[string]interface{}{"retentionPolicy": map[string]interface{}{"status": "enabled", "days": 14.0}}})
	// Only Premium registries take a retention policy.
	standard := res("azure-native:containerregistry:Registry", "acr-dev", map[string]interface{}{"sku": map[string]interface{}{"name": "Standard"}})

	runRule(t, "data-durability", []ruleCase{
		{name: "versioned, expiring, soft-deleting", stack: stackOf("prod",
			bucket, versioning, lifecycle, logs, logsVersioning, logsLifecycle, repo, repoPolicy, account, blob, vault, premium, standard)},
		{name: "S3 without versioning or lifecycle", stack: stackOf("prod", bucket, logs), want: []string{
			`BucketV2 "artifacts" must have versioning enabled: no BucketVersioningV2 names it`,
			`BucketV2 "artifacts" must have a lifecycle configuration that expires noncurrent versions: no BucketLifecycleConfigurationV2 names it`,
			`BucketV2 "logs" must have versioning enabled: no BucketVersioningV2 names it`,
			`BucketV2 "logs" must have a lifecycle configuration that expires noncurrent versions: no BucketLifecycleConfigurationV2 names it`,
		}},
		{name: "S3 versioning suspended, lifecycle without noncurrent expiration", stack: stackOf("prod", bucket,
			res("aws:s3/bucketVersioningV2:BucketVersioningV2", "artifacts", map[string]interface{}{
				"bucket": "artifacts-1a2b", "versioningConfiguration": map[string]interface{}{"status": "Suspended"}}),
			res("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "artifacts", map[string]interface{}{
				"bucket": "artifacts-1a2b", "rules": []interface{}{
					noncurrentRules[0],
					map[string]interface{}{"id": "off", "status": "Disabled", "noncurrentVersionExpiration": map[string]interface{}{"noncurrentDays": 30.0}},
				}}),
		), want: []string{
			`BucketVersioningV2 "artifacts" must set versioningConfiguration.status to Enabled (got "Suspended")`,
			`BucketLifecycleConfigurationV2 "artifacts" must have an Enabled rule with noncurrentVersionExpiration.noncurrentDays, or noncurrent versions are kept forever`,
		}},
		{name: "ECR without a policy, and with one that keeps untagged images", stack: stackOf("prod",
			repo,
			res("aws:ecr/repository:Repository", "runners", map[string]interface{}{"name": "prod/runners"}),
			res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "runners", map[string]interface{}{"repository": "prod/runners", "policy": countOnly}),
		), want: []string{
			`Repository "models" must have a lifecycle policy that expires untagged images: no LifecyclePolicy names it`,
			`LifecyclePolicy "runners" must have a rule in policy that expires untagged images (tagStatus untagged)`,
		}},
		{name: "Azure without soft delete, versioning or retention", stack: stackOf("prod",
			account,
			res("azure-native:storage:BlobServiceProperties", "store", map[string]interface{}{
				"accountName": "stprod", "deleteRetentionPolicy": map[string]interface{}{"enabled": false}, "isVersioningEnabled": false}),
			res("azure-native:storage:StorageAccount", "other", map[string]interface{}{"accountName": "stother"}),
			res("azure-native:keyvault:Vault", "vault", map[string]interface{}{"properties": map[string]interface{}{"enableSoftDelete": false}}),
			res("azure-native:keyvault:Vault", "vault2", map[string]interface{}{"properties": map[string]interface{}{}}),
			res("azure-native:containerregistry:Registry", "acr", map[string]interface{}{"sku": map[string]interface{}{"name": "Premium"}}),
		), want: []string{
			`BlobServiceProperties "store" must set deleteRetentionPolicy.enabled to true (got false)`,
			`BlobServiceProperties "store" must set containerDeleteRetentionPolicy.enabled to true (got unset)`,
			`BlobServiceProperties "store" must set isVersioningEnabled to true (got false)`,
			`StorageAccount "other" must have blob service properties with soft delete and versioning: no BlobServiceProperties names it`,
			`Vault "vault" must set properties.enableSoftDelete to true (got false)`,
			`Vault "vault2" must set properties.enableSoftDelete to true (got unset)`,
			`Registry "acr" must set policies.retentionPolicy.status to enabled on a Premium registry (got unset)`,
		}},
		{name: "unknown values", stack: stackOf("prod",
			bucket,
			res("aws:s3/bucketVersioningV2:BucketVersioningV2", "artifacts", map[string]interface{}{
				"bucket": "artifacts-1a2b", "versioningConfiguration": map[string]interface{}{"status": props.Unknown{}}}),
			res("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "artifacts", map[string]interface{}{
				"bucket": "artifacts-1a2b", "rules": props.Unknown{}}),
			repo,
			res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "models", map[string]interface{}{"repository": "prod/models", "policy": props.Unknown{}}),
			account,
			res("azure-native:storage:BlobServiceProperties", "store", map[string]interface{}{
				"accountName": "stprod", "deleteRetentionPolicy": softDelete, "containerDeleteRetentionPolicy": softDelete, "isVersioningEnabled": props.Unknown{}}),
			res("azure-native:keyvault:Vault", "vault", map[string]interface{}{"properties": props.Unknown{}}),
			res("azure-native:containerregistry:Registry", "acr", map[string]interface{}{"sku": map[string]interface{}{"name": props.Unknown{}}}),
		), want: []string{
			`unverifiable: BucketVersioningV2 "artifacts": cannot verify during preview: versioningConfiguration.status is not known until the resource is created`,
			`unverifiable: BucketLifecycleConfigurationV2 "artifacts": cannot verify during preview: rules is not known until the resource is created`,
			`unverifiable: LifecyclePolicy "models": cannot verify during preview: policy is not known until the resource is created`,
			`unverifiable: BlobServiceProperties "store": cannot verify during preview: isVersioningEnabled is not known until the resource is created`,
			`unverifiable: Vault "vault": cannot verify during preview: properties.enableSoftDelete is not known until the resource is created`,
			`unverifiable: Registry "acr": cannot verify during preview: sku.name is not known until the resource is created`,
		}},
	})
}

func TestReliabilitySecretsNotPlaintext(t *testing.T) {
	secretType := "kubernetes:core/v1:Secret"
	release := "kubernetes:helm.sh/v3:Release"
	provider := "pulumi:providers:kubernetes"
	runRule(t, "secrets-not-plaintext", []ruleCase{
		{name: "secrets wrapped, references plain", stack: stackOf("prod",
			res(secretType, "github-app", map[string]interface{}{
				"stringData": props.Secret{Value: map[string]interface{}{"private-key": "-----BEGIN RSA PRIVATE KEY-----"}},
				"data":       map[string]interface{}{"token": props.Secret{Value: "dG9rZW4="}},
			}),
			res(release, "monitoring", map[string]interface{}{"values": map[string]interface{}{
				"grafana": map[string]interface{}{
					"admin":         map[string]interface{}{"existingSecret": "grafana-admin", "userKey": "admin-user", "passwordKey": "admin-password"},
					"adminPassword": props.Secret{Value: "s3cret"},
				},
				"githubConfigSecret": "github-app",
				"tls":                map[string]interface{}{"secretName": "serving-tls"},
				"auth":               map[string]interface{}{"token": ""},
			}}),
			res(release, "sealed", map[string]interface{}{"values": props.Secret{Value: map[string]interface{}{"password": "hunter2"}}}),
			res(provider, "eks", map[string]interface{}{"kubeconfig": props.Secret{Value: "apiVersion: v1\nclusters: []\n"}}),
			// A path names a file; the credentials are not in the state.
			res(provider, "local", map[string]interface{}{"kubeconfig": "~/.kube/config"}),
		)},
		{name: "plain text", stack: stackOf("prod",
			res(secretType, "github-app", map[string]interface{}{
				"stringData": map[string]interface{}{"private-key": "-----BEGIN RSA PRIVATE KEY-----", "app-id": props.Secret{Value: "12345"}},
				"data":       map[string]interface{}{"token": "dG9rZW4="},
			}),
			res(release, "runners", map[string]interface{}{"values": map[string]interface{}{
				"githubConfigSecret": map[string]interface{}{"github_app_private_key": "-----BEGIN RSA PRIVATE KEY-----", "github_token": "ghp_x"},
				"grafana":            map[string]interface{}{"adminPassword": "hunter2"},
				"users":              []interface{}{map[string]interface{}{"name": "ops", "password": "changeme"}},
				"env":                map[string]interface{}{"AWS_SECRET_ACCESS_KEY": "abc/def", "apiKey": "k-123"},
				"webhookSecret":      "Zm9vYmFyCg==",
			}}),
			res(provider, "eks", map[string]interface{}{"kubeconfig": "apiVersion: v1\nclusters: []\n"}),
		), want: []string{
			`Secret "github-app" must hold data.token as a Pulumi secret, not plain text`,
			`Secret "github-app" must hold stringData.private-key as a Pulumi secret, not plain text`,
			`Release "runners" must not carry a plaintext credential in values.env.AWS_SECRET_ACCESS_KEY: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.env.apiKey: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.githubConfigSecret.github_app_private_key: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.githubConfigSecret.github_token: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.grafana.adminPassword: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.users[0].password: pass it as a Pulumi secret or reference an existing Secret`,
			`Release "runners" must not carry a plaintext credential in values.webhookSecret: pass it as a Pulumi secret or reference an existing Secret`,
			`kubernetes "eks" must receive kubeconfig as a Pulumi secret: it holds the cluster's credentials`,
		}},
		{name: "unknown values", stack: stackOf("prod",
			res(secretType, "github-app", map[string]interface{}{
				"stringData": props.Unknown{},
				"data":       map[string]interface{}{"token": props.Unknown{}, "ca": props.Secret{Value: props.Unknown{}}},
			}),
			res(release, "runners", map[string]interface{}{"values": map[string]interface{}{
				"auth":     map[string]interface{}{"token": props.Unknown{}},
				"endpoint": props.Unknown{}, // not a credential: nothing to verify
			}}),
			res(release, "monitoring", map[string]interface{}{"values": props.Unknown{}}),
			res(provider, "eks", map[string]interface{}{"kubeconfig": props.Unknown{}}),
		), want: []string{
			`unverifiable: Secret "github-app": cannot verify during preview: data.token is not known until the resource is created`,
			`unverifiable: Secret "github-app": cannot verify during preview: stringData is not known until the resource is created`,
			`unverifiable: Release "runners": cannot verify during preview: values.auth.token is not known until the resource is created`,
			`unverifiable: Release "monitoring": cannot verify during preview: values is not known until the resource is created`,
			`unverifiable: kubernetes "eks": cannot verify during preview: kubeconfig is not known until the resource is created`,
		}},
	})
}

func TestReliabilityK8sVersionSupport(t *testing.T) {
	eks := func(name, version string, support interface{}) *Resource {
		in := map[string]interface{}{"name": "mlplatform-" + name, "version": version}
		if support != nil {
			in["upgradePolicy"] = map[string]interface{}{"supportType": support}
		}
		return res("aws:eks/cluster:Cluster", name, in)
	}
	nodeGroup := func(name, cluster string, version interface{}) *Resource {
		in := map[string]interface{}{"clusterName": "mlplatform-" + cluster}
		if version != nil {
			in["version"] = version
		}
		return res("aws:eks/nodeGroup:NodeGroup", name, in)
	}
	aks := func(name string, version interface{}, poolVersion interface{}) *Resource {
		profile := map[string]interface{}{"name": "system", "mode": "System"}
		if poolVersion != nil {
			profile["orchestratorVersion"] = poolVersion
		}
		in := map[string]interface{}{"resourceName": "aks-" + name, "agentPoolProfiles": []interface{}{profile}}
		if version != nil {
			in["kubernetesVersion"] = version
		}
		return res(relAKSClusterType, name, in)
	}
	pool := func(name, cluster, version string) *Resource {
		return res(relAKSPoolType, name, map[string]interface{}{"resourceName": "aks-" + cluster, "orchestratorVersion": version})
	}
	runRule(t, "k8s-version-support", []ruleCase{
		{name: "supported, pools within skew", stack: relAt(stackOf("prod",
			eks("main", "1.35", "STANDARD"),
			nodeGroup("cpu", "main", nil), // follows the control plane
			nodeGroup("gpu", "main", "1.33"),
			aks("aks", "1.35.2", "1.34"),
			pool("aks-cpu", "aks", "1.35"),
		), "2026-11-24")},
		{name: "unsupported versions and support types", stack: relAt(stackOf("prod",
			eks("old", "1.29", "STANDARD"),
			eks("extended", "1.34", "EXTENDED"),
			eks("default", "1.35", nil),
			aks("aks", "1.30.5", nil),
			aks("unpinned", nil, nil),
		), "2026-11-24"), want: []string{
			`Cluster "old" must run a supported Kubernetes version in version (got "1.29"; supported: 1.32, 1.33, 1.34, 1.35)`,
			`Cluster "extended" must set upgradePolicy.supportType to STANDARD (got "EXTENDED"); waive this rule to record a deliberate extended-support choice`,
			`Cluster "default" must set upgradePolicy.supportType to STANDARD (unset, which EKS takes as EXTENDED); waive this rule to record a deliberate extended-support choice`,
			`ManagedCluster "aks" must run a supported Kubernetes version in kubernetesVersion (got "1.30.5"; supported: 1.32, 1.33, 1.34, 1.35)`,
			`ManagedCluster "unpinned" must pin kubernetesVersion to a supported Kubernetes version (unset; supported: 1.32, 1.33, 1.34, 1.35)`,
		}},
		{name: "STANDARD past the end of standard support", stack: relAt(stackOf("prod",
			eks("main", "1.33", "STANDARD"),
		), "2026-11-24"), want: []string{
			`Cluster "main" must run a version in standard support while upgradePolicy.supportType is STANDARD (version "1.33" left standard support on 2026-07-29, so EKS upgrades the cluster on its own)`,
		}},
		{name: "past the end of extended support", stack: relAt(stackOf("prod",
			eks("main", "1.33", "STANDARD"),
		), "2027-08-01"), want: []string{
			`Cluster "main" must run a supported Kubernetes version in version (got "1.33"; supported: 1.34, 1.35)`,
		}},
		{name: "pools newer than the control plane, or unsupported", stack: relAt(stackOf("prod",
			eks("main", "1.34", "STANDARD"),
			nodeGroup("cpu", "main", "1.35"),
			nodeGroup("legacy", "main", "1.30"),
			aks("aks", "1.33", "1.34"),
			pool("aks-gpu", "aks", "1.35.1"),
		), "2026-11-24"), want: []string{
			`NodeGroup "cpu" must keep version within the skew policy: never newer than the control plane and at most 3 minors older (version "1.35", control plane "1.34")`,
			`NodeGroup "legacy" must run a supported Kubernetes version in version (got "1.30"; supported: 1.32, 1.33, 1.34, 1.35)`,
			`ManagedCluster "aks" must keep agentPoolProfiles[0].orchestratorVersion within the skew policy: never newer than the control plane and at most 3 minors older (version "1.34", control plane "1.33")`,
			`AgentPool "aks-gpu" must keep orchestratorVersion within the skew policy: never newer than the control plane and at most 3 minors older (version "1.35.1", control plane "1.33")`,
		}},
		{name: "unknown values", stack: relAt(stackOf("prod",
			res("aws:eks/cluster:Cluster", "main", map[string]interface{}{"name": "mlplatform-main", "version": props.Unknown{},
				"upgradePolicy": map[string]interface{}{"supportType": props.Unknown{}}}),
			nodeGroup("cpu", "main", "1.34"),
			nodeGroup("gpu", "main", props.Unknown{}),
		), "2026-11-24"), want: []string{
			`unverifiable: Cluster "main": cannot verify during preview: version is not known until the resource is created`,
			`unverifiable: Cluster "main": cannot verify during preview: upgradePolicy.supportType is not known until the resource is created`,
			`unverifiable: NodeGroup "cpu": cannot verify during preview: the control plane's version is not known until the resource is created`,
			`unverifiable: NodeGroup "gpu": cannot verify during preview: version is not known until the resource is created`,
		}},
	})
}

func TestReliabilityNodeScalingInvariants(t *testing.T) {
	nodeGroup := func(name string, min, desired, max interface{}, kind string) *Resource {
		sc := map[string]interface{}{}
		for k, v := range map[string]interface{}{"minSize": min, "desiredSize": desired, "maxSize": max} {
			if v != nil {
				sc[k] = v
			}
		}
		return res("aws:eks/nodeGroup:NodeGroup", name, map[string]interface{}{
			"scalingConfig": sc, "labels": map[string]interface{}{"mlplatform.pangea.ai/kind": kind}})
	}
	autoPool := func(name, mode string, min, count, max interface{}) map[string]interface{} {
		p := map[string]interface{}{"name": name, "mode": mode, "enableAutoScaling": true}
		for k, v := range map[string]interface{}{"minCount": min, "count": count, "maxCount": max} {
			if v != nil {
				p[k] = v
			}
		}
		return p
	}
	agentPool := func(name string, in map[string]interface{}) *Resource {
		delete(in, "name")
		return res(relAKSPoolType, name, in)
	}
	aks := func(name string, profiles ...interface{}) *Resource {
		return res(relAKSClusterType, name, map[string]interface{}{"agentPoolProfiles": profiles})
	}
	runRule(t, "node-scaling-invariants", []ruleCase{
		{name: "sizes in order", stack: stackOf("prod",
			nodeGroup("cpu", 2.0, 3.0, 12.0, "cpu"),
			nodeGroup("system", 2.0, 2.0, 3.0, "system"),
			nodeGroup("gpularge", 0.0, 0.0, 2.0, "gpu"), // scales to zero
			aks("aks", autoPool("system", "System", 2.0, 2.0, 3.0)),
			agentPool("aks-gpu", autoPool("gpu", "User", 0.0, 0.0, 4.0)),
			agentPool("aks-cpu", autoPool("cpu", "User", 1.0, nil, 4.0)), // count left to the autoscaler
			agentPool("aks-fixed", map[string]interface{}{"mode": "User", "count": 3.0}),
			agentPool("aks-default", map[string]interface{}{"mode": "User"}), // count defaults to 1
		)},
		{name: "EKS sizes out of order", stack: stackOf("prod",
			nodeGroup("aws-prod-gpu", 2.0, 1.0, 4.0, "gpu"),
			nodeGroup("negative", -1.0, 0.0, 2.0, "cpu"),
			nodeGroup("empty", 0.0, 0.0, 0.0, "cpu"),
			nodeGroup("system", 0.0, 1.0, 3.0, "system"),
			nodeGroup("unset", 1.0, 1.0, nil, "cpu"),
		), want: []string{
			`NodeGroup "aws-prod-gpu" must keep 0 ≤ min ≤ desired ≤ max (min 2, desired 1, max 4)`,
			`NodeGroup "negative" must keep 0 ≤ min ≤ desired ≤ max (min -1, desired 0, max 2)`,
			`NodeGroup "empty" must keep max ≥ 1 (max 0)`,
			`NodeGroup "system" must keep min ≥ 1 on a system pool (min 0)`,
			`NodeGroup "unset" must set scalingConfig.maxSize`,
		}},
		{name: "AKS sizes out of order", stack: stackOf("prod",
			aks("aks", autoPool("system", "System", 0.0, 1.0, 3.0), autoPool("user", "User", 3.0, 2.0, 5.0)),
			agentPool("aks-cpu", autoPool("cpu", "User", 4.0, nil, 2.0)),
			agentPool("aks-gpu", autoPool("gpu", "User", 1.0, 1.0, nil)),
			agentPool("aks-fixed", map[string]interface{}{"mode": "User", "count": 0.0}),
		), want: []string{
			`ManagedCluster "aks" must keep minCount ≥ 1 on a system pool in agentPoolProfiles[0] "system" (minCount 0)`,
			`ManagedCluster "aks" must keep 0 ≤ minCount ≤ count ≤ maxCount in agentPoolProfiles[1] "user" (minCount 3, count 2, maxCount 5)`,
			`AgentPool "aks-cpu" must keep 0 ≤ minCount ≤ maxCount (minCount 4, maxCount 2)`,
			`AgentPool "aks-gpu" must set maxCount`,
			`AgentPool "aks-fixed" must keep count ≥ 1 (count 0)`,
		}},
		{name: "unknown values", stack: stackOf("prod",
			nodeGroup("cpu", 1.0, props.Unknown{}, 3.0, "cpu"),
			agentPool("aks-gpu", map[string]interface{}{"mode": "User", "enableAutoScaling": props.Unknown{}, "count": 1.0}),
			aks("aks", autoPool("system", "System", props.Unknown{}, 2.0, 3.0)),
			res(relAKSClusterType, "later", map[string]interface{}{"agentPoolProfiles": props.Unknown{}}),
		), want: []string{
			`unverifiable: NodeGroup "cpu": cannot verify during preview: scalingConfig.desiredSize is not known until the resource is created`,
			`unverifiable: AgentPool "aks-gpu": cannot verify during preview: enableAutoScaling is not known until the resource is created`,
			`unverifiable: ManagedCluster "aks": cannot verify during preview: agentPoolProfiles[0].minCount is not known until the resource is created`,
			`unverifiable: ManagedCluster "later": cannot verify during preview: agentPoolProfiles is not known until the resource is created`,
		}},
	})
}
