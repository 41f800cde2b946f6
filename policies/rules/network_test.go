package rules

import (
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// Fixtures for the network and access rules. Inputs copy the shapes
// `mlplat plan --format json` records for the committed stacks; each base
// builder returns a fresh, compliant map that a case changes with netWith.

const (
	netTrustIRSA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/1E40421DA8D807AAFC71B540B6D028FE"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/1E40421DA8D807AAFC71B540B6D028FE:aud":"sts.amazonaws.com","oidc.eks.us-east-1.amazonaws.com/id/1E40421DA8D807AAFC71B540B6D028FE:sub":"system:serviceaccount:kube-system:aws-node"}}}]}`
	netTrustEC2  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`
	netIssuer    = "oidc.eks.us-east-1.amazonaws.com/id/1E40421DA8D807AAFC71B540B6D028FE"
	netPolicyS3  = `{"Version":"2012-10-17","Statement":[{"Sid":"ObjectsUnderThePrefix","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::aws-prod-088be0e/models/*"]}]}`
	netTLSOnly   = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["arn:aws:s3:::aws-prod-088be0e","arn:aws:s3:::aws-prod-088be0e/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	netPublicGet = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::aws-prod-088be0e/*"}]}`
	netStarStar  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	netAKSURI    = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-mlplatform-azure-prod/providers/Microsoft.ContainerService/managedClusters/aks-azure-prod"
	netAdminARN  = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// Resource types the fixtures build.
const (
	netAKSType      = "azure-native:containerservice/v20240902preview:ManagedCluster"
	netPoolType     = "azure-native:containerservice/v20240902preview:AgentPool"
	netDiagType     = "azure-native:insights:DiagnosticSetting"
	netACRType      = "azure-native:containerregistry:Registry"
	netStorageType  = "azure-native:storage:StorageAccount"
	netVaultType    = "azure-native:keyvault:Vault"
	netFedCredType  = "azure-native:managedidentity:FederatedIdentityCredential"
	netGitHubIssuer = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
)

// netWith sets the value at a dotted path of inputs, creating maps on the
// way; nil removes the key.
func netWith(m map[string]interface{}, path string, v interface{}) map[string]interface{} {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			cur[p] = next
		}
		cur = next
	}
	last := parts[len(parts)-1]
	if v == nil {
		delete(cur, last)
	} else {
		cur[last] = v
	}
	return m
}

// netDeps records that r depends on others, as the engine does for inputs
// that come from other resources' outputs.
func netDeps(r *Resource, on ...*Resource) *Resource {
	for _, o := range on {
		r.DependsOn = append(r.DependsOn, o.URN)
	}
	return r
}

func netArr(vs ...interface{}) []interface{} { return vs }

func netEKS(name string) map[string]interface{} {
	return map[string]interface{}{
		"name":                   "mlplatform-" + name,
		"enabledClusterLogTypes": netArr("api", "audit", "authenticator", "controllerManager", "scheduler"),
		"vpcConfig": map[string]interface{}{
			"endpointPrivateAccess": true,
			"endpointPublicAccess":  false,
			"subnetIds":             netArr("subnet-a91ac806c19e99fb0", "subnet-b0bec041d164a9ec8"),
		},
	}
}

func netDevEKS() map[string]interface{} {
	m := netEKS("aws-dev")
	netWith(m, "vpcConfig.endpointPublicAccess", true)
	return netWith(m, "vpcConfig.publicAccessCidrs", netArr("203.0.113.0/24"))
}

func TestNetworkEKSPrivateEndpoint(t *testing.T) {
	const typ = netEKSCluster
	runRule(t, "eks-private-endpoint", []ruleCase{
		{name: "prod private only", stack: stackOf("prod", res(typ, "aws-prod", netEKS("aws-prod")))},
		{name: "dev public restricted to CIDRs", stack: stackOf("dev", res(typ, "aws-dev", netDevEKS()))},
		{name: "private access off",
			stack: stackOf("prod", res(typ, "aws-prod", netWith(netEKS("aws-prod"), "vpcConfig.endpointPrivateAccess", false))),
			want:  []string{`Cluster "aws-prod" must enable private endpoint access (vpcConfig.endpointPrivateAccess is false); fix: set vpcConfig.endpointPrivateAccess to true`}},
		{name: "prod public access on",
			stack: stackOf("prod", res(typ, "aws-prod", netWith(netEKS("aws-prod"), "vpcConfig.endpointPublicAccess", true))),
			want:  []string{`Cluster "aws-prod" must disable public endpoint access in prod (vpcConfig.endpointPublicAccess is true)`}},
		{name: "prod public access unset defaults on",
			stack: stackOf("prod", res(typ, "aws-prod", netWith(netEKS("aws-prod"), "vpcConfig.endpointPublicAccess", nil))),
			want:  []string{`Cluster "aws-prod" must disable public endpoint access in prod (vpcConfig.endpointPublicAccess is not set, which defaults to true)`}},
		{name: "dev public access without CIDRs",
			stack: stackOf("dev", res(typ, "aws-dev", netWith(netDevEKS(), "vpcConfig.publicAccessCidrs", nil))),
			want:  []string{`Cluster "aws-dev" must restrict public endpoint access to listed CIDRs (vpcConfig.publicAccessCidrs is not set, which allows 0.0.0.0/0); fix: set vpcConfig.publicAccessCidrs, or disable public access`}},
		{name: "dev public access open to the internet",
			stack: stackOf("dev", res(typ, "aws-dev", netWith(netDevEKS(), "vpcConfig.publicAccessCidrs", netArr("203.0.113.0/24", "0.0.0.0/0")))),
			want:  []string{`Cluster "aws-dev" must not open the public endpoint to 0.0.0.0/0 (vpcConfig.publicAccessCidrs[1]); fix: list the CIDRs that need the API, or disable public access`}},
		{name: "public access unknown",
			stack: stackOf("prod", res(typ, "aws-prod", netWith(netEKS("aws-prod"), "vpcConfig.endpointPublicAccess", props.Unknown{}))),
			want:  []string{`unverifiable: Cluster "aws-prod": cannot verify during preview: vpcConfig.endpointPublicAccess is not known until the resource is created`}},
		{name: "public CIDRs unknown",
			stack: stackOf("dev", res(typ, "aws-dev", netWith(netDevEKS(), "vpcConfig.publicAccessCidrs", netArr(props.Unknown{})))),
			want:  []string{`unverifiable: Cluster "aws-dev": cannot verify during preview: vpcConfig.publicAccessCidrs is not known until the resource is created`}},
	})
}

func netAKS() map[string]interface{} {
	return map[string]interface{}{
		"resourceName":      "aks-azure-prod",
		"resourceGroupName": "rg-mlplatform-azure-prod",
		"dnsPrefix":         "azure-prod",
		"aadProfile": map[string]interface{}{
			"adminGroupObjectIDs": netArr("6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b"),
			"enableAzureRBAC":     true,
			"managed":             true,
		},
		"agentPoolProfiles": netArr(map[string]interface{}{
			"name": "system", "mode": "System", "enableNodePublicIP": false, "enableEncryptionAtHost": true,
		}),
		"apiServerAccessProfile": map[string]interface{}{"enablePrivateCluster": true, "enableVnetIntegration": true},
		"disableLocalAccounts":   true,
		"enableRBAC":             true,
		"identity": map[string]interface{}{
			"type":                   "UserAssigned",
			"userAssignedIdentities": netArr("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-mlplatform-azure-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-azure-prod-cluster"),
		},
		"networkProfile":    map[string]interface{}{"networkPlugin": "azure", "networkPluginMode": "overlay", "networkDataplane": "cilium", "networkPolicy": "cilium"},
		"oidcIssuerProfile": map[string]interface{}{"enabled": true},
		"securityProfile":   map[string]interface{}{"workloadIdentity": map[string]interface{}{"enabled": true}},
	}
}

func netDiag(logs ...interface{}) map[string]interface{} {
	return map[string]interface{}{
		"name":        "audit-to-log-analytics",
		"resourceUri": netAKSURI,
		"workspaceId": "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-mlplatform-azure-prod/providers/Microsoft.OperationalInsights/workspaces/log-aks-azure-prod",
		"logs":        logs,
	}
}

func netLog(category string) map[string]interface{} {
	return map[string]interface{}{"category": category, "enabled": true}
}

func TestNetworkClusterAuditLogging(t *testing.T) {
	aks := func() *Resource { return res(netAKSType, "azure-prod", netAKS()) }
	runRule(t, "cluster-audit-logging", []ruleCase{
		{name: "EKS sends the three logs", stack: stackOf("prod", res(netEKSCluster, "aws-prod", netEKS("aws-prod")))},
		{name: "EKS lacks audit and authenticator",
			stack: stackOf("prod", res(netEKSCluster, "aws-prod", netWith(netEKS("aws-prod"), "enabledClusterLogTypes", netArr("api", "scheduler")))),
			want:  []string{`Cluster "aws-prod" must send the api, audit, authenticator control plane logs (enabledClusterLogTypes lacks audit, authenticator)`}},
		{name: "EKS log types unknown",
			stack: stackOf("prod", res(netEKSCluster, "aws-prod", netWith(netEKS("aws-prod"), "enabledClusterLogTypes", props.Unknown{}))),
			want:  []string{`unverifiable: Cluster "aws-prod": cannot verify during preview: enabledClusterLogTypes is not known until the resource is created`}},
		{name: "AKS diagnostic setting sends kube-audit",
			stack: stackOf("prod", aks(), res(netDiagType, "azure-prod-audit", netDiag(netLog("kube-audit"), netLog("kube-audit-admin"), netLog("guard"))))},
		{name: "AKS audit category group, cluster id unknown in preview",
			stack: func() *Stack {
				c := aks()
				d := netWith(netDiag(map[string]interface{}{"categoryGroup": "audit", "enabled": true}), "resourceUri", props.Unknown{})
				return stackOf("prod", c, netDeps(res(netDiagType, "azure-prod-audit", d), c))
			}()},
		{name: "AKS without a diagnostic setting",
			stack: stackOf("prod", aks()),
			want:  []string{`ManagedCluster "azure-prod" must send kube-audit logs through a diagnostic setting; fix: add a DiagnosticSetting on the cluster with the kube-audit category (or the audit category group) enabled`}},
		{name: "AKS diagnostic setting sends only kube-audit-admin",
			stack: stackOf("prod", aks(), res(netDiagType, "azure-prod-audit", netDiag(netLog("kube-audit-admin")))),
			want:  []string{`ManagedCluster "azure-prod" must send kube-audit logs through a diagnostic setting; fix: add a DiagnosticSetting on the cluster with the kube-audit category (or the audit category group) enabled`}},
		{name: "AKS diagnostic setting on another cluster",
			stack: stackOf("prod", aks(), res(netDiagType, "other-audit", netWith(netDiag(netLog("kube-audit")), "resourceUri", strings.Replace(netAKSURI, "aks-azure-prod", "aks-other", 1)))),
			want:  []string{`ManagedCluster "azure-prod" must send kube-audit logs through a diagnostic setting; fix: add a DiagnosticSetting on the cluster with the kube-audit category (or the audit category group) enabled`}},
		{name: "AKS diagnostic target unknown",
			stack: stackOf("prod", aks(), res(netDiagType, "azure-prod-audit", netWith(netDiag(netLog("kube-audit")), "resourceUri", props.Unknown{}))),
			want:  []string{`unverifiable: ManagedCluster "azure-prod": cannot verify during preview: the resourceUri of DiagnosticSetting "azure-prod-audit" is not known until the resource is created`}},
		{name: "AKS diagnostic logs unknown",
			stack: stackOf("prod", aks(), res(netDiagType, "azure-prod-audit", netWith(netDiag(), "logs", props.Unknown{}))),
			want:  []string{`unverifiable: DiagnosticSetting "azure-prod-audit": cannot verify during preview: logs is not known until the resource is created`}},
	})
}

// netBucketSet is a bucket with its public access block, ownership
// controls and policy, as the Artifacts component registers them: the
// bucket autonamed, the others naming it and depending on it.
func netBucketSet(change func(pab, own, pol map[string]interface{})) []*Resource {
	pab := map[string]interface{}{"bucket": "aws-prod-088be0e", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	own := map[string]interface{}{"bucket": "aws-prod-088be0e", "rule": map[string]interface{}{"objectOwnership": "BucketOwnerEnforced"}}
	pol := map[string]interface{}{"bucket": "aws-prod-088be0e", "policy": netTLSOnly}
	if change != nil {
		change(pab, own, pol)
	}
	b := res(netBucketV2, "aws-prod", nil)
	return []*Resource{b,
		netDeps(res(netPublicAccessBlock, "aws-prod", pab), b),
		netDeps(res(netOwnershipControls, "aws-prod", own), b),
		netDeps(res(netBucketPolicy, "aws-prod", pol), b),
	}
}

func TestNetworkS3NoPublicAccess(t *testing.T) {
	without := func(typ string) []*Resource {
		var out []*Resource
		for _, r := range netBucketSet(nil) {
			if r.Type != typ {
				out = append(out, r)
			}
		}
		return out
	}
	runRule(t, "s3-no-public-access", []ruleCase{
		{name: "blocked, owner enforced, TLS-only policy", stack: stackOf("prod", netBucketSet(nil)...)},
		{name: "bucket named explicitly, companions matched by name",
			stack: stackOf("prod",
				res(netBucketV2, "models", map[string]interface{}{"bucket": "pangea-models"}),
				res(netPublicAccessBlock, "models", map[string]interface{}{"bucket": "pangea-models", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
				res(netOwnershipControls, "models", map[string]interface{}{"bucket": "pangea-models", "rule": map[string]interface{}{"objectOwnership": "BucketOwnerEnforced"}}))},
		{name: "no public access block",
			stack: stackOf("prod", without(netPublicAccessBlock)...),
			want:  []string{`BucketV2 "aws-prod" must have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true`}},
		{name: "public access block of another bucket",
			stack: stackOf("prod",
				res(netBucketV2, "models", map[string]interface{}{"bucket": "pangea-models"}),
				res(netPublicAccessBlock, "logs", map[string]interface{}{"bucket": "pangea-logs", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
				res(netOwnershipControls, "models", map[string]interface{}{"bucket": "pangea-models", "rule": map[string]interface{}{"objectOwnership": "BucketOwnerEnforced"}})),
			want: []string{`BucketV2 "models" must have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true`}},
		{name: "flags off",
			stack: stackOf("prod", netBucketSet(func(pab, _, _ map[string]interface{}) {
				pab["blockPublicPolicy"] = false
				delete(pab, "restrictPublicBuckets")
			})...),
			want: []string{`BucketPublicAccessBlock "aws-prod" must set blockPublicPolicy, restrictPublicBuckets to true`}},
		{name: "no ownership controls",
			stack: stackOf("prod", without(netOwnershipControls)...),
			want:  []string{`BucketV2 "aws-prod" must have BucketOwnershipControls with rule.objectOwnership BucketOwnerEnforced, which disables ACLs`}},
		{name: "object writer ownership",
			stack: stackOf("prod", netBucketSet(func(_, own, _ map[string]interface{}) { netWith(own, "rule.objectOwnership", "ObjectWriter") })...),
			want:  []string{`BucketOwnershipControls "aws-prod" must set rule.objectOwnership to BucketOwnerEnforced (rule.objectOwnership is "ObjectWriter")`}},
		{name: "policy allows everyone",
			stack: stackOf("prod", netBucketSet(func(_, _, pol map[string]interface{}) { pol["policy"] = netPublicGet })...),
			want:  []string{`BucketPolicy "aws-prod" must not allow the "*" principal (policy Statement[0] "PublicRead"); fix: name the accounts, roles or services that need access`}},
		{name: "policy not JSON",
			stack: stackOf("prod", netBucketSet(func(_, _, pol map[string]interface{}) { pol["policy"] = "Version: 2012-10-17" })...),
			want:  []string{`BucketPolicy "aws-prod" must hold a valid JSON policy document in policy (invalid character 'V' looking for beginning of value)`}},
		{name: "public access block target unknown",
			stack: func() *Stack {
				rs := netBucketSet(func(pab, _, _ map[string]interface{}) { pab["bucket"] = props.Unknown{} })
				rs[1].DependsOn = nil // the pack's view without dependencies
				return stackOf("prod", rs...)
			}(),
			want: []string{`unverifiable: BucketV2 "aws-prod": cannot verify during preview: the bucket of BucketPublicAccessBlock "aws-prod" is not known until the resource is created`}},
		{name: "flag and policy unknown",
			stack: stackOf("prod", netBucketSet(func(pab, _, pol map[string]interface{}) {
				pab["ignorePublicAcls"] = props.Unknown{}
				pol["policy"] = props.Unknown{}
			})...),
			want: []string{
				`unverifiable: BucketPublicAccessBlock "aws-prod": cannot verify during preview: ignorePublicAcls is not known until the resource is created`,
				`unverifiable: BucketPolicy "aws-prod": cannot verify during preview: policy is not known until the resource is created`,
			}},
	})
}

func netECR() map[string]interface{} {
	return map[string]interface{}{
		"name":                       "aws-prod/models",
		"encryptionConfigurations":   netArr(map[string]interface{}{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/b849cdc5-76e5-fd2c-878f-4617b0f6d2d0"}),
		"forceDelete":                false,
		"imageScanningConfiguration": map[string]interface{}{"scanOnPush": true},
		"imageTagMutability":         "IMMUTABLE",
	}
}

func netLifecycle(repo interface{}) map[string]interface{} {
	return map[string]interface{}{
		"repository": repo,
		"policy":     `{"rules":[{"action":{"type":"expire"},"description":"expire untagged images","rulePriority":1,"selection":{"countNumber":14,"countType":"sinceImagePushed","countUnit":"days","tagStatus":"untagged"}}]}`,
	}
}

func netACR() map[string]interface{} {
	return map[string]interface{}{
		"registryName":      "acrazureprodfedf27",
		"resourceGroupName": "rg-mlplatform-azure-prod",
		"adminUserEnabled":  false,
		"sku":               map[string]interface{}{"name": "Premium"},
	}
}

func TestNetworkRegistryAccessAndScan(t *testing.T) {
	repo := func(m map[string]interface{}) []*Resource {
		r := res(netECRRepository, "aws-prod-models", m)
		return []*Resource{r, netDeps(res(netECRLifecycle, "aws-prod-models", netLifecycle("aws-prod/models")), r)}
	}
	runRule(t, "registry-access-and-scan", []ruleCase{
		{name: "ECR scanned, immutable, with lifecycle; ACR locked down",
			stack: stackOf("prod", append(repo(netECR()), res(netACRType, "azure-prod", netACR()))...)},
		{name: "lifecycle policy found through the dependency in preview",
			stack: func() *Stack {
				r := res(netECRRepository, "aws-prod-models", netECR())
				return stackOf("prod", r, netDeps(res(netECRLifecycle, "aws-prod-models", netLifecycle(props.Unknown{})), r))
			}()},
		{name: "scan on push off",
			stack: stackOf("prod", repo(netWith(netECR(), "imageScanningConfiguration.scanOnPush", false))...),
			want:  []string{`Repository "aws-prod-models" must scan images on push (imageScanningConfiguration.scanOnPush is false); fix: set imageScanningConfiguration.scanOnPush to true`}},
		{name: "mutable tags",
			stack: stackOf("prod", repo(netWith(netECR(), "imageTagMutability", "MUTABLE"))...),
			want:  []string{`Repository "aws-prod-models" must make image tags immutable (imageTagMutability is "MUTABLE"); fix: set imageTagMutability to IMMUTABLE`}},
		{name: "tag mutability unset",
			stack: stackOf("prod", repo(netWith(netECR(), "imageTagMutability", nil))...),
			want:  []string{`Repository "aws-prod-models" must make image tags immutable (imageTagMutability is not set, which defaults to MUTABLE); fix: set imageTagMutability to IMMUTABLE`}},
		{name: "no lifecycle policy",
			stack: stackOf("prod", res(netECRRepository, "aws-prod-models", netECR()), res(netECRLifecycle, "aws-prod-runners", netLifecycle("aws-prod/runners"))),
			want:  []string{`Repository "aws-prod-models" must have a LifecyclePolicy that expires untagged and old images`}},
		{name: "repository policy allows everyone",
			stack: stackOf("prod", append(repo(netECR()), res(netECRRepoPolicy, "aws-prod-models", map[string]interface{}{
				"repository": "aws-prod/models",
				"policy":     `{"Version":"2012-10-17","Statement":[{"Sid":"AnyonePulls","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["ecr:BatchGetImage"]}]}`,
			}))...),
			want: []string{`RepositoryPolicy "aws-prod-models" must not allow the "*" principal (policy Statement[0] "AnyonePulls"); fix: name the accounts, roles or services that need access`}},
		{name: "ACR admin user on",
			stack: stackOf("prod", res(netACRType, "azure-prod", netWith(netACR(), "adminUserEnabled", true))),
			want:  []string{`Registry "azure-prod" must disable the admin user (adminUserEnabled is true); fix: pull with managed identities or Entra ID tokens`}},
		{name: "ACR anonymous pull on",
			stack: stackOf("prod", res(netACRType, "azure-prod", netWith(netACR(), "anonymousPullEnabled", true))),
			want:  []string{`Registry "azure-prod" must disable anonymous pull (anonymousPullEnabled is true); fix: remove anonymousPullEnabled`}},
		{name: "scan on push unknown",
			stack: stackOf("prod", repo(netWith(netECR(), "imageScanningConfiguration.scanOnPush", props.Unknown{}))...),
			want:  []string{`unverifiable: Repository "aws-prod-models": cannot verify during preview: imageScanningConfiguration.scanOnPush is not known until the resource is created`}},
		{name: "lifecycle target unknown",
			stack: stackOf("prod", res(netECRRepository, "aws-prod-models", netECR()), res(netECRLifecycle, "aws-prod-models", netLifecycle(props.Unknown{}))),
			want:  []string{`unverifiable: Repository "aws-prod-models": cannot verify during preview: the repository of LifecyclePolicy "aws-prod-models" is not known until the resource is created`}},
	})
}

