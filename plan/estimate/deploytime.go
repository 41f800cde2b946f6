package estimate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
)

// DeployTime is the deploy-time model of a plan: every resource takes its
// reference duration and starts when everything it waits for has finished,
// so the stack is ready after the longest chain of waits, the critical path.
// It assumes the engine runs every ready resource at once (Pulumi's default
// parallelism is far above the width of these stacks).
type DeployTime struct {
	// DurationsAsOf is when the catalogue's reference durations were gathered.
	DurationsAsOf string `json:"durationsAsOf"`
	// TotalSeconds is the length of the critical path: the estimated time
	// of a first `pulumi up`.
	TotalSeconds int `json:"totalSeconds"`
	// SerialSeconds is the sum of every resource's duration: what the
	// deploy would take one resource at a time.
	SerialSeconds int `json:"serialSeconds"`
	// CriticalPath lists the chain that decides TotalSeconds, first to last.
	CriticalPath []Step `json:"criticalPath"`
}

// Step is one resource on the critical path.
type Step struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Name string `json:"name"`
	// Seconds is the resource's reference duration.
	Seconds int `json:"seconds"`
	// StartSeconds and FinishSeconds are offsets from the start of the deploy.
	StartSeconds  int `json:"startSeconds"`
	FinishSeconds int `json:"finishSeconds"`
	// Source is where the duration comes from: the catalogue row's source,
	// or "default" for an unlisted type.
	Source string `json:"source"`
}

// EstimateDeployTime computes the critical path of resources with the
// catalogue's reference durations. A dependency on a component waits for
// every custom resource inside it, as the engine does; a resource also waits
// for its provider. It fails on a dependency cycle or a dependency on a
// resource that is not in the plan.
func EstimateDeployTime(resources []*plan.Resource, cat *catalog.Catalog) (DeployTime, error) {
	byURN := make(map[string]*plan.Resource, len(resources))
	children := map[string][]string{}
	for i := range resources {
		r := resources[i]
		byURN[r.URN] = r
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
	}
	// waits lists, per custom resource, the custom resources it waits for.
	waits := map[string][]string{}
	var missing []string
	var expand func(urn string, into map[string]bool)
	expand = func(urn string, into map[string]bool) {
		r, ok := byURN[urn]
		if !ok {
			missing = append(missing, urn)
			return
		}
		if !isComponent(r) {
			into[urn] = true
			return
		}
		for _, c := range children[urn] {
			expand(c, into)
		}
	}
	for _, r := range resources {
		if isComponent(r) {
			continue
		}
		set := map[string]bool{}
		for _, d := range r.DependsOn {
			expand(d, set)
		}
		if r.Provider != "" {
			// A provider reference is "<urn>::<id>" (or the bare URN).
			// Default providers are not registered in the plan; only
			// explicit ones are waited for.
			urn := r.Provider
			if _, ok := byURN[urn]; !ok {
				if i := strings.LastIndex(urn, "::"); i > 0 {
					urn = urn[:i]
				}
			}
			if _, ok := byURN[urn]; ok {
				set[urn] = true
			}
		}
		delete(set, r.URN)
		deps := make([]string, 0, len(set))
		for d := range set {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		waits[r.URN] = deps
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return DeployTime{}, fmt.Errorf("estimating deploy time: resources depend on URNs not in the plan: %s", strings.Join(missing, ", "))
	}

	// seconds and finish are each resource's duration and finish offset.
	seconds, finishAt, source := map[string]int{}, map[string]int{}, map[string]string{}
	for urn := range waits {
		seconds[urn], source[urn] = durationOf(byURN[urn], cat)
	}
	// Longest path over the DAG, memoised; state 1 marks a resource being
	// visited, so meeting it again is a cycle.
	state := map[string]int{}
	via := map[string]string{}
	var finish func(urn string, stack []string) error
	finish = func(urn string, stack []string) error {
		switch state[urn] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("estimating deploy time: dependency cycle: %s -> %s", strings.Join(stack, " -> "), urn)
		}
		state[urn] = 1
		start := 0
		for _, d := range waits[urn] {
			if err := finish(d, append(stack, urn)); err != nil {
				return err
			}
			// Ties go to the first URN in sorted order, so the path is stable.
			if f := finishAt[d]; f > start || via[urn] == "" {
				start, via[urn] = f, d
			}
		}
		finishAt[urn] = start + seconds[urn]
		state[urn] = 2
		return nil
	}
	urns := make([]string, 0, len(waits))
	for urn := range waits {
		urns = append(urns, urn)
	}
	sort.Strings(urns)
	dt := DeployTime{DurationsAsOf: cat.Durations.AsOf, CriticalPath: []Step{}}
	last := ""
	for _, urn := range urns {
		if err := finish(urn, nil); err != nil {
			return DeployTime{}, err
		}
		dt.SerialSeconds += seconds[urn]
		if f := finishAt[urn]; last == "" || f > finishAt[last] {
			last = urn
		}
	}
	for urn := last; urn != ""; urn = via[urn] {
		r := byURN[urn]
		f := finishAt[urn]
		dt.CriticalPath = append(dt.CriticalPath, Step{
			URN: urn, Type: r.Type, Name: r.Name, Seconds: seconds[urn],
			StartSeconds: f - seconds[urn], FinishSeconds: f, Source: source[urn],
		})
	}
	for i, j := 0, len(dt.CriticalPath)-1; i < j; i, j = i+1, j-1 {
		dt.CriticalPath[i], dt.CriticalPath[j] = dt.CriticalPath[j], dt.CriticalPath[i]
	}
	if last != "" {
		dt.TotalSeconds = finishAt[last]
	}
	return dt, nil
}

// durationOf returns a resource's reference seconds and their source.
func durationOf(r *plan.Resource, cat *catalog.Catalog) (int, string) {
	if strings.HasPrefix(r.Type, "pulumi:providers:") {
		// A provider instance is configuration: creating it calls no cloud.
		return 0, "provider"
	}
	chart := ""
	switch r.Type {
	case tokens.K8sHelmV3Release:
		chart = r.InString("chart")
		if i := strings.LastIndex(chart, "/"); i >= 0 {
			chart = chart[i+1:]
		}
	case tokens.AzureResourcesResource:
		// A generic ARM resource is timed by its kind.
		chart = r.InString("resourceProviderNamespace") + "/" + r.InString("resourceType")
	}
	secs, src, listed := cat.DurationOf(r.Type, chart, startsNodes(r) || keepsStandby(r))
	if !listed {
		return secs, "default"
	}
	return secs, src
}

// startsNodes reports whether a node group or pool waits for nodes when it
// is created: EKS groups with a desired size above zero, AKS pools with a
// count above zero.
func startsNodes(r *plan.Resource) bool {
	if n, ok := r.InNumber("scalingConfig.desiredSize"); ok {
		return n > 0
	}
	if n, ok := r.InNumber("count"); ok {
		return n > 0
	}
	return false
}

// keepsStandby reports whether a database is created with a standby: RDS
// Multi-AZ, or a flexible server with zone-redundant high availability.
func keepsStandby(r *plan.Resource) bool {
	return r.In("multiAz") == true || r.InString("properties.highAvailability.mode") == "ZoneRedundant"
}

// isComponent reports whether the resource is a component (a grouping with
// nothing to create in the cloud) rather than a custom resource. It reads
// the type, so that it holds for a plan read back from JSON too.
func isComponent(r *plan.Resource) bool {
	return strings.HasPrefix(r.Type, "mlplatform:") || r.Type == tokens.PulumiStack
}
