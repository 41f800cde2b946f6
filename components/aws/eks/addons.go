package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/irsa"
	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
)

// WorkloadAddonsType is the component's type token.
const WorkloadAddonsType = "mlplatform:aws:WorkloadAddons"

// addon creates one managed add-on. Conflicts with anything already in the
// cluster are overwritten on create (the cluster is new) and preserved on
// update (someone changed it by hand: keep it and show the drift).
func addon(ctx *pulumi.Context, resourceName, addonName string, c *Cluster, extra func(*eks.AddonArgs), opts ...pulumi.ResourceOption) (*eks.Addon, error) {
	args := &eks.AddonArgs{
		ClusterName:              c.Name,
		AddonName:                pulumi.String(addonName),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("PRESERVE"),
	}
	if v := AddonVersion(addonName, c.kubernetesVersion, c.addonVersions); v != "" {
		args.AddonVersion = pulumi.String(v)
	}
	if extra != nil {
		extra(args)
	}
	a, err := eks.NewAddon(ctx, resourceName, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating add-on %s: %w", addonName, err)
	}
	return a, nil
}

// computeAddons are the DaemonSet add-ons nodes need to become Ready: the VPC
// CNI (with its own IRSA role rather than the node role, and network policy
// enforcement on), kube-proxy, and the pod identity agent.
func (c *Cluster) computeAddons(ctx *pulumi.Context, name string, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	cniRole, err := irsa.NewRole(ctx, name+"-vpc-cni", &irsa.RoleArgs{
		OIDCProviderARN: c.OIDCProviderARN, OIDCIssuerURL: c.OIDCIssuerURL,
		Namespace: "kube-system", ServiceAccount: "aws-node",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
	}, parent)
	if err != nil {
		return nil, err
	}
	cni, err := addon(ctx, name+"-vpc-cni", AddonVPCCNI, c, func(a *eks.AddonArgs) {
		a.ServiceAccountRoleArn = cniRole.ARN
		a.ConfigurationValues = pulumi.String(`{"enableNetworkPolicy":"true"}`)
	}, parent)
	if err != nil {
		return nil, err
	}
	proxy, err := addon(ctx, name+"-kube-proxy", AddonKubeProxy, c, nil, parent)
	if err != nil {
		return nil, err
	}
	podIdentity, err := addon(ctx, name+"-pod-identity-agent", AddonPodIdentity, c, nil, parent)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{cni, proxy, podIdentity}, nil
}

// WorkloadAddonsArgs configure WorkloadAddons.
type WorkloadAddonsArgs struct {
	// Cluster is the cluster to install into. Required.
	Cluster *Cluster
	// VolumeKMSKeyARN is the key the CSI driver may encrypt volumes with; a
	// StorageClass naming it (kmsKeyId) makes it do so. Required.
	VolumeKMSKeyARN pulumi.StringInput
	// WaitFor are the node groups the add-ons' pods will run on.
	WaitFor []pulumi.Resource
}

// WorkloadAddons are the Deployment add-ons: coredns and the EBS CSI driver.
// They wait for the node groups named in WorkloadAddonsArgs.WaitFor.
type WorkloadAddons struct {
	pulumi.ResourceState

	// EBSCSIRoleARN is the CSI controller's IRSA role.
	EBSCSIRoleARN pulumi.StringOutput `pulumi:"ebsCsiRoleArn"`
	// Ready are the add-ons and the CSI role's resources: what workloads
	// needing DNS and volumes wait for (the exact resources, not the
	// component, so the dependency does not vary between runs).
	Ready []pulumi.Resource
}

// NewWorkloadAddons installs coredns and the EBS CSI driver with its role.
func NewWorkloadAddons(ctx *pulumi.Context, name string, args *WorkloadAddonsArgs, opts ...pulumi.ResourceOption) (*WorkloadAddons, error) {
	if args == nil || args.Cluster == nil || args.VolumeKMSKeyARN == nil {
		return nil, fmt.Errorf("creating workload add-ons %q: Cluster and VolumeKMSKeyARN are required", name)
	}
	c := args.Cluster
	comp := &WorkloadAddons{}
	if err := ctx.RegisterComponentResource(WorkloadAddonsType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	afterNodes := pulumi.DependsOn(args.WaitFor)
	coredns, err := addon(ctx, name+"-coredns", AddonCoreDNS, c, nil, parent, afterNodes)
	if err != nil {
		return nil, err
	}
	role, err := irsa.NewRole(ctx, name+"-ebs-csi", &irsa.RoleArgs{
		OIDCProviderARN: c.OIDCProviderARN, OIDCIssuerURL: c.OIDCIssuerURL,
		Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"},
		InlinePolicy: args.VolumeKMSKeyARN.ToStringOutput().ApplyT(func(arn string) string {
			return policydoc.New(policydoc.Statement{
				Sid: "EncryptVolumesWithThePlatformKey", Effect: policydoc.Allow,
				Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
				Resource: []string{arn},
			}, policydoc.Statement{
				Sid: "GrantsForAttachedVolumes", Effect: policydoc.Allow,
				Action: []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, Resource: []string{arn},
				Condition: map[string]map[string]string{"Bool": {"kms:GrantIsForAWSResource": "true"}},
			}).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	csi, err := addon(ctx, name+"-ebs-csi", AddonEBSCSI, c, func(a *eks.AddonArgs) {
		a.ServiceAccountRoleArn = role.ARN
	}, parent, afterNodes)
	if err != nil {
		return nil, err
	}
	comp.Ready = append([]pulumi.Resource{coredns, csi}, role.Ready...)
	comp.EBSCSIRoleARN = role.ARN
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{"ebsCsiRoleArn": role.ARN})
}
