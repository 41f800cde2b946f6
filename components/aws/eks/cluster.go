package eks

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/kms"
)

// ClusterType is the component's type token.
const ClusterType = "mlplatform:aws:Cluster"

// LogTypes are the control-plane logs every cluster sends to CloudWatch.
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Support types for upgradePolicy.supportType.
const (
	SupportStandard = "STANDARD"
	SupportExtended = "EXTENDED"
)

// ClusterArgs configure a Cluster.
type ClusterArgs struct {
	// ClusterName is the EKS cluster's name. Required.
	ClusterName string
	// KubernetesVersion is the minor version, e.g. "1.35". Required.
	KubernetesVersion string
	// SubnetIDs are the private subnets for the control plane's interfaces. Required.
	SubnetIDs pulumi.StringArrayInput
	// PublicAccessCIDRs opens the public endpoint to these blocks; empty keeps
	// the endpoint private-only. The private endpoint is always on.
	PublicAccessCIDRs []string
	// LogRetentionDays keeps control-plane logs this long; unset means 90.
	LogRetentionDays int
	// SupportType is SupportStandard (default) or SupportExtended.
	SupportType string
	// AdminRoleARNs get cluster-admin access entries. Required: nobody gets
	// admin implicitly, including the identity running pulumi.
	AdminRoleARNs []string
	// AddonVersions overrides add-on versions by add-on name.
	AddonVersions map[string]string
	// AccountID and Region place the key and its policy. Required.
	AccountID, Region string
	// Protect marks the cluster and its key protected (prod).
	Protect bool
}

// Cluster is a hardened EKS control plane.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster's name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Endpoint is the API server URL.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// CertificateAuthority is the base64 CA bundle.
	CertificateAuthority pulumi.StringOutput `pulumi:"certificateAuthority"`
	// OIDCIssuerURL is the cluster's service-account token issuer.
	OIDCIssuerURL pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	// OIDCProviderARN is the IAM OIDC provider that IRSA roles trust.
	OIDCProviderARN pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// KeyARN is the KMS key that encrypts secrets and control-plane logs.
	KeyARN pulumi.StringOutput `pulumi:"keyArn"`
	// ClusterSecurityGroupID is the security group EKS creates for the
	// cluster and puts on every managed node (the node groups set no
	// security groups of their own): what a database admits the cluster by.
	ClusterSecurityGroupID pulumi.StringOutput `pulumi:"clusterSecurityGroupId"`
	// Kubeconfig reaches the cluster with `aws eks get-token`. A secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`

	// Provider is a Kubernetes provider for this cluster; it waits for the
	// admin access entries.
	Provider *kubernetes.Provider
	// ComputeDependencies must exist before any node joins: node groups
	// depend on them.
	ComputeDependencies []pulumi.Resource

	clusterName       string
	kubernetesVersion string
	addonVersions     map[string]string
}

