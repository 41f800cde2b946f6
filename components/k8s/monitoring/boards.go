package monitoring

// Dashboards are the platform's dashboards, by UID.
func Dashboards() []Dashboard {
	node := `label_values(DCGM_FI_DEV_GPU_UTIL, Hostname)`
	// Every model's requests pass the gateway, whatever its runtime, so its
	// recorded rate lists them all (latency comes from KServe's Python servers).
	model := `label_values(` + ModelRequestsRecord + `, ` + ModelLabel + `)`
	sel := ModelLabel + `=~"$model"`
	requests := func(component string) string {
		return `sum by (` + ModelLabel + `) (` + ModelRequestsRecord + `{` + sel + `, ` + ComponentLabel + `="` + component + `"})`
	}
	errorPct := func(component string) string {
		return `100 * sum by (` + ModelLabel + `) (` + ModelRequestsRecord + `{` + sel + `, ` + ComponentLabel + `="` + component + `", ` + CodeClassLabel + `="5"}) / ` + requests(component)
	}
	return []Dashboard{
		{UID: "mlplatform-gpu", Title: "mlplatform / GPUs",
			Variables: []Variable{{Name: "node", Label: "Node", Query: node}},
			Panels: []Panel{
				{Title: "GPU utilisation per node", Unit: "percent", Targets: []Target{
					{Expr: `avg by (Hostname) (DCGM_FI_DEV_GPU_UTIL{Hostname=~"$node"})`, Legend: "{{Hostname}}"}}},
				{Title: "GPU memory used per node", Unit: "percentunit", Targets: []Target{
					{Expr: `sum by (Hostname) (DCGM_FI_DEV_FB_USED{Hostname=~"$node"}) / sum by (Hostname) (DCGM_FI_DEV_FB_USED{Hostname=~"$node"} + DCGM_FI_DEV_FB_FREE{Hostname=~"$node"})`, Legend: "{{Hostname}}"}}},
				{Title: "GPU utilisation per pod", Unit: "percent", Targets: []Target{
					{Expr: `avg by (namespace, pod) (DCGM_FI_DEV_GPU_UTIL{Hostname=~"$node", pod!=""})`, Legend: "{{namespace}}/{{pod}}"}}},
				{Title: "GPU memory used per pod", Unit: "decmbytes", Targets: []Target{
					{Expr: `sum by (namespace, pod) (DCGM_FI_DEV_FB_USED{Hostname=~"$node", pod!=""})`, Legend: "{{namespace}}/{{pod}}"}}},
				{Title: "GPU temperature", Unit: "celsius", Targets: []Target{
					{Expr: `max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP{Hostname=~"$node"})`, Legend: "{{Hostname}} GPU {{gpu}}"}}},
				{Title: "Power draw and XID errors", Unit: "watt", Targets: []Target{
					{Expr: `sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE{Hostname=~"$node"})`, Legend: "{{Hostname}} W"},
					{Expr: `max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS{Hostname=~"$node"}) > 0`, Legend: "{{Hostname}} GPU {{gpu}} XID"}}},
			}},
		{UID: "mlplatform-serving", Title: "mlplatform / Model serving",
			Variables: []Variable{{Name: "model", Label: "Model", Query: model}},
			Panels: []Panel{
				{Title: "p95 latency per model", Unit: "s", Targets: []Target{
					{Expr: `histogram_quantile(0.95, sum by (` + ModelLabel + `, le) (rate(` + PredictLatencyMetric + `_bucket{` + sel + `}[5m])))`, Legend: "{{" + ModelLabel + "}} p95"},
					{Expr: `histogram_quantile(0.5, sum by (` + ModelLabel + `, le) (rate(` + PredictLatencyMetric + `_bucket{` + sel + `}[5m])))`, Legend: "{{" + ModelLabel + "}} p50"}}},
				{Title: "Requests per second per model (gateway)", Unit: "reqps", Targets: []Target{
					{Expr: requests("predictor"), Legend: "{{" + ModelLabel + "}}"}}},
				{Title: "Server errors per model (5xx, % of requests)", Unit: "percent", Targets: []Target{
					{Expr: errorPct("predictor"), Legend: "{{" + ModelLabel + "}}"}}},
				{Title: "Available replicas per model", Unit: "short", Targets: []Target{
					{Expr: `label_replace(kube_deployment_status_replicas_available{namespace="serving", deployment=~"($model)-predictor"}, "model", "$1", "deployment", "(.*)-predictor")`, Legend: "{{model}}"}}},
				{Title: "Container restarts per model (errors that crash the server)", Unit: "short", Targets: []Target{
					{Expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="serving", pod=~"($model)-predictor-.*"}[15m]))`, Legend: "{{pod}}"}}},
				{Title: "CPU per model pod", Unit: "short", Targets: []Target{
					{Expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="serving", pod=~"($model)-predictor-.*", container!=""}[5m]))`, Legend: "{{pod}}"}}},
				{Title: "Memory per model pod", Unit: "bytes", Targets: []Target{
					{Expr: `sum by (pod) (container_memory_working_set_bytes{namespace="serving", pod=~"($model)-predictor-.*", container!=""})`, Legend: "{{pod}}"}}},
			}},
		{UID: "mlplatform-explainers", Title: "mlplatform / Explainers",
			Variables: []Variable{{Name: "model", Label: "Model", Query: `label_values(` + ExplainLatencyMetric + `_count, ` + ModelLabel + `)`}},
			Panels: []Panel{
				{Title: "Explanation latency per model", Unit: "s", Targets: []Target{
					{Expr: `histogram_quantile(0.95, sum by (` + ModelLabel + `, le) (rate(` + ExplainLatencyMetric + `_bucket{` + sel + `}[5m])))`, Legend: "{{" + ModelLabel + "}} p95"}}},
				{Title: "Explanations per second (gateway)", Unit: "reqps", Targets: []Target{
					{Expr: requests("explainer"), Legend: "{{" + ModelLabel + "}}"}}},
				{Title: "Explainer server errors (5xx, % of requests)", Unit: "percent", Targets: []Target{
					{Expr: errorPct("explainer"), Legend: "{{" + ModelLabel + "}}"}}},
				{Title: "Available explainer replicas", Unit: "short", Targets: []Target{
					{Expr: `label_replace(kube_deployment_status_replicas_available{namespace="serving", deployment=~"($model)-explainer"}, "model", "$1", "deployment", "(.*)-explainer")`, Legend: "{{model}}"}}},
				{Title: "Explainer restarts (errors that crash the server)", Unit: "short", Targets: []Target{
					{Expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="serving", pod=~"($model)-explainer-.*"}[15m]))`, Legend: "{{pod}}"}}},
			}},
		{UID: "mlplatform-model-quality", Title: "mlplatform / Model quality",
			// TrustyAI's gauges for the requests the registrar schedules,
			// beside each model's limits from the environment file.
			Variables: []Variable{{Name: "model", Label: "Model", Query: `label_values(` + ObservationsMetric + `, model)`}},
			Panels: []Panel{
				{Title: "Statistical parity difference (0 is parity)", Unit: "short", Targets: []Target{
					{Expr: SPDMetric + `{requestName="mlplatform-spd", model=~"$model"}`, Legend: "{{model}} by {{protected}}"},
					{Expr: SPDLimitRecord + `{model=~"$model"}`, Legend: "{{model}} limit"},
					{Expr: `-1 * ` + SPDLimitRecord + `{model=~"$model"}`, Legend: "{{model}} limit"}}},
				{Title: "Disparate impact ratio (1 is parity)", Unit: "short", Targets: []Target{
					{Expr: DIRMetric + `{requestName="mlplatform-dir", model=~"$model"}`, Legend: "{{model}} by {{protected}}"},
					{Expr: DIRLowRecord + `{model=~"$model"}`, Legend: "{{model}} low"},
					{Expr: DIRHighRecord + `{model=~"$model"}`, Legend: "{{model}} high"}}},
				{Title: "Drift: meanshift p-value per feature (under the threshold: drifted)", Unit: "short", Targets: []Target{
					{Expr: `min by (model, subcategory) (` + DriftMetric + `{requestName="mlplatform-meanshift", model=~"$model"})`, Legend: "{{model}} {{subcategory}}"},
					{Expr: DriftThresholdRecord + `{model=~"$model"}`, Legend: "{{model}} threshold"}}},
				{Title: "Rows TrustyAI holds per model (reference and traffic)", Unit: "short", Targets: []Target{
					{Expr: `max by (model) (` + ObservationsMetric + `{model=~"$model"})`, Legend: "{{model}}"}}},
				{Title: "Records handed to TrustyAI, by outcome", Unit: "short", Targets: []Target{
					{Expr: `sum by (model, outcome) (rate(` + ForwardedMetric + `{model=~"$model"}[5m]))`, Legend: "{{model}} {{outcome}}"}}},
				{Title: "Records archived by the payload filter, kept or dropped", Unit: "short", Targets: []Target{
					{Expr: `sum by (model, kind, outcome) (rate(` + RecordsMetric + `{model=~"$model"}[5m]))`, Legend: "{{model}} {{kind}} {{outcome}}"}}},
			}},
		{UID: "mlplatform-node-groups", Title: "mlplatform / Node groups",
			Panels: []Panel{
				{Title: "Nodes per node group", Unit: "short", Targets: []Target{
					{Expr: `mlplatform:node_group_nodes:count`, Legend: "{{" + NodeGroupLabel + "}}"}}},
				{Title: "Scale events (nodes added or removed in 10 minutes)", Unit: "short", Targets: []Target{
					{Expr: `delta(mlplatform:node_group_nodes:count[10m]) != 0`, Legend: "{{" + NodeGroupLabel + "}}"}}},
				{Title: "Pending pods (waiting for a node)", Unit: "short", Targets: []Target{
					{Expr: `sum by (namespace) (kube_pod_status_phase{phase="Pending"})`, Legend: "{{namespace}}"}}},
				{Title: "GPUs allocatable vs requested", Unit: "short", Targets: []Target{
					{Expr: `sum(kube_node_status_allocatable{resource="nvidia_com_gpu"})`, Legend: "allocatable"},
					{Expr: `sum(kube_pod_container_resource_requests{resource="nvidia_com_gpu"})`, Legend: "requested"}}},
			}},
		{UID: "mlplatform-runners", Title: "mlplatform / CI runners",
			Panels: []Panel{
				{Title: "Jobs waiting for a runner", Unit: "short", Targets: []Target{
					{Expr: `mlplatform:runner_backlog`, Legend: "{{name}}"}}},
				{Title: "Runners: busy, idle, desired", Unit: "short", Targets: []Target{
					{Expr: `sum by (name) (gha_busy_runners)`, Legend: "{{name}} busy"},
					{Expr: `sum by (name) (gha_idle_runners)`, Legend: "{{name}} idle"},
					{Expr: `sum by (name) (gha_desired_runners)`, Legend: "{{name}} desired"}}},
				{Title: "Job start-up time p95", Unit: "s", Targets: []Target{
					{Expr: `histogram_quantile(0.95, sum by (le) (rate(gha_job_startup_duration_seconds_bucket[30m])))`, Legend: "p95"}}},
				{Title: "Jobs completed per hour by result", Unit: "short", Targets: []Target{
					{Expr: `sum by (job_result) (increase(gha_completed_jobs_total[1h]))`, Legend: "{{job_result}}"}}},
			}},
		// MLflow's exporter labels requests by method and status only (its
		// group_by is the MLflow version, not the path).
		{UID: "mlplatform-mlflow", Title: "mlplatform / MLflow",
			Panels: []Panel{
				{Title: "Requests per second by status", Unit: "reqps", Targets: []Target{
					{Expr: `sum by (status) (rate(` + MLflowRequestsMetric + `{namespace="mlflow"}[5m]))`, Legend: "{{status}}"}}},
				{Title: "Server errors (5xx, % of requests)", Unit: "percent", Targets: []Target{
					{Expr: `100 * sum(rate(` + MLflowRequestsMetric + `{namespace="mlflow", status=~"5.."}[5m])) / sum(rate(` + MLflowRequestsMetric + `{namespace="mlflow"}[5m]))`, Legend: "5xx"}}},
				{Title: "Latency p95 and p50 by method", Unit: "s", Targets: []Target{
					{Expr: `histogram_quantile(0.95, sum by (method, le) (rate(` + MLflowDurationMetric + `_bucket{namespace="mlflow"}[5m])))`, Legend: "{{method}} p95"},
					{Expr: `histogram_quantile(0.5, sum by (method, le) (rate(` + MLflowDurationMetric + `_bucket{namespace="mlflow"}[5m])))`, Legend: "{{method}} p50"}}},
				{Title: "Available servers", Unit: "short", Targets: []Target{
					{Expr: `kube_deployment_status_replicas_available{namespace="mlflow", deployment="mlflow"}`, Legend: "available"},
					{Expr: `kube_deployment_spec_replicas{namespace="mlflow", deployment="mlflow"}`, Legend: "desired"}}},
				{Title: "Restarts (a rotated database password restarts the server)", Unit: "short", Targets: []Target{
					{Expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="mlflow", container="mlflow"}[1h]))`, Legend: "{{pod}}"}}},
				{Title: "Memory per server", Unit: "bytes", Targets: []Target{
					{Expr: `sum by (pod) (container_memory_working_set_bytes{namespace="mlflow", container="mlflow"})`, Legend: "{{pod}}"}}},
			}},
		// JupyterHub's hub metrics (jupyterhub 5.5.0 jupyterhub/metrics.py)
		// and the GPUs notebooks hold (DCGM with pod attribution).
		{UID: "mlplatform-notebooks", Title: "mlplatform / Notebooks",
			Panels: []Panel{
				{Title: "Running notebooks", Unit: "short", Targets: []Target{
					{Expr: `sum(jupyterhub_running_servers{namespace="notebooks"})`, Legend: "running"}}},
				{Title: "Active users", Unit: "short", Targets: []Target{
					{Expr: `max by (period) (jupyterhub_active_users{namespace="notebooks"})`, Legend: "{{period}}"},
					{Expr: `max(jupyterhub_total_users{namespace="notebooks"})`, Legend: "all users"}}},
				{Title: "Notebook start time p95 (successful starts)", Unit: "s", Targets: []Target{
					{Expr: `histogram_quantile(0.95, sum by (le) (rate(jupyterhub_server_spawn_duration_seconds_bucket{namespace="notebooks", status="success"}[30m])))`, Legend: "p95"}}},
				{Title: "Failed notebook starts per hour", Unit: "short", Targets: []Target{
					{Expr: `sum(increase(jupyterhub_server_spawn_duration_seconds_count{namespace="notebooks", status="failure"}[1h]))`, Legend: "failures"}}},
				{Title: "GPU utilisation per notebook", Unit: "percent", Targets: []Target{
					{Expr: `avg by (pod) (DCGM_FI_DEV_GPU_UTIL{namespace="notebooks", pod!=""})`, Legend: "{{pod}}"}}},
				{Title: "GPU memory per notebook", Unit: "decmbytes", Targets: []Target{
					{Expr: `sum by (pod) (DCGM_FI_DEV_FB_USED{namespace="notebooks", pod!=""})`, Legend: "{{pod}}"}}},
			}},
	}
}
