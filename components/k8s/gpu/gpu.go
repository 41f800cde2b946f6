package gpu

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// GPUType is the component's type token.
const GPUType = "mlplatform:k8s:GPU"

// ConfigLabel selects a node's device-plugin config; node groups that share
// GPUs carry it with their group name as the value.
const ConfigLabel = "nvidia.com/device-plugin.config"

// DefaultConfig is the config of GPU nodes that do not share their GPUs.
const DefaultConfig = "default"

// Tolerations every GPU DaemonSet needs: the GPU taint, and AKS's taint on
// spot pools.
var Tolerations = []interface{}{
	nodes.GPUToleration(),
	nodes.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}.Toleration(),
}

// NodeSelector confines the DaemonSets to GPU nodes.
var NodeSelector = map[string]interface{}{nodes.LabelGPUPresent: "true"}

// GPUArgs configure GPU.
type GPUArgs struct {
	// Namespace is where the DaemonSets run (the baseline's gpu namespace).
	Namespace string
	// TimeSlicing maps a node group to how many pods share each of its GPUs.
	TimeSlicing map[string]int
	// ServiceMonitor makes the DCGM exporter discoverable by Prometheus; it
	// needs the ServiceMonitor CRD, so pass the monitoring release in WaitFor.
	ServiceMonitor bool
	// WaitFor are resources to install after (the namespace, the monitoring stack).
	WaitFor []pulumi.Resource
}

// GPU holds the device plugin and DCGM exporter releases.
type GPU struct {
	pulumi.ResourceState
}

// NewGPU installs the device plugin and the DCGM exporter.
func NewGPU(ctx *pulumi.Context, name string, args *GPUArgs, opts ...pulumi.ResourceOption) (*GPU, error) {
	if args == nil || args.Namespace == "" {
		return nil, fmt.Errorf("creating GPU services %q: Namespace is required", name)
	}
	for group, r := range args.TimeSlicing {
		if r < 2 {
			return nil, fmt.Errorf("creating GPU services %q: time-slicing replicas for %s (%d) must be at least 2", name, group, r)
		}
	}
	comp := &GPU{}
	if err := ctx.RegisterComponentResource(GPUType, name, comp, opts...); err != nil {
		return nil, err
	}
	after := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.DependsOn(args.WaitFor)}
	if _, err := charts.Install(ctx, name+"-device-plugin", charts.NVIDIADevicePlugin, "nvidia-device-plugin", args.Namespace,
		DevicePluginValues(args.TimeSlicing), after...); err != nil {
		return nil, err
	}
	if _, err := charts.Install(ctx, name+"-dcgm-exporter", charts.DCGMExporter, "dcgm-exporter", args.Namespace,
		DCGMValues(args.ServiceMonitor), after...); err != nil {
		return nil, err
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// DevicePluginValues are the device plugin chart's values: GPU nodes only,
// the tolerations, and one config per time-sliced group beside the default.
func DevicePluginValues(timeSlicing map[string]int) map[string]interface{} {
	configs := map[string]interface{}{DefaultConfig: deviceConfig(0)}
	groups := make([]string, 0, len(timeSlicing))
	for g := range timeSlicing {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		configs[g] = deviceConfig(timeSlicing[g])
	}
	return map[string]interface{}{
		"nodeSelector":      NodeSelector,
		"affinity":          map[string]interface{}{}, // the chart's default requires NFD labels; the node selector replaces it
		"tolerations":       Tolerations,
		"priorityClassName": "system-node-critical",
		"config":            map[string]interface{}{"map": configs, "default": DefaultConfig},
	}
}

// deviceConfig renders a device-plugin config; replicas > 1 time-slices
// each GPU that many ways.
func deviceConfig(replicas int) string {
	cfg := "version: v1\nflags:\n  migStrategy: none\n"
	if replicas > 1 {
		cfg += fmt.Sprintf("sharing:\n  timeSlicing:\n    renameByDefault: false\n    failRequestsGreaterThanOne: true\n    resources:\n      - name: %s\n        replicas: %d\n", nodes.GPUResource, replicas)
	}
	return cfg
}

// DCGMValues are the DCGM exporter chart's values: GPU nodes only, the
// tolerations, and a ServiceMonitor that keeps the exporter's pod, namespace
// and container labels (honorLabels) so metrics are attributed to workloads.
func DCGMValues(serviceMonitor bool) map[string]interface{} {
	return map[string]interface{}{
		"nodeSelector":      NodeSelector,
		"tolerations":       Tolerations,
		"priorityClassName": "system-node-critical",
		"serviceMonitor": map[string]interface{}{
			"enabled": serviceMonitor, "interval": "15s", "honorLabels": true,
		},
	}
}
