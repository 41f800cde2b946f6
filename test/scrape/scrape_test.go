package scrape

import (
	"strings"
	"testing"
)

// kservePod is a predictor pod as KServe v0.20.0 builds it: one server
// container, no declared ports.
var kservePod = Pod{Source: "isvc m", Namespace: "serving",
	Labels:     map[string]string{"serving.kserve.io/inferenceservice": "m", "component": "predictor"},
	Containers: []Container{{Name: "kserve-container"}}}

var envoyPod = Pod{Source: "envoy", Namespace: "gw", Labels: map[string]string{"app": "envoy"},
	Containers: []Container{{Name: "envoy", Ports: []Port{{"metrics", 19001}, {"readiness", 19003}}}}}

func podMonitor(ep map[string]interface{}, labels map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{
		"kind": "PodMonitor", "metadata": map[string]interface{}{"name": "pm", "namespace": "serving"},
		"spec": map[string]interface{}{"selector": map[string]interface{}{"matchLabels": labels}, "podMetricsEndpoints": []interface{}{ep}},
	}
}

func TestCheck(t *testing.T) {
	isvc := map[string]interface{}{"serving.kserve.io/inferenceservice": "m"}
	rewrite := func(container string) map[string]interface{} {
		return map[string]interface{}{"relabelings": []interface{}{
			map[string]interface{}{"action": "keep", "sourceLabels": []interface{}{"__meta_kubernetes_pod_container_name"}, "regex": container},
			map[string]interface{}{"sourceLabels": []interface{}{"__meta_kubernetes_pod_ip"}, "targetLabel": "__address__", "replacement": "$1:8080"},
		}}
	}
	gw := podMonitor(map[string]interface{}{"port": "metrics"}, map[string]interface{}{"app": "envoy"})
	gw["spec"].(map[string]interface{})["namespaceSelector"] = map[string]interface{}{"matchNames": []interface{}{"gw"}}
	cases := map[string]struct {
		monitor  map[string]interface{}
		services []Service
		want     string
	}{
		// The defect found upstream: a numeric targetPort on pods that
		// declare no ports keeps nothing.
		"numeric targetPort on KServe's portless pods": {podMonitor(map[string]interface{}{"targetPort": 8080}, isvc), nil,
			"PodMonitor serving/pm: podMetricsEndpoints[0] on pods of isvc m: targetPort 8080 keeps only targets whose container declares port 8080, and none does (declared: none); name a declared port or rewrite __address__"},
		"a port name nobody declares": {podMonitor(map[string]interface{}{"port": "http"}, isvc), nil,
			`PodMonitor serving/pm: podMetricsEndpoints[0] on pods of isvc m: no container declares a port named "http" (declared: none)`},
		"no port and no rewrite": {podMonitor(map[string]interface{}{"path": "/metrics"}, isvc), nil,
			"PodMonitor serving/pm: podMetricsEndpoints[0] on pods of isvc m: names no port and does not rewrite __address__: Prometheus would scrape every declared port and a port-free target per container"},
		"a rewrite keeping a container the pod lacks": {podMonitor(rewrite("server"), isvc), nil,
			`PodMonitor serving/pm: podMetricsEndpoints[0] on pods of isvc m: keeps container "server", which the pod does not have`},
		"a selector that matches nothing": {podMonitor(map[string]interface{}{"port": "metrics"}, map[string]interface{}{"app": "nothing"}), nil,
			"PodMonitor serving/pm: selects no pod: no rendered workload or known chart workload in its namespaces carries {app=nothing}"},
		"a pod in another namespace is not selected": {podMonitor(map[string]interface{}{"port": "metrics"}, map[string]interface{}{"app": "envoy"}), nil,
			"PodMonitor serving/pm: selects no pod: no rendered workload or known chart workload in its namespaces carries {app=envoy}"},
		"a ServiceMonitor naming the wrong Service port": {map[string]interface{}{
			"kind": "ServiceMonitor", "metadata": map[string]interface{}{"name": "dcgm", "namespace": "gpu"},
			"spec": map[string]interface{}{"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"app": "dcgm"}},
				"endpoints": []interface{}{map[string]interface{}{"port": "http-metrics"}}},
		}, []Service{{Source: "chart", Namespace: "gpu", Name: "dcgm", Labels: map[string]string{"app": "dcgm"}, Ports: []Port{{"metrics", 9400}}}},
			`ServiceMonitor gpu/dcgm: endpoints[0]: Service gpu/dcgm (chart) has no port named "http-metrics"; it has metrics/9400`},
		"an address rewrite on the server container":    {podMonitor(rewrite("kserve-container"), isvc), nil, ""},
		"a declared named port in a selected namespace": {gw, nil, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(Check(tc.monitor, []Pod{kservePod, envoyPod}, tc.services), "\n")
			if got != tc.want {
				t.Errorf("Check() =\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}
