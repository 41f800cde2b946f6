package rules

import (
	"fmt"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// nodeScalingInvariants is rule node-scaling-invariants.
var nodeScalingInvariants = Rule{ID: "node-scaling-invariants", Category: Reliability, Kind: Fixed,
	Description: "Checks whether node groups and pools keep 0 ≤ min ≤ desired ≤ max with max ≥ 1, and system pools keep min ≥ 1.",
	Resources:   "EKS node groups, AKS managed clusters (agentPoolProfiles) and agent pools",
	Mirrors:     "EKS API errors",
	Check:       relCheckScaling}

// relScaling names one pool's size fields: how a message calls them and
// where they are read.
type relScaling struct {
	r                             *Resource
	where                         string // "" or ` in agentPoolProfiles[0] "system"`
	minName, desiredName, maxName string
	min, desired, max             string // paths
	system                        bool
}

// relCheckScaling checks the size invariants. The catalogue also wants the
// desired size ignored (ignoreChanges) when an autoscaler owns it; resource
// options other than protect are not in the view, so that part is not
// checked here.
func relCheckScaling(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch {
		case r.Type == relEKSNodeGroup:
			// EKS has no pool mode; the toolkit labels its system group.
			labels, _ := props.StringMap(r.Inputs["labels"])
			system := labels["mlplatform.pangea.ai/kind"] == "system"
			out = append(out, relScalingFindings(relScaling{r: r, minName: "min", desiredName: "desired", maxName: "max",
				min: "scalingConfig.minSize", desired: "scalingConfig.desiredSize", max: "scalingConfig.maxSize", system: system}, true)...)
		case relAKSPool(r.Type):
			out = append(out, relAKSScaling(r, "", "")...)
		case relAKSCluster(r.Type):
			if _, unknown := props.Unwrap(r.Inputs["agentPoolProfiles"]).(props.Unknown); unknown {
				out = append(out, CannotVerify(r, "agentPoolProfiles"))
			}
			for i, p := range relList(r.Inputs["agentPoolProfiles"]) {
				name, _ := lookup(p, "name")
				prefix := fmt.Sprintf("agentPoolProfiles[%d].", i)
				out = append(out, relAKSScaling(r, prefix, fmt.Sprintf(" in %s %s", strings.TrimSuffix(prefix, "."), relShow(name)))...)
			}
		}
	}
	return out
}

// relAKSScaling checks an AKS pool (an AgentPool, or a profile of the
// cluster under prefix). Without autoscaling, count is min, desired and max.
func relAKSScaling(r *Resource, prefix, where string) []Finding {
	auto, _ := r.Get(prefix + "enableAutoScaling")
	if props.HasUnknown(auto) {
		return []Finding{CannotVerify(r, prefix+"enableAutoScaling")}
	}
	mode, _ := r.Get(prefix + "mode")
	if props.HasUnknown(mode) {
		return []Finding{CannotVerify(r, prefix+"mode")}
	}
	sc := relScaling{r: r, where: where, system: mode == "System",
		minName: "minCount", desiredName: "count", maxName: "maxCount",
		min: prefix + "minCount", desired: prefix + "count", max: prefix + "maxCount"}
	if auto != true {
		sc.minName, sc.maxName, sc.min, sc.max = "count", "count", prefix+"count", prefix+"count"
	}
	return relScalingFindings(sc, false)
}

// relScalingFindings checks 0 ≤ min ≤ desired ≤ max, max ≥ 1 and, on a
// system pool, min ≥ 1. desiredRequired says whether the API requires the
// desired size (EKS) or may leave it to the autoscaler (AKS).
func relScalingFindings(sc relScaling, desiredRequired bool) []Finding {
	r := sc.r
	var out []Finding
	vals := map[string]float64{}
	seen := map[string]bool{}
	for _, path := range []string{sc.min, sc.desired, sc.max} {
		if seen[path] {
			continue
		}
		seen[path] = true
		v, ok := r.Get(path)
		switch n, isNum := v.(float64); {
		case props.HasUnknown(v):
			out = append(out, CannotVerify(r, path))
		case isNum:
			vals[path] = n
		case !ok || v == nil:
			if path != sc.desired || desiredRequired {
				out = append(out, Violation(r, "%s must set %s", Subject(r), path))
			}
		default:
			out = append(out, Violation(r, "%s must set %s to a number (got %s)", Subject(r), path, relShow(v)))
		}
	}
	if len(out) > 0 {
		return out
	}
	min, max := vals[sc.min], vals[sc.max]
	desired, hasDesired := vals[sc.desired]
	if sc.min == sc.max {
		// One fixed count (AKS defaults an unset one to 1): the pool must
		// hold a node.
		if _, set := vals[sc.min]; set && min < 1 {
			out = append(out, Violation(r, "%s must keep %s ≥ 1%s (%s %s)", Subject(r), sc.minName, sc.where, sc.minName, relNum(min)))
		}
		return out
	}
	switch {
	case hasDesired && !(0 <= min && min <= desired && desired <= max):
		out = append(out, Violation(r, "%s must keep 0 ≤ %s ≤ %s ≤ %s%s (%s %s, %s %s, %s %s)", Subject(r),
			sc.minName, sc.desiredName, sc.maxName, sc.where, sc.minName, relNum(min), sc.desiredName, relNum(desired), sc.maxName, relNum(max)))
	case !hasDesired && !(0 <= min && min <= max):
		out = append(out, Violation(r, "%s must keep 0 ≤ %s ≤ %s%s (%s %s, %s %s)", Subject(r),
			sc.minName, sc.maxName, sc.where, sc.minName, relNum(min), sc.maxName, relNum(max)))
	}
	if max < 1 {
		out = append(out, Violation(r, "%s must keep %s ≥ 1%s (%s %s)", Subject(r), sc.maxName, sc.where, sc.maxName, relNum(max)))
	}
	if sc.system && min < 1 {
		out = append(out, Violation(r, "%s must keep %s ≥ 1 on a system pool%s (%s %s)", Subject(r), sc.minName, sc.where, sc.minName, relNum(min)))
	}
	return out
}
