package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/plan/offline"
)

// readPlanFile reads a plan written by `mlplat plan --format json`.
func readPlanFile(path string) (offline.Plan, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return offline.Plan{}, fmt.Errorf("reading the old plan: %s does not exist; write one with: mlplat plan --stack <stack> --format json > %s", path, path)
	}
	if err != nil {
		return offline.Plan{}, fmt.Errorf("reading the old plan: %w", err)
	}
	notPlan := func(why string) error {
		return fmt.Errorf("reading the old plan: %s is not a plan JSON (mlplat plan --format json): %s", path, why)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return offline.Plan{}, notPlan(err.Error())
	}
	for _, k := range []string{"stack", "resources"} {
		if _, ok := raw[k]; !ok {
			return offline.Plan{}, notPlan(fmt.Sprintf("it has no %q", k))
		}
	}
	var p offline.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return offline.Plan{}, notPlan(err.Error())
	}
	return p, nil
}

// diffMarkdown writes what changes from old to new as Markdown for a pull
// request comment: the resources added, removed and changed, the cost delta
// per component and in total, and the new plan's policy findings. An old
// plan without a cost estimate (older than the cost model) counts as $0.
func diffMarkdown(old, new offline.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### mlplat plan: `%s` (environment %s)\n\n", new.Stack, new.Environment)
	if old.Stack != new.Stack {
		fmt.Fprintf(&b, "Compared with a plan of stack `%s`.\n\n", old.Stack)
	}
	writeResourceDelta(&b, old, new)
	writeCostDelta(&b, old.Cost, new.Cost)
	writePolicySummary(&b, new.Violations)
	return b.String()
}

// resourceChange is one changed resource: same URN, other inputs or dependsOn.
type resourceChange struct {
	item *plan.Resource
	keys []string
}

func writeResourceDelta(b *strings.Builder, old, new offline.Plan) {
	before := map[string]*plan.Resource{}
	for _, r := range old.Resources {
		before[r.URN] = r
	}
	after := map[string]bool{}
	var added, removed []*plan.Resource
	var changed []resourceChange
	for _, r := range new.Resources {
		after[r.URN] = true
		o, ok := before[r.URN]
		if !ok {
			added = append(added, r)
			continue
		}
		if keys := changedKeys(o, r); len(keys) > 0 {
			changed = append(changed, resourceChange{r, keys})
		}
	}
	for _, r := range old.Resources {
		if !after[r.URN] {
			removed = append(removed, r)
		}
	}
	byTypeName := func(a, b *plan.Resource) bool {
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Name < b.Name
	}
	sort.Slice(added, func(i, j int) bool { return byTypeName(added[i], added[j]) })
	sort.Slice(removed, func(i, j int) bool { return byTypeName(removed[i], removed[j]) })
	sort.Slice(changed, func(i, j int) bool { return byTypeName(changed[i].item, changed[j].item) })

	unchanged := len(new.Resources) - len(added) - len(changed)
	fmt.Fprintf(b, "#### Resources\n\n**%d to add, %d to remove, %d to change**, %d unchanged (%d → %d resources).\n\n",
		len(added), len(removed), len(changed), unchanged, len(old.Resources), len(new.Resources))
	list := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(b, "<details><summary>%s (%d)</summary>\n\n", title, n)
		for i := 0; i < n; i++ {
			fmt.Fprintf(b, "- %s\n", line(i))
		}
		b.WriteString("\n</details>\n\n")
	}
	item := func(r *plan.Resource) string { return fmt.Sprintf("`%s` %s", r.Type, r.Name) }
	list("Added", len(added), func(i int) string { return item(added[i]) })
	list("Removed", len(removed), func(i int) string { return item(removed[i]) })
	list("Changed", len(changed), func(i int) string {
		return item(changed[i].item) + ": " + strings.Join(changed[i].keys, ", ")
	})
}

// changedKeys lists the top-level input keys that differ, then "dependsOn"
// when the dependencies differ. Values compare by their JSON, so a plan
// read from a file and one built in memory compare equal.
func changedKeys(old, new *plan.Resource) []string {
	keys := map[string]bool{}
	for k := range old.Inputs {
		keys[k] = true
	}
	for k := range new.Inputs {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		a, aok := old.Inputs[k]
		c, cok := new.Inputs[k]
		if aok != cok || !sameJSON(a, c) {
			out = append(out, "`"+k+"`")
		}
	}
	sort.Strings(out)
	if !reflect.DeepEqual(sortedCopy(old.DependsOn), sortedCopy(new.DependsOn)) {
		out = append(out, "dependsOn")
	}
	return out
}

