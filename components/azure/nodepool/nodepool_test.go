package nodepool

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func gpuSpec() Spec {
	return Spec{
		Name: "gpu", Kind: nodes.KindGPU, VMSize: "Standard_NC4as_T4_v3", MinCount: 0, MaxCount: 2, Count: 0, OSDiskSizeGB: 100,
		Zones: []string{"1", "2"}, SubnetID: pulumi.String("snet-user"), Labels: map[string]string{"team": "ml"},
		Spot: true, InstallGPUDriver: true, Tags: tags.Set{"environment": "dev"},
	}
}

func record(t *testing.T, s Spec) (*recorder.Recorder, error) {
	t.Helper()
	return recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewNodePool(ctx, "pool", &NodePoolArgs{Spec: s, ClusterName: pulumi.String("aks"), ResourceGroupName: pulumi.String("rg")})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
}

func TestGPUSpotPool(t *testing.T) {
	rec, err := record(t, gpuSpec())
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := rec.Named("azure-native:containerservice/v20240902preview:AgentPool", "pool")
	recorder.AssertInputs(t, pool, map[string]interface{}{
		"agentPoolName": "gpu", "resourceName": "aks", "mode": "User", "vmSize": "Standard_NC4as_T4_v3",
		"enableAutoScaling": true, "minCount": 0.0, "maxCount": 2.0, "count": 0.0,
		"enableEncryptionAtHost": true, "enableNodePublicIP": false, "osSKU": "AzureLinux",
		"vnetSubnetID": "snet-user", "availabilityZones": []interface{}{"1", "2"},
		"nodeTaints":       []interface{}{"nvidia.com/gpu=true:NoSchedule", "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"},
		"nodeLabels":       map[string]interface{}{"team": "ml", nodes.LabelNodeGroup: "gpu", nodes.LabelKind: "gpu", nodes.LabelGPUPresent: "true", SpotPriorityKey: "spot"},
		"scaleSetPriority": "Spot", "scaleSetEvictionPolicy": "Delete", "spotMaxPrice": -1.0,
		"gpuProfile.installGPUDriver": true, "tags.environment": "dev",
	})
	if len(pool.IgnoreChanges) != 1 || pool.IgnoreChanges[0] != "count" {
		t.Errorf("ignoreChanges = %v: the autoscaler must own the count", pool.IgnoreChanges)
	}
}

func TestCPUPoolHasNoGPUOrSpotSettings(t *testing.T) {
	s := gpuSpec()
	s.Kind, s.VMSize, s.Spot, s.InstallGPUDriver = nodes.KindCPU, "Standard_D8s_v5", false, false
	rec, err := record(t, s)
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := rec.Named("azure-native:containerservice/v20240902preview:AgentPool", "pool")
	recorder.AssertInputs(t, pool, map[string]interface{}{
		"scaleSetPriority": "Regular", "scaleSetEvictionPolicy": nil, "spotMaxPrice": nil, "gpuProfile": nil, "nodeTaints": []interface{}{},
	})
}

func TestSystemProfileIsForCriticalAddonsOnly(t *testing.T) {
	s := gpuSpec()
	s.Name, s.Kind, s.VMSize, s.Spot, s.MinCount, s.Count = "system", nodes.KindSystem, "Standard_D4s_v5", false, 1, 1
	p, err := s.SystemProfile()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CriticalAddonsOnly=true:NoSchedule"}; len(s.taints()) != 1 || s.taints()[0] != want[0] {
		t.Errorf("system taints = %v, want %v", s.taints(), want)
	}
	if p.Mode == nil || p.EnableEncryptionAtHost == nil {
		t.Error("system profile lacks mode or host encryption")
	}
	for name, bad := range map[string]func(*Spec){
		"spot system":  func(s *Spec) { s.Spot = true },
		"empty system": func(s *Spec) { s.MinCount, s.Count = 0, 0 },
	} {
		b := s
		bad(&b)
		if _, err := b.SystemProfile(); err == nil || err.Error() != `system pool "system": the system pool needs MinCount >= 1 and cannot be spot` {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if _, err := record(t, s); err == nil || err.Error() != `creating node pool "pool": the system pool is part of the cluster (Spec.SystemProfile)` {
		t.Errorf("NewNodePool(system) error = %v", err)
	}
}