func netLT() map[string]interface{} {
	return map[string]interface{}{
		"description": "Nodes of EKS node group cpu",
		"blockDeviceMappings": netArr(map[string]interface{}{"deviceName": "/dev/xvda", "ebs": map[string]interface{}{
			"encrypted": "true", "volumeSize": float64(100), "volumeType": "gp3"}}),
		"metadataOptions": map[string]interface{}{
			"httpEndpoint": "enabled", "httpPutResponseHopLimit": float64(1), "httpTokens": "required", "instanceMetadataTags": "disabled",
		},
		"updateDefaultVersion": true,
	}
}

func netNG() map[string]interface{} {
	return map[string]interface{}{
		"clusterName":    "mlplatform-aws-prod",
		"nodeGroupName":  "cpu",
		"amiType":        "AL2023_x86_64_STANDARD",
		"instanceTypes":  netArr("m7i.2xlarge"),
		"launchTemplate": map[string]interface{}{"id": "lt-3a28c847cac5b0020", "version": "1"},
		"nodeRoleArn":    "arn:aws:iam::123456789012:role/aws-prod-cpu-node-d01ccc1",
		"scalingConfig":  map[string]interface{}{"desiredSize": float64(3), "maxSize": float64(12), "minSize": float64(2)},
		"subnetIds":      netArr("subnet-a91ac806c19e99fb0"),
	}
}

