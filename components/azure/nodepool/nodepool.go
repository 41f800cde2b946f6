package nodepool

import (
	"fmt"
	"regexp"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// NodePoolType is the component's type token.
const NodePoolType = "mlplatform:azure:NodePool"

// CriticalAddonsTaint keeps everything but cluster add-ons and the
// platform's services off the system pool.
var CriticalAddonsTaint = nodes.CriticalAddonsTaint

// AKS puts this label and taint on every spot pool itself. The pool declares
// them too, so its inputs match what AKS holds and no update tries to remove them.
const SpotPriorityKey = "kubernetes.azure.com/scalesetpriority"

// SpotTaint is AKS's taint on spot pools.
var SpotTaint = nodes.Taint{Key: SpotPriorityKey, Value: "spot", Effect: "NoSchedule"}

var poolNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

// Spec is one pool's settings.
type Spec struct {
	// Name is the AKS pool name: 1-12 lowercase letters and digits.
	Name string
	// Kind is nodes.KindSystem, KindCPU or KindGPU.
	Kind   string
	VMSize string
	// MinCount, MaxCount and Count bound the autoscaler; Count only at creation.
	MinCount, MaxCount, Count int
	OSDiskSizeGB              int
	// Zones are the availability zones ("1", "2", "3"); empty for none.
	Zones    []string
	SubnetID pulumi.StringInput
	Labels   map[string]string
	Taints   []nodes.Taint
	// Spot makes a spot pool; SpotMaxPrice caps it (-1: up to on-demand).
	Spot         bool
	SpotMaxPrice float64
	// InstallGPUDriver lets AKS install the NVIDIA driver (GPU pools); false
	// leaves it to a GPU operator.
	InstallGPUDriver bool
	// TimeSliced labels a GPU pool for its own device-plugin config.
	TimeSliced bool
	Tags       tags.Set
}

// labels returns the caller's labels with the toolkit's on top.
func (s Spec) labels() map[string]string {
	out := map[string]string{}
	for k, v := range s.Labels {
		out[k] = v
	}
	for k, v := range nodes.Labels(s.Name, s.Kind, s.TimeSliced) {
		out[k] = v
	}
	if s.Spot {
		out[SpotPriorityKey] = "spot"
	}
	return out
}

// taints returns the pool's taints as AKS spells them ("key=value:Effect").
func (s Spec) taints() []string {
	all := append([]nodes.Taint(nil), s.Taints...)
	switch s.Kind {
	case nodes.KindGPU:
		all = append(all, nodes.GPUTaint)
	case nodes.KindSystem:
		all = append(all, CriticalAddonsTaint)
	}
	if s.Spot {
		all = append(all, SpotTaint)
	}
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = t.String()
	}
	return out
}

func (s Spec) check() error {
	switch {
	case !poolNameRE.MatchString(s.Name) || s.VMSize == "" || s.SubnetID == nil:
		return fmt.Errorf("Name (1-12 lowercase letters and digits, got %q), VMSize and SubnetID are required", s.Name)
	case s.Kind != nodes.KindSystem && s.Kind != nodes.KindCPU && s.Kind != nodes.KindGPU:
		return fmt.Errorf("Kind %q must be system, cpu or gpu", s.Kind)
	case s.MinCount < 0 || s.MaxCount < 1 || s.MinCount > s.MaxCount || s.Count < s.MinCount || s.Count > s.MaxCount:
		return fmt.Errorf("counts must satisfy 0 <= MinCount (%d) <= Count (%d) <= MaxCount (%d) and MaxCount >= 1", s.MinCount, s.Count, s.MaxCount)
	case s.Kind == nodes.KindSystem && (s.MinCount < 1 || s.Spot):
		return fmt.Errorf("the system pool needs MinCount >= 1 and cannot be spot")
	}
	return nil
}

func (s Spec) priority() (priority, eviction pulumi.StringPtrInput, maxPrice pulumi.Float64PtrInput) {
	if !s.Spot {
		return pulumi.String("Regular"), nil, nil
	}
	price := s.SpotMaxPrice
	if price == 0 {
		price = -1
	}
	return pulumi.String("Spot"), pulumi.String("Delete"), pulumi.Float64(price)
}

func (s Spec) gpuProfile() cs.AgentPoolGPUProfilePtrInput {
	if s.Kind != nodes.KindGPU {
		return nil
	}
	return cs.AgentPoolGPUProfileArgs{InstallGPUDriver: pulumi.Bool(s.InstallGPUDriver)}
}

