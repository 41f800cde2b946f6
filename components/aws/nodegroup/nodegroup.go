package nodegroup

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// NodeGroupType is the component's type token.
const NodeGroupType = "mlplatform:aws:NodeGroup"

// Labels the toolkit puts on every node, and on GPU nodes (see package nodes).
const (
	LabelNodeGroup   = nodes.LabelNodeGroup
	LabelKind        = nodes.LabelKind
	LabelGPUPresent  = nodes.LabelGPUPresent
	LabelAccelerator = nodes.LabelAccelerator
	GPUTaintKey      = nodes.GPUTaintKey
	GPUResource      = nodes.GPUResource
)

// NodePolicies are the only managed policies nodes get: joining the cluster
// (which includes pod identity) and pulling images. The VPC CNI has its own
// IRSA role, so AmazonEKS_CNI_Policy is not among them.
var NodePolicies = []string{
	"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
	"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
}

// Taint is a Kubernetes taint, with the effect as Kubernetes spells it.
type Taint = nodes.Taint

// NodeGroupArgs configure a NodeGroup.
type NodeGroupArgs struct {
	// ClusterName is the EKS cluster. Required.
	ClusterName pulumi.StringInput
	// GroupName is the node group's name in EKS and in labels. Required.
	GroupName string
	// SubnetIDs are the private subnets nodes launch in. Required.
	SubnetIDs pulumi.StringArrayInput
	// GPU marks a GPU group: GPU taint, labels and autoscaler GPU count.
	GPU bool
	// System marks the group that runs cluster add-ons (kind label "system").
	System bool
	// TimeSliced labels a GPU group for its own device-plugin config.
	TimeSliced bool
	// GPUsPerNode is the smallest GPU count among InstanceTypes (GPU groups).
	GPUsPerNode int
	// GPUModel is the accelerator when every instance type shares it, for the
	// accelerator label; empty leaves the label off.
	GPUModel string
	// InstanceTypes, AMIType and CapacityType (ON_DEMAND or SPOT) are passed
	// to EKS as they are. Required.
	InstanceTypes         []string
	AMIType, CapacityType string
	// MinSize, MaxSize and DesiredSize scale the group; DesiredSize only at creation.
	MinSize, MaxSize, DesiredSize int
	// DiskSizeGiB sizes the root (AL2023) or data (Bottlerocket) volume. Required.
	DiskSizeGiB int
	// Labels and Taints are added to every node.
	Labels map[string]string
	Taints []Taint
	// VolumeKMSKeyARN encrypts node volumes. Required.
	VolumeKMSKeyARN pulumi.StringInput
	// Tags is the stack's tag set, for what provider default tags do not reach.
	Tags tags.Set
	// Bottlerocket says the AMI type is Bottlerocket (OS and data volumes).
	Bottlerocket bool
	// WaitFor are resources the node group itself must wait for: the
	// cluster's compute add-ons (Cluster.ComputeDependencies). A DependsOn on
	// the component would not reach its children.
	WaitFor []pulumi.Resource
}

// NodeGroup is a managed node group with its launch template and role.
type NodeGroup struct {
	pulumi.ResourceState

	// NodeGroupName is the EKS name of the group.
	NodeGroupName pulumi.StringOutput `pulumi:"nodeGroupName"`
	// RoleARN is the node role.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`
	// AutoScalingGroupName is the group's Auto Scaling group.
	AutoScalingGroupName pulumi.StringOutput `pulumi:"autoScalingGroupName"`

	// ManagedNodeGroup is the EKS node group itself. Resources that need the
	// group's nodes depend on it: a DependsOn on the component only reaches
	// the children registered by then, which races with their registration.
	ManagedNodeGroup *eks.NodeGroup
}

