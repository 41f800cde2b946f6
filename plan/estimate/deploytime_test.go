package estimate

import (
	"reflect"
	"testing"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/plan"
)

// testCatalog has only round durations, so expected times are easy to read;
// every unlisted type takes 1 s.
func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse([]byte(`
durations:
  asOf: "2026-11"
  defaultSeconds: 1
  types:
    - {type: "aws:eks/cluster:Cluster", seconds: 600, source: test}
    - {type: "aws:eks/nodeGroup:NodeGroup", seconds: 60, withNodesSeconds: 180, source: test}
    - {type: "kubernetes:helm.sh/v3:Release", seconds: 60, source: test}
    - {type: "kubernetes:helm.sh/v3:Release", chart: kube-prometheus-stack, seconds: 150, source: test}
    - {type: "azure-native:containerservice:AgentPool", seconds: 90, withNodesSeconds: 300, source: test}
`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func urns(steps []Step) []string {
	out := []string{}
	for _, s := range steps {
		out = append(out, s.URN)
	}
	return out
}

func TestDeployTime(t *testing.T) {
	cluster := &plan.Resource{URN: "cluster", Type: "aws:eks/cluster:Cluster"}
	provider := &plan.Resource{URN: "k8s", Type: "pulumi:providers:kubernetes", DependsOn: []string{"cluster"}}
	system := &plan.Resource{URN: "system", Type: "aws:eks/nodeGroup:NodeGroup", DependsOn: []string{"cluster"},
		Inputs: map[string]interface{}{"scalingConfig": map[string]interface{}{"desiredSize": 2.0}}}
	gpuZero := &plan.Resource{URN: "gpu", Type: "aws:eks/nodeGroup:NodeGroup", DependsOn: []string{"cluster"},
		Inputs: map[string]interface{}{"scalingConfig": map[string]interface{}{"desiredSize": 0.0}}}
	bucket := &plan.Resource{URN: "bucket", Type: "aws:s3/bucketV2:BucketV2"}
	comp := &plan.Resource{URN: "nodes", Type: "mlplatform:aws:NodeGroup"}
	inComp := system
	inComp.Parent = "nodes"
	prom := &plan.Resource{URN: "prom", Type: "kubernetes:helm.sh/v3:Release", Provider: "k8s::04da6b54",
		DependsOn: []string{"system"}, Inputs: map[string]interface{}{"chart": "kube-prometheus-stack"}}
	oci := &plan.Resource{URN: "kserve", Type: "kubernetes:helm.sh/v3:Release", Provider: "k8s",
		Inputs: map[string]interface{}{"chart": "oci://ghcr.io/kserve/charts/kserve"}}

	cases := map[string]struct {
		resources []*plan.Resource
		total     int
		serial    int
		path      []string
	}{
		"a node group with nodes follows the cluster": {
			resources: []*plan.Resource{cluster, system, gpuZero, bucket},
			total:     780, serial: 600 + 180 + 60 + 1, path: []string{"cluster", "system"},
		},
		"a release waits for its provider and dependencies; providers take no time": {
			resources: []*plan.Resource{cluster, provider, system, prom, oci},
			total:     930, serial: 600 + 0 + 180 + 150 + 60, path: []string{"cluster", "system", "prom"},
		},
		"an OCI chart is matched by its last path segment, not the chart-specific row": {
			resources: []*plan.Resource{cluster, provider, oci},
			total:     660, serial: 660, path: []string{"cluster", "k8s", "kserve"},
		},
		"a dependency on a component waits for the custom resources inside it": {
			resources: []*plan.Resource{cluster, comp, inComp, {URN: "after", Type: "kubernetes:core/v1:Namespace", DependsOn: []string{"nodes"}}},
			total:     781, serial: 781, path: []string{"cluster", "system", "after"},
		},
		"independent resources run side by side": {
			resources: []*plan.Resource{bucket, {URN: "b2", Type: "aws:s3/bucketV2:BucketV2"}},
			total:     1, serial: 2, path: []string{"b2"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dt, err := EstimateDeployTime(tc.resources, testCatalog(t))
			if err != nil {
				t.Fatal(err)
			}
			if dt.TotalSeconds != tc.total || dt.SerialSeconds != tc.serial {
				t.Errorf("total %d, serial %d; want %d, %d", dt.TotalSeconds, dt.SerialSeconds, tc.total, tc.serial)
			}
			if got := urns(dt.CriticalPath); !reflect.DeepEqual(got, tc.path) {
				t.Errorf("critical path %v, want %v", got, tc.path)
			}
		})
	}
}

func TestDeployTimeSteps(t *testing.T) {
	dt, err := EstimateDeployTime([]*plan.Resource{
		{URN: "cluster", Type: "aws:eks/cluster:Cluster", Name: "c"},
		{URN: "pool", Type: "azure-native:containerservice/v20240902preview:AgentPool", Name: "p", DependsOn: []string{"cluster"},
			Inputs: map[string]interface{}{"count": 1.0}},
	}, testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{URN: "cluster", Type: "aws:eks/cluster:Cluster", Name: "c", Seconds: 600, StartSeconds: 0, FinishSeconds: 600, Source: "test"},
		{URN: "pool", Type: "azure-native:containerservice/v20240902preview:AgentPool", Name: "p", Seconds: 300, StartSeconds: 600, FinishSeconds: 900, Source: "test"},
	}
	if !reflect.DeepEqual(dt.CriticalPath, want) {
		t.Errorf("steps:\n%+v\nwant:\n%+v", dt.CriticalPath, want)
	}
	if dt.DurationsAsOf != "2026-11" || dt.TotalSeconds != 900 {
		t.Errorf("as-of %q, total %d", dt.DurationsAsOf, dt.TotalSeconds)
	}
}

func TestDeployTimeErrors(t *testing.T) {
	cases := map[string]struct {
		resources []*plan.Resource
		want      string
	}{
		"cycle": {
			resources: []*plan.Resource{{URN: "a", Type: "t", DependsOn: []string{"b"}}, {URN: "b", Type: "t", DependsOn: []string{"a"}}},
			want:      "estimating deploy time: dependency cycle: a -> b -> a",
		},
		"unknown dependency": {
			resources: []*plan.Resource{{URN: "a", Type: "t", DependsOn: []string{"ghost", "alsoghost"}}},
			want:      "estimating deploy time: resources depend on URNs not in the plan: alsoghost, ghost",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := EstimateDeployTime(tc.resources, testCatalog(t))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
