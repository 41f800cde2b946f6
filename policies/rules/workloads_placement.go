package rules

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// resources-and-gpu

// wlGroup is a node group or pool as the stack declares it.
type wlGroup struct {
	kind   string
	taints []nodes.Taint
}

var wlEKSEffects = map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}

// wlGroups are the stack's EKS node groups and AKS pools by their
// node-group label.
func wlGroups(s *Stack) map[string]wlGroup {
	out := map[string]wlGroup{}
	add := func(labels interface{}, taints []nodes.Taint) {
		l, _ := props.StringMap(labels)
		if name := l[nodes.LabelNodeGroup]; name != "" {
			out[name] = wlGroup{kind: l[nodes.LabelKind], taints: taints}
		}
	}
	for _, r := range s.Resources {
		switch {
		case r.Type == tokens.AWSEKSNodeGroup:
			var taints []nodes.Taint
			for _, t := range wlList(wlAt(r.Inputs, "taints")) {
				taints = append(taints, nodes.Taint{Key: wlStr(wlAt(t, "key")), Value: wlStr(wlAt(t, "value")), Effect: wlEKSEffects[wlStr(wlAt(t, "effect"))]})
			}
			add(wlAt(r.Inputs, "labels"), taints)
		case strings.HasPrefix(r.Type, "azure-native:containerservice") && strings.HasSuffix(r.Type, ":AgentPool"):
			add(wlAt(r.Inputs, "nodeLabels"), wlAKSTaints(wlAt(r.Inputs, "nodeTaints")))
		case strings.HasPrefix(r.Type, "azure-native:containerservice") && strings.HasSuffix(r.Type, ":ManagedCluster"):
			for _, pool := range wlList(wlAt(r.Inputs, "agentPoolProfiles")) {
				add(wlAt(pool, "nodeLabels"), wlAKSTaints(wlAt(pool, "nodeTaints")))
			}
		}
	}
	return out
}

// wlAKSTaints parses AKS taints (key=value:Effect).
func wlAKSTaints(v interface{}) []nodes.Taint {
	var out []nodes.Taint
	for _, s := range props.Strings(v) {
		kv, effect, _ := strings.Cut(s, ":")
		k, val, _ := strings.Cut(kv, "=")
		out = append(out, nodes.Taint{Key: k, Value: val, Effect: effect})
	}
	return out
}

// wlGPUs reports whether any container requests or limits GPUs.
func wlGPUs(p *wlPod) bool {
	for _, c := range p.containers {
		for _, k := range []string{"requests", "limits"} {
			if _, ok := wlMap(wlAt(c.spec, "resources."+k))[nodes.GPUResource]; ok {
				return true
			}
		}
	}
	return false
}

// wlTolerates reports whether a pod's tolerations admit it onto a taint
// (a key-less Exists toleration admits every taint).
func wlTolerates(p *wlPod, t nodes.Taint) bool {
	for _, tol := range wlList(p.spec["tolerations"]) {
		key, op := wlStr(wlAt(tol, "key")), wlStr(wlAt(tol, "operator"))
		if effect := wlStr(wlAt(tol, "effect")); effect != "" && effect != t.Effect {
			continue
		}
		switch {
		case key == "" && op == "Exists":
			return true
		case key == t.Key && (op == "Exists" || wlStr(wlAt(tol, "value")) == t.Value):
			return true
		}
	}
	return false
}