// NewCluster creates the cluster and everything it needs before compute.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	comp := &Cluster{clusterName: a.ClusterName, kubernetesVersion: a.KubernetesVersion, addonVersions: a.AddonVersions}
	if err := ctx.RegisterComponentResource(ClusterType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	key, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:    fmt.Sprintf("EKS %s: envelope encryption of Kubernetes secrets and control-plane logs", a.ClusterName),
		AccountID:      a.AccountID,
		Region:         a.Region,
		CloudWatchLogs: true,
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-control-plane", &cloudwatch.LogGroupArgs{
		// EKS writes to exactly this name; creating it first sets retention and the key.
		Name:            pulumi.Sprintf("/aws/eks/%s/cluster", a.ClusterName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        key.ARN,
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := clusterRole(ctx, name, key.ARN, parent)
	if err != nil {
		return nil, err
	}
	public := len(a.PublicAccessCIDRs) > 0
	vpc := eks.ClusterVpcConfigArgs{
		SubnetIds:             a.SubnetIDs,
		EndpointPrivateAccess: pulumi.Bool(true),
		EndpointPublicAccess:  pulumi.Bool(public),
	}
	if public {
		vpc.PublicAccessCidrs = pulumi.ToStringArray(a.PublicAccessCIDRs)
	}
	cluster, err := eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:      pulumi.String(a.ClusterName),
		RoleArn:   role.Arn,
		Version:   pulumi.String(a.KubernetesVersion),
		VpcConfig: vpc,
		EncryptionConfig: &eks.ClusterEncryptionConfigArgs{
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: key.ARN},
			Resources: pulumi.StringArray{pulumi.String("secrets")},
		},
		EnabledClusterLogTypes: pulumi.ToStringArray(LogTypes),
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		UpgradePolicy: &eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(a.SupportType)},
		// The toolkit installs vpc-cni, kube-proxy and coredns as managed
		// add-ons; the self-managed copies EKS would bootstrap only conflict.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn([]pulumi.Resource{logs}))
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	issuer := cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		// No thumbprint: IAM verifies EKS issuers against its trusted CAs.
	}, parent)
	if err != nil {
		return nil, err
	}
	admins, err := adminAccess(ctx, name, cluster.Name, a.AdminRoleARNs, parent)
	if err != nil {
		return nil, err
	}
	comp.Name, comp.Endpoint, comp.KeyARN = cluster.Name, cluster.Endpoint, key.ARN
	comp.CertificateAuthority = cluster.CertificateAuthority.Data().Elem()
	comp.OIDCIssuerURL, comp.OIDCProviderARN = issuer, oidc.Arn
	comp.ClusterSecurityGroupID = cluster.VpcConfig.ClusterSecurityGroupId().Elem()
	comp.Kubeconfig = Kubeconfig(cluster.Name, comp.Endpoint, comp.CertificateAuthority, a.Region)
	comp.ComputeDependencies, err = comp.computeAddons(ctx, name, parent)
	if err != nil {
		return nil, err
	}
	comp.Provider, err = kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: comp.Kubeconfig,
	}, parent, pulumi.DependsOn(admins))
	if err != nil {
		return nil, fmt.Errorf("creating Kubernetes provider for cluster %q: %w", name, err)
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"name": comp.Name, "endpoint": comp.Endpoint, "certificateAuthority": comp.CertificateAuthority,
		"oidcIssuerUrl": comp.OIDCIssuerURL, "oidcProviderArn": comp.OIDCProviderARN, "keyArn": comp.KeyARN,
		"kubeconfig": comp.Kubeconfig, "clusterSecurityGroupId": comp.ClusterSecurityGroupID,
	})
}

func (a *ClusterArgs) withDefaults() (ClusterArgs, error) {
	if a == nil {
		return ClusterArgs{}, fmt.Errorf("args are required")
	}
	out := *a
	switch {
	case out.ClusterName == "" || out.KubernetesVersion == "" || out.SubnetIDs == nil || out.AccountID == "" || out.Region == "":
		return out, fmt.Errorf("ClusterName, KubernetesVersion, SubnetIDs, AccountID and Region are required")
	case len(out.AdminRoleARNs) == 0:
		return out, fmt.Errorf("AdminRoleARNs is empty: nobody could administer the cluster; list the platform team's roles")
	}
	for _, c := range out.PublicAccessCIDRs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return out, fmt.Errorf("PublicAccessCIDRs: %q is not a CIDR block", c)
		}
		if p.Bits() == 0 {
			return out, fmt.Errorf("PublicAccessCIDRs contains %s: the API would be open to the internet; list egress CIDRs or leave it empty", c)
		}
	}
	if out.SupportType == "" {
		out.SupportType = SupportStandard
	}
	if out.SupportType != SupportStandard && out.SupportType != SupportExtended {
		return out, fmt.Errorf("SupportType %q must be %s or %s", out.SupportType, SupportStandard, SupportExtended)
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = 90
	}
	return out, nil
}
