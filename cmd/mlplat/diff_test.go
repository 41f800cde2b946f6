package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/plan/offline"
)

const devURN = "urn:pulumi:aws-dev::mlplatform::"

func item(typ, name string, inputs map[string]interface{}, deps ...string) *plan.Resource {
	if deps == nil {
		deps = []string{}
	}
	return &plan.Resource{URN: devURN + typ + "::" + name, Type: typ, Name: name, Inputs: inputs, DependsOn: deps}
}

func line(component string, hourly estimate.Range) estimate.ComponentCost {
	return estimate.ComponentCost{Component: component, Hourly: hourly, Monthly: estimate.Range{
		Min: hourly.Min * 730, Desired: hourly.Desired * 730, Max: hourly.Max * 730}}
}

func costOf(lines ...estimate.ComponentCost) estimate.Cost {
	c := estimate.Cost{Currency: "USD", PriceRegion: "us-east-1", PriceAsOf: "2026-07-20", HoursPerMonth: 730, Components: lines}
	for _, l := range lines {
		c.Total.Min += l.Monthly.Min
		c.Total.Desired += l.Monthly.Desired
		c.Total.Max += l.Monthly.Max
	}
	return c
}

func fixedRange(v float64) estimate.Range { return estimate.Range{Min: v, Desired: v, Max: v} }

func TestDiffMarkdown(t *testing.T) {
	const ng = "aws:eks/nodeGroup:NodeGroup"
	vpc := item("aws:ec2/vpc:Vpc", "aws-dev", map[string]interface{}{"cidrBlock": "10.10.0.0/16", "ipv6Netmask": 56})
	gpu := item(ng, "aws-dev-gpu", map[string]interface{}{
		"scalingConfig": map[string]interface{}{"minSize": 0, "maxSize": 2}, "tags": map[string]interface{}{"a": "1"}, "amiType": "AL2023"})
	gpuNew := item(ng, "aws-dev-gpu", map[string]interface{}{
		"scalingConfig": map[string]interface{}{"minSize": 1, "maxSize": 4}, "tags": map[string]interface{}{"a": "2"}, "amiType": "AL2023"}, vpc.URN)
	old := offline.Plan{
		Stack: "aws-dev", Environment: "dev",
		Resources: []*plan.Resource{vpc, gpu, item("aws:ec2/natGateway:NatGateway", "aws-dev-nat-0", nil)},
		Cost: costOf(
			line("EKS control plane", fixedRange(0.1)),
			line("node group gpu", estimate.Range{Min: 0, Desired: 0, Max: 0.86}),
			line("NAT gateways", fixedRange(0.045)),
		),
	}
	cur := offline.Plan{
		Stack: "aws-dev", Environment: "dev",
		// The VPC as it reads from JSON (a float64 for the int): unchanged.
		Resources: []*plan.Resource{item("aws:ec2/vpc:Vpc", "aws-dev", map[string]interface{}{"cidrBlock": "10.10.0.0/16", "ipv6Netmask": 56.0}), gpuNew,
			item(ng, "aws-dev-extra", map[string]interface{}{})},
		Cost: costOf(
			line("EKS control plane", fixedRange(0.1)),
			line("node group gpu", estimate.Range{Min: 0.43, Desired: 0.43, Max: 1.72}),
		),
		Violations: []offline.Violation{
			{Policy: "aws-eks-private-endpoint", Level: "mandatory", URN: devURN + "aws:eks/cluster:Cluster::aws-dev", Message: "the API endpoint is public"},
			{Policy: "gpu-scale-to-zero", Level: "advisory", URN: gpuNew.URN, Message: "GPU group does not rest at zero"},
		},
	}
	got := diffMarkdown(old, cur)
	for _, want := range []string{
		"### mlplat plan: `aws-dev` (environment dev)\n\n#### Resources\n\n",
		"**1 to add, 1 to remove, 1 to change**, 1 unchanged (3 → 3 resources).\n",
		"<details><summary>Added (1)</summary>\n\n- `aws:eks/nodeGroup:NodeGroup` aws-dev-extra\n\n</details>\n",
		"<details><summary>Removed (1)</summary>\n\n- `aws:ec2/natGateway:NatGateway` aws-dev-nat-0\n\n</details>\n",
		"<details><summary>Changed (1)</summary>\n\n- `aws:eks/nodeGroup:NodeGroup` aws-dev-gpu: `scalingConfig`, `tags`, dependsOn\n\n</details>\n",
		"| component | $/month desired: old → new | change | Δ $/h at min | Δ $/h at max |\n",
		"| EKS control plane | 73.00 → 73.00 | $0.00 | $0.0000 | $0.0000 |\n",
		"| node group gpu | 0.00 → 313.90 | +$313.90 | +$0.4300 | +$0.8600 |\n",
		"| NAT gateways (removed) | 32.85 → 0.00 | -$32.85 | -$0.0450 | -$0.0450 |\n",
		// Old: 105.85 desired, 105.85 min, 733.65 max a month; new: 386.90, 386.90, 1,328.60.
		"| **total** | **105.85 → 386.90** | **+$281.05** | **+$0.3850** | **+$0.8150** |\n",
		"Monthly at min to max sizes: 105.85–733.65 → 386.90–1,328.60. Prices: us-east-1 as of 2026-07-20, 730 h/month.\n",
		"#### Policies (new plan)\n\n1 mandatory violations, 1 advisory.\n\nMandatory (the plan fails):\n\n" +
			"- **aws-eks-private-endpoint** the API endpoint is public (`urn:pulumi:aws-dev::mlplatform::aws:eks/cluster:Cluster::aws-dev`)\n",
		"<details><summary>Advisory (1)</summary>\n\n- **gpu-scale-to-zero** GPU group does not rest at zero",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the delta lacks:\n%s\n--- delta:\n%s", want, got)
		}
	}
	if strings.Contains(got, "no cost estimate") || strings.Contains(got, "prices changed") {
		t.Errorf("the delta warns about the old cost without cause:\n%s", got)
	}
}

