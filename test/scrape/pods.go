package scrape

import (
	"fmt"
)

// PodsOf reads a Deployment manifest's pod template.
func PodsOf(source string, deployment map[string]interface{}) Pod {
	tmpl := mapOf(mapOf(deployment["spec"])["template"])
	p := Pod{Source: source, Namespace: str(mapOf(deployment["metadata"])["namespace"]), Labels: map[string]string{}}
	for k, v := range mapOf(mapOf(tmpl["metadata"])["labels"]) {
		p.Labels[k] = fmt.Sprint(v)
	}
	for _, c := range list(mapOf(tmpl["spec"])["containers"]) {
		cm := mapOf(c)
		ctr := Container{Name: str(cm["name"])}
		for _, x := range list(cm["ports"]) {
			pm := mapOf(x)
			ctr.Ports = append(ctr.Ports, Port{Name: str(pm["name"]), Number: toInt(pm["containerPort"])})
		}
		p.Containers = append(p.Containers, ctr)
	}
	return p
}

// Releases tell where a chart's workloads run: chart name → release
// namespace, as the stack installs them.
type Releases map[string]string

// ChartWorkloads are the pods and Services the pinned charts (and the
// controllers they install) create, as far as the toolkit's monitors
// select them, read from the upstream sources at the pinned tags. Only
// charts the stack installs contribute.
func ChartWorkloads(r Releases, servingNamespace string) ([]Pod, []Service) {
	var pods []Pod
	var services []Service
	if ns, ok := r["gateway-helm"]; ok {
		// Envoy Gateway creates each Gateway's proxies in its own namespace.
		pods = append(pods, Pod{
			Source:    "envoyproxy/gateway@v1.9.0 internal/infrastructure/kubernetes/proxy/resource.go (EnvoyAppLabel, owning-gateway labels; ports metrics 19001 and readiness 19003 from internal/xds/bootstrap/bootstrap.go)",
			Namespace: ns,
			Labels: map[string]string{
				"app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway",
				"gateway.envoyproxy.io/owning-gateway-name": "models", "gateway.envoyproxy.io/owning-gateway-namespace": servingNamespace,
			},
			Containers: []Container{{Name: "envoy", Ports: []Port{{"metrics", 19001}, {"readiness", 19003}}}},
		})
	}
	if ns, ok := r["gha-runner-scale-set-controller"]; ok {
		// Listeners run in the controller's namespace; their metrics port
		// exists only when the controller chart sets metrics.listenerAddr
		// (the toolkit sets :8080).
		pods = append(pods, Pod{
			Source:     "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 controllers/actions.github.com/resourcebuilder.go (newScaleSetListenerPod: port \"metrics\" from --listener-metrics-addr; label app.kubernetes.io/component=runner-scale-set-listener)",
			Namespace:  ns,
			Labels:     map[string]string{"app.kubernetes.io/component": "runner-scale-set-listener", "app.kubernetes.io/part-of": "gha-rs-controller"},
			Containers: []Container{{Name: "listener", Ports: []Port{{"metrics", 8080}}}},
		})
	}
	if ns, ok := r["dcgm-exporter"]; ok {
		services = append(services, Service{
			Source:    "NVIDIA/dcgm-exporter@4.5.3-4.8.2 deployment/templates/service.yaml (port \"metrics\" 9400; labels from _helpers.tpl with release dcgm-exporter)",
			Namespace: ns, Name: "dcgm-exporter",
			Labels: map[string]string{"app.kubernetes.io/name": "dcgm-exporter", "app.kubernetes.io/instance": "dcgm-exporter", "app.kubernetes.io/component": "dcgm-exporter"},
			Ports:  []Port{{"metrics", 9400}},
		})
	}
	if ns, ok := r["jupyterhub"]; ok {
		services = append(services, Service{
			Source:    "jupyterhub/zero-to-jupyterhub-k8s@4.4.0 jupyterhub/templates/hub/service.yaml (port \"hub\" 8081; labels from _helpers.tpl jupyterhub.labels: legacy component, app, release and the app.kubernetes.io ones, release jupyterhub)",
			Namespace: ns, Name: "hub",
			Labels: map[string]string{"component": "hub", "app": "jupyterhub", "release": "jupyterhub", "heritage": "Helm", "chart": "jupyterhub-4.4.0",
				"app.kubernetes.io/component": "hub", "app.kubernetes.io/name": "jupyterhub", "app.kubernetes.io/instance": "jupyterhub",
				"app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "jupyterhub-4.4.0"},
			Ports: []Port{{"hub", 8081}},
		})
	}
	return pods, services
}
