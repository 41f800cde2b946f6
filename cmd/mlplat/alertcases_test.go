package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/stacks"
)

// fixedNow plans every stack at one instant, so waivers and expiries do
// not depend on the day the tests run.
var fixedNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func firstModel(env *environments.Environment) environments.Model {
	return env.Models[0]
}

// series renders a series selector in promtool's input notation.
func series(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return name + "{" + strings.Join(parts, ", ") + "}"
}

func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

type in struct {
	name   string
	labels map[string]string
	values string
}

// group is one promtool test group: input series and the alerts expected
// at one evaluation time (none: the alert must stay silent).
func group(desc string, inputs []in, alert, at string, fired ...map[string]string) map[string]interface{} {
	var input []interface{}
	for _, i := range inputs {
		input = append(input, map[string]interface{}{"series": series(i.name, i.labels), "values": i.values})
	}
	exp := []interface{}{}
	for _, l := range fired {
		exp = append(exp, map[string]interface{}{"exp_labels": l})
	}
	return map[string]interface{}{
		"name": desc, "interval": "1m", "input_series": input,
		"alert_rule_test": []interface{}{map[string]interface{}{"eval_time": at, "alertname": alert, "exp_alerts": exp}},
	}
}

func alertLabels(name, severity string, l map[string]string) map[string]string {
	return with(l, "alertname", name, "severity", severity, "team", "ml-platform")
}