// netNodes is a node group with its launch template and subnet, wired by
// dependencies as the NodeGroup component registers them.
func netNodes(ng, lt, subnet map[string]interface{}) *Stack {
	l := res(netLaunchTemplate, "aws-prod-cpu", lt)
	s := res(netSubnet, "aws-prod-private-0", subnet)
	return stackOf("prod", s, l, netDeps(res(netNodeGroup, "aws-prod-cpu", ng), l, s))
}

func netPrivateSubnet() map[string]interface{} {
	return map[string]interface{}{"availabilityZone": "us-east-1a", "cidrBlock": "10.30.0.0/19", "mapPublicIpOnLaunch": false}
}

func TestNetworkAWSNodeHardening(t *testing.T) {
	runRule(t, "aws-node-hardening", []ruleCase{
		{name: "IMDSv2 hop limit 1, private subnet, no SSH", stack: netNodes(netNG(), netLT(), netPrivateSubnet())},
		{name: "launch template by name",
			stack: stackOf("prod",
				res(netLaunchTemplate, "cpu", netWith(netLT(), "name", "aws-prod-cpu-lt")),
				res(netNodeGroup, "aws-prod-cpu", netWith(netNG(), "launchTemplate", map[string]interface{}{"name": "aws-prod-cpu-lt", "version": "$Latest"})))},
		{name: "instance metadata disabled", stack: netNodes(netNG(), netWith(netWith(netLT(), "metadataOptions.httpEndpoint", "disabled"), "metadataOptions.httpTokens", "optional"), netPrivateSubnet())},
		{name: "SSH remote access",
			stack: netNodes(netWith(netNG(), "remoteAccess", map[string]interface{}{"ec2SshKey": "ops"}), netLT(), netPrivateSubnet()),
			want:  []string{`NodeGroup "aws-prod-cpu" must not allow SSH to its nodes (remoteAccess is set); fix: remove remoteAccess and reach nodes through SSM Session Manager`}},
		{name: "no launch template",
			stack: stackOf("prod", res(netNodeGroup, "aws-prod-cpu", netWith(netNG(), "launchTemplate", nil))),
			want:  []string{`NodeGroup "aws-prod-cpu" must use a launch template that requires IMDSv2 with hop limit 1 (launchTemplate is not set, and EKS's default template does not limit the hops)`}},
		{name: "launch template outside the stack",
			stack: stackOf("prod", res(netLaunchTemplate, "other", netLT()), res(netNodeGroup, "aws-prod-cpu", netNG())),
			want:  []string{`NodeGroup "aws-prod-cpu" must use a launch template defined in this stack, so its metadata options can be checked (launchTemplate.id is "lt-3a28c847cac5b0020")`}},
		{name: "IMDSv1 allowed",
			stack: netNodes(netNG(), netWith(netLT(), "metadataOptions.httpTokens", "optional"), netPrivateSubnet()),
			want:  []string{`LaunchTemplate "aws-prod-cpu" must require IMDSv2 (metadataOptions.httpTokens is "optional"); fix: set metadataOptions.httpTokens to "required"`}},
		{name: "hop limit 2",
			stack: netNodes(netNG(), netWith(netLT(), "metadataOptions.httpPutResponseHopLimit", float64(2)), netPrivateSubnet()),
			want:  []string{`LaunchTemplate "aws-prod-cpu" must limit instance metadata to one hop, so pods cannot reach the node's credentials (metadataOptions.httpPutResponseHopLimit is 2); fix: set it to 1`}},
		{name: "hop limit unset",
			stack: netNodes(netNG(), netWith(netLT(), "metadataOptions.httpPutResponseHopLimit", nil), netPrivateSubnet()),
			want:  []string{`LaunchTemplate "aws-prod-cpu" must limit instance metadata to one hop, so pods cannot reach the node's credentials (metadataOptions.httpPutResponseHopLimit is not set); fix: set it to 1`}},
		{name: "public IP on the interface",
			stack: netNodes(netNG(), netWith(netLT(), "networkInterfaces", netArr(map[string]interface{}{"associatePublicIpAddress": "true"})), netPrivateSubnet()),
			want:  []string{`LaunchTemplate "aws-prod-cpu" must not give nodes public IPs (networkInterfaces[0].associatePublicIpAddress is "true")`}},
		{name: "subnet maps public IPs",
			stack: netNodes(netNG(), netLT(), netWith(netPrivateSubnet(), "mapPublicIpOnLaunch", true)),
			want:  []string{`NodeGroup "aws-prod-cpu" must not run in a subnet that gives instances public IPs (Subnet "aws-prod-private-0" has mapPublicIpOnLaunch true); fix: use private subnets`}},
		{name: "shared launch template reported once",
			stack: func() *Stack {
				l := res(netLaunchTemplate, "shared", netWith(netLT(), "metadataOptions.httpTokens", "optional"))
				return stackOf("prod", l, netDeps(res(netNodeGroup, "a", netNG()), l), netDeps(res(netNodeGroup, "b", netNG()), l))
			}(),
			want: []string{`LaunchTemplate "shared" must require IMDSv2 (metadataOptions.httpTokens is "optional"); fix: set metadataOptions.httpTokens to "required"`}},
		{name: "launch template id unknown without a dependency",
			stack: stackOf("prod", res(netNodeGroup, "aws-prod-cpu", netWith(netNG(), "launchTemplate.id", props.Unknown{}))),
			want:  []string{`unverifiable: NodeGroup "aws-prod-cpu": cannot verify during preview: launchTemplate.id is not known until the resource is created`}},
		{name: "hop limit unknown",
			stack: netNodes(netNG(), netWith(netLT(), "metadataOptions.httpPutResponseHopLimit", props.Unknown{}), netPrivateSubnet()),
			want:  []string{`unverifiable: LaunchTemplate "aws-prod-cpu": cannot verify during preview: metadataOptions.httpPutResponseHopLimit is not known until the resource is created`}},
	})
}

