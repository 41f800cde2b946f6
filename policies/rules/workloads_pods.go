package rules

import (
	"fmt"
	"path"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/plan/props"
)

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
	if _, ok := props.Unwrap(v).(props.Unknown); ok {
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
		if _, u := props.Unwrap(c).(props.Unknown); u {
			pod.unknown = append(pod.unknown, wlJoin(p, k))
			continue
		}
		pod.containers = append(pod.containers, wlContainer{kind: "container", name: wlKServeMain, path: wlJoin(p, k), spec: wlMap(c)})
	}
	for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
		kind := map[string]string{"initContainers": "init container", "containers": "container", "ephemeralContainers": "ephemeral container"}[key]
		lp := wlJoin(p, key)
		if _, u := props.Unwrap(pod.spec[key]).(props.Unknown); u {
			pod.unknown = append(pod.unknown, lp)
			continue
		}
		for i, e := range wlList(pod.spec[key]) {
			cp := fmt.Sprintf("%s[%d]", lp, i)
			if _, u := props.Unwrap(e).(props.Unknown); u {
				pod.unknown = append(pod.unknown, cp)
				continue
			}
			if _, u := props.Unwrap(wlAt(e, "name")).(props.Unknown); u {
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
		if _, u := props.Unwrap(data).(props.Unknown); u {
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
