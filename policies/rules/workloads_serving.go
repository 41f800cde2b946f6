package rules

import (
	"slices"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// serving-availability

func wlCheckServing(s *Stack) []Finding {
	var out []Finding
	for _, p := range wlPods(s) {
		if p.component == "" {
			continue
		}
		podKeys := []string(nil)
		if s.IsProd() {
			podKeys = []string{"minReplicas", "topologySpreadConstraints", "affinity", "labels"}
		}
		if u := p.unknownIn(podKeys, []string{"readinessProbe"}); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		for _, c := range p.containers {
			// KServe gives kserve-container a TCP readiness probe on its port
			// when it declares none; other containers get nothing.
			if c.name != wlKServeMain && c.spec["readinessProbe"] == nil {
				out = append(out, Violation(p.r, "%s must declare a readinessProbe on %s", Subject(p.r), p.of(c)))
			}
		}
		if !s.IsProd() {
			continue
		}
		minReplicas := 1.0 // KServe's default
		if n, ok := props.Unwrap(p.spec["minReplicas"]).(float64); ok {
			minReplicas = n
		}
		if minReplicas < 2 {
			out = append(out, Violation(p.r, "%s must run at least 2 replicas of %s in prod (minReplicas is %s)", Subject(p.r), p.part, wlNum(minReplicas)))
		}
		switch pdb, f := wlPDBFor(s, p); {
		case f != nil:
			out = append(out, *f)
		case pdb == nil:
			out = append(out, Violation(p.r, "%s must have a PodDisruptionBudget selecting the %s's pods in prod (none in namespace %s does)", Subject(p.r), p.component, p.namespace))
		}
		spread := len(wlList(p.spec["topologySpreadConstraints"])) > 0 || len(wlMap(wlAt(p.spec, "affinity.podAntiAffinity"))) > 0
		if !spread {
			out = append(out, Violation(p.r, "%s must spread the %s's replicas across nodes in prod (topologySpreadConstraints or pod anti-affinity)", Subject(p.r), p.component))
		}
	}
	return out
}

// wlPDBFor finds a PodDisruptionBudget selecting an InferenceService
// component's pods, which KServe labels with the service and component.
func wlPDBFor(s *Stack, p *wlPod) (*Resource, *Finding) {
	name, ok := p.r.Get("metadata.name")
	if _, u := name.(props.Unknown); u || !ok {
		f := CannotVerify(p.r, "metadata.name")
		return nil, &f
	}
	if p.nsUnknown {
		f := CannotVerify(p.r, "metadata.namespace")
		return nil, &f
	}
	labels, _ := props.StringMap(wlAt(p.r.Inputs, "metadata.labels"))
	own, _ := props.StringMap(p.spec["labels"])
	for k, v := range own {
		labels[k] = v
	}
	isvc := wlStr(name)
	labels["serving.kserve.io/inferenceservice"] = isvc
	labels["component"] = p.component
	labels["app"] = "isvc." + isvc + "-" + p.component
	idx := wlPDBs(s)
	var unknown *Finding
	if idx.unknown != nil {
		f := *idx.unknown
		unknown = &f
	}
	// The budgets that select this InferenceService by name, then those
	// that do not name one, in the stack's order within each.
	for _, group := range [][]wlParsedPDB{idx.byModel[p.namespace+"/"+isvc], idx.anyModel[p.namespace]} {
		for _, pdb := range group {
			if pdb.hasSelector && wlSelects(pdb.selector, labels) {
				return pdb.r, nil
			}
		}
	}
	return nil, unknown
}

// wlPDBIndex holds the stack's PodDisruptionBudgets as wlPDBFor reads them:
// the finding for the first one not known yet, and the known ones by
// namespace, split by whether
// their selector names an InferenceService (matchLabels
// serving.kserve.io/inferenceservice), so finding a model's budget does not
// read every other model's.
type wlPDBIndex struct {
	unknown  *Finding
	byModel  map[string][]wlParsedPDB // by "<namespace>/<isvc>"
	anyModel map[string][]wlParsedPDB // by namespace
}

// wlParsedPDB is a PodDisruptionBudget as wlPDBFor reads it.
type wlParsedPDB struct {
	r           *Resource
	selector    map[string]interface{}
	hasSelector bool
}

// wlPDBs reads the stack's PodDisruptionBudgets once: wlPDBFor runs for
// every model, and reading each budget again each time made a plan
// quadratic in its models.
func wlPDBs(s *Stack) *wlPDBIndex {
	return s.memo("pdbs", func() any {
		idx := &wlPDBIndex{byModel: map[string][]wlParsedPDB{}, anyModel: map[string][]wlParsedPDB{}}
		for _, pdb := range s.ByType(wlPDB) {
			ns, known := wlNamespaceOf(pdb, "metadata.namespace")
			sel, hasSel := pdb.Get("spec.selector")
			u := wlFirstUnknown(sel, "spec.selector")
			if !known {
				u = "metadata.namespace"
			}
			parsed := wlParsedPDB{r: pdb, selector: wlMap(sel), hasSelector: hasSel}
			match, _ := props.StringMap(parsed.selector["matchLabels"])
			switch isvc, named := match["serving.kserve.io/inferenceservice"]; {
			case u != "":
				if idx.unknown == nil {
					f := CannotVerify(pdb, u)
					idx.unknown = &f
				}
			case named:
				idx.byModel[ns+"/"+isvc] = append(idx.byModel[ns+"/"+isvc], parsed)
			default:
				idx.anyModel[ns] = append(idx.anyModel[ns], parsed)
			}
		}
		return idx
	}).(*wlPDBIndex)
}

// wlSelects evaluates a label selector (an empty one selects everything).
func wlSelects(sel map[string]interface{}, labels map[string]string) bool {
	match, _ := props.StringMap(sel["matchLabels"])
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	for _, e := range wlList(sel["matchExpressions"]) {
		v, has := labels[wlStr(wlAt(e, "key"))]
		in := slices.Contains(props.Strings(wlAt(e, "values")), v)
		switch wlStr(wlAt(e, "operator")) {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}

// sa-rbac-hygiene

func wlCheckRBAC(s *Stack) []Finding {
	var out []Finding
	bound, unknownBinding := wlBoundAccounts(s)
	accounts := map[string]*Resource{}
	for _, sa := range s.ByType(wlServiceAccount) {
		ns, _ := wlNamespaceOf(sa, "metadata.namespace")
		accounts[ns+"/"+sa.Str("metadata.name")] = sa
	}
	for _, p := range wlPods(s) {
		if p.invalid != "" {
			continue
		}
		if u := p.unknownIn([]string{"serviceAccountName", "serviceAccount", "automountServiceAccountToken"}, nil); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		sa := wlStr(p.spec["serviceAccountName"])
		if sa == "" {
			sa = wlStr(p.spec["serviceAccount"])
		}
		if sa == "" || sa == "default" {
			out = append(out, Violation(p.r, "%s must name a service account other than default%s", Subject(p.r), p.in()))
		}
		mount, set := props.Unwrap(p.spec["automountServiceAccountToken"]).(bool)
		switch {
		case p.runner != nil && (!set || mount):
			// The runner pod drives the API; the job runs the workflow's code.
			out = append(out, Violation(p.r, "%s must set automountServiceAccountToken to false%s: job code needs no Kubernetes API token (the runner pod drives the API)", Subject(p.r), p.in()))
		case set && mount && accounts[p.namespace+"/"+sa] != nil && !bound[p.namespace+"/"+sa] && !p.nsUnknown:
			out = append(out, Violation(p.r, "%s must not mount a service account token%s: service account %q has no role binding in the stack", Subject(p.r), p.in(), sa))
		}
	}
	for _, r := range s.Resources {
		switch r.Type {
		case wlServiceAccount:
			out = append(out, wlAccountToken(r, bound, unknownBinding)...)
		case wlRBAC + "Role", wlRBAC + "ClusterRole":
			if r.IsUnknown("rules") {
				out = append(out, CannotVerify(r, "rules"))
				continue
			}
			for i, rule := range wlList(wlAt(r.Inputs, "rules")) {
				if slices.Contains(props.Strings(wlAt(rule, "verbs")), "*") {
					out = append(out, Violation(r, "%s must not grant every verb (\"*\") in rules[%d]", Subject(r), i))
				}
				if slices.Contains(props.Strings(wlAt(rule, "resources")), "*") {
					out = append(out, Violation(r, "%s must not grant every resource (\"*\") in rules[%d]", Subject(r), i))
				}
			}
		case wlRBAC + "RoleBinding", wlRBAC + "ClusterRoleBinding":
			if u := wlFirstUnknown(wlAt(r.Inputs, "roleRef"), "roleRef"); u != "" {
				out = append(out, CannotVerify(r, u))
			} else if r.Str("roleRef.kind") == "ClusterRole" && r.Str("roleRef.name") == "cluster-admin" {
				out = append(out, Violation(r, "%s must not bind cluster-admin", Subject(r)))
			}
			for _, sub := range wlList(wlAt(r.Inputs, "subjects")) {
				if wlStr(wlAt(sub, "kind")) == "Group" && wlStr(wlAt(sub, "name")) == "system:masters" {
					out = append(out, Violation(r, "%s must not bind the group system:masters", Subject(r)))
				}
			}
		}
	}
	return out
}

// wlBoundAccounts are the service accounts (namespace/name) some role
// binding names; unknown is a binding whose subjects are not known yet.
func wlBoundAccounts(s *Stack) (map[string]bool, *Resource) {
	bound := map[string]bool{}
	var unknown *Resource
	for _, b := range s.ByType(wlRBAC+"RoleBinding", wlRBAC+"ClusterRoleBinding") {
		if b.IsUnknown("subjects") && unknown == nil {
			unknown = b
		}
		ns, _ := wlNamespaceOf(b, "metadata.namespace")
		for _, sub := range wlList(wlAt(b.Inputs, "subjects")) {
			if wlStr(wlAt(sub, "kind")) != "ServiceAccount" {
				continue
			}
			subNS := wlStr(wlAt(sub, "namespace"))
			if subNS == "" {
				subNS = ns
			}
			bound[subNS+"/"+wlStr(wlAt(sub, "name"))] = true
		}
	}
	return bound, unknown
}

// wlAccountToken checks that a service account no binding needs does not
// automount its token.
func wlAccountToken(sa *Resource, bound map[string]bool, unknownBinding *Resource) []Finding {
	v, _ := sa.Get("automountServiceAccountToken")
	if _, u := v.(props.Unknown); u {
		return []Finding{CannotVerify(sa, "automountServiceAccountToken")}
	}
	if b, ok := v.(bool); ok && !b {
		return nil
	}
	ns, known := wlNamespaceOf(sa, "metadata.namespace")
	name, _ := sa.Get("metadata.name")
	switch {
	case !known:
		return []Finding{CannotVerify(sa, "metadata.namespace")}
	case props.HasUnknown(name):
		return []Finding{CannotVerify(sa, "metadata.name")}
	case bound[ns+"/"+wlStr(name)]:
		return nil
	case unknownBinding != nil:
		return []Finding{CannotVerify(unknownBinding, "subjects")}
	}
	return []Finding{Violation(sa, "%s must set automountServiceAccountToken to false: no role binding in the stack gives it API access", Subject(sa))}
}