// wlSelectsGPU reports whether a pod's node selector or required node
// affinity keeps it on GPU nodes; bad names a selected group without GPUs.
func wlSelectsGPU(p *wlPod, groups map[string]wlGroup) (ok bool, bad string) {
	gpuGroup := func(name string) bool {
		g, known := groups[name]
		if known && g.kind != nodes.KindGPU {
			bad = name
			return false
		}
		return true
	}
	sel, _ := props.StringMap(p.spec["nodeSelector"])
	if g, has := sel[nodes.LabelNodeGroup]; has {
		return gpuGroup(g), bad
	}
	if sel[nodes.LabelKind] == nodes.KindGPU || sel[nodes.LabelGPUPresent] == "true" {
		return true, ""
	}
	terms := wlList(wlAt(p.spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"))
	for _, term := range terms {
		termOK := false
		for _, e := range wlList(wlAt(term, "matchExpressions")) {
			key, values := wlStr(wlAt(e, "key")), props.Strings(wlAt(e, "values"))
			if wlStr(wlAt(e, "operator")) != "In" || len(values) == 0 {
				continue
			}
			switch key {
			case nodes.LabelKind:
				termOK = termOK || !slices.ContainsFunc(values, func(v string) bool { return v != nodes.KindGPU })
			case nodes.LabelGPUPresent:
				termOK = termOK || !slices.ContainsFunc(values, func(v string) bool { return v != "true" })
			case nodes.LabelNodeGroup:
				termOK = termOK || !slices.ContainsFunc(values, func(v string) bool { return !gpuGroup(v) })
			}
		}
		if !termOK {
			return false, bad
		}
	}
	return len(terms) > 0, bad
}

func wlCheckResources(s *Stack) []Finding {
	var out []Finding
	groups := wlGroups(s)
	for _, p := range wlPods(s) {
		if p.invalid != "" {
			continue
		}
		if u := p.unknownIn([]string{"tolerations", "nodeSelector", "affinity"}, []string{"resources"}); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		for _, c := range p.containers {
			if c.kind == "ephemeral container" {
				continue // ephemeral containers take no resources
			}
			res := wlMap(c.spec["resources"])
			var missing []string
			for _, f := range []string{"requests.cpu", "requests.memory", "limits.memory"} {
				if _, ok := lookup(res, f); !ok {
					missing = append(missing, "resources."+f)
				}
			}
			if len(missing) > 0 {
				out = append(out, Violation(p.r, "%s must set %s on %s", Subject(p.r), strings.Join(missing, ", "), p.of(c)))
			}
			_, requests := wlMap(res["requests"])[nodes.GPUResource]
			if _, limits := wlMap(res["limits"])[nodes.GPUResource]; requests && !limits {
				out = append(out, Violation(p.r, "%s must set %s in resources.limits on %s", Subject(p.r), nodes.GPUResource, p.of(c)))
			}
		}
		if p.job != nil && p.job.unknownIn(nil, []string{"resources"}) != "" {
			continue // whether the set takes GPUs is reported on its job template
		}
		// A runner pod is part of a GPU workload when its job pod takes GPUs:
		// it must land on the GPU node the job pod follows it to.
		gpu := wlGPUs(p) || p.job != nil && wlGPUs(p.job)
		tolerates := wlTolerates(p, nodes.GPUTaint)
		switch {
		case gpu && !tolerates:
			out = append(out, Violation(p.r, "%s must tolerate the GPU taint %s%s", Subject(p.r), nodes.GPUTaint, p.in()))
		case !gpu && tolerates && p.r.Type != wlDaemonSet: // node agents run on every node
			out = append(out, Violation(p.r, "%s must not tolerate the GPU taint %s%s: it takes no GPUs", Subject(p.r), nodes.GPUTaintKey, p.in()))
		}
		if gpu && p.runner == nil { // a job pod lands on its runner's node
			if ok, bad := wlSelectsGPU(p, groups); !ok && bad != "" {
				out = append(out, Violation(p.r, "%s must select GPU nodes%s: node group %q has no GPUs", Subject(p.r), p.in(), bad))
			} else if !ok {
				out = append(out, Violation(p.r, "%s must select GPU nodes%s (nodeSelector %s of a GPU group, or %s: %s)", Subject(p.r), p.in(), nodes.LabelNodeGroup, nodes.LabelKind, nodes.KindGPU))
			}
		}
	}
	return out
}

// image-provenance

var wlECRHost = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// wlRegistries are the stack's own registries: ECR repository names and
// ACR hosts; unknown names the first whose name is not known yet.
type wlRegistries struct {
	ecr, acr map[string]bool
	// bases are the stacks a namespace preview deploys onto (its
	// StackReferences): their registries count as the preview's own.
	bases   []string
	unknown *Resource
	what    string
}

func wlOwnRegistries(s *Stack) wlRegistries {
	out := wlRegistries{ecr: map[string]bool{}, acr: map[string]bool{}}
	note := func(r *Resource, p string) string {
		v, _ := r.Get(p)
		if _, u := v.(props.Unknown); u && out.unknown == nil {
			out.unknown, out.what = r, p
		}
		return wlStr(v)
	}
	for _, r := range s.Resources {
		switch {
		case r.Type == tokens.AWSECRRepository:
			out.ecr[note(r, "name")] = true
		case strings.HasPrefix(r.Type, "azure-native:containerregistry") && strings.HasSuffix(r.Type, ":Registry"):
			out.acr[strings.ToLower(note(r, "registryName"))+".azurecr.io"] = true
		case r.Type == tokens.PulumiStackReference:
			out.bases = append(out.bases, path.Base(r.Name))
		}
	}
	return out
}

// wlSplitImage splits an image reference into host, repository path, tag
// and digest; a reference without a host is on Docker Hub.
func wlSplitImage(ref string) (host, repo, tag, digest string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	host, repo = "docker.io", ref
	if first, rest, ok := strings.Cut(ref, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		host, repo = first, rest
	}
	return host, repo, tag, digest
}

func (g wlRegistries) allows(host, repo string) bool {
	// A base stack's repositories live under its name (ECR) or in a
	// registry named after it (ACR: acr<stack without dashes><hash>).
	for _, base := range g.bases {
		switch {
		case wlECRHost.MatchString(host) && strings.HasPrefix(repo, base+"/"):
			return true
		case strings.HasSuffix(host, ".azurecr.io") && strings.HasPrefix(host, "acr"+strings.ReplaceAll(base, "-", "")):
			return true
		}
	}
	switch {
	case wlECRHost.MatchString(host):
		return g.ecr[repo]
	case strings.HasSuffix(host, ".azurecr.io"):
		return g.acr[host]
	}
	return slices.Contains(wlUpstreamRepos, host+"/"+repo)
}

func wlCheckImages(s *Stack) []Finding {
	var out []Finding
	own := wlOwnRegistries(s)
	for _, p := range wlPods(s) {
		if u := p.unknownIn(nil, []string{"image"}); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		for _, c := range p.containers {
			ref := wlStr(c.spec["image"])
			if ref == "" {
				continue // the chart or the hooks fill it in (ARC's job pod)
			}
			host, repo, tag, digest := wlSplitImage(ref)
			switch {
			case tag == "" && digest == "":
				out = append(out, Violation(p.r, "%s must pin a tag or digest for image %q on %s", Subject(p.r), ref, p.of(c)))
			case tag == "latest" && digest == "":
				out = append(out, Violation(p.r, "%s must not use the latest tag for image %q on %s", Subject(p.r), ref, p.of(c)))
			}
			if own.allows(host, repo) {
				continue
			}
			if own.unknown != nil {
				out = append(out, CannotVerify(own.unknown, own.what))
				continue
			}
			out = append(out, Violation(p.r, "%s must pull image %q on %s from the stack's own registry (its ECR repositories or container registry) or a pinned upstream image (%s)",
				Subject(p.r), ref, p.of(c), strings.Join(wlUpstreamRepos, ", ")))
		}
	}
	return out
}
