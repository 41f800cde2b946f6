// Package noncompliant is a deliberately non-compliant environment: a real
// Pulumi program whose resources break every policy rule in
// policies/rules at least once. It is never deployed; its test runs it
// under the mock recorder and checks that each rule reports it.
//
// Every resource says which rules it breaks. The program stands for a prod
// stack (so the prod-only rules apply) of an ephemeral environment (so
// ephemeral-expiry runs): the test sets both in the stack context.
package noncompliant

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2"
	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
)

// Names the program and its test share.
const (
	BucketName   = "noncompliant-datasets"
	ClusterName  = "noncompliant-prod"
	AKSName      = "aks-noncompliant"
	Namespace    = "ml-apps"
	RunnersChart = "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set"
)

// Program registers the non-compliant environment: AWS, Azure and
// Kubernetes resources, none protected.
func Program(ctx *pulumi.Context) error {
	if err := awsResources(ctx); err != nil {
		return err
	}
	if err := azureResources(ctx); err != nil {
		return err
	}
	return kubernetesResources(ctx)
}

// awsResources are an EKS cluster and what surrounds it, all created through
// one explicit provider.
func awsResources(ctx *pulumi.Context) error {
	// The provider's default tags are every AWS resource's tags. They lack
	// cost-center, data-classification and managed-by (required-tags), the
	// owner is not a team email address (tag-values), and nothing carries
	// expires-at (ephemeral-expiry): every taggable AWS resource below breaks
	// these three rules through it.
	provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region: pulumi.String("us-east-1"),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			"environment": pulumi.String("prod"),
			"owner":       pulumi.String("ML Platform Team"),
			"project":     pulumi.String("mlplatform"),
		}},
	})
	if err != nil {
		return err
	}
	opts := pulumi.Provider(provider)

	// Tagging rules only (through the provider).
	vpc, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, opts)
	if err != nil {
		return err
	}
	// aws-node-hardening: the node group "general" runs in a subnet that
	// gives its instances public IPs.
	subnet, err := ec2.NewSubnet(ctx, "public", &ec2.SubnetArgs{
		VpcId: vpc.ID(), CidrBlock: pulumi.String("10.0.1.0/24"), MapPublicIpOnLaunch: pulumi.Bool(true),
	}, opts)
	if err != nil {
		return err
	}

	// kms-key-hygiene: no rotation, a 7-day deletion window, and the policy
	// lockout safety check bypassed. protect-stateful: not protected.
	// tag-values: "Cost-Center" is not a lowercase kebab-case key.
	if _, err := kms.NewKey(ctx, "data", &kms.KeyArgs{
		Description:                    pulumi.String("datasets key"),
		EnableKeyRotation:              pulumi.Bool(false),
		DeletionWindowInDays:           pulumi.Int(7),
		BypassPolicyLockoutSafetyCheck: pulumi.Bool(true),
		Tags:                           pulumi.StringMap{"Cost-Center": pulumi.String("1234")},
	}, opts); err != nil {
		return err
	}

	// s3-sse-kms: no server-side encryption configuration.
	// s3-no-public-access: no ownership controls.
	// data-durability: no lifecycle configuration expiring noncurrent versions.
	// protect-stateful: not protected.
	bucket, err := s3.NewBucketV2(ctx, "datasets", &s3.BucketV2Args{Bucket: pulumi.String(BucketName)}, opts)
	if err != nil {
		return err
	}
	// s3-no-public-access: every public access flag off.
	if _, err := s3.NewBucketPublicAccessBlock(ctx, "datasets", &s3.BucketPublicAccessBlockArgs{
		Bucket:          bucket.ID(),
		BlockPublicAcls: pulumi.Bool(false), BlockPublicPolicy: pulumi.Bool(false),
		IgnorePublicAcls: pulumi.Bool(false), RestrictPublicBuckets: pulumi.Bool(false),
	}, opts); err != nil {
		return err
	}
	// data-durability: versioning suspended.
	if _, err := s3.NewBucketVersioningV2(ctx, "datasets", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Suspended")},
	}, opts); err != nil {
		return err
	}
	// s3-no-public-access: allows the "*" principal.
	// s3-tls-only: no statement denies requests without TLS.
	if _, err := s3.NewBucketPolicy(ctx, "datasets-public-read", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",` +
			`"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + BucketName + `/*"}]}`),
	}, opts); err != nil {
		return err
	}

	// registry-encryption: AES256, not KMS.
	// registry-access-and-scan: no scan on push, mutable tags, no lifecycle policy.
	// data-durability: no lifecycle policy expiring untagged images.
	// protect-stateful: not protected.
	repo, err := ecr.NewRepository(ctx, "models", &ecr.RepositoryArgs{
		Name:                       pulumi.String("models"),
		ImageTagMutability:         pulumi.String("MUTABLE"),
		ImageScanningConfiguration: ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(false)},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
			ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
	}, opts)
	if err != nil {
		return err
	}
	// registry-access-and-scan: anyone may pull.
	if _, err := ecr.NewRepositoryPolicy(ctx, "models-public-pull", &ecr.RepositoryPolicyArgs{
		Repository: repo.Name,
		Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*",` +
			`"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`),
	}, opts); err != nil {
		return err
	}

	// iam-least-privilege: any AWS principal may assume the role.
	role, err := iam.NewRole(ctx, "cluster", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`),
	}, opts)
	if err != nil {
		return err
	}
	// iam-least-privilege: attaches AdministratorAccess.
	if _, err := iam.NewRolePolicyAttachment(ctx, "cluster-admin", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/AdministratorAccess"),
	}, opts); err != nil {
		return err
	}
	// iam-least-privilege: every action on every resource.
	if _, err := iam.NewPolicy(ctx, "everything", &iam.PolicyArgs{
		Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
	}, opts); err != nil {
		return err
	}
	// iam-least-privilege: IRSA trust open to every service account of a
	// namespace, with no audience condition.
	if _, err := iam.NewRole(ctx, "irsa", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"},` +
			`"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringLike":{"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub":"system:serviceaccount:ml-apps:*"}}}]}`),
	}, opts); err != nil {
		return err
	}

	// eks-secrets-envelope-kms: no encryptionConfig.
	// eks-private-endpoint: private access off, public access on in prod (from 0.0.0.0/0).
	// cluster-audit-logging: only the api log, not audit and authenticator.
	// k8s-version-support: 1.29 is outside the supported window, and
	// upgradePolicy.supportType is unset (EXTENDED).
	// protect-stateful: not protected.
	cluster, err := eks.NewCluster(ctx, "eks", &eks.ClusterArgs{
		Name:    pulumi.String(ClusterName),
		RoleArn: role.Arn,
		Version: pulumi.String("1.29"),
		VpcConfig: eks.ClusterVpcConfigArgs{
			SubnetIds:             pulumi.StringArray{subnet.ID()},
			EndpointPrivateAccess: pulumi.Bool(false),
			EndpointPublicAccess:  pulumi.Bool(true),
			PublicAccessCidrs:     pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		},
		EnabledClusterLogTypes: pulumi.StringArray{pulumi.String("api")},
	}, opts)
	if err != nil {
		return err
	}

	// aws-node-volumes-encrypted: the root volume is not encrypted.
	// aws-node-hardening: IMDSv1 allowed, hop limit 2, public IPs on nodes.
	// node-tag-propagation: no tagSpecifications, so instances, volumes and
	// network interfaces go untagged.
	lt, err := ec2.NewLaunchTemplate(ctx, "gpu-nodes", &ec2.LaunchTemplateArgs{
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs:        ec2.LaunchTemplateBlockDeviceMappingEbsArgs{VolumeSize: pulumi.Int(100), Encrypted: pulumi.String("false")},
		}},
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("optional"), HttpPutResponseHopLimit: pulumi.Int(2),
		},
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{ec2.LaunchTemplateNetworkInterfaceArgs{
			AssociatePublicIpAddress: pulumi.String("true"),
		}},
	}, opts)
	if err != nil {
		return err
	}

	// aws-node-volumes-encrypted: no launch template, so the account's default disks.
	// aws-node-hardening: SSH open (remoteAccess), no launch template, public subnet.
	// k8s-version-support: 1.33 is newer than its 1.29 control plane.
	// node-scaling-invariants: min 3 > desired 1, and max 2 < min.
	if _, err := eks.NewNodeGroup(ctx, "general", &eks.NodeGroupArgs{
		ClusterName: cluster.Name, NodeRoleArn: role.Arn,
		SubnetIds:     pulumi.StringArray{subnet.ID()},
		Version:       pulumi.String("1.33"),
		InstanceTypes: pulumi.StringArray{pulumi.String("m6i.large")},
		ScalingConfig: eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(3), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		RemoteAccess:  eks.NodeGroupRemoteAccessArgs{Ec2SshKey: pulumi.String("ops")},
		Labels:        pulumi.StringMap{"mlplatform.pangea.ai/node-group": pulumi.String("general"), "mlplatform.pangea.ai/kind": pulumi.String("system")},
	}, opts); err != nil {
		return err
	}
	// node-scaling-invariants: max 0, so the group can never hold a node.
	// aws-node-hardening: the public subnet (its launch template breaks the
	// rules listed there).
	if _, err := eks.NewNodeGroup(ctx, "gpu", &eks.NodeGroupArgs{
		ClusterName: cluster.Name, NodeRoleArn: role.Arn,
		SubnetIds:      pulumi.StringArray{subnet.ID()},
		InstanceTypes:  pulumi.StringArray{pulumi.String("g5.xlarge")},
		AmiType:        pulumi.String("AL2023_x86_64_NVIDIA"),
		LaunchTemplate: eks.NodeGroupLaunchTemplateArgs{Id: lt.ID(), Version: pulumi.String("$Latest")},
		ScalingConfig:  eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(0), DesiredSize: pulumi.Int(0), MaxSize: pulumi.Int(0)},
		Labels:         pulumi.StringMap{"mlplatform.pangea.ai/node-group": pulumi.String("gpu"), "mlplatform.pangea.ai/kind": pulumi.String("gpu")},
		Taints: eks.NodeGroupTaintArray{eks.NodeGroupTaintArgs{
			Key: pulumi.String("nvidia.com/gpu"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE"),
		}},
	}, opts); err != nil {
		return err
	}
	if err := awsDatabase(ctx, opts); err != nil {
		return err
	}
	return nil
}

// azureTags are the Azure resources' tags (azure-native has no provider
// default tags). required-tags: no data-classification or managed-by.
// tag-values: cost-center is not cc- and digits; "Project" is not
// lowercase and differs from "project" only in case. ephemeral-expiry:
// expires-at is a week after the test's evaluation time, beyond the
// environment's 72-hour lifetime.
func azureTags() pulumi.StringMap {
	return pulumi.StringMap{
		"environment": pulumi.String("prod"),
		"owner":       pulumi.String("ml-platform@pangea.ai"),
		"cost-center": pulumi.String("1234"),
		"project":     pulumi.String("mlplatform"),
		"Project":     pulumi.String("mlplatform"),
		"expires-at":  pulumi.String("2026-12-01T00:00:00Z"),
	}
}

// azureResources are an AKS cluster with its data plane and identities.
func azureResources(ctx *pulumi.Context) error {
	// required-tags: no cost-center, project, data-classification or
	// managed-by. tag-values: environment "production" is not an allowed
	// value. ephemeral-expiry: expires-at is not RFC 3339.
	rg, err := resources.NewResourceGroup(ctx, "rg", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String("rg-noncompliant"),
		Location:          pulumi.String("eastus"),
		Tags: pulumi.StringMap{
			"environment": pulumi.String("production"),
			"owner":       pulumi.String("ml-platform@pangea.ai"),
			"expires-at":  pulumi.String("end of sprint"),
		},
	})
	if err != nil {
		return err
	}
	rgName := rg.Name

	// keyvault-recoverable: soft delete off, no purge protection, access
	// policies instead of Azure RBAC.
	// data-durability: soft delete off.
	// azure-data-plane-private: public network access with no default-deny rules.
	// protect-stateful: not protected.
	if _, err := keyvault.NewVault(ctx, "vault", &keyvault.VaultArgs{
		ResourceGroupName: rgName,
		VaultName:         pulumi.String("kv-noncompliant"),
		Properties: keyvault.VaultPropertiesArgs{
			TenantId:                pulumi.String("55555555-6666-7777-8888-999999999999"),
			Sku:                     keyvault.SkuArgs{Family: pulumi.String("A"), Name: keyvault.SkuNameStandard},
			EnableSoftDelete:        pulumi.Bool(false),
			EnableRbacAuthorization: pulumi.Bool(false),
			PublicNetworkAccess:     pulumi.String("Enabled"),
		},
		Tags: azureTags(),
	}); err != nil {
		return err
	}

	// storage-cmk: Microsoft-managed keys.
	// storage-tls: TLS 1.0 and plain HTTP accepted.
	// azure-data-plane-private: public blob access allowed, shared keys not
	// disabled, network rules allow by default.
	// protect-stateful: not protected.
	account, err := storage.NewStorageAccount(ctx, "storage", &storage.StorageAccountArgs{
		ResourceGroupName:      rgName,
		AccountName:            pulumi.String("stnoncompliant"),
		Kind:                   pulumi.String("StorageV2"),
		Sku:                    storage.SkuArgs{Name: pulumi.String("Standard_LRS")},
		MinimumTlsVersion:      pulumi.String("TLS1_0"),
		EnableHttpsTrafficOnly: pulumi.Bool(false),
		AllowBlobPublicAccess:  pulumi.Bool(true),
		PublicNetworkAccess:    pulumi.String("Enabled"),
		NetworkRuleSet:         storage.NetworkRuleSetArgs{DefaultAction: storage.DefaultActionAllow},
		Encryption:             storage.EncryptionArgs{KeySource: pulumi.String("Microsoft.Storage")},
		Tags:                   azureTags(),
	})
	if err != nil {
		return err
	}
	// data-durability: no blob or container soft delete, no versioning.
	if _, err := storage.NewBlobServiceProperties(ctx, "storage-blobs", &storage.BlobServicePropertiesArgs{
		ResourceGroupName:              rgName,
		AccountName:                    account.Name,
		BlobServicesName:               pulumi.String("default"),
		DeleteRetentionPolicy:          storage.DeleteRetentionPolicyArgs{Enabled: pulumi.Bool(false)},
		ContainerDeleteRetentionPolicy: storage.DeleteRetentionPolicyArgs{Enabled: pulumi.Bool(false)},
		IsVersioningEnabled:            pulumi.Bool(false),
	}); err != nil {
		return err
	}

	// registry-access-and-scan: the admin user is on.
	// data-durability: a Premium registry with its retention policy disabled.
	// protect-stateful: not protected.
	if _, err := containerregistry.NewRegistry(ctx, "registry", &containerregistry.RegistryArgs{
		ResourceGroupName: rgName,
		RegistryName:      pulumi.String("acrnoncompliant"),
		Sku:               containerregistry.SkuArgs{Name: pulumi.String("Premium")},
		AdminUserEnabled:  pulumi.Bool(true),
		Policies: containerregistry.PoliciesArgs{
			RetentionPolicy: containerregistry.RetentionPolicyArgs{Status: pulumi.String("disabled")},
		},
		Tags: azureTags(),
	}); err != nil {
		return err
	}

	// Tagging rules only (azureTags).
	identity, err := managedidentity.NewUserAssignedIdentity(ctx, "workload", &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: rgName,
		ResourceName:      pulumi.String("id-noncompliant"),
		Tags:              azureTags(),
	})
	if err != nil {
		return err
	}
	// aks-identity: the subject trusts every service account of a namespace.
	if _, err := managedidentity.NewFederatedIdentityCredential(ctx, "workload-any-sa", &managedidentity.FederatedIdentityCredentialArgs{
		ResourceGroupName: rgName,
		ResourceName:      identity.Name,
		Issuer:            pulumi.String("https://eastus.oic.prod-aks.azure.com/55555555-6666-7777-8888-999999999999/example/"),
		Subject:           pulumi.String("system:serviceaccount:" + Namespace + ":*"),
		Audiences:         pulumi.StringArray{pulumi.String("api://AzureADTokenExchange")},
	}); err != nil {
		return err
	}

	// aks-secrets-kms: no KMS encryption of secrets.
	// aks-host-encryption: the system pool does not encrypt at host.
	// aks-private-api: public API server authorized for 0.0.0.0/0.
	// aks-identity: local accounts on, no Entra ID or Azure RBAC, no OIDC
	// issuer or workload identity, no managed identity.
	// aks-network-policy: no network policy; the system pool gives nodes public IPs.
	// cluster-audit-logging: its only diagnostic setting sends no kube-audit.
	// k8s-version-support: 1.29 is outside the supported window.
	// node-scaling-invariants: the system pool's count is 0.
	// node-tag-propagation: the system pool carries no tags.
	// protect-stateful: not protected.
	aks, err := cs.NewManagedCluster(ctx, "aks", &cs.ManagedClusterArgs{
		ResourceGroupName:    rgName,
		ResourceName:         pulumi.String(AKSName),
		DnsPrefix:            pulumi.String(AKSName),
		KubernetesVersion:    pulumi.String("1.29"),
		DisableLocalAccounts: pulumi.Bool(false),
		ApiServerAccessProfile: cs.ManagedClusterAPIServerAccessProfileArgs{
			EnablePrivateCluster: pulumi.Bool(false),
			AuthorizedIPRanges:   pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		},
		NetworkProfile: cs.ContainerServiceNetworkProfileArgs{NetworkPlugin: pulumi.String("kubenet")},
		AgentPoolProfiles: cs.ManagedClusterAgentPoolProfileArray{cs.ManagedClusterAgentPoolProfileArgs{
			Name: pulumi.String("system"), Mode: pulumi.String("System"), VmSize: pulumi.String("Standard_D4s_v5"),
			Count:                  pulumi.Int(0),
			EnableEncryptionAtHost: pulumi.Bool(false),
			EnableNodePublicIP:     pulumi.Bool(true),
		}},
		Tags: azureTags(),
	})
	if err != nil {
		return err
	}
	// aks-host-encryption: no encryption at host.
	// aks-network-policy: nodes get public IPs.
	// k8s-version-support: 1.35 is newer than its 1.29 control plane.
	// node-scaling-invariants: minCount 4 > count 3 and > maxCount 2.
	if _, err := cs.NewAgentPool(ctx, "aks-gpu", &cs.AgentPoolArgs{
		ResourceGroupName:   rgName,
		ResourceName:        aks.Name,
		AgentPoolName:       pulumi.String("gpu"),
		Mode:                pulumi.String("User"),
		VmSize:              pulumi.String("Standard_NC6s_v3"),
		OrchestratorVersion: pulumi.String("1.35"),
		EnableAutoScaling:   pulumi.Bool(true),
		MinCount:            pulumi.Int(4), Count: pulumi.Int(3), MaxCount: pulumi.Int(2),
		EnableEncryptionAtHost: pulumi.Bool(false),
		EnableNodePublicIP:     pulumi.Bool(true),
		Tags:                   azureTags(),
	}); err != nil {
		return err
	}
	if err := azureDatabase(ctx, rg); err != nil {
		return err
	}
	// cluster-audit-logging: sends guard only, not kube-audit.
	if _, err := insights.NewDiagnosticSetting(ctx, "aks-diagnostics", &insights.DiagnosticSettingArgs{
		Name:        pulumi.String("guard-only"),
		ResourceUri: aks.ID(),
		WorkspaceId: pulumi.String("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-noncompliant/providers/Microsoft.OperationalInsights/workspaces/log-noncompliant"),
		Logs:        insights.LogSettingsArray{insights.LogSettingsArgs{Category: pulumi.String("guard"), Enabled: pulumi.Bool(true)}},
	}); err != nil {
		return err
	}
	return nil
}

// kubeconfig is a cluster's credentials, passed in plain text.
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: noncompliant
  cluster:
    server: https://noncompliant.example.com
contexts:
- name: noncompliant
  context: {cluster: noncompliant, user: admin}
current-context: noncompliant
users:
- name: admin
  user:
    token: not-a-real-token
`

// kubernetesResources are the workloads on the cluster.
func kubernetesResources(ctx *pulumi.Context) error {
	// secrets-not-plaintext: the kubeconfig is not a Pulumi secret.
	provider, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
	if err != nil {
		return err
	}
	opts := pulumi.Provider(provider)
	meta := func(name string, labels pulumi.StringMap) metav1.ObjectMetaArgs {
		return metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(Namespace), Labels: labels}
	}
	webLabels := pulumi.StringMap{"app": pulumi.String("web")}

	// pss-restricted: no pod-security.kubernetes.io/enforce label.
	// k8s-labels: no recommended labels.
	// network-exposure: no default-deny NetworkPolicy (allow-web is not one).
	if _, err := corev1.NewNamespace(ctx, "ml-apps", &corev1.NamespaceArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(Namespace)},
	}, opts); err != nil {
		return err
	}
	// network-exposure (with the namespace): selects some pods and only
	// ingress, so it is no default deny.
	if _, err := networkingv1.NewNetworkPolicy(ctx, "allow-web", &networkingv1.NetworkPolicyArgs{
		Metadata: meta("allow-web", nil),
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{MatchLabels: webLabels},
			PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress:     networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{}},
		},
	}, opts); err != nil {
		return err
	}
	// sa-rbac-hygiene: mounts its token though no binding gives it API access.
	if _, err := corev1.NewServiceAccount(ctx, "idle", &corev1.ServiceAccountArgs{Metadata: meta("idle", nil)}, opts); err != nil {
		return err
	}
	// sa-rbac-hygiene: every verb on every resource.
	if _, err := rbacv1.NewRole(ctx, "wildcard", &rbacv1.RoleArgs{
		Metadata: meta("wildcard", nil),
		Rules: rbacv1.PolicyRuleArray{rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.StringArray{pulumi.String("*")},
			Resources: pulumi.StringArray{pulumi.String("*")},
			Verbs:     pulumi.StringArray{pulumi.String("*")},
		}},
	}, opts); err != nil {
		return err
	}
	// sa-rbac-hygiene: binds cluster-admin, to system:masters.
	if _, err := rbacv1.NewClusterRoleBinding(ctx, "ci-admin", &rbacv1.ClusterRoleBindingArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("ci-admin")},
		RoleRef: rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: pulumi.String("cluster-admin"),
		},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Group"), Name: pulumi.String("system:masters"),
		}},
	}, opts); err != nil {
		return err
	}

	// pss-restricted: host network, a host port, a privileged container
	// without the restricted settings.
	// resources-and-gpu: no requests or limits; tolerates the GPU taint
	// though it takes no GPUs.
	// image-provenance: the latest tag, from Docker Hub.
	// sa-rbac-hygiene: the default service account.
	// k8s-labels: no recommended labels.
	if _, err := appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
		Metadata: meta("web", webLabels),
		Spec: appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(2),
			Selector: metav1.LabelSelectorArgs{MatchLabels: webLabels},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: webLabels},
				Spec: corev1.PodSpecArgs{
					HostNetwork: pulumi.Bool(true),
					Tolerations: corev1.TolerationArray{corev1.TolerationArgs{
						Key: pulumi.String("nvidia.com/gpu"), Operator: pulumi.String("Exists"), Effect: pulumi.String("NoSchedule"),
					}},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:            pulumi.String("web"),
						Image:           pulumi.String("nginx:latest"),
						Ports:           corev1.ContainerPortArray{corev1.ContainerPortArgs{ContainerPort: pulumi.Int(80), HostPort: pulumi.Int(80)}},
						SecurityContext: corev1.SecurityContextArgs{Privileged: pulumi.Bool(true)},
					}},
				},
			},
		},
	}, opts); err != nil {
		return err
	}
	// resources-and-gpu: requests a GPU without limiting it, and neither
	// tolerates the GPU taint nor selects GPU nodes.
	// image-provenance: an ECR repository this stack does not create.
	// pss-restricted: no restricted security context.
	// sa-rbac-hygiene: the default service account.
	// k8s-labels: no recommended labels.
	trainerLabels := pulumi.StringMap{"app": pulumi.String("trainer")}
	if _, err := appsv1.NewDeployment(ctx, "trainer", &appsv1.DeploymentArgs{
		Metadata: meta("trainer", trainerLabels),
		Spec: appsv1.DeploymentSpecArgs{
			Selector: metav1.LabelSelectorArgs{MatchLabels: trainerLabels},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: trainerLabels},
				Spec: corev1.PodSpecArgs{
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String("trainer"),
						Image: pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/someone-elses-repo:v1"),
						Resources: corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("4"), "memory": pulumi.String("16Gi"), "nvidia.com/gpu": pulumi.String("1")},
							Limits:   pulumi.StringMap{"memory": pulumi.String("16Gi")},
						},
					}},
				},
			},
		},
	}, opts); err != nil {
		return err
	}
	// network-exposure: a public LoadBalancer.
	// k8s-labels: no recommended labels.
	if _, err := corev1.NewService(ctx, "web", &corev1.ServiceArgs{
		Metadata: meta("web", webLabels),
		Spec: corev1.ServiceSpecArgs{
			Type:     pulumi.String("LoadBalancer"),
			Selector: webLabels,
			Ports:    corev1.ServicePortArray{corev1.ServicePortArgs{Port: pulumi.Int(80)}},
		},
	}, opts); err != nil {
		return err
	}
	// network-exposure: no TLS.
	if _, err := networkingv1.NewIngress(ctx, "web", &networkingv1.IngressArgs{
		Metadata: meta("web", webLabels),
		Spec: networkingv1.IngressSpecArgs{Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
			Host: pulumi.String("web.example.com"),
			Http: networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
				Path: pulumi.String("/"), PathType: pulumi.String("Prefix"),
				Backend: networkingv1.IngressBackendArgs{Service: networkingv1.IngressServiceBackendArgs{
					Name: pulumi.String("web"), Port: networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(80)},
				}},
			}}},
		}}},
	}, opts); err != nil {
		return err
	}
	// serving-availability (with fraud-detector): this budget selects the
	// web pods, not the predictor's.
	if _, err := policyv1.NewPodDisruptionBudget(ctx, "web", &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta("web", webLabels),
		Spec: policyv1.PodDisruptionBudgetSpecArgs{
			MinAvailable: pulumi.Int(1),
			Selector:     metav1.LabelSelectorArgs{MatchLabels: webLabels},
		},
	}, opts); err != nil {
		return err
	}
	// serving-availability: no readiness probe on its container, one
	// replica, no PodDisruptionBudget, no spread across nodes.
	// image-provenance: no tag, from Docker Hub.
	// resources-and-gpu: no requests or limits.
	// pss-restricted: no restricted security context.
	// sa-rbac-hygiene: the default service account.
	// payload-logging: it logs straight to the archive, past the payload
	// filter, with no storage path.
	// payload-retention: no lifecycle rule deletes its folder.
	if _, err := apiextensions.NewCustomResource(ctx, "fraud-detector", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("serving.kserve.io/v1beta1"),
		Kind:       pulumi.String("InferenceService"),
		Metadata:   meta("fraud-detector", nil),
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{
			"predictor": map[string]interface{}{
				"minReplicas": 1,
				"logger":      map[string]interface{}{"mode": "all", "url": "s3://noncompliant-artifacts/payloads"},
				"containers": []interface{}{map[string]interface{}{
					"name":  "predictor",
					"image": "docker.io/acme/fraud-model",
					"ports": []interface{}{map[string]interface{}{"containerPort": 8080}},
				}},
			},
		}},
	}, opts); err != nil {
		return err
	}

	// ci-runner-isolation: runs in the default namespace, in dind mode, on
	// no node group of its own.
	// secrets-not-plaintext: the GitHub token is plain text in the values.
	// image-provenance: the runner image's latest tag.
	// pss-restricted, resources-and-gpu, sa-rbac-hygiene: the runner pod
	// template has no security context, resources or service account.
	// network-exposure: the default namespace has no default-deny policy.
	if _, err := charts.Install(ctx, "arc-runners", charts.Chart{Name: RunnersChart, Version: "0.10.1"}, "arc-runners", "default",
		map[string]interface{}{
			"githubConfigUrl":    "https://github.com/pangea-ai",
			"githubConfigSecret": map[string]interface{}{"github_token": "ghp_notARealTokenButPlainText"},
			"containerMode":      map[string]interface{}{"type": "dind"},
			"template": map[string]interface{}{"spec": map[string]interface{}{"containers": []interface{}{map[string]interface{}{
				"name":    "runner",
				"image":   "ghcr.io/actions/actions-runner:latest",
				"command": []interface{}{"/home/runner/run.sh"},
			}}}},
		}, opts); err != nil {
		return err
	}

	if err := notebooks(ctx, opts); err != nil {
		return err
	}
	return nil
}