// netIRSA is the IRSA trust policy with its sub and aud conditions replaced.
func netIRSA(op, sub, aud string) string {
	p := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/` + netIssuer + `"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"` + op + `":{`
	var conds []string
	if aud != "" {
		conds = append(conds, `"`+netIssuer+`:aud":"`+aud+`"`)
	}
	if sub != "" {
		conds = append(conds, `"`+netIssuer+`:sub":"`+sub+`"`)
	}
	return p + strings.Join(conds, ",") + `}}}]}`
}

func netGitHubTrust(op, sub string) string {
	aud := `"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"`
	subject := `"token.actions.githubusercontent.com:sub":"` + sub + `"`
	cond := `"StringEquals":{` + aud + `},"` + op + `":{` + subject + `}`
	if op == "StringEquals" {
		cond = `"StringEquals":{` + aud + `,` + subject + `}`
	}
	return `{"Version":"2012-10-17","Statement":[{"Sid":"GitHubActions","Effect":"Allow","Principal":{"Federated":"` + netGitHubIssuer + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{` + cond + `}}]}`
}

func netRole(name, trust string) *Resource {
	return res(netIAMRole, name, map[string]interface{}{"assumeRolePolicy": trust, "description": "IRSA role for service account kube-system/aws-node"})
}

func TestNetworkIAMLeastPrivilege(t *testing.T) {
	attach := func(name string, arn interface{}) *Resource {
		return res(netIAMRoleAttachment, name, map[string]interface{}{"policyArn": arn, "role": "aws-prod-ci-0f1bd41"})
	}
	runRule(t, "iam-least-privilege", []ruleCase{
		{name: "pinned IRSA, service trust, scoped policies",
			stack: stackOf("prod",
				netRole("aws-prod-vpc-cni", netTrustIRSA),
				attach("aws-prod-vpc-cni-0", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
				netRole("aws-prod-cpu-node", netTrustEC2),
				res(netIAMPolicy, "aws-prod-read-only", map[string]interface{}{"policy": netPolicyS3}),
				res(netIAMRolePolicy, "aws-prod-model-fraud-xgb", map[string]interface{}{"policy": netPolicyS3, "role": "aws-prod-model-fraud-xgb-ddee0c7"}))},
		{name: "GitHub OIDC pinned to a repository",
			stack: stackOf("prod",
				netRole("ci-main", netGitHubTrust("StringEquals", "repo:pangea-ai/mlplatform:ref:refs/heads/main")),
				netRole("ci-any-ref", netGitHubTrust("StringLike", "repo:pangea-ai/mlplatform:*")))},
		{name: "attachment of a policy created in the stack, ARN unknown in preview",
			stack: func() *Stack {
				p := res(netIAMPolicy, "aws-prod-registry-push", map[string]interface{}{"policy": netPolicyS3})
				return stackOf("prod", p, netDeps(attach("aws-prod-runner-0", props.Unknown{}), p))
			}()},
		{name: "IRSA without a sub condition",
			stack: stackOf("prod", netRole("aws-prod-vpc-cni", netIRSA("StringEquals", "", "sts.amazonaws.com"))),
			want:  []string{`Role "aws-prod-vpc-cni" must pin its IRSA trust to system:serviceaccount:<namespace>:<name> with a StringEquals condition on ` + netIssuer + `:sub (assumeRolePolicy Statement[0] has none)`}},
		{name: "IRSA sub wildcard",
			stack: stackOf("prod", netRole("aws-prod-vpc-cni", netIRSA("StringLike", "system:serviceaccount:kube-system:*", "sts.amazonaws.com"))),
			want:  []string{`Role "aws-prod-vpc-cni" must pin its IRSA trust to system:serviceaccount:<namespace>:<name> (assumeRolePolicy Statement[0] allows "system:serviceaccount:kube-system:*")`}},
		{name: "IRSA without an aud condition",
			stack: stackOf("prod", netRole("aws-prod-vpc-cni", netIRSA("StringEquals", "system:serviceaccount:kube-system:aws-node", ""))),
			want:  []string{`Role "aws-prod-vpc-cni" must pin its IRSA trust audience with ` + netIssuer + `:aud = sts.amazonaws.com (assumeRolePolicy Statement[0] has none)`}},
		{name: "IRSA wrong audience",
			stack: stackOf("prod", netRole("aws-prod-vpc-cni", netIRSA("StringEquals", "system:serviceaccount:kube-system:aws-node", "api://other"))),
			want:  []string{`Role "aws-prod-vpc-cni" must pin its IRSA trust audience with ` + netIssuer + `:aud = sts.amazonaws.com (assumeRolePolicy Statement[0] allows "api://other")`}},
		{name: "GitHub OIDC open to an organisation",
			stack: stackOf("prod", netRole("ci", netGitHubTrust("StringLike", "repo:pangea-ai/*"))),
			want:  []string{`Role "ci" must pin its GitHub OIDC trust to repo:<owner>/<repo>:… (assumeRolePolicy Statement[0] "GitHubActions" allows "repo:pangea-ai/*")`}},
		{name: "anyone may assume",
			stack: stackOf("prod", netRole("open", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)),
			want:  []string{`Role "open" must not let any principal assume it (assumeRolePolicy Statement[0] allows "*")`}},
		{name: "every action on every resource",
			stack: stackOf("prod",
				res(netIAMPolicy, "admin-ish", map[string]interface{}{"policy": netStarStar}),
				res(netIAMRolePolicy, "inline", map[string]interface{}{"policy": `{"Statement":[{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}]}`, "role": "r-1"}),
				res(netIAMRole, "with-inline", map[string]interface{}{"assumeRolePolicy": netTrustEC2, "inlinePolicies": netArr(map[string]interface{}{"name": "all", "policy": netStarStar})})),
			want: []string{
				`Policy "admin-ish" must not allow every action on every resource (policy Statement[0]); fix: list the actions and resources needed`,
				`RolePolicy "inline" must not allow every action on every resource (policy Statement[0]); fix: list the actions and resources needed`,
				`Role "with-inline" must not allow every action on every resource (inlinePolicies[0].policy Statement[0]); fix: list the actions and resources needed`,
			}},
		{name: "AdministratorAccess attached",
			stack: stackOf("prod",
				attach("ci-admin", netAdminARN),
				res(netIAMRole, "ci", map[string]interface{}{"assumeRolePolicy": netTrustEC2, "managedPolicyArns": netArr(netAdminARN)})),
			want: []string{
				`RolePolicyAttachment "ci-admin" must not attach AdministratorAccess (policyArn is "arn:aws:iam::aws:policy/AdministratorAccess"); fix: attach a policy scoped to what the principal needs`,
				`Role "ci" must not attach AdministratorAccess (managedPolicyArns[0]); fix: attach a policy scoped to what the role needs`,
			}},
		{name: "trust policy unknown",
			stack: stackOf("prod", res(netIAMRole, "aws-prod-vpc-cni", map[string]interface{}{"assumeRolePolicy": props.Unknown{}})),
			want:  []string{`unverifiable: Role "aws-prod-vpc-cni": cannot verify during preview: assumeRolePolicy is not known until the resource is created`}},
		{name: "attached policy unknown and not in the stack",
			stack: stackOf("prod", attach("ci-0", props.Unknown{})),
			want:  []string{`unverifiable: RolePolicyAttachment "ci-0": cannot verify during preview: policyArn is not known until the resource is created`}},
	})
}

func TestNetworkAKSPrivateAPI(t *testing.T) {
	public := func(ranges interface{}) map[string]interface{} {
		m := netWith(netAKS(), "apiServerAccessProfile.enablePrivateCluster", false)
		return netWith(m, "apiServerAccessProfile.authorizedIPRanges", ranges)
	}
	runRule(t, "aks-private-api", []ruleCase{
		{name: "private cluster", stack: stackOf("prod", res(netAKSType, "azure-prod", netAKS()))},
		{name: "authorized ranges", stack: stackOf("dev", res(netAKSType, "azure-dev", public(netArr("203.0.113.0/24"))))},
		{name: "public without ranges",
			stack: stackOf("dev", res(netAKSType, "azure-dev", netWith(public(nil), "apiServerAccessProfile.enablePrivateCluster", nil))),
			want:  []string{`ManagedCluster "azure-dev" must be a private cluster or restrict its API server to authorized IP ranges (apiServerAccessProfile.enablePrivateCluster is not set and apiServerAccessProfile.authorizedIPRanges is not set); fix: set apiServerAccessProfile.enablePrivateCluster to true, or list the CIDRs in apiServerAccessProfile.authorizedIPRanges`}},
		{name: "open to the internet",
			stack: stackOf("dev", res(netAKSType, "azure-dev", public(netArr("0.0.0.0/0")))),
			want:  []string{`ManagedCluster "azure-dev" must not authorize 0.0.0.0/0 on its API server (apiServerAccessProfile.authorizedIPRanges[0]); fix: list the CIDRs that need the API, or make the cluster private`}},
		{name: "ranges unknown",
			stack: stackOf("dev", res(netAKSType, "azure-dev", public(props.Unknown{}))),
			want:  []string{`unverifiable: ManagedCluster "azure-dev": cannot verify during preview: apiServerAccessProfile.authorizedIPRanges is not known until the resource is created`}},
	})
}

func netFedCred(subject interface{}) map[string]interface{} {
	return map[string]interface{}{
		"audiences": netArr("api://AzureADTokenExchange"),
		"federatedIdentityCredentialResourceName": "serving-fraud-xgb",
		"issuer":            "https://eastus.oic.prod-aks.azure.com/55555555-6666-7777-8888-999999999999/ec68446d-a08c-004a-5161-a747d23bb688/",
		"resourceGroupName": "rg-mlplatform-azure-prod",
		"resourceName":      "id-azure-prod-model-fraud-xgb",
		"subject":           subject,
	}
}

func TestNetworkAKSIdentity(t *testing.T) {
	aks := func(path string, v interface{}) *Stack {
		return stackOf("prod", res(netAKSType, "azure-prod", netWith(netAKS(), path, v)))
	}
	cred := func(subject interface{}) *Stack {
		return stackOf("prod", res(netFedCredType, "azure-prod-model-fraud-xgb", netFedCred(subject)))
	}
	runRule(t, "aks-identity", []ruleCase{
		{name: "locked down cluster and pinned credential",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netAKS()), res(netFedCredType, "azure-prod-model-fraud-xgb", netFedCred("system:serviceaccount:serving:fraud-xgb")))},
		{name: "GitHub credential pinned to a branch", stack: cred("repo:pangea-ai/mlplatform:ref:refs/heads/main")},
		{name: "local accounts on", stack: aks("disableLocalAccounts", false),
			want: []string{`ManagedCluster "azure-prod" must disable local accounts (disableLocalAccounts is false); fix: set disableLocalAccounts to true`}},
		{name: "no Entra ID", stack: aks("aadProfile", nil),
			want: []string{
				`ManagedCluster "azure-prod" must use Entra ID integration (aadProfile.managed is not set); fix: set aadProfile.managed to true`,
				`ManagedCluster "azure-prod" must authorize with Azure RBAC (aadProfile.enableAzureRBAC is not set); fix: set aadProfile.enableAzureRBAC to true`,
			}},
		{name: "Kubernetes RBAC instead of Azure RBAC", stack: aks("aadProfile.enableAzureRBAC", false),
			want: []string{`ManagedCluster "azure-prod" must authorize with Azure RBAC (aadProfile.enableAzureRBAC is false); fix: set aadProfile.enableAzureRBAC to true`}},
		{name: "OIDC issuer off", stack: aks("oidcIssuerProfile.enabled", false),
			want: []string{`ManagedCluster "azure-prod" must enable the OIDC issuer (oidcIssuerProfile.enabled is false); fix: set oidcIssuerProfile.enabled to true`}},
		{name: "workload identity unset", stack: aks("securityProfile", nil),
			want: []string{`ManagedCluster "azure-prod" must enable workload identity (securityProfile.workloadIdentity.enabled is not set); fix: set securityProfile.workloadIdentity.enabled to true`}},
		{name: "service principal instead of managed identity", stack: aks("identity", nil),
			want: []string{`ManagedCluster "azure-prod" must run as a managed identity (identity.type is not set); fix: set identity.type to UserAssigned or SystemAssigned`}},
		{name: "credential open to a namespace", stack: cred("system:serviceaccount:serving:*"),
			want: []string{`FederatedIdentityCredential "azure-prod-model-fraud-xgb" must pin its subject to one service account, system:serviceaccount:<namespace>:<name> (subject is "system:serviceaccount:serving:*")`}},
		{name: "GitHub credential open to an organisation", stack: cred("repo:pangea-ai/*:ref:refs/heads/main"),
			want: []string{`FederatedIdentityCredential "azure-prod-model-fraud-xgb" must pin its subject to one repository, repo:<owner>/<repo>:… (subject is "repo:pangea-ai/*:ref:refs/heads/main")`}},
		{name: "workload identity unknown", stack: aks("securityProfile.workloadIdentity.enabled", props.Unknown{}),
			want: []string{`unverifiable: ManagedCluster "azure-prod": cannot verify during preview: securityProfile.workloadIdentity.enabled is not known until the resource is created`}},
		{name: "subject unknown", stack: cred(props.Unknown{}),
			want: []string{`unverifiable: FederatedIdentityCredential "azure-prod-model-fraud-xgb": cannot verify during preview: subject is not known until the resource is created`}},
	})
}

func netPool(publicIP interface{}) map[string]interface{} {
	return map[string]interface{}{
		"agentPoolName": "gpu", "mode": "User", "resourceName": "aks-azure-prod", "resourceGroupName": "rg-mlplatform-azure-prod",
		"enableEncryptionAtHost": true, "enableNodePublicIP": publicIP, "vmSize": "Standard_NC4as_T4_v3",
	}
}

func TestNetworkAKSNetworkPolicy(t *testing.T) {
	runRule(t, "aks-network-policy", []ruleCase{
		{name: "cilium policy, private nodes",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netAKS()), res(netPoolType, "azure-prod-gpu", netPool(false)))},
		{name: "calico on the default API version",
			stack: stackOf("prod", res("azure-native:containerservice:ManagedCluster", "azure-prod", netWith(netAKS(), "networkProfile.networkPolicy", "calico")))},
		{name: "no network policy",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netWith(netAKS(), "networkProfile.networkPolicy", nil))),
			want:  []string{`ManagedCluster "azure-prod" must enforce Kubernetes network policies (networkProfile.networkPolicy is not set); fix: set networkProfile.networkPolicy to azure, calico or cilium`}},
		{name: "network policy none",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netWith(netAKS(), "networkProfile.networkPolicy", "none"))),
			want:  []string{`ManagedCluster "azure-prod" must enforce Kubernetes network policies (networkProfile.networkPolicy is "none"); fix: set networkProfile.networkPolicy to azure, calico or cilium`}},
		{name: "system pool with public IPs",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netWith(netAKS(), "agentPoolProfiles", netArr(map[string]interface{}{"name": "system", "enableNodePublicIP": true})))),
			want:  []string{`ManagedCluster "azure-prod" must not give nodes public IPs (agentPoolProfiles[0].enableNodePublicIP is true)`}},
		{name: "agent pool with public IPs",
			stack: stackOf("prod", res(netAKSType, "azure-prod", netAKS()), res(netPoolType, "azure-prod-gpu", netPool(true))),
			want:  []string{`AgentPool "azure-prod-gpu" must not give nodes public IPs (enableNodePublicIP is true)`}},
		{name: "agent pool public IP unknown",
			stack: stackOf("prod", res(netPoolType, "azure-prod-gpu", netPool(props.Unknown{}))),
			want:  []string{`unverifiable: AgentPool "azure-prod-gpu": cannot verify during preview: enableNodePublicIP is not known until the resource is created`}},
	})
}

func netStorage() map[string]interface{} {
	return map[string]interface{}{
		"accountName":           "stazureprodfedf27",
		"allowBlobPublicAccess": false,
		"allowSharedKeyAccess":  false,
		"kind":                  "StorageV2",
		"minimumTlsVersion":     "TLS1_2",
		"networkRuleSet":        map[string]interface{}{"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": netArr()},
		"publicNetworkAccess":   "Enabled",
	}
}

func netVault() map[string]interface{} {
	return map[string]interface{}{
		"vaultName": "kvazureprodfedf27",
		"properties": map[string]interface{}{
			"enablePurgeProtection":   true,
			"enableRbacAuthorization": true,
			"networkAcls":             map[string]interface{}{"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": netArr(map[string]interface{}{"value": "198.51.100.0/24"})},
			"publicNetworkAccess":     "Enabled",
		},
	}
}

func TestNetworkAzureDataPlanePrivate(t *testing.T) {
	storage := func(path string, v interface{}) *Stack {
		return stackOf("prod", res(netStorageType, "azure-prod", netWith(netStorage(), path, v)))
	}
	vault := func(path string, v interface{}) *Stack {
		return stackOf("prod", res(netVaultType, "azure-prod", netWith(netVault(), path, v)))
	}
	runRule(t, "azure-data-plane-private", []ruleCase{
		{name: "storage and vault deny by default",
			stack: stackOf("prod", res(netStorageType, "azure-prod", netStorage()), res(netVaultType, "azure-prod", netVault()))},
		{name: "public network access disabled", stack: stackOf("prod",
			res(netStorageType, "azure-prod", netWith(netWith(netStorage(), "networkRuleSet", nil), "publicNetworkAccess", "Disabled")),
			res(netVaultType, "azure-prod", netWith(netWith(netVault(), "properties.networkAcls", nil), "properties.publicNetworkAccess", "Disabled")))},
		{name: "public blob access allowed", stack: storage("allowBlobPublicAccess", true),
			want: []string{`StorageAccount "azure-prod" must disallow public blob access (allowBlobPublicAccess is true); fix: set allowBlobPublicAccess to false`}},
		{name: "shared key access unset", stack: storage("allowSharedKeyAccess", nil),
			want: []string{`StorageAccount "azure-prod" must disable shared key access (allowSharedKeyAccess is not set); fix: set allowSharedKeyAccess to false and authorize with Entra ID`}},
		{name: "storage allows by default", stack: storage("networkRuleSet.defaultAction", "Allow"),
			want: []string{`StorageAccount "azure-prod" must deny network access by default (networkRuleSet.defaultAction is "Allow"); fix: set networkRuleSet.defaultAction to Deny and allow the subnets or IPs that need access, or set publicNetworkAccess to Disabled`}},
		{name: "vault without network ACLs", stack: vault("properties.networkAcls", nil),
			want: []string{`Vault "azure-prod" must deny network access by default (properties.networkAcls.defaultAction is not set, which defaults to Allow); fix: set properties.networkAcls.defaultAction to Deny and allow the subnets or IPs that need access, or set properties.publicNetworkAccess to Disabled`}},
		{name: "shared key access unknown", stack: storage("allowSharedKeyAccess", props.Unknown{}),
			want: []string{`unverifiable: StorageAccount "azure-prod": cannot verify during preview: allowSharedKeyAccess is not known until the resource is created`}},
		{name: "vault default action unknown", stack: vault("properties.networkAcls.defaultAction", props.Unknown{}),
			want: []string{`unverifiable: Vault "azure-prod": cannot verify during preview: properties.networkAcls.defaultAction is not known until the resource is created`}},
	})
}
