//go:build cluster

package cluster

// standIns are the Deployments KServe would create for an InferenceService
// in RawDeployment mode, one per component, with the component's pod spec:
// service account, security contexts, priority, node selector, tolerations,
// affinity, spread, resources. Only the images are placeholders (nothing
// pulls them: kwok runs no container). Named <isvc>-<component> and
// labelled as KServe labels them, so the stack's PodDisruptionBudgets and
// NetworkPolicies select them as they would the real pods.
func standIns(isvc map[string]interface{}) []map[string]interface{} {
	meta := mapOf(isvc["metadata"])
	spec := mapOf(isvc["spec"])
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
			if m := mapOf(c[impl]); m != nil {
				ctr := map[string]interface{}{"name": "kserve-container", "image": "stand-in.invalid/kserve/" + component + ":v0.15.2"}
				for _, k := range []string{"resources", "securityContext"} {
					if v, ok := m[k]; ok {
						ctr[k] = v
					}
				}
				containers = append(containers, ctr)
			}
		}
		containers = append(containers, list(c["containers"])...)
		pod["containers"] = containers
		labels := map[string]interface{}{"serving.kserve.io/inferenceservice": meta["name"], "component": component, "app": "isvc." + str(meta["name"]) + "-" + component}
		for k, v := range mapOf(c["labels"]) {
			labels[k] = v
		}
		replicas := 1
		if n, ok := c["minReplicas"].(int); ok {
			replicas = n
		}
		out = append(out, map[string]interface{}{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]interface{}{"name": str(meta["name"]) + "-" + component, "namespace": meta["namespace"],
				"labels": map[string]interface{}{"mlplatform.pangea.ai/stand-in-for": "InferenceService"}},
			"spec": map[string]interface{}{
				"replicas": replicas,
				"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": meta["name"], "component": component}},
				"template": map[string]interface{}{"metadata": map[string]interface{}{"labels": labels}, "spec": pod},
			},
		})
	}
	return out
}
