package nodes

import "strings"

// Labels and taints the toolkit sets.
const (
	// LabelNodeGroup names the node group (or pool) a node belongs to.
	LabelNodeGroup = "mlplatform.pangea.ai/node-group"
	// LabelKind is system, cpu or gpu.
	LabelKind = "mlplatform.pangea.ai/kind"
	// LabelGPUPresent is "true" on GPU nodes from boot, so device plugins and
	// GPU workloads can select them before any GPU is advertised.
	LabelGPUPresent = "nvidia.com/gpu.present"
	// LabelAccelerator names the GPU model on EKS ("nvidia-a10g"); the
	// cluster autoscaler reads it.
	LabelAccelerator = "k8s.amazonaws.com/accelerator"
	// LabelDevicePluginConfig selects a GPU node's NVIDIA device-plugin
	// config; groups that time-slice their GPUs carry their own name in it.
	LabelDevicePluginConfig = "nvidia.com/device-plugin.config"
	// GPUTaintKey is the taint every GPU group carries, value "true",
	// effect NoSchedule: only pods that tolerate it land on GPU nodes.
	GPUTaintKey = "nvidia.com/gpu"
	// GPUResource is the extended resource GPUs are requested by.
	GPUResource = "nvidia.com/gpu"
)

// Kinds of node group.
const (
	KindSystem = "system"
	KindCPU    = "cpu"
	KindGPU    = "gpu"
)

// Labels returns the toolkit's labels for a group: the group name and kind,
// and for GPU groups the GPU-present label and, when the group time-slices
// its GPUs, its device-plugin config.
func Labels(group, kind string, timeSliced bool) map[string]string {
	out := map[string]string{LabelNodeGroup: group, LabelKind: kind}
	if kind == KindGPU {
		out[LabelGPUPresent] = "true"
		if timeSliced {
			out[LabelDevicePluginConfig] = group
		}
	}
	return out
}

// Reserved reports whether the toolkit sets a label key itself, so an
// environment may not.
func Reserved(key string) bool {
	return strings.HasPrefix(key, "mlplatform.pangea.ai/") || key == LabelGPUPresent || key == LabelAccelerator || key == LabelDevicePluginConfig
}

// Taint is a Kubernetes taint with the effect as Kubernetes spells it.
type Taint struct{ Key, Value, Effect string }

// String renders the taint as key=value:Effect.
func (t Taint) String() string { return t.Key + "=" + t.Value + ":" + t.Effect }

// GPUTaint is the taint on every GPU group.
var GPUTaint = Taint{Key: GPUTaintKey, Value: "true", Effect: "NoSchedule"}

// Toleration is the toleration that admits pods onto nodes with the taint.
func (t Taint) Toleration() map[string]interface{} {
	return map[string]interface{}{"key": t.Key, "operator": "Equal", "value": t.Value, "effect": t.Effect}
}

// GPUToleration admits pods onto GPU nodes, whatever the taint's value.
func GPUToleration() map[string]interface{} {
	return map[string]interface{}{"key": GPUTaintKey, "operator": "Exists", "effect": "NoSchedule"}
}

// CriticalAddonsTaint is on AKS system pools (the cluster's inline pool):
// only cluster add-ons and the platform's services run there.
var CriticalAddonsTaint = Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}

// SystemSelector confines a platform service (controllers, operators,
// Prometheus, Grafana) to the system node group: on-demand nodes that are
// always there, never a spot or GPU node that may scale to zero.
func SystemSelector() map[string]interface{} {
	return map[string]interface{}{LabelKind: KindSystem}
}

// SystemTolerations let a platform service onto the system group whatever
// the cloud taints it with: AKS system pools carry CriticalAddonsTaint
// (EKS system groups carry none, and a toleration without a taint changes
// nothing). Without it a platform pod pinned to the system group has
// nowhere to go on AKS.
func SystemTolerations() []interface{} {
	return []interface{}{map[string]interface{}{"key": CriticalAddonsTaint.Key, "operator": "Exists", "effect": CriticalAddonsTaint.Effect}}
}

// Placement is where a workload runs: pinned to its node group when it
// names one, else to any node of the kind its GPU count needs; with the
// GPU toleration when it takes GPUs, and a toleration for each of its
// group's own taints.
func Placement(group string, gpus int, groupTaints []Taint) (selector map[string]interface{}, tolerations []interface{}) {
	switch {
	case group != "":
		selector = map[string]interface{}{LabelNodeGroup: group}
	case gpus > 0:
		selector = map[string]interface{}{LabelKind: KindGPU}
	default:
		selector = map[string]interface{}{LabelKind: KindCPU}
	}
	if gpus > 0 {
		tolerations = append(tolerations, GPUToleration())
	}
	for _, t := range groupTaints {
		if t.Key == GPUTaintKey && gpus > 0 {
			continue
		}
		tolerations = append(tolerations, t.Toleration())
	}
	return selector, tolerations
}

// GroupTaints are the taints of each node group by name, plus, under
// AnyOfKind(kind), the union of the taints of every group of a kind: a
// workload that selects nodes by kind alone may land on any of them.
type GroupTaints map[string][]Taint

// AnyOfKind is the GroupTaints key for every group of a kind.
func AnyOfKind(kind string) string { return "*" + kind }

// For returns the taints a workload must tolerate: its group's, or, when it
// names no group, those of every group of the kind Placement selects.
func (g GroupTaints) For(group string, gpus int) []Taint {
	switch {
	case group != "":
		return g[group]
	case gpus > 0:
		return g[AnyOfKind(KindGPU)]
	}
	return g[AnyOfKind(KindCPU)]
}
