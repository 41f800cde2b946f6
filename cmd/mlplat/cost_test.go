package main

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/plan/offline"
)

// The prod plans carry the cost environments/prod.yaml implies at the
// catalogue's prices (components/catalog/instances.yaml), computed by hand:
// min, desired and max nodes of the first instance type of each group, all
// on-demand. The test does not prove the catalogue's prices are current.
func TestProdPlansCostTheirEnvironment(t *testing.T) {
	cases := map[string]map[string]estimate.Range{
		"aws-prod": {
			"EKS control plane": {Min: 0.1, Desired: 0.1, Max: 0.1}, // supportType STANDARD, $0.10/h
			// system 3/3/6 x m7i.xlarge at $0.2016/h
			"node group system": {Min: 0.6048, Desired: 0.6048, Max: 1.2096},
			// cpu 2/3/12 x m7i.2xlarge at $0.4032/h
			"node group cpu": {Min: 0.8064, Desired: 1.2096, Max: 4.8384},
			// gpu 2/2/8 x g6e.xlarge at $1.861/h
			"node group gpu": {Min: 3.722, Desired: 3.722, Max: 14.888},
			// gpularge 0/0/2 x g6e.12xlarge at $10.49264/h (20.98528, kept to 4 decimals)
			"node group gpularge": {Min: 0, Desired: 0, Max: 20.9853},
		},
		"azure-prod": {
			"AKS control plane": {Min: 0.1, Desired: 0.1, Max: 0.1}, // skuTier Standard, $0.10/h
			// system 3/3/6 x Standard_D4s_v5 at $0.192/h (the pool inside the cluster)
			"node pool system": {Min: 0.576, Desired: 0.576, Max: 1.152},
			// cpu 2/3/12 x Standard_D8s_v5 at $0.384/h
			"node pool cpu": {Min: 0.768, Desired: 1.152, Max: 4.608},
			// gpu 2/2/8 x Standard_NC4as_T4_v3 at $0.526/h
			"node pool gpu": {Min: 1.052, Desired: 1.052, Max: 4.208},
			// gpularge 0/0/2 x Standard_NC40ads_H100_v5 at $6.98/h
			"node pool gpularge": {Min: 0, Desired: 0, Max: 13.96},
		},
	}
	for stack, want := range cases {
		t.Run(stack, func(t *testing.T) {
			p, err := buildPlan(planFlags{stack: stack, root: "../.."}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]estimate.Range{}
			for _, l := range p.Doc.Cost.Components {
				if l.Kind == "control-plane" || l.Kind == "node-group" {
					got[l.Component] = l.Hourly
					if l.Monthly.Desired != fourDecimals(l.Hourly.Desired*estimate.HoursPerMonth) {
						t.Errorf("%s: monthly %v is not 730 × hourly %v", l.Component, l.Monthly.Desired, l.Hourly.Desired)
					}
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("control plane and node lines:\n got %v\nwant %v", got, want)
			}
			if p.Doc.Cost.PriceAsOf == "" || p.Doc.Cost.PriceRegion == "" || p.Doc.Cost.Currency != "USD" {
				t.Errorf("cost lacks its price basis: %+v", p.Doc.Cost)
			}
		})
	}
}

// fourDecimals rounds as the cost JSON does.
func fourDecimals(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// Every stack's JSON plan carries a cost with its lines and price basis.
func TestEveryStackPlanHasCost(t *testing.T) {
	for _, stack := range offline.CommittedStacks("../..") {
		t.Run(stack, func(t *testing.T) {
			_, out, stderr := mlplat(t, "plan", "--stack", stack, "--format", "json", "--root", "../..")
			var doc struct {
				Cost map[string]json.RawMessage `json:"cost"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%v; stderr: %s", err, stderr)
			}
			for _, k := range []string{"currency", "priceRegion", "priceAsOf", "hoursPerMonth", "components", "total", "notes"} {
				if _, ok := doc.Cost[k]; !ok {
					t.Errorf("cost lacks %q", k)
				}
			}
			var components []estimate.ComponentCost
			if err := json.Unmarshal(doc.Cost["components"], &components); err != nil || len(components) == 0 {
				t.Errorf("cost.components is empty or unreadable (%v): %s", err, doc.Cost["components"])
			}
		})
	}
}

func TestWriteCostTable(t *testing.T) {
	c := estimate.Cost{
		Currency: "USD", PriceRegion: "us-east-1", PriceAsOf: "2026-07-20", HoursPerMonth: 730,
		Components: []estimate.ComponentCost{
			{Component: "EKS control plane", Kind: "control-plane", Detail: "standard support at $0.10/h",
				Hourly: estimate.Range{Min: 0.1, Desired: 0.1, Max: 0.1}, Monthly: estimate.Range{Min: 73, Desired: 73, Max: 73}},
			{Component: "node group cpu", Kind: "node-group", Detail: "2-12 (desired 3) x m7i.2xlarge, on-demand at $0.4032/h",
				Hourly: estimate.Range{Min: 0.8064, Desired: 1.2096, Max: 4.8384}, Monthly: estimate.Range{Min: 588.672, Desired: 883.008, Max: 3532.032}},
		},
		Total: estimate.Range{Min: 661.672, Desired: 956.008, Max: 3605.032},
		Notes: []string{"not included: data transfer"},
	}
	var b bytes.Buffer
	writeCostTable(&b, c)
	want := `
Cost estimate (USD, 730 h/month): prices: us-east-1 as of 2026-07-20

  component          $/h min  $/h desired  $/h max  $/month desired  detail
  EKS control plane   0.1000       0.1000   0.1000            73.00  standard support at $0.10/h
  node group cpu      0.8064       1.2096   4.8384           883.01  2-12 (desired 3) x m7i.2xlarge, on-demand at $0.4032/h
  -----------------------------------------------------------------
  total               0.9064       1.3096   4.9384           956.01  661.67 to 3,605.03 a month between min and max sizes

Cost notes:
  - not included: data transfer
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[float64]string{0: "0.00", 73: "73.00", 883.008: "883.01", 31280.4321: "31,280.43", 1234567.891: "1,234,567.89", -1234.5: "-1,234.50"} {
		if got := money(in); got != want {
			t.Errorf("money(%v) = %q, want %q", in, got, want)
		}
	}
}
