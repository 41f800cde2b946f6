package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Kubernetes types the workload rules read.
const (
	wlNamespace        = "kubernetes:core/v1:Namespace"
	wlConfigMap        = "kubernetes:core/v1:ConfigMap"
	wlServiceAccount   = "kubernetes:core/v1:ServiceAccount"
	wlService          = "kubernetes:core/v1:Service"
	wlDaemonSet        = "kubernetes:apps/v1:DaemonSet"
	wlNetworkPolicy    = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	wlIngress          = "kubernetes:networking.k8s.io/v1:Ingress"
	wlPDB              = "kubernetes:policy/v1:PodDisruptionBudget"
	wlRelease          = "kubernetes:helm.sh/v3:Release"
	wlInferenceService = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
	wlEnvoyProxy       = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"
	wlRBAC             = "kubernetes:rbac.authorization.k8s.io/v1:"
)

const (
	wlEnforceLabel = "pod-security.kubernetes.io/enforce"
	// wlPSSReason is baseline.AnnotationPSSReason (a test keeps them equal):
	// a namespace below restricted says why in it.
	wlPSSReason = "mlplatform.pangea.ai/pod-security-reason"
	// wlKServeMain is the container KServe builds from a component's model
	// or explainer spec.
	wlKServeMain     = "kserve-container"
	wlAllowedVolumes = "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret"
)

// wlPodSpecPaths are the standard pod-bearing kinds and where their pod spec is.
var wlPodSpecPaths = map[string]string{
	"kubernetes:core/v1:Pod":                   "spec",
	"kubernetes:core/v1:PodTemplate":           "template.spec",
	"kubernetes:core/v1:ReplicationController": "spec.template.spec",
	"kubernetes:apps/v1:Deployment":            "spec.template.spec",
	"kubernetes:apps/v1:StatefulSet":           "spec.template.spec",
	"kubernetes:apps/v1:DaemonSet":             "spec.template.spec",
	"kubernetes:apps/v1:ReplicaSet":            "spec.template.spec",
	"kubernetes:batch/v1:Job":                  "spec.template.spec",
	"kubernetes:batch/v1:CronJob":              "spec.jobTemplate.spec.template.spec",
}

