package catalog

import "testing"

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
