// Package standin builds the Deployments KServe's controller would create
// for an InferenceService in RawDeployment mode, so tests can judge exactly
// the pods a model would run without KServe itself: the control-plane suite
// applies them (admission, quotas, the scheduler), the scrape check reads
// their ports.
//
// Facts, all read at kserve/kserve tag v0.15.2:
//   - pkg/controller/v1beta1/inferenceservice/components/predictor.go and
//     explainer.go: one container, kserve-container, with the component's
//     pod-level fields; labels serving.kserve.io/inferenceservice=<isvc>,
//     component=<predictor|explainer>, and (deployment_reconciler.go)
//     app=isvc.<isvc>-<component>.
//   - config/runtimes/*.yaml and charts/kserve-resources/templates/
//     clusterservingruntimes.yaml: no runtime declares container ports; the
//     servers listen on 8080 (--http_port=8080, or the Python default).
//   - reconcilers/deployment/deployment_reconciler.go setDefaultPodSpec: a
//     container without ports and without a readiness probe gets a TCP
//     probe on 8080; the controller adds no port.
//   - pkg/apis/serving/v1beta1/explainer_art.go and explainer_custom.go: the
//     explainer gets --model_name, --predictor_host and --http_port 8080
//     (ART also --adversary_type); still no port.
package standin

import "fmt"

// KServeVersion is the KServe release these stand-ins imitate.
const KServeVersion = "v0.15.2"

// HTTPPort is where every KServe server of this version listens.
const HTTPPort = 8080

// Deployments are the stand-ins for one InferenceService, one per
// component it has. Only the images are placeholders (nothing pulls them).
func Deployments(isvc map[string]interface{}) []map[string]interface{} {
	meta := mapOf(isvc["metadata"])
	spec := mapOf(isvc["spec"])
	name, ns := str(meta["name"]), str(meta["namespace"])
	var out []map[string]interface{}
	for _, component := range []string{"predictor", "explainer"} {
		c := mapOf(spec[component])
		if c == nil {
			continue
		}
		pod := map[string]interface{}{}
		for _, k := range []string{"serviceAccountName", "securityContext", "priorityClassName", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints"} {
			if v, ok := c[k]; ok {
				pod[k] = v
			}
		}
		var containers []interface{}
		for _, impl := range []string{"model", "art"} {
			m := mapOf(c[impl])
			if m == nil {
				continue
			}
			ctr := map[string]interface{}{"name": "kserve-container", "image": "stand-in.invalid/kserve/" + component + ":" + KServeVersion}
			for _, k := range []string{"resources", "securityContext"} {
				if v, ok := m[k]; ok {
					ctr[k] = v
				}
			}
			if impl == "art" {
				ctr["args"] = []interface{}{"--model_name", name, "--http_port", fmt.Sprint(HTTPPort),
					"--predictor_host", name + "-predictor." + ns, "--adversary_type", str(m["type"])}
			}
			containers = append(containers, ctr)
		}
		for i, x := range list(c["containers"]) {
			ctr := copyMap(mapOf(x))
			if i == 0 {
				// A custom explainer: KServe names it and appends its args.
				ctr["name"] = "kserve-container"
				ctr["args"] = append(list(ctr["args"]), "--model_name", name, "--predictor_host", name+"-predictor."+ns, "--http_port", fmt.Sprint(HTTPPort))
			}
			containers = append(containers, ctr)
		}
		for _, x := range containers {
			ctr := x.(map[string]interface{})
			if ctr["name"] == "kserve-container" && len(list(ctr["ports"])) == 0 && ctr["readinessProbe"] == nil {
				ctr["readinessProbe"] = map[string]interface{}{"tcpSocket": map[string]interface{}{"port": HTTPPort}}
			}
		}
		pod["containers"] = containers
		labels := map[string]interface{}{"serving.kserve.io/inferenceservice": name, "component": component, "app": "isvc." + name + "-" + component}
		for k, v := range mapOf(c["labels"]) {
			labels[k] = v
		}
		replicas := 1
		switch n := c["minReplicas"].(type) {
		case int:
			replicas = n
		case float64:
			replicas = int(n)
		}
		out = append(out, map[string]interface{}{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]interface{}{"name": name + "-" + component, "namespace": ns,
				"labels": map[string]interface{}{"mlplatform.pangea.ai/stand-in-for": "InferenceService"}},
			"spec": map[string]interface{}{
				"replicas": replicas,
				"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": name, "component": component}},
				"template": map[string]interface{}{"metadata": map[string]interface{}{"labels": labels}, "spec": pod},
			},
		})
	}
	return out
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func mapOf(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}