func sameJSON(a, b interface{}) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func writeCostDelta(b *strings.Builder, old, new estimate.Cost) {
	b.WriteString("#### Cost (USD)\n\n")
	if len(old.Components) == 0 {
		b.WriteString("The old plan has no cost estimate (it predates the cost model, or priced nothing): its cost is taken as $0.\n\n")
	}
	type pair struct {
		name     string
		old, new estimate.ComponentCost
	}
	var rows []*pair
	index := map[string]*pair{}
	for _, c := range new.Components {
		p := &pair{name: c.Component, new: c}
		rows = append(rows, p)
		index[c.Component] = p
	}
	for _, c := range old.Components {
		if p, ok := index[c.Component]; ok {
			p.old = c
			continue
		}
		p := &pair{name: c.Component + " (removed)", old: c}
		rows = append(rows, p)
	}
	b.WriteString("| component | $/month desired: old → new | change | Δ $/h at min | Δ $/h at max |\n")
	b.WriteString("|---|---:|---:|---:|---:|\n")
	for _, p := range rows {
		fmt.Fprintf(b, "| %s | %s → %s | %s | %s | %s |\n", p.name,
			money(p.old.Monthly.Desired), money(p.new.Monthly.Desired), signed(p.new.Monthly.Desired-p.old.Monthly.Desired, 2),
			signed(p.new.Hourly.Min-p.old.Hourly.Min, 4), signed(p.new.Hourly.Max-p.old.Hourly.Max, 4))
	}
	perHour := func(c estimate.Cost) estimate.Range {
		if c.HoursPerMonth == 0 {
			return estimate.Range{}
		}
		return estimate.Range{Min: c.Total.Min / c.HoursPerMonth, Max: c.Total.Max / c.HoursPerMonth}
	}
	oh, nh := perHour(old), perHour(new)
	fmt.Fprintf(b, "| **total** | **%s → %s** | **%s** | **%s** | **%s** |\n\n",
		money(old.Total.Desired), money(new.Total.Desired), signed(new.Total.Desired-old.Total.Desired, 2),
		signed(nh.Min-oh.Min, 4), signed(nh.Max-oh.Max, 4))
	fmt.Fprintf(b, "Monthly at min to max sizes: %s–%s → %s–%s. Prices: %s as of %s, %g h/month.\n\n",
		money(old.Total.Min), money(old.Total.Max), money(new.Total.Min), money(new.Total.Max), new.PriceRegion, new.PriceAsOf, new.HoursPerMonth)
	if old.PriceAsOf != "" && (old.PriceAsOf != new.PriceAsOf || old.PriceRegion != new.PriceRegion) {
		fmt.Fprintf(b, "The prices changed between the plans (old: %s as of %s): part of the change is the price update.\n\n", old.PriceRegion, old.PriceAsOf)
	}
	if len(new.Notes) > 0 {
		fmt.Fprintf(b, "<details><summary>Cost notes (%d)</summary>\n\n", len(new.Notes))
		for _, n := range new.Notes {
			fmt.Fprintf(b, "- %s\n", n)
		}
		b.WriteString("\n</details>\n\n")
	}
}

// signed writes a change with its sign and the given decimals: "+$12.30",
// "-$0.4032", "$0.00" when it rounds to zero.
func signed(v float64, decimals int) string {
	scale := math.Pow(10, float64(decimals))
	v = math.Round(v*scale) / scale
	switch {
	case v > 0:
		return "+$" + amount(v, decimals)
	case v < 0:
		return "-$" + amount(-v, decimals)
	}
	return "$" + amount(0, decimals)
}

func amount(v float64, decimals int) string {
	if decimals == 2 {
		return money(v)
	}
	return fmt.Sprintf("%.*f", decimals, v)
}

func writePolicySummary(b *strings.Builder, vs []offline.Violation) {
	var mandatory, advisory []offline.Violation
	for _, v := range vs {
		if v.Level == "mandatory" {
			mandatory = append(mandatory, v)
		} else {
			advisory = append(advisory, v)
		}
	}
	fmt.Fprintf(b, "#### Policies (new plan)\n\n%d mandatory violations, %d advisory.\n", len(mandatory), len(advisory))
	if len(mandatory) > 0 {
		b.WriteString("\nMandatory (the plan fails):\n\n")
		for _, v := range mandatory {
			fmt.Fprintf(b, "- **%s** %s (`%s`)\n", v.Policy, v.Message, v.URN)
		}
	}
	if len(advisory) > 0 {
		fmt.Fprintf(b, "\n<details><summary>Advisory (%d)</summary>\n\n", len(advisory))
		for _, v := range advisory {
			fmt.Fprintf(b, "- **%s** %s (`%s`)\n", v.Policy, v.Message, v.URN)
		}
		b.WriteString("\n</details>\n")
	}
}