// wlInlineContainers are the fields of an InferenceService component that
// KServe turns into its kserve-container.
var wlInlineContainers = map[string][]string{
	"predictor":   {"model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "lightgbm", "paddle", "pmml"},
	"explainer":   {"art", "alibi"},
	"transformer": nil,
}

// wlUpstreamRepos are the upstream images the toolkit itself writes into
// pod templates (the ARC runner); every other image comes from the stack's
// own registry.
var wlUpstreamRepos = []string{"ghcr.io/actions/actions-runner"}

func workloadRules() []Rule {
	return []Rule{
		{ID: "pss-restricted", Category: Workloads, Kind: Fixed,
			Description: "Checks whether pod templates meet Pod Security \"restricted\" and namespaces carry pod-security.kubernetes.io/enforce, a namespace below restricted giving its reason in mlplatform.pangea.ai/pod-security-reason (its pods then meet its own level).",
			Resources:   "pod-bearing kinds (workloads, InferenceService components, ARC runner and job pods), namespaces", Mirrors: "PSS restricted, CIS 4.2.x, kube-linter",
			Check: wlCheckPSS},
		{ID: "resources-and-gpu", Category: Workloads, Kind: Fixed,
			Description: "Checks whether containers request CPU and memory and limit memory, GPU containers limit nvidia.com/gpu, GPU pods tolerate the GPU taint and select GPU nodes, and other pods never tolerate the GPU taint.",
			Resources:   "pod-bearing kinds", Mirrors: "kube-score container-resources",
			Check: wlCheckResources},
		{ID: "image-provenance", Category: Workloads, Kind: Fixed,
			Description: "Checks whether container images pin a tag other than latest (or a digest) and come from the stack's own registry or an upstream image the toolkit pins.",
			Resources:   "containers", Mirrors: "kube-linter latest-tag, CIS 5.1.4",
			Check: wlCheckImages},
		{ID: "serving-availability", Category: Workloads, Kind: ProdOnly,
			Description: "Checks whether model-serving and explainer containers declare readiness probes and, in prod, run at least 2 replicas spread across nodes under a PodDisruptionBudget.",
			Resources:   "InferenceService predictors, explainers and transformers; PodDisruptionBudgets", Mirrors: "kube-score probes, PDB checks",
			Check: wlCheckServing},
		{ID: "sa-rbac-hygiene", Category: Workloads, Kind: Fixed,
			Description: "Checks whether pods name their own service account, tokens are mounted only where a role binding needs them, no binding grants cluster-admin and no role grants every verb or resource.",
			Resources:   "service accounts, roles, bindings, pods", Mirrors: "kube-linter, CIS 4.1.x",
			Check: wlCheckRBAC},
		{ID: "network-exposure", Category: Workloads, Kind: Lowerable,
			Description: "Checks whether every workload namespace has a default-deny NetworkPolicy, load balancers are internal and Ingresses terminate TLS.",
			Resources:   "namespaces, NetworkPolicies, Services, EnvoyProxies, Ingresses", Mirrors: "kube-score pod-networkpolicy",
			Check: wlCheckExposure},
		{ID: "ci-runner-isolation", Category: Workloads, Kind: Fixed,
			Description: "Checks whether CI runner sets run jobs in kubernetes container mode (dind only on a tainted node group of its own, by waiver), keep runners ephemeral, and have a restricted namespace to themselves.",
			Resources:   "ARC runner scale sets, their job templates, namespace and node group; legacy ARC runners", Mirrors: "ARC hardening guidance",
			Check: wlCheckRunners},
	}
}

// Reading plain values.

func wlMap(v interface{}) map[string]interface{} {
	m, _ := unwrap(v).(map[string]interface{})
	return m
}

func wlList(v interface{}) []interface{} {
	l, _ := unwrap(v).([]interface{})
	return l
}

func wlStr(v interface{}) string {
	s, _ := unwrap(v).(string)
	return s
}

func wlAt(v interface{}, p string) interface{} {
	x, _ := Lookup(v, p)
	return x
}

func wlJoin(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// wlFirstUnknown is the path of the first unknown value inside v, "" if none.
func wlFirstUnknown(v interface{}, p string) string {
	switch t := unwrap(v).(type) {
	case Unknown:
		return p
	case map[string]interface{}:
		for _, k := range SortedKeys(t) {
			if u := wlFirstUnknown(t[k], wlJoin(p, k)); u != "" {
				return u
			}
		}
	case []interface{}:
		for i, e := range t {
			if u := wlFirstUnknown(e, fmt.Sprintf("%s[%d]", p, i)); u != "" {
				return u
			}
		}
	}
	return ""
}

// wlNum renders a number as Kubernetes writes it (1001, not 1001.000000).
func wlNum(n float64) string { return fmt.Sprintf("%g", n) }

// wlNamespaceOf is a Kubernetes object's namespace ("default" when unset).
func wlNamespaceOf(r *Resource, p string) (string, bool) {
	v, ok := r.Get(p)
	if _, unknown := v.(Unknown); unknown {
		return "", false
	}
	if s := wlStr(v); ok && s != "" {
		return s, true
	}
	return "default", true
}

// Pod templates.

// wlPod is one pod template: a standard workload's, one component of an
// InferenceService, or an ARC runner set's runner or job pod.
type wlPod struct {
	r *Resource
	// part names the pod within its resource in messages ("the predictor");
	// "" when the resource holds one pod.
	part string
	// path is the pod spec's input path, for unverifiable findings.
	path       string
	spec       map[string]interface{}
	containers []wlContainer
	// unknown are the paths of unknown structure: the spec, a container list.
	unknown   []string
	namespace string
	nsUnknown bool
	// component is the InferenceService component (predictor, explainer).
	component string
	// runner and job pair an ARC set's runner pod with its job pod template:
	// the job pod lands on the runner's node.
	runner, job *wlPod
	// invalid says why a job template could not be read.
	invalid string
}

type wlContainer struct {
	kind, name, path string
	spec             map[string]interface{}
}

func (p *wlPod) in() string {
	if p.part == "" {
		return ""
	}
	return " in " + p.part
}

func (p *wlPod) of(c wlContainer) string {
	s := c.kind + " " + c.name
	if p.part != "" {
		s += " of " + p.part
	}
	return s
}

// unknownIn is the first unknown a check reading these pod and container
// fields would meet, "" if none.
func (p *wlPod) unknownIn(podKeys, ctrKeys []string) string {
	if len(p.unknown) > 0 {
		return p.unknown[0]
	}
	for _, k := range podKeys {
		if u := wlFirstUnknown(p.spec[k], wlJoin(p.path, k)); u != "" {
			return u
		}
	}
	for _, c := range p.containers {
		for _, k := range ctrKeys {
			if u := wlFirstUnknown(c.spec[k], wlJoin(c.path, k)); u != "" {
				return u
			}
		}
	}
	return ""
}

// wlNewPod reads a pod spec at an input path; inline adds KServe's inline
// containers (the component's model or explainer spec) first.
func wlNewPod(r *Resource, part, p string, v interface{}, inline []string) *wlPod {
	pod := &wlPod{r: r, part: part, path: p}
	if _, ok := unwrap(v).(Unknown); ok {
		pod.unknown = append(pod.unknown, p)
		return pod
	}
	pod.spec = wlMap(v)
	if pod.spec == nil {
		pod.spec = map[string]interface{}{}
	}
	for _, k := range inline {
		c, ok := pod.spec[k]
		if !ok {
			continue
		}
		if _, u := unwrap(c).(Unknown); u {
			pod.unknown = append(pod.unknown, wlJoin(p, k))
			continue
		}
		pod.containers = append(pod.containers, wlContainer{kind: "container", name: wlKServeMain, path: wlJoin(p, k), spec: wlMap(c)})
	}
	for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
		kind := map[string]string{"initContainers": "init container", "containers": "container", "ephemeralContainers": "ephemeral container"}[key]
		lp := wlJoin(p, key)
		if _, u := unwrap(pod.spec[key]).(Unknown); u {
			pod.unknown = append(pod.unknown, lp)
			continue
		}
		for i, e := range wlList(pod.spec[key]) {
			cp := fmt.Sprintf("%s[%d]", lp, i)
			if _, u := unwrap(e).(Unknown); u {
				pod.unknown = append(pod.unknown, cp)
				continue
			}
			if _, u := unwrap(wlAt(e, "name")).(Unknown); u {
				pod.unknown = append(pod.unknown, wlJoin(cp, "name"))
				continue
			}
			pod.containers = append(pod.containers, wlContainer{kind: kind, name: wlStr(wlAt(e, "name")), path: cp, spec: wlMap(e)})
		}
	}
	return pod
}

// wlPods are the stack's pod templates, in stack order.
func wlPods(s *Stack) []*wlPod {
	var out []*wlPod
	for _, r := range s.Resources {
		switch {
		case wlPodSpecPaths[r.Type] != "":
			p := wlPodSpecPaths[r.Type]
			v, _ := r.Get(p)
			pod := wlNewPod(r, "", p, v, nil)
			ns, known := wlNamespaceOf(r, "metadata.namespace")
			pod.namespace, pod.nsUnknown = ns, !known
			out = append(out, pod)
		case r.Type == wlInferenceService:
			ns, nsKnown := wlNamespaceOf(r, "metadata.namespace")
			for _, comp := range []string{"predictor", "explainer", "transformer"} {
				v, ok := r.Get("spec." + comp)
				if !ok {
					continue
				}
				pod := wlNewPod(r, "the "+comp, "spec."+comp, v, wlInlineContainers[comp])
				pod.component, pod.namespace, pod.nsUnknown = comp, ns, !nsKnown
				out = append(out, pod)
			}
		case wlIsScaleSet(r):
			v, ok := r.Get("values.template.spec")
			if !ok {
				continue
			}
			runner := wlNewPod(r, "the runner pod", "values.template.spec", v, nil)
			ns, known := wlNamespaceOf(r, "namespace")
			runner.namespace, runner.nsUnknown = ns, !known
			out = append(out, runner)
			if job := wlJobTemplate(s, runner); job != nil {
				runner.job, job.runner = job, runner
				out = append(out, job)
			}
		}
	}
	return out
}

// wlIsScaleSet reports whether a resource is an ARC runner scale set release.
func wlIsScaleSet(r *Resource) bool {
	return r.Type == wlRelease && path.Base(r.Str("chart")) == "gha-runner-scale-set"
}

// wlJobTemplate finds the job pod template a kubernetes-mode runner hands
// its container hooks: the file ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE names,
// in the ConfigMap mounted there.
func wlJobTemplate(s *Stack, runner *wlPod) *wlPod {
	var file, volume string
	for _, c := range runner.containers {
		for _, e := range wlList(c.spec["env"]) {
			if wlStr(wlAt(e, "name")) == "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE" {
				file = wlStr(wlAt(e, "value"))
				for _, m := range wlList(c.spec["volumeMounts"]) {
					if wlStr(wlAt(m, "mountPath")) == path.Dir(file) {
						volume = wlStr(wlAt(m, "name"))
					}
				}
			}
		}
	}
	if volume == "" {
		return nil
	}
	var name string
	for _, v := range wlList(runner.spec["volumes"]) {
		if wlStr(wlAt(v, "name")) == volume {
			name = wlStr(wlAt(v, "configMap.name"))
		}
	}
	for _, cm := range s.ByType(wlConfigMap) {
		ns, _ := wlNamespaceOf(cm, "metadata.namespace")
		if name == "" || cm.Str("metadata.name") != name || ns != runner.namespace {
			continue
		}
		key := path.Base(file)
		data := wlMap(wlAt(cm.Inputs, "data"))[key]
		job := &wlPod{r: cm, part: "the job pod", path: "data." + key, namespace: ns, spec: map[string]interface{}{}}
		if _, u := unwrap(data).(Unknown); u {
			job.unknown = []string{job.path}
			return job
		}
		var doc map[string]interface{}
		if err := yaml.Unmarshal([]byte(wlStr(data)), &doc); err != nil {
			job.invalid = err.Error()
			return job
		}
		parsed := wlNewPod(cm, job.part, job.path, wlFromYAML(doc["spec"]), nil)
		parsed.namespace = ns
		return parsed
	}
	return nil
}

// wlFromYAML turns decoded YAML into the view's plain values (numbers as float64).
func wlFromYAML(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, e := range t {
			out[k] = wlFromYAML(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			out[i] = wlFromYAML(e)
		}
		return out
	case int:
		return float64(t)
	}
	return v
}

// wlNamespaces are the stack's Namespace objects by name.
func wlNamespaces(s *Stack) map[string]*Resource {
	out := map[string]*Resource{}
	for _, ns := range s.ByType(wlNamespace) {
		if n := ns.Str("metadata.name"); n != "" {
			out[n] = ns
		}
	}
	return out
}

// pss-restricted

// Baseline allows these added capabilities; restricted only NET_BIND_SERVICE.
var wlBaselineCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

var wlSafeSysctls = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}