func TestDiffMarkdownOldPlanWithoutCost(t *testing.T) {
	// A plan from before the cost model: "cost": {}.
	path := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(path, []byte(`{"stack": "aws-dev", "environment": "dev", "resources": [], "violations": [], "cost": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := readPlanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cur := offline.Plan{Stack: "aws-dev", Environment: "dev", Cost: costOf(line("EKS control plane", fixedRange(0.1)))}
	got := diffMarkdown(old, cur)
	for _, want := range []string{
		"The old plan has no cost estimate (it predates the cost model, or priced nothing): its cost is taken as $0.\n",
		"| EKS control plane | 0.00 → 73.00 | +$73.00 | +$0.1000 | +$0.1000 |\n",
		"| **total** | **0.00 → 73.00** | **+$73.00** | **+$0.1000** | **+$0.1000** |\n",
		"**0 to add, 0 to remove, 0 to change**, 0 unchanged (0 → 0 resources).\n",
		"0 mandatory violations, 0 advisory.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the delta lacks:\n%s\n--- delta:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<details><summary>Added") {
		t.Errorf("an empty list is shown:\n%s", got)
	}
}

func TestDiffMarkdownSaysWhenPricesChanged(t *testing.T) {
	old := offline.Plan{Stack: "aws-dev", Cost: costOf(line("EKS control plane", fixedRange(0.1)))}
	old.Cost.PriceAsOf = "2025-01-01"
	got := diffMarkdown(old, offline.Plan{Stack: "aws-dev", Cost: costOf(line("EKS control plane", fixedRange(0.1)))})
	want := "The prices changed between the plans (old: us-east-1 as of 2025-01-01): part of the change is the price update.\n"
	if !strings.Contains(got, want) {
		t.Errorf("the delta lacks %q:\n%s", want, got)
	}
}

func TestReadPlanFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing := filepath.Join(dir, "nope.json")
	text := write("plan.txt", "Plan for stack aws-dev\n")
	other := write("other.json", `{"name": "x"}`)
	cases := map[string]struct{ path, want string }{
		"missing file": {missing, "reading the old plan: " + missing + " does not exist; write one with: mlplat plan --stack <stack> --format json > " + missing},
		"text plan":    {text, "reading the old plan: " + text + " is not a plan JSON (mlplat plan --format json): invalid character 'P' looking for beginning of value"},
		"other JSON":   {other, "reading the old plan: " + other + ` is not a plan JSON (mlplat plan --format json): it has no "stack"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readPlanFile(tc.path)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestPlanDiffAgainstFlag(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "old.json")
	code, out, stderr := mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--diff-against", missing)
	if code != exitFailed || out != "" || !strings.HasPrefix(stderr, "reading the old plan: "+missing+" does not exist") {
		t.Errorf("missing old plan: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, _, stderr = mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--diff-against", missing, "--format", "json")
	if code != exitUsage || stderr != "mlplat plan: --diff-against prints Markdown; drop --format json\n" {
		t.Errorf("with --format json: exit %d, stderr %q", code, stderr)
	}

	_, doc, _ := mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--format", "json")
	old := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(old, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--diff-against", old)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The same plan against itself: nothing changes, and no text plan is printed.
	for _, want := range []string{"### mlplat plan: `aws-dev` (environment dev)\n", "**0 to add, 0 to remove, 0 to change**", "| **total** |"} {
		if !strings.Contains(out, want) {
			t.Errorf("the delta lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Plan for stack") || strings.Contains(out, "<details><summary>Changed") {
		t.Errorf("the delta of a plan against itself shows changes or the text plan:\n%s", out)
	}
}

// A bigger GPU group in the environment changes the plan's node group line
// by exactly the catalogue's spot sample times the added nodes, and the
// total by that plus the added nodes' disks.
func TestDiffMarkdownOfAnEnvironmentChange(t *testing.T) {
	dir := t.TempDir()
	first, err := buildPlan(planFlags{stack: "aws-dev", root: "../.."}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(first.Doc)
	if err != nil {
		t.Fatal(err)
	}
	oldPath := filepath.Join(dir, "old.json")
	if err := os.WriteFile(oldPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile("../../environments/dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The gpu group: 0/0/2 -> 1/1/4 (min, desired, max), 100 GiB disks, spot g5.xlarge.
	before := "  gpu:\n    kind: gpu\n    capacityType: SPOT\n    minSize: 0\n    maxSize: 2\n    desiredSize: 0\n    diskSizeGiB: 100\n"
	after := "  gpu:\n    kind: gpu\n    capacityType: SPOT\n    minSize: 1\n    maxSize: 4\n    desiredSize: 1\n    diskSizeGiB: 100\n"
	if !strings.Contains(string(env), before) {
		t.Fatalf("environments/dev.yaml no longer has the gpu group this test edits:\n%s", before)
	}
	envPath := filepath.Join(dir, "dev.yaml")
	if err := os.WriteFile(envPath, []byte(strings.Replace(string(env), before, after, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := buildPlan(planFlags{stack: "aws-dev", root: "../..", envFile: envPath}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	old, err := readPlanFile(oldPath)
	if err != nil {
		t.Fatal(err)
	}

	g5, ok := catalog.Default().Lookup(catalog.AWS, "g5.xlarge")
	if !ok || g5.SpotUSD == 0 {
		t.Fatal("the catalogue lost g5.xlarge's spot sample")
	}
	gib, _ := catalog.Default().Rate(catalog.AWS, catalog.RateBlockStorageGBMonth)
	price := g5.SpotUSD
	// Nodes added: min +1, desired +1, max +2.
	groupMonthly := price * 730
	disksMonthly := 100 * gib
	lineOf := func(c estimate.Cost, name string) estimate.ComponentCost {
		for _, l := range c.Components {
			if l.Component == name {
				return l
			}
		}
		t.Fatalf("no %q line", name)
		return estimate.ComponentCost{}
	}
	o, n := lineOf(old.Cost, "node group gpu"), lineOf(second.Doc.Cost, "node group gpu")
	cents := func(v float64) float64 { return math.Round(v*100) / 100 }
	if cents(n.Monthly.Desired-o.Monthly.Desired) != cents(groupMonthly) || cents(n.Hourly.Max-o.Hourly.Max) != cents(2*price) {
		t.Errorf("node group gpu: old %+v new %+v; want +%v a month at desired, +%v/h at max", o, n, groupMonthly, 2*price)
	}
	if got, want := cents(second.Doc.Cost.Total.Desired-old.Cost.Total.Desired), cents(groupMonthly+disksMonthly); got != want {
		t.Errorf("total changes by %v a month, want %v (the group's node plus its disk)", got, want)
	}

	md := diffMarkdown(old, second.Doc)
	for _, want := range []string{
		"**0 to add, 0 to remove, 1 to change**",
		"- `aws:eks/nodeGroup:NodeGroup` aws-dev-gpu: `scalingConfig`\n",
		fmt.Sprintf("| node group gpu | 0.00 → %s | %s | %s | %s |\n", money(groupMonthly), signed(groupMonthly, 2), signed(price, 4), signed(2*price, 4)),
		fmt.Sprintf("| node disks | %s → %s | %s |", money(lineOf(old.Cost, "node disks").Monthly.Desired),
			money(lineOf(second.Doc.Cost, "node disks").Monthly.Desired), signed(disksMonthly, 2)),
		fmt.Sprintf("| **total** | **%s → %s** | **%s** |", money(old.Cost.Total.Desired), money(second.Doc.Cost.Total.Desired), signed(groupMonthly+disksMonthly, 2)),
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the delta lacks:\n%s\n--- delta:\n%s", want, md)
		}
	}
}