// alertCases are a firing and a silent case for every alert, at the
// stack's thresholds. Series carry the labels their exporters set (the
// sources named in monitoring.Catalogue) plus the target labels Prometheus
// adds.
func alertCases(t monitoring.Thresholds, m environments.Model) []interface{} {
	// dcgm-exporter 4.8.2 with Kubernetes attribution: gpu, UUID,
	// pci_bus_id, device, modelName, Hostname, and the GPU's pod.
	gpu := map[string]string{"gpu": "0", "UUID": "GPU-8f0d3a5e", "pci_bus_id": "00000000:00:1E.0", "device": "nvidia0",
		"modelName": "NVIDIA A10G", "Hostname": "gpu-0", "namespace": baseline.NamespaceServing, "pod": m.Name + "-predictor-0",
		"container": serving.ServerContainer, "job": "dcgm-exporter", "instance": "gpu-0:9400"}
	temp := fmt.Sprint(t.GPUTemperatureC)
	hot := fmt.Sprint(t.GPUTemperatureC + 5)

	// KServe's server histogram, model_name set to the isvc by the
	// PodMonitor; prometheus_client's default buckets.
	model := map[string]string{"namespace": baseline.NamespaceServing, "model_name": m.Name, "pod": m.Name + "-predictor-0", "container": serving.ServerContainer, "job": "serving/" + m.Name + "-predictor"}
	buckets := func(fastest string) []in {
		// All requests fall in the bucket whose bound is fastest.
		var out []in
		reached := false
		for _, le := range []string{"0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf"} {
			reached = reached || le == fastest
			v := "0+0x40"
			if reached {
				v = "0+10x40"
			}
			out = append(out, in{monitoring.PredictLatencyMetric + "_bucket", with(model, "le", le), v})
		}
		return out
	}
	slowBucket := "2.5" // p95 interpolates to 2.425 s
	if t.ServingP95LatencyMs >= 2425 {
		slowBucket = "+Inf"
	}

	// The gateway's Envoy counters for the model's predictor route.
	cluster := serving.RouteClusters(baseline.NamespaceServing, stacks.ServingModel(m))["predictor"][0]
	envoy := map[string]string{"envoy_cluster_name": cluster, "namespace": "envoy-gateway-system", "pod": "envoy-models-0", "job": "envoy-gateway-system/models-gateway"}
	rq := func(okPerMin, errPerMin float64) []in {
		return []in{
			{monitoring.GatewayRequestsMetric, with(envoy, monitoring.CodeClassLabel, "2"), fmt.Sprintf("0+%gx40", okPerMin)},
			{monitoring.GatewayRequestsMetric, with(envoy, monitoring.CodeClassLabel, "5"), fmt.Sprintf("0+%gx40", errPerMin)},
		}
	}
	half := t.ServingErrorRatePercent * 5 // of 1000 requests a minute: half the objective

	ksm := map[string]string{"namespace": baseline.NamespaceServing, "deployment": m.Name + "-predictor", "job": "kube-state-metrics"}
	listener := map[string]string{"name": "cpu-runners-x7k2p", "namespace": "runners", "organization": "pangea-ai", "repository": "", "enterprise": "", "job": "arc-system/arc-listeners"}
	n := t.RunnerBacklog
	// MLflow's exporter: method and status labels (prometheus_flask_exporter
	// 0.23.2), plus the PodMonitor's target labels.
	mlflowKSM := map[string]string{"namespace": baseline.NamespaceMLflow, "deployment": "mlflow", "job": "kube-state-metrics"}
	mlflowRequests := func(okPerMin, errPerMin float64) []in {
		pod := map[string]string{"namespace": baseline.NamespaceMLflow, "pod": "mlflow-0", "job": "mlflow/mlflow", "method": "POST"}
		return []in{
			{monitoring.MLflowRequestsMetric, with(pod, "status", "200"), fmt.Sprintf("0+%gx40", okPerMin)},
			{monitoring.MLflowRequestsMetric, with(pod, "status", "500"), fmt.Sprintf("0+%gx40", errPerMin)},
		}
	}

	return []interface{}{
		group("XID error fires", []in{{"DCGM_FI_DEV_XID_ERRORS", gpu, "0 0 0 48x10"}}, "GPUXidError", "5m", alertLabels("GPUXidError", "critical", gpu)),
		group("no XID error stays silent", []in{{"DCGM_FI_DEV_XID_ERRORS", gpu, "0x15"}}, "GPUXidError", "10m"),
		group("GPU over the threshold fires", []in{{"DCGM_FI_DEV_GPU_TEMP", gpu, hot + "x20"}}, "GPUTemperatureHigh", "10m", alertLabels("GPUTemperatureHigh", "critical", gpu)),
		group("GPU at the threshold stays silent", []in{{"DCGM_FI_DEV_GPU_TEMP", gpu, temp + "x20"}}, "GPUTemperatureHigh", "10m"),
		group("GPU memory 98% used fires", []in{{"DCGM_FI_DEV_FB_USED", gpu, "23500x30"}, {"DCGM_FI_DEV_FB_FREE", gpu, "500x30"}}, "GPUMemoryNearlyFull", "20m", alertLabels("GPUMemoryNearlyFull", "warning", gpu)),
		group("GPU memory 83% used stays silent", []in{{"DCGM_FI_DEV_FB_USED", gpu, "20000x30"}, {"DCGM_FI_DEV_FB_FREE", gpu, "4000x30"}}, "GPUMemoryNearlyFull", "20m"),
		group("slow model fires", buckets(slowBucket), "ModelLatencyP95High", "20m",
			alertLabels("ModelLatencyP95High", "warning", map[string]string{"namespace": baseline.NamespaceServing, "model_name": m.Name})),
		group("fast model stays silent", buckets("0.1"), "ModelLatencyP95High", "20m"),
		group("10% server errors fires", rq(900, 100), "ModelErrorRateHigh", "20m",
			alertLabels("ModelErrorRateHigh", "critical", map[string]string{"model_name": m.Name, "component": "predictor"})),
		group("half the error objective stays silent", rq(1000-half, half), "ModelErrorRateHigh", "20m"),
		group("no available replica fires", []in{{"kube_deployment_status_replicas_available", ksm, "0x10"}, {"kube_deployment_spec_replicas", ksm, "1x10"}}, "ModelUnavailable", "10m",
			alertLabels("ModelUnavailable", "critical", ksm)),
		group("an available replica stays silent", []in{{"kube_deployment_status_replicas_available", ksm, "1x10"}, {"kube_deployment_spec_replicas", ksm, "1x10"}}, "ModelUnavailable", "10m"),
		group("MLflow with no server fires", []in{{"kube_deployment_status_replicas_available", mlflowKSM, "0x10"}, {"kube_deployment_spec_replicas", mlflowKSM, "2x10"}}, "MLflowUnavailable", "10m",
			alertLabels("MLflowUnavailable", "critical", mlflowKSM)),
		group("MLflow with a server stays silent", []in{{"kube_deployment_status_replicas_available", mlflowKSM, "1x10"}, {"kube_deployment_spec_replicas", mlflowKSM, "2x10"}}, "MLflowUnavailable", "10m"),
		group("MLflow failing 10% fires", mlflowRequests(90, 10), "MLflowServerErrors", "20m", alertLabels("MLflowServerErrors", "warning", nil)),
		group("MLflow failing 4% stays silent", mlflowRequests(96, 4), "MLflowServerErrors", "20m"),
		group("backlog over the threshold fires", []in{{"gha_assigned_jobs", listener, fmt.Sprintf("%dx20", n+3)}, {"gha_running_jobs", listener, "1x20"}}, "RunnerBacklogHigh", "20m",
			alertLabels("RunnerBacklogHigh", "warning", map[string]string{"name": listener["name"]})),
		group("backlog at the threshold stays silent", []in{{"gha_assigned_jobs", listener, fmt.Sprintf("%dx20", n)}, {"gha_running_jobs", listener, "0x20"}}, "RunnerBacklogHigh", "20m"),
		map[string]interface{}{
			"name": "nodes are counted per node group", "interval": "1m",
			"input_series": []interface{}{
				map[string]interface{}{"series": series("kube_node_labels", map[string]string{"node": "gpu-0", monitoring.NodeGroupLabel: "gpu", "job": "kube-state-metrics"}), "values": "1x10"},
				map[string]interface{}{"series": series("kube_node_labels", map[string]string{"node": "gpu-1", monitoring.NodeGroupLabel: "gpu", "job": "kube-state-metrics"}), "values": "1x10"},
				map[string]interface{}{"series": series("kube_node_labels", map[string]string{"node": "system-0", monitoring.NodeGroupLabel: "system", "job": "kube-state-metrics"}), "values": "1x10"},
			},
			"promql_expr_test": []interface{}{map[string]interface{}{
				"expr": "mlplatform:node_group_nodes:count", "eval_time": "5m",
				"exp_samples": []interface{}{
					map[string]interface{}{"labels": series("mlplatform:node_group_nodes:count", map[string]string{monitoring.NodeGroupLabel: "gpu"}), "value": 2},
					map[string]interface{}{"labels": series("mlplatform:node_group_nodes:count", map[string]string{monitoring.NodeGroupLabel: "system"}), "value": 1},
				},
			}},
		},
	}
}