var wlRestrictedVolumes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}

var wlSELinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

func wlCheckPSS(s *Stack) []Finding {
	var out []Finding
	for _, ns := range s.ByType(wlNamespace) {
		out = append(out, wlNamespaceLevel(ns)...)
	}
	nss := wlNamespaces(s)
	for _, p := range wlPods(s) {
		if p.invalid != "" {
			continue
		}
		level := "restricted"
		if ns := nss[p.namespace]; ns != nil && !p.nsUnknown {
			level = wlWaivedLevel(ns)
		}
		if level == "privileged" {
			continue
		}
		if u := p.unknownIn([]string{"hostNetwork", "hostPID", "hostIPC", "securityContext", "volumes"}, []string{"securityContext", "ports"}); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		msgs := wlPSSViolations(p, level == "restricted")
		if len(msgs) > 0 && p.nsUnknown {
			out = append(out, CannotVerify(p.r, "metadata.namespace"))
			continue
		}
		for _, m := range msgs {
			out = append(out, Violation(p.r, "%s must %s", Subject(p.r), m))
		}
	}
	return out
}

// wlNamespaceLevel checks a namespace's enforce label and, below
// restricted, its reason.
func wlNamespaceLevel(ns *Resource) []Finding {
	labels, unknown := StringMap(wlAt(ns.Inputs, "metadata.labels"))
	lvl, ok := labels[wlEnforceLabel]
	switch {
	case !ok && unknown:
		return []Finding{CannotVerify(ns, "metadata.labels")}
	case !ok:
		return []Finding{Violation(ns, "%s must carry the label %s", Subject(ns), wlEnforceLabel)}
	case lvl != "restricted" && lvl != "baseline" && lvl != "privileged":
		return []Finding{Violation(ns, "%s must set %s to restricted, baseline or privileged, not %q", Subject(ns), wlEnforceLabel, lvl)}
	case lvl == "restricted":
		return nil
	}
	ann, unknown := StringMap(wlAt(ns.Inputs, "metadata.annotations"))
	if strings.TrimSpace(ann[wlPSSReason]) == "" {
		if unknown {
			return []Finding{CannotVerify(ns, "metadata.annotations")}
		}
		return []Finding{Violation(ns, "%s must give the reason for Pod Security %s in the annotation %s", Subject(ns), lvl, wlPSSReason)}
	}
	return nil
}

