package gpu

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
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
	// ServiceMonitor makes the DCGM exporter discoverable by Prometheus
	// with a ServiceMonitor created after ServiceMonitorAfter.
	ServiceMonitor bool
	// ServiceMonitorAfter are resources the ServiceMonitor waits for: the
	// monitoring release that brings its CRD. Only the ServiceMonitor waits,
	// so the charts install beside the monitoring stack, not after it.
	ServiceMonitorAfter []pulumi.Resource
	// WaitFor are resources to install after (the namespace).
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
	dcgm, err := charts.Install(ctx, name+"-dcgm-exporter", charts.DCGMExporter, DCGMRelease, args.Namespace,
		DCGMValues(), after...)
	if err != nil {
		return nil, err
	}
	if args.ServiceMonitor {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-dcgm-metrics", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("ServiceMonitor"),
			Metadata: metav1.ObjectMetaArgs{
				Name: pulumi.String(DCGMRelease), Namespace: pulumi.String(args.Namespace),
				Labels: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(DCGMRelease), "app.kubernetes.io/managed-by": pulumi.String("mlplatform")},
			},
			OtherFields: map[string]interface{}{"spec": DCGMServiceMonitorSpec()},
		}, pulumi.Parent(comp), pulumi.DependsOn(append([]pulumi.Resource{dcgm}, args.ServiceMonitorAfter...))); err != nil {
			return nil, err
		}
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
	// The chart's default affinity (values.yaml at v0.20.0) stays: Helm
	// merges maps, so {} would not clear it, and one of its three OR'ed
	// terms is nvidia.com/gpu.present=true, which NodeSelector requires
	// anyway. Tolerations replace the chart's list.
	return map[string]interface{}{
		"nodeSelector":      NodeSelector,
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

// DCGMRelease is the DCGM exporter's release name; the chart names its
// Service and labels after it.
const DCGMRelease = "dcgm-exporter"

// DCGMValues are the DCGM exporter chart's values: GPU nodes only and the
// tolerations. The chart's own ServiceMonitor stays off: installing it would
// make the whole release wait for the monitoring stack's CRDs, which puts the
// chart on the deploy's critical path. NewGPU creates the ServiceMonitor as
// its own resource instead.
func DCGMValues() map[string]interface{} {
	return map[string]interface{}{
		"nodeSelector":      NodeSelector,
		"tolerations":       Tolerations,
		"priorityClassName": "system-node-critical",
		"serviceMonitor":    map[string]interface{}{"enabled": false},
	}
}

// DCGMServiceMonitorSpec selects the exporter's Service and keeps the
// exporter's pod, namespace and container labels (honorLabels), so GPU
// metrics are attributed to the workloads using the GPUs.
func DCGMServiceMonitorSpec() map[string]interface{} {
	return map[string]interface{}{
		"selector": map[string]interface{}{"matchLabels": map[string]interface{}{
			"app.kubernetes.io/name": DCGMRelease, "app.kubernetes.io/instance": DCGMRelease,
		}},
		"endpoints": []interface{}{map[string]interface{}{
			"port": "metrics", "path": "/metrics", "interval": "15s", "honorLabels": true,
		}},
	}
}
