package rules

import (
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// network-exposure

// wlSystemNamespaces are Kubernetes' own; the platform adds no policies there.
var wlSystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

func wlCheckExposure(s *Stack) []Finding {
	var out []Finding
	denyIn, denyOut := map[string]bool{}, map[string]bool{}
	var unknownPolicy *Finding
	for _, np := range s.ByType(wlNetworkPolicy) {
		ns, known := wlNamespaceOf(np, "metadata.namespace")
		u := wlFirstUnknown(wlAt(np.Inputs, "spec"), "spec")
		if !known {
			u = "metadata.namespace"
		}
		if u != "" {
			if unknownPolicy == nil {
				f := CannotVerify(np, u)
				unknownPolicy = &f
			}
			continue
		}
		spec := wlMap(wlAt(np.Inputs, "spec"))
		sel := wlMap(spec["podSelector"])
		if len(wlMap(sel["matchLabels"])) > 0 || len(wlList(sel["matchExpressions"])) > 0 {
			continue
		}
		types := props.Strings(spec["policyTypes"])
		if slices.Contains(types, "Ingress") && len(wlList(spec["ingress"])) == 0 {
			denyIn[ns] = true
		}
		if slices.Contains(types, "Egress") && len(wlList(spec["egress"])) == 0 {
			denyOut[ns] = true
		}
	}
	const deny = "a default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no rules)"
	seen := map[string]bool{}
	for _, ns := range s.ByType(wlNamespace) {
		name, _ := ns.Get("metadata.name")
		switch n := wlStr(name); {
		case props.HasUnknown(name):
			out = append(out, CannotVerify(ns, "metadata.name"))
		case denyIn[n] && denyOut[n] || slices.Contains(wlSystemNamespaces, n):
		case unknownPolicy != nil:
			out = append(out, *unknownPolicy)
		default:
			out = append(out, Violation(ns, "%s must have %s", Subject(ns), deny))
		}
		seen[wlStr(name)] = true
	}
	// Workloads in namespaces the stack does not create.
	for _, w := range wlWorkloadNamespaces(s) {
		if seen[w.ns] || denyIn[w.ns] && denyOut[w.ns] || slices.Contains(wlSystemNamespaces, w.ns) {
			continue
		}
		seen[w.ns] = true
		if unknownPolicy != nil {
			out = append(out, *unknownPolicy)
			continue
		}
		out = append(out, Violation(w.r, "%s must run in a namespace with %s: namespace %q has none", Subject(w.r), deny, w.ns))
	}
	for _, r := range s.Resources {
		switch r.Type {
		case wlService:
			out = append(out, wlLoadBalancer(r, "spec.type", "metadata.annotations", "ClusterIP")...)
		case wlEnvoyProxy: // Envoy Gateway's default Service is a LoadBalancer
			out = append(out, wlLoadBalancer(r, "spec.provider.kubernetes.envoyService.type", "spec.provider.kubernetes.envoyService.annotations", "LoadBalancer")...)
		case wlIngress:
			out = append(out, wlIngressTLS(r)...)
		}
	}
	return out
}

type wlPlaced struct {
	r  *Resource
	ns string
}

// wlWorkloadNamespaces are the namespaces pods and Helm releases run in,
// each with the first resource found there.
func wlWorkloadNamespaces(s *Stack) []wlPlaced {
	var out []wlPlaced
	for _, p := range wlPods(s) {
		if !p.nsUnknown {
			out = append(out, wlPlaced{p.r, p.namespace})
		}
	}
	for _, r := range s.ByType(wlRelease) {
		if ns, known := wlNamespaceOf(r, "namespace"); known {
			out = append(out, wlPlaced{r, ns})
		}
	}
	return out
}

// Annotations that make a cloud load balancer internal.
var wlInternalLB = map[string]string{
	"service.beta.kubernetes.io/aws-load-balancer-scheme":     "internal",
	"service.beta.kubernetes.io/aws-load-balancer-internal":   "true",
	"service.beta.kubernetes.io/azure-load-balancer-internal": "true",
}

func wlLoadBalancer(r *Resource, typePath, annPath, def string) []Finding {
	v, ok := r.Get(typePath)
	if _, u := v.(props.Unknown); u {
		return []Finding{CannotVerify(r, typePath)}
	}
	typ := wlStr(v)
	if !ok {
		typ = def
	}
	if typ != "LoadBalancer" {
		return nil
	}
	ann, unknown := props.StringMap(wlAt(r.Inputs, annPath))
	for k, want := range wlInternalLB {
		if ann[k] == want {
			return nil
		}
	}
	if unknown {
		return []Finding{CannotVerify(r, annPath)}
	}
	return []Finding{Violation(r, "%s must make its LoadBalancer internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal on EKS, service.beta.kubernetes.io/azure-load-balancer-internal: \"true\" on AKS); a public one needs a waiver", Subject(r))}
}

func wlIngressTLS(r *Resource) []Finding {
	if u := wlFirstUnknown(wlAt(r.Inputs, "spec"), "spec"); u != "" {
		return []Finding{CannotVerify(r, u)}
	}
	tls := wlList(wlAt(r.Inputs, "spec.tls"))
	if len(tls) == 0 {
		return []Finding{Violation(r, "%s must terminate TLS: spec.tls is empty", Subject(r))}
	}
	var hosts []string
	for _, t := range tls {
		hosts = append(hosts, props.Strings(wlAt(t, "hosts"))...)
	}
	var out []Finding
	for _, rule := range wlList(wlAt(r.Inputs, "spec.rules")) {
		h := wlStr(wlAt(rule, "host"))
		if h == "" || slices.Contains(hosts, h) {
			continue
		}
		if _, rest, ok := strings.Cut(h, "."); ok && slices.Contains(hosts, "*."+rest) {
			continue
		}
		out = append(out, Violation(r, "%s must list host %q in spec.tls", Subject(r), h))
	}
	return out
}

// ci-runner-isolation

// Legacy ARC (summerwind) kinds and where their ephemeral flag is.
var wlLegacyRunners = map[string]string{
	tokens.K8sSummerwindRunner:           "spec.ephemeral",
	tokens.K8sSummerwindRunnerSet:        "spec.ephemeral",
	tokens.K8sSummerwindRunnerDeployment: "spec.template.spec.ephemeral",
	tokens.K8sSummerwindRunnerReplicaSet: "spec.template.spec.ephemeral",
}

func wlCheckRunners(s *Stack) []Finding {
	var out []Finding
	pods := wlPods(s)
	groups := wlGroups(s)
	nss := wlNamespaces(s)
	dind := map[string]bool{} // runner namespaces with a dind set
	var runnerNS []string
	for _, r := range s.Resources {
		if p := wlLegacyRunners[r.Type]; p != "" {
			v, _ := r.Get(p)
			if _, u := v.(props.Unknown); u {
				out = append(out, CannotVerify(r, p))
			} else if b, ok := v.(bool); ok && !b {
				out = append(out, Violation(r, "%s must keep its runners ephemeral: ephemeral: false reuses a runner, and what a job left on it, for the next job", Subject(r)))
			}
			continue
		}
		if !wlIsScaleSet(r) {
			continue
		}
		ns, known := wlNamespaceOf(r, "namespace")
		if !known {
			out = append(out, CannotVerify(r, "namespace"))
			continue
		}
		if ns == "default" {
			out = append(out, Violation(r, "%s must run in a namespace of its own, not default", Subject(r)))
		}
		if !slices.Contains(runnerNS, ns) {
			runnerNS = append(runnerNS, ns)
		}
		v, _ := r.Get("values.containerMode.type")
		mode := wlStr(v)
		switch _, u := v.(props.Unknown); {
		case u:
			out = append(out, CannotVerify(r, "values.containerMode.type"))
		case mode == "kubernetes":
			for _, p := range pods {
				if p.r.Type == wlConfigMap && p.runner != nil && p.runner.r == r && p.invalid != "" {
					out = append(out, Violation(p.r, "%s must hold a valid job pod template in %s: %s", Subject(p.r), strings.TrimPrefix(p.path, "data."), p.invalid))
				}
			}
		case mode == "dind":
			dind[ns] = true
			out = append(out, Violation(r, "%s must run its jobs in kubernetes container mode: dind runs a privileged Docker daemon beside every job (waive it only for a set on a tainted node group of its own)", Subject(r)))
			out = append(out, wlIsolatedPool(r, groups)...)
		case mode == "":
			out = append(out, Violation(r, "%s must set containerMode.type to kubernetes: without a container mode, jobs run inside the runner container", Subject(r)))
		default:
			out = append(out, Violation(r, "%s must set containerMode.type to kubernetes, not %q", Subject(r), mode))
		}
	}
	for _, ns := range runnerNS {
		if n := nss[ns]; n != nil && !dind[ns] {
			labels, _ := props.StringMap(wlAt(n.Inputs, "metadata.labels"))
			if lvl := labels[wlEnforceLabel]; lvl != "" && lvl != "restricted" {
				out = append(out, Violation(n, "%s must enforce Pod Security restricted: no runner set in it runs dind (it enforces %s)", Subject(n), lvl))
			}
		}
		for _, p := range pods {
			if p.namespace == ns && !p.nsUnknown && !wlIsScaleSet(p.r) && p.runner == nil {
				out = append(out, Violation(p.r, "%s must not run in the runner namespace %s: CI jobs share it", Subject(p.r), ns))
			}
		}
	}
	return out
}

// wlIsolatedPool checks that a dind set is pinned to a node group with a
// taint of its own (not the GPU taint every GPU group shares) it tolerates.
func wlIsolatedPool(r *Resource, groups map[string]wlGroup) []Finding {
	sel, _ := props.StringMap(wlAt(r.Inputs, "values.template.spec.nodeSelector"))
	name, ok := sel[nodes.LabelNodeGroup]
	if !ok {
		return []Finding{Violation(r, "%s must pin its dind runners to a node group of their own (nodeSelector %s)", Subject(r), nodes.LabelNodeGroup)}
	}
	g, ok := groups[name]
	if !ok {
		return []Finding{Violation(r, "%s must run its dind runners on a tainted node group of this stack: there is no node group %q", Subject(r), name)}
	}
	for _, t := range g.taints {
		if t.Key != nodes.GPUTaintKey {
			return nil
		}
	}
	return []Finding{Violation(r, "%s must run its dind runners on a tainted node group of their own: node group %q has no taint but the GPU one", Subject(r), name)}
}