// wlWaivedLevel is the level a namespace's pods must meet: its own when it
// is lowered with a reason, else restricted.
func wlWaivedLevel(ns *Resource) string {
	labels, _ := StringMap(wlAt(ns.Inputs, "metadata.labels"))
	ann, _ := StringMap(wlAt(ns.Inputs, "metadata.annotations"))
	if lvl := labels[wlEnforceLabel]; (lvl == "baseline" || lvl == "privileged") && strings.TrimSpace(ann[wlPSSReason]) != "" {
		return lvl
	}
	return "restricted"
}

// wlPSSViolations are the Pod Security checks a pod fails, as the text
// after "must": baseline always, restricted when asked.
func wlPSSViolations(p *wlPod, restricted bool) []string {
	var out []string
	in := p.in()
	for _, f := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if b, _ := unwrap(p.spec[f]).(bool); b {
			out = append(out, fmt.Sprintf("not set %s%s", f, in))
		}
	}
	psc := wlMap(p.spec["securityContext"])
	out = append(out, wlContextViolations(psc, in, restricted)...)
	for _, sc := range wlList(psc["sysctls"]) {
		if n := wlStr(wlAt(sc, "name")); !slices.Contains(wlSafeSysctls, n) {
			out = append(out, fmt.Sprintf("not set sysctl %s%s", n, in))
		}
	}
	for _, v := range wlList(p.spec["volumes"]) {
		name, kind := wlStr(wlAt(v, "name")), wlVolumeType(v)
		switch {
		case kind == "hostPath":
			out = append(out, fmt.Sprintf("not mount hostPath volume %q%s", name, in))
		case restricted && kind != "" && !slices.Contains(wlRestrictedVolumes, kind):
			out = append(out, fmt.Sprintf("not use %s volume %q%s: restricted allows only %s volumes", kind, name, in, wlAllowedVolumes))
		}
	}
	podNonRoot, _ := unwrap(psc["runAsNonRoot"]).(bool)
	podSeccomp := wlStr(wlAt(psc, "seccompProfile.type"))
	for _, c := range p.containers {
		on := " on " + p.of(c)
		sc := wlMap(c.spec["securityContext"])
		if b, _ := unwrap(sc["privileged"]).(bool); b {
			out = append(out, "not set privileged"+on)
		}
		allowed := wlBaselineCaps
		if restricted {
			allowed = []string{"NET_BIND_SERVICE"}
		}
		for _, cp := range Strings(wlAt(sc, "capabilities.add")) {
			if !slices.Contains(allowed, cp) {
				out = append(out, fmt.Sprintf("not add capability %s%s", cp, on))
			}
		}
		for _, port := range wlList(c.spec["ports"]) {
			if hp, _ := unwrap(wlAt(port, "hostPort")).(float64); hp != 0 {
				out = append(out, fmt.Sprintf("not set hostPort %s%s", wlNum(hp), on))
			}
		}
		if pm := wlStr(sc["procMount"]); pm != "" && pm != "Default" {
			out = append(out, fmt.Sprintf("not set procMount %s%s", pm, on))
		}
		out = append(out, wlContextViolations(sc, on, restricted)...)
		if !restricted {
			continue
		}
		if b, ok := unwrap(sc["allowPrivilegeEscalation"]).(bool); !ok || b {
			out = append(out, "set allowPrivilegeEscalation to false"+on)
		}
		nonRoot := podNonRoot
		if b, ok := unwrap(sc["runAsNonRoot"]).(bool); ok {
			nonRoot = b
		}
		if !nonRoot {
			out = append(out, "set runAsNonRoot"+on)
		}
		if !slices.Contains(Strings(wlAt(sc, "capabilities.drop")), "ALL") {
			out = append(out, "drop ALL capabilities"+on)
		}
		seccomp := podSeccomp
		if t := wlStr(wlAt(sc, "seccompProfile.type")); t != "" {
			seccomp = t
		}
		if seccomp != "RuntimeDefault" && seccomp != "Localhost" {
			out = append(out, "set seccompProfile RuntimeDefault or Localhost"+on)
		}
	}
	return out
}