// qualityCases are a firing and a silent case for each model-quality alert
// of model m at its declared limits. TrustyAI's gauges carry the request's
// tags (prometheus/PrometheusPublisher.java, GroupMetricRequest.java
// retrieveTags at v0.28.0) plus the PodMonitor's target labels.
func qualityCases(m environments.Model) []interface{} {
	q := stacks.ServingModel(m).Payloads.Quality
	target := map[string]string{"namespace": baseline.NamespaceServing, "pod": "trustyai-service-7d9f-x2", "container": serving.QualityServiceName,
		"endpoint": "http", "job": "serving/trustyai-service", "instance": "10.0.3.7:8080"}
	f := q.Fairness
	groups := with(target, "model", m.Name, "protected", f.ProtectedAttribute, "privileged", fmt.Sprint(f.Privileged),
		"unprivileged", fmt.Sprint(f.Unprivileged), "outcome", "prediction", "favorable_value", fmt.Sprint(f.Favorable), "batch_size", "5000")
	spd := with(groups, "metricName", "SPD", "requestName", "mlplatform-spd", "request", "0b6f3c1e-5a7d-3c41-9a0e-2f1d7c9b8e11")
	dir := with(groups, "metricName", "DIR", "requestName", "mlplatform-dir", "request", "41c2d9a0-7b3e-3f52-8c6d-1e0a9b7c5d22")
	drift := with(target, "model", m.Name, "metricName", "MEANSHIFT", "requestName", "mlplatform-meanshift", "batch_size", "5000",
		"request", "9e8d7c6b-5a49-3382-a1b0-c9d8e7f6a533", "subcategory", f.ProtectedAttribute)
	filter := map[string]string{"namespace": baseline.NamespaceServing, "model": m.Name, "pod": "payload-filter-5c8d-q1", "job": "serving/payload-filter"}
	v := func(x float64, n int) string { return fmt.Sprintf("%gx%d", x, n) }
	return []interface{}{
		group("a drifted feature fires", []in{{monitoring.DriftMetric, drift, v(q.DriftThreshold/2, 80)}}, "ModelFeatureDrift", "70m",
			alertLabels("ModelFeatureDrift", "warning", drift)),
		group("a p-value at the threshold stays silent", []in{{monitoring.DriftMetric, drift, v(q.DriftThreshold, 80)}}, "ModelFeatureDrift", "70m"),
		group("parity difference over the limit fires", []in{{monitoring.SPDMetric, spd, v(-(f.SPDLimit + 0.05), 40)}}, "ModelStatisticalParity", "35m",
			alertLabels("ModelStatisticalParity", "warning", spd)),
		group("parity difference within the limit stays silent", []in{{monitoring.SPDMetric, spd, v(f.SPDLimit-0.01, 40)}}, "ModelStatisticalParity", "35m"),
		group("impact ratio under the range fires", []in{{monitoring.DIRMetric, dir, v(f.DIRLow-0.05, 40)}}, "ModelDisparateImpact", "35m",
			alertLabels("ModelDisparateImpact", "warning", dir)),
		group("impact ratio over the range fires", []in{{monitoring.DIRMetric, dir, v(f.DIRHigh+0.05, 40)}}, "ModelDisparateImpact", "35m",
			alertLabels("ModelDisparateImpact", "warning", dir)),
		group("impact ratio at the range's ends stays silent", []in{{monitoring.DIRMetric, dir, v(f.DIRLow, 40)}}, "ModelDisparateImpact", "35m"),
		group("records failing to reach TrustyAI fires", []in{{monitoring.ForwardedMetric, with(filter, "outcome", "failed"), "0+5x40"}}, "ModelQualityDataLost", "35m",
			alertLabels("ModelQualityDataLost", "warning", map[string]string{"namespace": baseline.NamespaceServing, "model": m.Name})),
		group("records all sent stays silent", []in{{monitoring.ForwardedMetric, with(filter, "outcome", "sent"), "0+500x40"}, {monitoring.ForwardedMetric, with(filter, "outcome", "failed"), "3x40"}}, "ModelQualityDataLost", "35m"),
	}
}

