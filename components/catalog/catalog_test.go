package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultCatalogIsComplete(t *testing.T) {
	c := Default()
	if got := c.PriceAsOf(AWS); got != "2026-07-20" {
		t.Errorf("AWS priceAsOf = %q, want 2026-07-20", got)
	}
	for _, cloud := range []Cloud{AWS, Azure} {
		for _, it := range c.section(cloud).Types {
			if it.VCPU <= 0 || it.MemoryGiB <= 0 || it.OnDemandUSD <= 0 {
				t.Errorf("%s %s: vcpu, memory and on-demand price must be positive: %+v", cloud, it.Name, it)
			}
			if it.IsGPU() != (it.GPUModel != "") || it.IsGPU() != (it.GPUMemoryGiB > 0) {
				t.Errorf("%s %s: GPU count, model and memory disagree: %+v", cloud, it.Name, it)
			}
			if it.Arch != "x86_64" && it.Arch != "arm64" {
				t.Errorf("%s %s: arch %q is not x86_64 or arm64", cloud, it.Name, it.Arch)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	c := Default()
	g5, ok := c.Lookup(AWS, "g5.xlarge")
	if !ok || g5.GPUs != 1 || g5.GPUModel != "A10G" || g5.OnDemandUSD != 1.006 || g5.MemoryGiB != 16 {
		t.Fatalf("Lookup(g5.xlarge) = %+v, %v", g5, ok)
	}
	if _, ok := c.Lookup(Azure, "g5.xlarge"); ok {
		t.Error("g5.xlarge must not be found among Azure sizes")
	}
	if m, _ := c.Lookup(AWS, "m7i.large"); m.IsGPU() {
		t.Error("m7i.large reported as GPU")
	}
}

func TestSuggest(t *testing.T) {
	cases := map[string]struct {
		cloud Cloud
		in    string
		want  string
	}{
		"dropped letter":       {AWS, "g5.xlage", "g5.xlarge"},
		"swapped family digit": {AWS, "g6e.xlarg", "g6e.xlarge"},
		"case only":            {Azure, "standard_nc4as_t4_v3", "Standard_NC4as_T4_v3"},
		"too far":              {AWS, "c5n.18xlarge", ""},
		"other cloud's name":   {Azure, "g5.xlarge", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Default().Suggest(tc.cloud, tc.in); got != tc.want {
				t.Errorf("Suggest(%s, %q) = %q, want %q", tc.cloud, tc.in, got, tc.want)
			}
		})
	}
}

func TestParseRejectsDuplicatesAndUnknownKeys(t *testing.T) {
	cases := map[string]struct {
		doc  string
		want string
	}{
		"duplicate": {
			doc:  "aws:\n  types:\n    - {name: a, arch: x86_64}\n    - {name: a, arch: x86_64}\n",
			want: `parsing instance catalogue: aws type "a" is listed twice`,
		},
		"unknown key": {
			doc:  "aws:\n  typo: 1\n",
			want: "parsing instance catalogue: yaml: unmarshal errors:\n  line 2: field typo not found in type catalog.Prices",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Parse error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	cases := map[[2]string]int{{"", ""}: 0, {"abc", ""}: 3, {"kitten", "sitting"}: 3, {"g5", "g5"}: 0}
	for in, want := range cases {
		if got := editDistance(in[0], in[1]); got != want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", in[0], in[1], got, want)
		}
	}
}

func TestOverride(t *testing.T) {
	c, err := Default().WithOverride([]byte(`
aws:
  priceAsOf: "2026-11-01"
  rates: {natGatewayHour: 0.05}
  types:
    - {name: g5.xlarge, arch: x86_64, gpus: 1, gpuModel: A10G, gpuMemoryGiB: 24, vcpu: 4, memoryGiB: 16, onDemand: 0.9, spot: 0.4}
    - {name: g7.xlarge, arch: x86_64, gpus: 1, gpuModel: B200, gpuMemoryGiB: 180, vcpu: 8, memoryGiB: 64, onDemand: 9.0}
durations:
  types:
    - {type: "aws:eks/cluster:Cluster", seconds: 700, source: our own apply logs}
`))
	if err != nil {
		t.Fatal(err)
	}
	if g5, _ := c.Lookup(AWS, "g5.xlarge"); g5.OnDemandUSD != 0.9 {
		t.Errorf("g5.xlarge on-demand = %v, want the override's 0.9", g5.OnDemandUSD)
	}
	if _, ok := c.Lookup(AWS, "g7.xlarge"); !ok {
		t.Error("the override's new type g7.xlarge is missing")
	}
	if r, _ := c.Rate(AWS, RateNATGatewayHour); r != 0.05 {
		t.Errorf("NAT rate = %v, want 0.05", r)
	}
	if r, _ := c.Rate(AWS, RateEKSStandardHour); r != 0.10 {
		t.Errorf("EKS rate = %v, want the default 0.10 kept", r)
	}
	if c.PriceAsOf(AWS) != "2026-11-01" || c.PriceAsOf(Azure) != "2026-07-20" {
		t.Errorf("price dates %q, %q", c.PriceAsOf(AWS), c.PriceAsOf(Azure))
	}
	if s, src, ok := c.DurationOf("aws:eks/cluster:Cluster", "", false); s != 700 || src != "our own apply logs" || !ok {
		t.Errorf("cluster duration = %d %q %v", s, src, ok)
	}
	// The default catalogue is untouched.
	if g5, _ := Default().Lookup(AWS, "g5.xlarge"); g5.OnDemandUSD != 1.006 {
		t.Errorf("the override changed the default catalogue: %v", g5.OnDemandUSD)
	}
	if r, _ := Default().Rate(AWS, RateNATGatewayHour); r != 0.045 {
		t.Errorf("the override changed the default rates: %v", r)
	}
}

func TestOverrideErrors(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"unknown rate": {
			doc:  "azure:\n  rates: {natGateway: 1}\n",
			want: `catalogue override: azure rate "natGateway" is not one the cost model reads; known rates: acrBasicMonth, acrPremiumMonth, acrStandardMonth, aksFreeHour, aksPremiumHour, aksStandardHour, blockStorageGBMonth, databaseStorageGBMonth, loadBalancerHour, natGatewayDataGB, natGatewayHour, objectStorageGBMonth, privateEndpointHour, publicIPv4Hour`,
		},
		"negative price": {
			doc:  "aws:\n  types:\n    - {name: m6i.large, arch: x86_64, vcpu: 2, memoryGiB: 8, onDemand: -1}\n",
			want: `catalogue override: aws type "m6i.large": prices must not be negative`,
		},
		"unknown field": {
			doc:  "aws:\n  prices: {}\n",
			want: "parsing catalogue override: yaml: unmarshal errors:\n  line 2: field prices not found in type catalog.Prices",
		},
		"a type listed twice": {
			doc:  "aws:\n  types:\n    - {name: g7.xlarge, arch: x86_64, vcpu: 8, memoryGiB: 64, onDemand: 9}\n    - {name: g7.xlarge, arch: x86_64, vcpu: 8, memoryGiB: 64, onDemand: 8}\n",
			want: `catalogue override: aws type "g7.xlarge" is listed twice`,
		},
		"negative duration": {
			doc:  "durations:\n  types:\n    - {type: \"aws:kms/key:Key\", seconds: -5}\n",
			want: "catalogue override: durations.types[0] (aws:kms/key:Key): seconds must not be negative",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Default().WithOverride([]byte(tc.doc))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestOverrideDurationWithAnAPIVersionMatches(t *testing.T) {
	c, err := Default().WithOverride([]byte("durations:\n  types:\n    - {type: \"azure-native:containerservice/v20240902preview:ManagedCluster\", seconds: 900, source: ours}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s, src, _ := c.DurationOf("azure-native:containerservice/v20250101:ManagedCluster", "", false); s != 900 || src != "ours" {
		t.Errorf("duration %d from %q, want the override's 900", s, src)
	}
}

func TestDurationOf(t *testing.T) {
	c := Default()
	cases := map[string]struct {
		typ, chart string
		nodes      bool
		want       int
		listed     bool
	}{
		"EKS cluster":                          {"aws:eks/cluster:Cluster", "", false, 600, true},
		"node group at zero":                   {"aws:eks/nodeGroup:NodeGroup", "", false, 60, true},
		"node group starting nodes":            {"aws:eks/nodeGroup:NodeGroup", "", true, 170, true},
		"AKS pool, API version ignored":        {"azure-native:containerservice/v20240902preview:AgentPool", "", true, 330, true},
		"chart with its own row":               {"kubernetes:helm.sh/v3:Release", "kube-prometheus-stack", false, 140, true},
		"chart without a row takes the type's": {"kubernetes:helm.sh/v3:Release", "kserve", false, 60, true},
		"unlisted type takes the default":      {"aws:s3/bucketPolicy:BucketPolicy", "", false, 5, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, listed := c.DurationOf(tc.typ, tc.chart, tc.nodes)
			if got != tc.want || listed != tc.listed {
				t.Errorf("DurationOf = %d, %v; want %d, %v", got, listed, tc.want, tc.listed)
			}
		})
	}
}

func TestLoadForEnvironments(t *testing.T) {
	dir := t.TempDir()
	if c, err := LoadForEnvironments(dir); err != nil || c != Default() {
		t.Fatalf("without an override file: %v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, OverrideFile), []byte("aws:\n  rates: {kmsKeyMonth: 2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadForEnvironments(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Rate(AWS, RateKMSKeyMonth); r != 2 {
		t.Errorf("kmsKeyMonth = %v, want 2 from the override", r)
	}
	if err := os.WriteFile(filepath.Join(dir, OverrideFile), []byte("aws: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadForEnvironments(dir); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, OverrideFile)+": parsing catalogue override:") {
		t.Errorf("a broken override: %v", err)
	}
}

func TestNearestNamesTheClosestHoweverFar(t *testing.T) {
	cases := map[string]struct {
		s          string
		candidates []string
		want       string
	}{
		"a typo":               {"retentionSiz", []string{"retention", "retentionSize", "resources"}, "retentionSize"},
		"far from everything":  {"minWorkers", []string{"template", "maxRunners"}, "maxRunners"},
		"first among equals":   {"ab", []string{"ax", "ay"}, "ax"},
		"nothing to choose":    {"x", nil, ""},
		"case does not matter": {"PRIORITYCLASSNAME", []string{"priorityClassName", "podLabels"}, "priorityClassName"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Nearest(tc.s, tc.candidates); got != tc.want {
				t.Errorf("Nearest(%q) = %q, want %q", tc.s, got, tc.want)
			}
		})
	}
}