// NewNodeGroup creates the node role, launch template, node group and the
// Auto Scaling group tags.
func NewNodeGroup(ctx *pulumi.Context, name string, args *NodeGroupArgs, opts ...pulumi.ResourceOption) (*NodeGroup, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating node group %q: %w", name, err)
	}
	comp := &NodeGroup{}
	if err := ctx.RegisterComponentResource(NodeGroupType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	role, attachments, err := nodeRole(ctx, name, parent)
	if err != nil {
		return nil, err
	}
	lt, err := launchTemplate(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	taints := eks.NodeGroupTaintArray{}
	for _, t := range args.allTaints() {
		taints = append(taints, eks.NodeGroupTaintArgs{
			Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(eksEffect(t.Effect)),
		})
	}
	ng, err := eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
		ClusterName:   args.ClusterName,
		NodeGroupName: pulumi.String(args.GroupName),
		NodeRoleArn:   role.Arn,
		SubnetIds:     args.SubnetIDs,
		InstanceTypes: pulumi.ToStringArray(args.InstanceTypes),
		AmiType:       pulumi.String(args.AMIType),
		CapacityType:  pulumi.String(args.CapacityType),
		ScalingConfig: eks.NodeGroupScalingConfigArgs{
			MinSize: pulumi.Int(args.MinSize), MaxSize: pulumi.Int(args.MaxSize), DesiredSize: pulumi.Int(args.DesiredSize),
		},
		Labels: pulumi.ToStringMap(args.allLabels()),
		Taints: taints,
		LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		UpdateConfig:     &eks.NodeGroupUpdateConfigArgs{MaxUnavailablePercentage: pulumi.Int(33)},
		NodeRepairConfig: &eks.NodeGroupNodeRepairConfigArgs{Enabled: pulumi.Bool(true)},
	}, parent,
		// The cluster autoscaler owns the size once the group exists.
		pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}),
		pulumi.DependsOn(append(attachments, args.WaitFor...)))
	if err != nil {
		return nil, fmt.Errorf("creating node group %q: %w", name, err)
	}
	asg := ng.Resources.Index(pulumi.Int(0)).AutoscalingGroups().Index(pulumi.Int(0)).Name().Elem()
	if err := autoscalerTags(ctx, name, asg, args, parent); err != nil {
		return nil, err
	}
	comp.NodeGroupName, comp.RoleARN, comp.AutoScalingGroupName = ng.NodeGroupName, role.Arn, asg
	comp.ManagedNodeGroup = ng
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"nodeGroupName": ng.NodeGroupName, "roleArn": role.Arn, "autoScalingGroupName": asg,
	})
}

func (a *NodeGroupArgs) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("args are required")
	case a.ClusterName == nil || a.SubnetIDs == nil || a.VolumeKMSKeyARN == nil || a.GroupName == "":
		return fmt.Errorf("ClusterName, GroupName, SubnetIDs and VolumeKMSKeyARN are required")
	case len(a.InstanceTypes) == 0 || a.AMIType == "" || a.CapacityType == "":
		return fmt.Errorf("InstanceTypes, AMIType and CapacityType are required")
	case a.MinSize < 0 || a.MaxSize < 1 || a.MinSize > a.MaxSize || a.DesiredSize < a.MinSize || a.DesiredSize > a.MaxSize:
		return fmt.Errorf("sizes must satisfy 0 <= MinSize (%d) <= DesiredSize (%d) <= MaxSize (%d) and MaxSize >= 1", a.MinSize, a.DesiredSize, a.MaxSize)
	case a.GPU && a.GPUsPerNode < 1:
		return fmt.Errorf("GPU groups need GPUsPerNode >= 1 for the autoscaler's node template")
	case a.DiskSizeGiB < 20:
		return fmt.Errorf("DiskSizeGiB (%d) must be at least 20", a.DiskSizeGiB)
	}
	for _, t := range a.Taints {
		if eksEffect(t.Effect) == "" {
			return fmt.Errorf("taint %s has effect %q; use NoSchedule, PreferNoSchedule or NoExecute", t.Key, t.Effect)
		}
	}
	return nil
}

// allLabels returns the caller's labels plus the toolkit's; the toolkit's win,
// since workloads are scheduled by them.
func (a *NodeGroupArgs) allLabels() map[string]string {
	out := map[string]string{}
	for k, v := range a.Labels {
		out[k] = v
	}
	kind := nodes.KindCPU
	switch {
	case a.GPU:
		kind = nodes.KindGPU
	case a.System:
		kind = nodes.KindSystem
	}
	for k, v := range nodes.Labels(a.GroupName, kind, a.TimeSliced) {
		out[k] = v
	}
	if a.GPU {
		if a.GPUModel != "" {
			// Set at boot so the autoscaler does not over-scale while the
			// device plugin starts.
			out[LabelAccelerator] = "nvidia-" + strings.ToLower(a.GPUModel)
		}
	}
	return out
}

// allTaints returns the caller's taints, plus the GPU taint on GPU groups.
func (a *NodeGroupArgs) allTaints() []Taint {
	out := append([]Taint(nil), a.Taints...)
	if a.GPU {
		out = append(out, nodes.GPUTaint)
	}
	return out
}

// eksEffect spells a Kubernetes taint effect the way the EKS API does, or
// returns "" for an effect Kubernetes does not have.
func eksEffect(k8s string) string {
	return map[string]string{"NoSchedule": "NO_SCHEDULE", "NoExecute": "NO_EXECUTE", "PreferNoSchedule": "PREFER_NO_SCHEDULE"}[k8s]
}

func nodeRole(ctx *pulumi.Context, name string, parent pulumi.ResourceOption) (*iam.Role, []pulumi.Resource, error) {
	role, err := iam.NewRole(ctx, names.IAMRole.Logical(name+"-node"), &iam.RoleArgs{
		Description:      pulumi.String("Assumed by the nodes of one EKS managed node group"),
		AssumeRolePolicy: pulumi.String(policydoc.ServiceTrust("ec2.amazonaws.com").JSON()),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	var attachments []pulumi.Resource
	for i, arn := range NodePolicies {
		att, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-node-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(arn),
		}, parent)
		if err != nil {
			return nil, nil, err
		}
		attachments = append(attachments, att)
	}
	return role, attachments, nil
}
