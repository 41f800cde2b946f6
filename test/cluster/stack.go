//go:build cluster

package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Group is one node group (EKS) or pool (AKS) as the stack declares it.
type Group struct {
	Name, InstanceType string
	Labels             map[string]string
	Taints             []Taint
	GPUs, VCPU         int
	MemoryGiB          int
	// Nodes is how many fake nodes the test creates: min(max, 2).
	Nodes int
}

// Taint is a node taint as Kubernetes writes it.
type Taint struct{ Key, Value, Effect string }

// IsGPU reports whether the group's nodes carry GPUs.
func (g Group) IsGPU() bool { return g.Labels[nodes.LabelKind] == nodes.KindGPU }

// planDoc is the part of `mlplat plan --format json` the test reads.
type planDoc struct {
	Resources []struct {
		Type   string                 `json:"type"`
		Name   string                 `json:"name"`
		Inputs map[string]interface{} `json:"inputs"`
	} `json:"resources"`
}

// groupsOf reads a stack's node groups from its plan: labels, taints,
// instance type and maximum size exactly as the toolkit declares them,
// capacity from the instance catalogue.
func groupsOf(t *testing.T, mlplat, root, stack string) []Group {
	t.Helper()
	out, err := exec.Command(mlplat, "plan", "--stack", stack, "--format", "json", "--root", root).Output()
	if err != nil {
		t.Fatalf("mlplat plan --stack %s: %v", stack, err)
	}
	var doc planDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	cat := catalog.Default()
	var groups []Group
	add := func(cloud catalog.Cloud, labels map[string]interface{}, taints []Taint, instance string, max float64) {
		g := Group{Labels: map[string]string{}, Taints: taints, InstanceType: instance, Nodes: int(min(max, 2))}
		for k, v := range labels {
			g.Labels[k] = fmt.Sprint(v)
		}
		g.Name = g.Labels[nodes.LabelNodeGroup]
		it, ok := cat.Lookup(cloud, instance)
		if !ok {
			t.Fatalf("node group %s: instance type %s is not in the catalogue", g.Name, instance)
		}
		g.GPUs, g.VCPU, g.MemoryGiB = it.GPUs, it.VCPU, it.MemoryGiB
		groups = append(groups, g)
	}
	for _, r := range doc.Resources {
		in := r.Inputs
		switch {
		case r.Type == "aws:eks/nodeGroup:NodeGroup":
			var taints []Taint
			for _, x := range list(in["taints"]) {
				m := x.(map[string]interface{})
				taints = append(taints, Taint{Key: str(m["key"]), Value: str(m["value"]), Effect: eksEffect(str(m["effect"]))})
			}
			sc := in["scalingConfig"].(map[string]interface{})
			add(catalog.AWS, mapOf(in["labels"]), taints, str(list(in["instanceTypes"])[0]), sc["maxSize"].(float64))
		case strings.HasSuffix(r.Type, ":AgentPool"):
			add(catalog.Azure, mapOf(in["nodeLabels"]), aksTaints(in["nodeTaints"]), str(in["vmSize"]), poolMax(in))
		case strings.HasSuffix(r.Type, ":ManagedCluster"):
			for _, p := range list(in["agentPoolProfiles"]) {
				pm := p.(map[string]interface{})
				add(catalog.Azure, mapOf(pm["nodeLabels"]), aksTaints(pm["nodeTaints"]), str(pm["vmSize"]), poolMax(pm))
			}
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	if len(groups) == 0 {
		t.Fatalf("stack %s declares no node groups", stack)
	}
	return groups
}

func poolMax(m map[string]interface{}) float64 {
	if v, ok := m["maxCount"].(float64); ok {
		return v
	}
	v, _ := m["count"].(float64)
	return v
}

// eksEffect maps EKS's taint effect names to Kubernetes'.
func eksEffect(e string) string {
	switch e {
	case "NO_SCHEDULE":
		return "NoSchedule"
	case "NO_EXECUTE":
		return "NoExecute"
	case "PREFER_NO_SCHEDULE":
		return "PreferNoSchedule"
	}
	return e
}

// aksTaints parses AKS's "key=value:Effect" taints.
func aksTaints(v interface{}) []Taint {
	var out []Taint
	for _, x := range list(v) {
		kv, effect, _ := strings.Cut(str(x), ":")
		k, val, _ := strings.Cut(kv, "=")
		out = append(out, Taint{Key: k, Value: val, Effect: effect})
	}
	return out
}

// nodeManifests are the fake nodes of every group, kwok-managed.
func nodeManifests(groups []Group) []map[string]interface{} {
	var out []map[string]interface{}
	for _, g := range groups {
		for i := 0; i < g.Nodes; i++ {
			name := fmt.Sprintf("%s-%d", g.Name, i)
			labels := map[string]interface{}{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "node.kubernetes.io/instance-type": g.InstanceType}
			for k, v := range g.Labels {
				labels[k] = v
			}
			var taints []interface{}
			for _, tt := range g.Taints {
				taints = append(taints, map[string]interface{}{"key": tt.Key, "value": tt.Value, "effect": tt.Effect})
			}
			capacity := map[string]interface{}{"cpu": fmt.Sprint(g.VCPU), "memory": fmt.Sprintf("%dGi", g.MemoryGiB), "pods": "110"}
			if g.GPUs > 0 {
				capacity[nodes.GPUResource] = fmt.Sprint(g.GPUs)
			}
			node := map[string]interface{}{
				"apiVersion": "v1", "kind": "Node",
				"metadata": map[string]interface{}{"name": name, "labels": labels, "annotations": map[string]interface{}{"kwok.x-k8s.io/node": "fake"}},
				"spec":     map[string]interface{}{},
				"status":   map[string]interface{}{"capacity": capacity, "allocatable": capacity},
			}
			if len(taints) > 0 {
				node["spec"] = map[string]interface{}{"taints": taints}
			}
			out = append(out, node)
		}
	}
	return out
}

// writeManifest writes an object as YAML into dir and returns the path.
func writeManifest(t *testing.T, dir, name string, obj interface{}) string {
	t.Helper()
	b, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func mapOf(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}