// SystemProfile renders the spec as the cluster's inline system pool.
func (s Spec) SystemProfile() (cs.ManagedClusterAgentPoolProfileArgs, error) {
	if err := s.check(); err != nil {
		return cs.ManagedClusterAgentPoolProfileArgs{}, fmt.Errorf("system pool %q: %w", s.Name, err)
	}
	priority, _, _ := s.priority()
	return cs.ManagedClusterAgentPoolProfileArgs{
		Name: pulumi.String(s.Name), Mode: pulumi.String("System"), VmSize: pulumi.String(s.VMSize),
		Count: pulumi.Int(s.Count), MinCount: pulumi.Int(s.MinCount), MaxCount: pulumi.Int(s.MaxCount),
		EnableAutoScaling: pulumi.Bool(true), EnableEncryptionAtHost: pulumi.Bool(true), EnableNodePublicIP: pulumi.Bool(false),
		OsDiskSizeGB: pulumi.Int(s.OSDiskSizeGB), OsDiskType: pulumi.String("Managed"),
		OsType: pulumi.String("Linux"), OsSKU: pulumi.String("AzureLinux"), Type: pulumi.String("VirtualMachineScaleSets"),
		VnetSubnetID: s.SubnetID, AvailabilityZones: pulumi.ToStringArray(s.Zones),
		NodeLabels: pulumi.ToStringMap(s.labels()), NodeTaints: pulumi.ToStringArray(s.taints()),
		ScaleSetPriority: priority, UpgradeSettings: cs.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String("33%")},
		Tags: s.Tags.StringMap(),
	}, nil
}

// NodePoolArgs configure a NodePool.
type NodePoolArgs struct {
	Spec Spec
	// ClusterName and ResourceGroupName name the cluster. Required.
	ClusterName, ResourceGroupName pulumi.StringInput
}

// NodePool is one AKS user pool.
type NodePool struct {
	pulumi.ResourceState

	// PoolName is the pool's name in AKS.
	PoolName pulumi.StringOutput `pulumi:"poolName"`
}

// NewNodePool creates a user pool.
func NewNodePool(ctx *pulumi.Context, name string, args *NodePoolArgs, opts ...pulumi.ResourceOption) (*NodePool, error) {
	if args == nil || args.ClusterName == nil || args.ResourceGroupName == nil {
		return nil, fmt.Errorf("creating node pool %q: ClusterName and ResourceGroupName are required", name)
	}
	s := args.Spec
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("creating node pool %q: %w", name, err)
	}
	if s.Kind == nodes.KindSystem {
		return nil, fmt.Errorf("creating node pool %q: the system pool is part of the cluster (Spec.SystemProfile)", name)
	}
	comp := &NodePool{}
	if err := ctx.RegisterComponentResource(NodePoolType, name, comp, opts...); err != nil {
		return nil, err
	}
	priority, eviction, maxPrice := s.priority()
	pool, err := cs.NewAgentPool(ctx, name, &cs.AgentPoolArgs{
		ResourceGroupName: args.ResourceGroupName, ResourceName: args.ClusterName, AgentPoolName: pulumi.String(s.Name),
		Mode: pulumi.String("User"), VmSize: pulumi.String(s.VMSize),
		Count: pulumi.Int(s.Count), MinCount: pulumi.Int(s.MinCount), MaxCount: pulumi.Int(s.MaxCount),
		EnableAutoScaling: pulumi.Bool(true), EnableEncryptionAtHost: pulumi.Bool(true), EnableNodePublicIP: pulumi.Bool(false),
		OsDiskSizeGB: pulumi.Int(s.OSDiskSizeGB), OsDiskType: pulumi.String("Managed"),
		OsType: pulumi.String("Linux"), OsSKU: pulumi.String("AzureLinux"), Type: pulumi.String("VirtualMachineScaleSets"),
		VnetSubnetID: s.SubnetID, AvailabilityZones: pulumi.ToStringArray(s.Zones),
		NodeLabels: pulumi.ToStringMap(s.labels()), NodeTaints: pulumi.ToStringArray(s.taints()),
		ScaleSetPriority: priority, ScaleSetEvictionPolicy: eviction, SpotMaxPrice: maxPrice,
		GpuProfile:      s.gpuProfile(),
		UpgradeSettings: cs.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String("33%")},
		Tags:            s.Tags.StringMap(),
	}, pulumi.Parent(comp),
		// The cluster autoscaler owns the node count once the pool exists.
		pulumi.IgnoreChanges([]string{"count"}))
	if err != nil {
		return nil, fmt.Errorf("creating node pool %q: %w", name, err)
	}
	comp.PoolName = pool.Name
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{"poolName": pool.Name})
}
