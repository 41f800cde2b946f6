//go:build cluster

package cluster

import (
	"fmt"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// notebookStandins are, for each profile of the stack's JupyterHub release,
// a one-replica Deployment whose pod is what KubeSpawner 7.0.0 would make of
// the profile: the chart's notebook image, the KubeSpawner security
// contexts the release configures, the profile's node selector,
// tolerations, guarantees, limits and extra resource limits. KubeSpawner
// itself does not run here (no hub), so the pod is built from the release's
// values the way its traits map to the pod spec (kubespawner/objects.py
// make_pod), in the namespace whose Pod Security the notebooks meet.
func notebookStandins(t *testing.T, releasesFile string) []map[string]interface{} {
	t.Helper()
	b, err := os.ReadFile(releasesFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Releases []struct {
			Name, Namespace, Chart string
			Values                 map[string]interface{}
		}
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []map[string]interface{}
	for _, r := range doc.Releases {
		if r.Chart != "jupyterhub" {
			continue
		}
		su := mapOf(r.Values["singleuser"])
		spawner := mapOf(mapOf(mapOf(r.Values["hub"])["config"])["KubeSpawner"])
		image := mapOf(su["image"])
		for _, p := range list(su["profileList"]) {
			profile := mapOf(p)
			o := mapOf(profile["kubespawner_override"])
			limits := map[string]interface{}{"cpu": fmt.Sprint(o["cpu_limit"]), "memory": str(o["mem_limit"])}
			requests := map[string]interface{}{"cpu": fmt.Sprint(o["cpu_guarantee"]), "memory": str(o["mem_guarantee"])}
			for k, v := range mapOf(o["extra_resource_limits"]) {
				limits[k] = v
			}
			slug := str(profile["slug"])
			labels := map[string]interface{}{"app": "jupyterhub", "component": "singleuser-server", "notebook-profile": slug}
			out = append(out, map[string]interface{}{
				"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": map[string]interface{}{"name": "notebook-" + slug, "namespace": r.Namespace},
				"spec": map[string]interface{}{
					"replicas": 1,
					"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"notebook-profile": slug}},
					"template": map[string]interface{}{
						"metadata": map[string]interface{}{"labels": labels},
						"spec": map[string]interface{}{
							"serviceAccountName": str(su["serviceAccountName"]), "automountServiceAccountToken": false,
							"securityContext": spawner["pod_security_context"],
							"nodeSelector":    o["node_selector"], "tolerations": o["tolerations"],
							"containers": []interface{}{map[string]interface{}{
								"name": "notebook", "image": str(image["name"]) + ":" + str(image["tag"]),
								"securityContext": spawner["container_security_context"],
								"resources":       map[string]interface{}{"requests": requests, "limits": limits},
							}},
						},
					},
				},
			})
		}
	}
	return out
}
