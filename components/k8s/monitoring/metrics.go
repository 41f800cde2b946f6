package monitoring

// Metric is one metric a dashboard or rule of the platform reads, with the
// exporter that emits it and the upstream file that proves the name at the
// version the toolkit installs. A test parses every dashboard and rule
// expression with Prometheus's parser and fails on a metric not listed
// here (or recorded by one of the platform's own rules).
type Metric struct {
	Name string
	// Type is counter, gauge, histogram or summary; a histogram's series
	// are <name>_bucket, <name>_sum and <name>_count, a summary's <name>
	// (by quantile), <name>_sum and <name>_count.
	Type string
	// Exporter and Version say who emits it at the pinned version.
	Exporter, Version string
	// Proof is the upstream file (repository@tag path) that defines it.
	Proof string
}

// MLflow's request metrics. The mlflow package cites the same names for
// its own use; monitoring does not import it (components stay independent).
const (
	MLflowRequestsMetric = "mlflow_http_request_total"
	MLflowDurationMetric = "mlflow_http_request_duration_seconds"
)

// Catalogue is every metric the dashboards and rules read.
var Catalogue = []Metric{
	// NVIDIA DCGM exporter: the default counters file it loads
	// (etc/default-counters.csv, shared/upstream/metrics/
	// dcgm-exporter-4.8.2-default-counters.csv); the test also holds these
	// names against that file.
	{"DCGM_FI_DEV_GPU_UTIL", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	{"DCGM_FI_DEV_FB_USED", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	{"DCGM_FI_DEV_FB_FREE", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	{"DCGM_FI_DEV_GPU_TEMP", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	{"DCGM_FI_DEV_POWER_USAGE", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	{"DCGM_FI_DEV_XID_ERRORS", "gauge", "dcgm-exporter", "4.8.2", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 etc/default-counters.csv"},
	// KServe's Python model servers (and explainers built on them), label
	// model_name, on the server's HTTP port.
	{PredictLatencyMetric, "histogram", "kserve python model server", "v0.20.0", "kserve/kserve@v0.20.0 python/kserve/kserve/metrics.py (PREDICT_HIST_TIME; unchanged since v0.15.2)"},
	{ExplainLatencyMetric, "histogram", "kserve python model server", "v0.20.0", "kserve/kserve@v0.20.0 python/kserve/kserve/metrics.py (EXPLAIN_HIST_TIME; unchanged since v0.15.2)"},
	// Triton (pytorch models' runtime), image nvcr.io/nvidia/tritonserver:
	// 23.05-py3 as kserve-runtime-configs v0.20.0 pins it (Triton v2.34.0),
	// on its metrics port 8002, label model (Triton's model name; the
	// PodMonitor adds model_name).
	{TritonLatencyMetric, "summary", "tritonserver", "23.05 (v2.34.0)", "triton-inference-server/server@v2.34.0 docs/user_guide/metrics.md (Summaries: nv_inference_request_summary_us, --metrics-config summary_latencies=true)"},
	// Envoy, in the model gateway's proxies: cluster.<name>.upstream_rq_<n>xx
	// with the cluster name and code class extracted as labels.
	{GatewayRequestsMetric, "counter", "envoy (Envoy Gateway proxy)", "Envoy Gateway v1.9.0", "envoyproxy/envoy source/common/config/well_known_names.cc (cluster name and response code class tag extraction); envoyproxy/gateway@v1.9.0 charts/gateway-addons-helm/dashboards/envoy-clusters.json reads the same series"},
	// kube-state-metrics v2.20.0 (kube-prometheus-stack 88.5.3's subchart
	// kube-state-metrics 8.4.0).
	{"kube_deployment_status_replicas_available", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/deployment.go"},
	{"kube_deployment_spec_replicas", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/deployment.go"},
	{"kube_pod_container_status_restarts_total", "counter", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/pod.go"},
	{"kube_pod_status_phase", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/pod.go (label phase)"},
	{"kube_node_status_allocatable", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/node.go (nvidia.com/gpu as resource=nvidia_com_gpu)"},
	{"kube_pod_container_resource_requests", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/pod.go"},
	{"kube_node_labels", "gauge", "kube-state-metrics", "v2.20.0", "kubernetes/kube-state-metrics@v2.20.0 internal/store/node.go (label_<sanitised key>, for keys in --metric-labels-allowlist)"},
	// cAdvisor in the kubelet, scraped by kube-prometheus-stack's kubelet
	// ServiceMonitor (kubelet.serviceMonitor.cAdvisor: true at 88.5.3).
	{"container_cpu_usage_seconds_total", "counter", "kubelet cAdvisor", "cadvisor v0.53.0", "google/cadvisor@v0.53.0 metrics/prometheus.go"},
	{"container_memory_working_set_bytes", "gauge", "kubelet cAdvisor", "cadvisor v0.53.0", "google/cadvisor@v0.53.0 metrics/prometheus.go"},
	// actions-runner-controller's listener (metrics on when the controller
	// chart sets metrics.listenerAddr).
	{"gha_assigned_jobs", "gauge", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_running_jobs", "gauge", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_busy_runners", "gauge", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_idle_runners", "gauge", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_desired_runners", "gauge", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_completed_jobs_total", "counter", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	{"gha_job_startup_duration_seconds", "histogram", "ARC listener", "0.14.2", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 cmd/ghalistener/metrics/metrics.go"},
	// TrustyAI's service: trustyai_<metric name, lowered> gauges with the
	// request's tags (model, metricName, requestName; SPD and DIR add
	// protected, privileged, unprivileged, outcome, favorable_value,
	// batch_size; meanshift one series per column, label subcategory).
	{SPDMetric, "gauge", "trustyai-service", "v0.28.0", "trustyai-explainability/trustyai-explainability@v0.28.0 explainability-service/src/main/java/org/kie/trustyai/service/prometheus/PrometheusPublisher.java; payloads/metrics/fairness/group/GroupMetricRequest.java retrieveTags; endpoints/metrics/fairness/group/GroupStatisticalParityDifferenceEndpoint.java (metric SPD)"},
	{DIRMetric, "gauge", "trustyai-service", "v0.28.0", "trustyai-explainability/trustyai-explainability@v0.28.0 explainability-service/.../prometheus/PrometheusPublisher.java; endpoints/metrics/fairness/group/DisparateImpactRatioEndpoint.java (metric DIR)"},
	{DriftMetric, "gauge", "trustyai-service", "v0.28.0", "trustyai-explainability/trustyai-explainability@v0.28.0 explainability-service/.../prometheus/PrometheusPublisher.java (named values, label subcategory); endpoints/metrics/drift/MeanshiftEndpoint.java (metric MEANSHIFT, p-value per column)"},
	{ObservationsMetric, "gauge", "trustyai-service", "v0.28.0", "trustyai-explainability/trustyai-explainability@v0.28.0 explainability-service/.../prometheus/PrometheusScheduler.java (MODEL_OBSERVATIONS_TOTAL, label model)"},
	// MLflow's tracking server with --expose-prometheus: prometheus_flask_exporter
	// 0.23.2 export_defaults with MLflow's defaults_prefix "mlflow"
	// (mlflow/server/prometheus_exporter.py).
	{MLflowRequestsMetric, "counter", "mlflow", "3.17.0", "rycus86/prometheus_flask_exporter@0.23.2 prometheus_flask_exporter/__init__.py export_defaults (<prefix>_http_request_total, labels method, status); mlflow/mlflow mlflow/server/prometheus_exporter.py (defaults_prefix mlflow)"},
	{MLflowDurationMetric, "histogram", "mlflow", "3.17.0", "rycus86/prometheus_flask_exporter@0.23.2 prometheus_flask_exporter/__init__.py export_defaults (<prefix>_http_request_duration_seconds); mlflow/mlflow mlflow/server/prometheus_exporter.py"},
	// JupyterHub's hub (prometheus_client metrics, prefix jupyterhub_).
	{"jupyterhub_running_servers", "gauge", "jupyterhub", "5.5.0", "jupyterhub/jupyterhub@5.5.0 jupyterhub/metrics.py (RUNNING_SERVERS)"},
	{"jupyterhub_active_users", "gauge", "jupyterhub", "5.5.0", "jupyterhub/jupyterhub@5.5.0 jupyterhub/metrics.py (ACTIVE_USERS, label period 24h/7d/30d)"},
	{"jupyterhub_total_users", "gauge", "jupyterhub", "5.5.0", "jupyterhub/jupyterhub@5.5.0 jupyterhub/metrics.py (TOTAL_USERS)"},
	{"jupyterhub_server_spawn_duration_seconds", "histogram", "jupyterhub", "5.5.0", "jupyterhub/jupyterhub@5.5.0 jupyterhub/metrics.py (SERVER_SPAWN_DURATION_SECONDS, label status)"},
	// This project's payload filter.
	{ForwardedMetric, "counter", "payload-filter", "0.1.0", "this repository: cmd/payload-filter/trustyai.go (forwarder.metrics)"},
	{RecordsMetric, "counter", "payload-filter", "0.1.0", "this repository: cmd/payload-filter/main.go (server.metrics)"},
}

// Series are the series names a catalogued metric appears under.
func (m Metric) Series() []string {
	if m.Type == "histogram" {
		return []string{m.Name + "_bucket", m.Name + "_sum", m.Name + "_count"}
	}
	if m.Type == "summary" {
		return []string{m.Name, m.Name + "_sum", m.Name + "_count"}
	}
	return []string{m.Name}
}