// tritonCases hold the latency alert to a pytorch model served by Triton,
// whose p95 is recorded from its latency summary (microseconds; labels
// model and version from Triton, model_name and the target's from the
// PodMonitor).
func tritonCases(t monitoring.Thresholds, env *environments.Environment) []interface{} {
	for _, m := range env.Models {
		if stacks.ServingModel(m).RuntimeName() != serving.TritonRuntime {
			continue
		}
		l := map[string]string{"namespace": baseline.NamespaceServing, "model_name": m.Name, "model": "model", "version": "1", "quantile": "0.95",
			"pod": m.Name + "-predictor-0", "container": serving.ServerContainer, "job": "serving/" + m.Name + "-predictor"}
		us := func(ms int) string { return fmt.Sprintf("%dx30", ms*1000) }
		return []interface{}{
			group("a slow Triton model fires", []in{{monitoring.TritonLatencyMetric, l, us(t.ServingP95LatencyMs + 50)}}, "ModelLatencyP95High", "20m",
				alertLabels("ModelLatencyP95High", "warning", map[string]string{"namespace": baseline.NamespaceServing, "model_name": m.Name})),
			group("a Triton model at the threshold stays silent", []in{{monitoring.TritonLatencyMetric, l, us(t.ServingP95LatencyMs)}}, "ModelLatencyP95High", "20m"),
		}
	}
	return nil
}
