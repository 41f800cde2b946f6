package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/plan/offline"
	"github.com/pangea-ai/mlplatform/plan/props"
	"github.com/pangea-ai/mlplatform/test/scrape"
	"github.com/pangea-ai/mlplatform/test/standin"
	"github.com/pangea-ai/mlplatform/test/upstream"
)

const root = "../.."

// renderedStacks renders every committed stack once per test binary.
func renderedStacks(t *testing.T) map[string]*Rendered {
	t.Helper()
	out := map[string]*Rendered{}
	for _, stack := range offline.CommittedStacks(root) {
		p, err := buildPlan(planFlags{stack: stack, root: root}, fixedNow)
		if err != nil {
			t.Fatalf("planning %s: %v", stack, err)
		}
		r, err := render(p.Rec)
		if err != nil {
			t.Fatalf("rendering %s: %v", stack, err)
		}
		out[stack] = r
	}
	return out
}

// TestHelmValuesExistUpstream checks every key path the toolkit passes to
// every Helm release of every committed stack against that chart version's
// values.yaml, values.schema.json and bundled subcharts, and the subtrees
// a chart copies into a custom resource against that CRD's schema. A key
// the chart does not know is silently ignored by Helm: the setting the
// toolkit meant never takes effect.
func TestHelmValuesExistUpstream(t *testing.T) {
	facts := upstream.Require(t, root)
	for stack, r := range renderedStacks(t) {
		for _, rel := range r.Releases {
			if problems := checkRelease(facts, rel); len(problems) > 0 {
				t.Errorf("stack %s, release %s/%s (%s %s): %d unknown values:\n  %s", stack, rel.Namespace, rel.Name,
					chartName(rel.Chart), rel.Version, len(problems), strings.Join(problems, "\n  "))
			}
		}
	}
}

func checkRelease(facts *upstream.Facts, rel HelmRelease) []string {
	chart := chartName(rel.Chart)
	cv, err := facts.Values(chart, rel.Version)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range cv.Check(facts, rel.Values, upstream.ChartRules[chart]) {
		out = append(out, p.String())
	}
	return out
}

func chartName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// TestMonitorsScrapeDeclaredPorts checks every PodMonitor and ServiceMonitor
// of every committed stack against the pods it would select: the models'
// pods as KServe builds them (test/standin) and the chart workloads as their
// sources declare them (test/scrape). A monitor whose port no pod declares
// scrapes nothing, and the alerts built on it can never fire.
func TestMonitorsScrapeDeclaredPorts(t *testing.T) {
	for stack, r := range renderedStacks(t) {
		for _, problem := range scrapeProblems(r) {
			t.Errorf("stack %s: %s", stack, problem)
		}
	}
}

func scrapeProblems(r *Rendered) []string {
	releases := scrape.Releases{}
	for _, rel := range r.Releases {
		releases[chartName(rel.Chart)] = rel.Namespace
	}
	pods, services := scrape.ChartWorkloads(releases, baseline.NamespaceServing)
	var monitors []map[string]interface{}
	var out []string
	for _, o := range r.Objects {
		switch str(o.Manifest["kind"]) {
		case "InferenceService":
			ds, err := standin.Deployments(o.Manifest)
			if err != nil {
				out = append(out, err.Error())
			}
			for _, d := range ds {
				pods = append(pods, scrape.PodsOf(o.File+" (as KServe "+standin.KServeVersion+" builds it)", d))
			}
		case "Deployment":
			// The toolkit's own workloads (the payload filter).
			pods = append(pods, scrape.PodsOf(o.File, o.Manifest))
		case "PodMonitor", "ServiceMonitor":
			monitors = append(monitors, o.Manifest)
		}
	}
	for _, m := range monitors {
		out = append(out, scrape.Check(m, pods, services)...)
	}
	return out
}

