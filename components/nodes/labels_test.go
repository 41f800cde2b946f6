package nodes

import (
	"reflect"
	"testing"
)

func TestLabels(t *testing.T) {
	if got, want := Labels("gpu", KindGPU, false), map[string]string{LabelNodeGroup: "gpu", LabelKind: "gpu", LabelGPUPresent: "true"}; !reflect.DeepEqual(got, want) {
		t.Errorf("gpu labels = %v, want %v", got, want)
	}
	if got, want := Labels("shared", KindGPU, true), map[string]string{LabelNodeGroup: "shared", LabelKind: "gpu", LabelGPUPresent: "true", LabelDevicePluginConfig: "shared"}; !reflect.DeepEqual(got, want) {
		t.Errorf("time-sliced gpu labels = %v, want %v", got, want)
	}
	if got, want := Labels("system", KindSystem, true), map[string]string{LabelNodeGroup: "system", LabelKind: "system"}; !reflect.DeepEqual(got, want) {
		t.Errorf("system labels = %v, want %v", got, want)
	}
	for key, want := range map[string]bool{"mlplatform.pangea.ai/x": true, LabelGPUPresent: true, LabelAccelerator: true, "team": false, "nvidia.com/gpu.product": false} {
		if Reserved(key) != want {
			t.Errorf("Reserved(%q) = %v", key, !want)
		}
	}
	if GPUTaint.String() != "nvidia.com/gpu=true:NoSchedule" {
		t.Errorf("GPU taint = %s", GPUTaint)
	}
}

func TestGroupTaintsFor(t *testing.T) {
	spot := Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}
	g := GroupTaints{"gpu": {spot}, AnyOfKind(KindGPU): {spot}, AnyOfKind(KindCPU): {spot}, "system": nil}
	if got := g.For("system", 0); len(got) != 0 {
		t.Errorf("named group: %v", got)
	}
	if got := g.For("", 1); len(got) != 1 || got[0] != spot {
		t.Errorf("GPU workload without a group: %v", got)
	}
	if got := g.For("", 0); len(got) != 1 || got[0] != spot {
		t.Errorf("CPU workload without a group: %v", got)
	}
}
