package stacks

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/environments"
)

// TestConcernsForDev checks the quotas summed from dev's models and runner
// sets, by hand.
func TestConcernsForDev(t *testing.T) {
	env, err := environments.LoadFile(filepath.Join(root, "environments", "dev.yaml"), environments.Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := concernsFor(env)
	if err != nil {
		t.Fatal(err)
	}
	byNS := map[string]baseline.Concern{}
	for _, c := range cs {
		byNS[c.Namespace] = c
	}
	// dev serves fraud-xgb (1 CPU/2Gi + explainer 500m/1Gi, max 2) and
	// defect-detector (2 CPU/8Gi/1 GPU + explainer 1/2Gi, max 2):
	// 2*(1000+500) + 2*(2000+1000) = 9000m; 2*(2048+1024) + 2*(8192+2048) = 26624Mi; 8 pods; 2 GPUs;
	// both log payloads: KServe's agent beside each predictor replica (100m,
	// 1Gi limit, max 2 each) and one payload filter (100m/128Mi, 1 pod):
	// +500m, +4224Mi, +1 pod; fraud-xgb's drift and fairness: TrustyAI
	// (500m/2Gi) and its registrar (50m/64Mi) in one pod, and the reference
	// job (100m/256Mi, 1 pod): +650m, +2368Mi, +2 pods; then headroom:
	// 10150m and 33216Mi plus 25%.
	if got, want := *byNS[baseline.NamespaceServing].Quota, (baseline.Quota{CPUMillis: 12688, MemoryMi: 41520, GPUs: 2, Pods: 16}); got != want {
		t.Errorf("serving quota = %+v, want %+v", got, want)
	}
	// dev runs cpu-runners (2/4Gi, max 4) and gpu-runners (4/14Gi, 1 GPU, max 2), each runner with a job pod:
	// 2*4*2000 + 2*2*4000 = 32000m; 2*4*4096 + 2*2*14336 = 90112Mi; 12 pods; 2 GPUs.
	if got, want := *byNS[baseline.NamespaceRunners].Quota, (baseline.Quota{CPUMillis: 40000, MemoryMi: 112640, GPUs: 2, Pods: 17}); got != want {
		t.Errorf("runners quota = %+v, want %+v", got, want)
	}
	for ns, want := range map[string]string{baseline.NamespaceGPU: baseline.Privileged, baseline.NamespaceMonitoring: baseline.Privileged, baseline.NamespaceServing: baseline.Restricted, baseline.NamespaceRunners: baseline.Restricted} {
		if byNS[ns].PodSecurity != want {
			t.Errorf("%s pod security = %s, want %s", ns, byNS[ns].PodSecurity, want)
		}
	}
}