// TestChartWorkloadsArePlacedExplicitly asserts, for every release of every
// committed stack, the values that place the chart's own pods: the charts
// leave node selectors empty and most leave priority unset (values.yaml at
// the pinned versions), so without these their pods would land on any
// untainted node, spot included, at no priority. docs/chart-workloads.md
// lists what each chart runs and where it lands.
func TestChartWorkloadsArePlacedExplicitly(t *testing.T) {
	system := map[string]interface{}{"mlplatform.pangea.ai/kind": "system"}
	// AKS taints the system pool CriticalAddonsOnly; a platform pod pinned
	// there without this toleration has nowhere to run.
	tolerate := []interface{}{map[string]interface{}{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}}
	platform := "mlplatform-platform"
	on := func(prefix string, priority bool) map[string]interface{} {
		out := map[string]interface{}{prefix + "nodeSelector": system, prefix + "tolerations": tolerate}
		if priority {
			out[prefix+"priorityClassName"] = platform
		}
		return out
	}
	merge := func(ms ...map[string]interface{}) map[string]interface{} {
		out := map[string]interface{}{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	want := map[string]map[string]interface{}{
		"kube-prometheus-stack": merge(on("prometheus.prometheusSpec.", true), on("alertmanager.alertmanagerSpec.", true),
			on("prometheusOperator.", true), on("prometheusOperator.admissionWebhooks.patch.", true), on("grafana.", true),
			on("kube-state-metrics.", true), map[string]interface{}{"prometheus-node-exporter.priorityClassName": "system-node-critical"}),
		"cert-manager": merge(on("", false), map[string]interface{}{"global.nodeSelector": system, "global.priorityClassName": platform, "nodeSelector": nil,
			"webhook.tolerations": tolerate, "cainjector.tolerations": tolerate, "startupapicheck.tolerations": tolerate}),
		"kserve-resources":                on("kserve.controller.", false),
		"kserve-runtime-configs":          {}, // ClusterServingRuntimes only: no pods
		"gateway-helm":                    merge(on("deployment.pod.", false), on("certgen.job.", false), map[string]interface{}{"deployment.priorityClassName": platform}),
		"gha-runner-scale-set-controller": on("", true),
		"gha-runner-scale-set":            on("listenerTemplate.spec.", true),
		"nvidia-device-plugin":            {"nodeSelector": map[string]interface{}{"nvidia.com/gpu.present": "true"}, "priorityClassName": "system-node-critical"},
		"dcgm-exporter":                   {"nodeSelector": map[string]interface{}{"nvidia.com/gpu.present": "true"}, "priorityClassName": "system-node-critical"},
		"kserve-crd":                      {}, // CRDs only: no pods
		// The hub and proxy; users' notebooks are placed by their profiles,
		// and the user scheduler and pre-pullers are off.
		"jupyterhub": merge(on("hub.", false), on("proxy.chp.", false), map[string]interface{}{
			"scheduling.userScheduler.enabled": false, "prePuller.continuous.enabled": false, "prePuller.hook.enabled": false}),
	}
	for stack, r := range renderedStacks(t) {
		for _, rel := range r.Releases {
			paths, ok := want[chartName(rel.Chart)]
			if !ok {
				t.Errorf("stack %s: release %s installs %s, whose placement this test does not know: add it", stack, rel.Name, chartName(rel.Chart))
				continue
			}
			for path, v := range paths {
				if got, _ := props.Lookup(rel.Values, path); fmt.Sprint(got) != fmt.Sprint(v) {
					t.Errorf("stack %s, release %s: %s = %v, want %v", stack, rel.Name, path, got, v)
				}
			}
		}
	}
}

// TestNoTwoObjectsShareAName: two objects of one kind with one namespace
// and name would be one object to Kubernetes, whichever applied last.
func TestNoTwoObjectsShareAName(t *testing.T) {
	for stack, r := range renderedStacks(t) {
		seen := map[string]string{}
		for _, o := range r.Objects {
			ns, _ := lookupString(o.Manifest, "metadata", "namespace")
			name, _ := lookupString(o.Manifest, "metadata", "name")
			key := fmt.Sprintf("%s %s/%s", str(o.Manifest["kind"]), ns, name)
			if first, ok := seen[key]; ok {
				t.Errorf("stack %s: %s is rendered twice (%s and %s)", stack, key, first, o.File)
			}
			seen[key] = o.File
		}
		for _, rel := range r.Releases {
			key := "Helm release " + rel.Namespace + "/" + rel.Name
			if _, ok := seen[key]; ok {
				t.Errorf("stack %s: %s is installed twice", stack, key)
			}
			seen[key] = rel.Chart
		}
	}
}
