package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/offline"
	"github.com/pangea-ai/mlplatform/policies/rules"
)

// writePolicyReport prints the policy findings for a reviewer: mandatory
// first, then advisory, then what waivers cover, each with its resource.
func writePolicyReport(w io.Writer, results []rules.Result) {
	var mandatory, advisory, waived []rules.Result
	for _, r := range results {
		switch {
		case r.Waived != "":
			waived = append(waived, r)
		case r.Level == rules.Mandatory:
			mandatory = append(mandatory, r)
		default:
			advisory = append(advisory, r)
		}
	}
	fmt.Fprintf(w, "\nPolicies: %d rules, %d mandatory violations, %d advisory, %d waived\n", len(rules.All()), len(mandatory), len(advisory), len(waived))
	section := func(title string, rs []rules.Result, extra func(rules.Result) string) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, r := range rs {
			fmt.Fprintf(w, "  [%s] %s%s\n", r.Policy, r.Message, extra(r))
		}
	}
	none := func(rules.Result) string { return "" }
	section("MANDATORY (the plan fails)", mandatory, none)
	section("Advisory", advisory, none)
	section("Waived", waived, func(r rules.Result) string { return "\n      waived: " + r.Waived })
}

// writeText prints the component tree, then the count of each type.
func writeText(w io.Writer, p *offline.Planned) {
	resources := p.Rec.Resources()
	fmt.Fprintf(w, "Plan for stack %s (environment %s, %s %s): %d resources\n\n",
		p.Doc.Stack, p.Doc.Environment, p.Cloud, p.Region, len(resources))
	children := map[string][]*plan.Resource{}
	known := map[string]bool{}
	for _, r := range resources {
		known[r.URN] = true
	}
	var roots []*plan.Resource
	for _, r := range resources {
		if known[r.Parent] {
			children[r.Parent] = append(children[r.Parent], r)
		} else {
			roots = append(roots, r)
		}
	}
	order := func(rs []*plan.Resource) {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Type != rs[j].Type {
				return rs[i].Type < rs[j].Type
			}
			return rs[i].Name < rs[j].Name
		})
	}
	var walk func(rs []*plan.Resource, prefix string)
	walk = func(rs []*plan.Resource, prefix string) {
		order(rs)
		for i, r := range rs {
			branch, next := "├─ ", "│  "
			if i == len(rs)-1 {
				branch, next = "└─ ", "   "
			}
			fmt.Fprintf(w, "%s%s%s  %s%s\n", prefix, branch, r.Type, r.Name, marks(r))
			walk(children[r.URN], prefix+next)
		}
	}
	walk(roots, "")

	counts := map[string]int{}
	for _, r := range resources {
		counts[r.Type]++
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		if counts[types[i]] != counts[types[j]] {
			return counts[types[i]] > counts[types[j]]
		}
		return types[i] < types[j]
	})
	fmt.Fprintf(w, "\nResources by type:\n")
	for _, t := range types {
		fmt.Fprintf(w, "  %4d  %s\n", counts[t], t)
	}
}

func marks(r *plan.Resource) string {
	var m []string
	if r.Protect {
		m = append(m, "protected")
	}
	if len(r.IgnoreChanges) > 0 {
		m = append(m, "ignores changes to "+strings.Join(r.IgnoreChanges, ", "))
	}
	if len(m) == 0 {
		return ""
	}
	return "  [" + strings.Join(m, "; ") + "]"
}