// wlContextViolations are the checks a pod or container security context
// shares: no root UID (restricted), AppArmor, SELinux and, at baseline,
// seccomp not Unconfined (restricted checks the effective profile instead).
func wlContextViolations(sc map[string]interface{}, where string, restricted bool) []string {
	var out []string
	if uid, ok := unwrap(sc["runAsUser"]).(float64); ok && uid == 0 && restricted {
		out = append(out, "not set runAsUser 0"+where)
	}
	if wlStr(wlAt(sc, "appArmorProfile.type")) == "Unconfined" {
		out = append(out, "not set appArmorProfile Unconfined"+where)
	}
	if se := wlMap(sc["seLinuxOptions"]); se != nil {
		if t := wlStr(se["type"]); !slices.Contains(wlSELinuxTypes, t) {
			out = append(out, fmt.Sprintf("not set seLinuxOptions type %s%s", t, where))
		}
		if wlStr(se["user"]) != "" || wlStr(se["role"]) != "" {
			out = append(out, "not set seLinuxOptions user or role"+where)
		}
	}
	if !restricted && wlStr(wlAt(sc, "seccompProfile.type")) == "Unconfined" {
		out = append(out, "not set seccompProfile Unconfined"+where)
	}
	return out
}

// wlVolumeType is a volume's source field (hostPath, emptyDir, …).
func wlVolumeType(v interface{}) string {
	for _, k := range SortedKeys(wlMap(v)) {
		if k != "name" {
			return k
		}
	}
	return ""
}

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
		l, _ := StringMap(labels)
		if name := l[nodes.LabelNodeGroup]; name != "" {
			out[name] = wlGroup{kind: l[nodes.LabelKind], taints: taints}
		}
	}
	for _, r := range s.Resources {
		switch {
		case r.Type == "aws:eks/nodeGroup:NodeGroup":
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
	for _, s := range Strings(v) {
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
	sel, _ := StringMap(p.spec["nodeSelector"])
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
			key, values := wlStr(wlAt(e, "key")), Strings(wlAt(e, "values"))
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
				if _, ok := Lookup(res, f); !ok {
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
	unknown  *Resource
	what     string
}

func wlOwnRegistries(s *Stack) wlRegistries {
	out := wlRegistries{ecr: map[string]bool{}, acr: map[string]bool{}}
	note := func(r *Resource, p string) string {
		v, _ := r.Get(p)
		if _, u := v.(Unknown); u && out.unknown == nil {
			out.unknown, out.what = r, p
		}
		return wlStr(v)
	}
	for _, r := range s.Resources {
		switch {
		case r.Type == "aws:ecr/repository:Repository":
			out.ecr[note(r, "name")] = true
		case strings.HasPrefix(r.Type, "azure-native:containerregistry") && strings.HasSuffix(r.Type, ":Registry"):
			out.acr[strings.ToLower(note(r, "registryName"))+".azurecr.io"] = true
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
		if n, ok := unwrap(p.spec["minReplicas"]).(float64); ok {
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
	if _, u := name.(Unknown); u || !ok {
		f := CannotVerify(p.r, "metadata.name")
		return nil, &f
	}
	if p.nsUnknown {
		f := CannotVerify(p.r, "metadata.namespace")
		return nil, &f
	}
	labels, _ := StringMap(wlAt(p.r.Inputs, "metadata.labels"))
	own, _ := StringMap(p.spec["labels"])
	for k, v := range own {
		labels[k] = v
	}
	isvc := wlStr(name)
	labels["serving.kserve.io/inferenceservice"] = isvc
	labels["component"] = p.component
	labels["app"] = "isvc." + isvc + "-" + p.component
	var unknown *Finding
	for _, pdb := range s.ByType(wlPDB) {
		ns, known := wlNamespaceOf(pdb, "metadata.namespace")
		sel, hasSel := pdb.Get("spec.selector")
		u := wlFirstUnknown(sel, "spec.selector")
		if !known {
			u = "metadata.namespace"
		}
		if u != "" {
			if unknown == nil {
				f := CannotVerify(pdb, u)
				unknown = &f
			}
			continue
		}
		if ns == p.namespace && hasSel && wlSelects(wlMap(sel), labels) {
			return pdb, nil
		}
	}
	return nil, unknown
}

// wlSelects evaluates a label selector (an empty one selects everything).
func wlSelects(sel map[string]interface{}, labels map[string]string) bool {
	match, _ := StringMap(sel["matchLabels"])
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	for _, e := range wlList(sel["matchExpressions"]) {
		v, has := labels[wlStr(wlAt(e, "key"))]
		in := slices.Contains(Strings(wlAt(e, "values")), v)
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
		mount, set := unwrap(p.spec["automountServiceAccountToken"]).(bool)
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
				if slices.Contains(Strings(wlAt(rule, "verbs")), "*") {
					out = append(out, Violation(r, "%s must not grant every verb (\"*\") in rules[%d]", Subject(r), i))
				}
				if slices.Contains(Strings(wlAt(rule, "resources")), "*") {
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
	if _, u := v.(Unknown); u {
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
	case HasUnknown(name):
		return []Finding{CannotVerify(sa, "metadata.name")}
	case bound[ns+"/"+wlStr(name)]:
		return nil
	case unknownBinding != nil:
		return []Finding{CannotVerify(unknownBinding, "subjects")}
	}
	return []Finding{Violation(sa, "%s must set automountServiceAccountToken to false: no role binding in the stack gives it API access", Subject(sa))}
}

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
		types := Strings(spec["policyTypes"])
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
		case HasUnknown(name):
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
	if _, u := v.(Unknown); u {
		return []Finding{CannotVerify(r, typePath)}
	}
	typ := wlStr(v)
	if !ok {
		typ = def
	}
	if typ != "LoadBalancer" {
		return nil
	}
	ann, unknown := StringMap(wlAt(r.Inputs, annPath))
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
		hosts = append(hosts, Strings(wlAt(t, "hosts"))...)
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
	"kubernetes:actions.summerwind.dev/v1alpha1:Runner":           "spec.ephemeral",
	"kubernetes:actions.summerwind.dev/v1alpha1:RunnerSet":        "spec.ephemeral",
	"kubernetes:actions.summerwind.dev/v1alpha1:RunnerDeployment": "spec.template.spec.ephemeral",
	"kubernetes:actions.summerwind.dev/v1alpha1:RunnerReplicaSet": "spec.template.spec.ephemeral",
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
			if _, u := v.(Unknown); u {
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
		switch _, u := v.(Unknown); {
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
			labels, _ := StringMap(wlAt(n.Inputs, "metadata.labels"))
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
	sel, _ := StringMap(wlAt(r.Inputs, "values.template.spec.nodeSelector"))
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
