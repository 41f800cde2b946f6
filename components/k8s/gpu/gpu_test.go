package gpu

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func record(t *testing.T, args *GPUArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewGPU(ctx, "gpu", args)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const releaseType = "kubernetes:helm.sh/v3:Release"

func TestReleasesArePinnedAndConfinedToGPUNodes(t *testing.T) {
	rec := record(t, &GPUArgs{Namespace: "gpu", TimeSlicing: map[string]int{"gpu": 4}, ServiceMonitor: true})
	for _, tc := range []struct {
		name  string
		chart charts.Chart
	}{{"gpu-device-plugin", charts.NVIDIADevicePlugin}, {"gpu-dcgm-exporter", charts.DCGMExporter}} {
		r, err := rec.Named(releaseType, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		recorder.AssertInputs(t, r, map[string]interface{}{
			"chart": tc.chart.Name, "version": tc.chart.Version, "repositoryOpts.repo": tc.chart.Repo, "namespace": "gpu",
			"atomic": true, "values.nodeSelector": map[string]interface{}{"nvidia.com/gpu.present": "true"},
			"values.priorityClassName": "system-node-critical",
		})
		tol := r.In("values.tolerations").([]interface{})
		if !reflect.DeepEqual(tol[0], map[string]interface{}{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}) {
			t.Errorf("%s does not tolerate the GPU taint: %v", tc.name, tol)
		}
	}
}

func TestTimeSlicingConfigPerGroup(t *testing.T) {
	rec := record(t, &GPUArgs{Namespace: "gpu", TimeSlicing: map[string]int{"gpu": 4}})
	dp, _ := rec.Named(releaseType, "gpu-device-plugin")
	if got := dp.In("values.config.default"); got != DefaultConfig {
		t.Errorf("default config = %v", got)
	}
	want := "version: v1\nflags:\n  migStrategy: none\nsharing:\n  timeSlicing:\n    renameByDefault: false\n    failRequestsGreaterThanOne: true\n    resources:\n      - name: nvidia.com/gpu\n        replicas: 4\n"
	if got := dp.In("values.config.map.gpu"); got != want {
		t.Errorf("gpu group config:\n%v\nwant:\n%s", got, want)
	}
	if got := dp.In("values.config.map.default"); got != "version: v1\nflags:\n  migStrategy: none\n" {
		t.Errorf("default config shares GPUs: %v", got)
	}
}

func TestDCGMKeepsPodAttribution(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		var mon pulumi.CustomResourceState
		if err := ctx.RegisterResource("kubernetes:helm.sh/v3:Release", "monitoring", pulumi.Map{}, &mon); err != nil {
			return err
		}
		_, err := NewGPU(ctx, "gpu", &GPUArgs{Namespace: "gpu", ServiceMonitor: true, ServiceMonitorAfter: []pulumi.Resource{&mon}})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := rec.Named(releaseType, "gpu-dcgm-exporter")
	recorder.AssertInputs(t, d, map[string]interface{}{
		"values.serviceMonitor": map[string]interface{}{"enabled": false},
	})
	sm, err := rec.Named("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "gpu-dcgm-metrics")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, sm, map[string]interface{}{
		"metadata.name": "dcgm-exporter", "metadata.namespace": "gpu",
		"spec.selector.matchLabels": map[string]interface{}{"app.kubernetes.io/name": "dcgm-exporter", "app.kubernetes.io/instance": "dcgm-exporter"},
		"spec.endpoints":            []interface{}{map[string]interface{}{"port": "metrics", "path": "/metrics", "interval": "15s", "honorLabels": true}},
	})
	// Only the ServiceMonitor waits for the monitoring release: the
	// charts install beside it.
	if !reflect.DeepEqual(sm.DependsOn, []string{"urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::monitoring", d.URN}) {
		t.Errorf("ServiceMonitor depends on %v", sm.DependsOn)
	}
	if len(d.DependsOn) != 0 {
		t.Errorf("the DCGM release waits for %v; it must not wait for the monitoring stack", d.DependsOn)
	}
}

func TestWaitsForWhatItIsGiven(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		var ns pulumi.CustomResourceState
		if err := ctx.RegisterResource("kubernetes:core/v1:Namespace", "ns", pulumi.Map{}, &ns); err != nil {
			return err
		}
		_, err := NewGPU(ctx, "gpu", &GPUArgs{Namespace: "gpu", WaitFor: []pulumi.Resource{&ns}})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := rec.Named("kubernetes:core/v1:Namespace", "ns")
	for _, r := range rec.ByType(releaseType) {
		if !slices.Contains(r.DependsOn, ns.URN) {
			t.Errorf("%s does not wait for the namespace", r.Name)
		}
	}
	_, err = recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewGPU(ctx, "gpu", &GPUArgs{Namespace: "gpu", TimeSlicing: map[string]int{"gpu": 1}})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if want := `creating GPU services "gpu": time-slicing replicas for gpu (1) must be at least 2`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
