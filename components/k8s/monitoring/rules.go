package monitoring

import (
	"fmt"
	"strconv"
)

// RuleGroup is one PrometheusRule object with one group of rules.
type RuleGroup struct {
	// Name names the PrometheusRule (mlplatform-<name>) and its group.
	Name  string
	Rules []Rule
}

// Rule is an alerting or recording rule.
type Rule struct {
	// Alert names an alerting rule; Record names a recording rule.
	Alert, Record string
	Expr          string
	// Labels are added to a recording rule's series.
	Labels map[string]string
	// For is how long the condition holds before the alert fires.
	For      string
	Severity string
	// Summary and Description are the alert's annotations; Description may
	// use {{ $labels.x }} and {{ $value }}.
	Summary, Description string
}

// Spec is the PrometheusRule spec holding the group.
func (g RuleGroup) Spec() map[string]interface{} {
	rules := make([]interface{}, 0, len(g.Rules))
	for _, r := range g.Rules {
		m := map[string]interface{}{"expr": r.Expr}
		if r.Record != "" {
			m["record"] = r.Record
			if len(r.Labels) > 0 {
				l := map[string]interface{}{}
				for k, v := range r.Labels {
					l[k] = v
				}
				m["labels"] = l
			}
		} else {
			m["alert"] = r.Alert
			m["for"] = r.For
			m["labels"] = map[string]interface{}{"severity": r.Severity, "team": "ml-platform"}
			m["annotations"] = map[string]interface{}{"summary": r.Summary, "description": r.Description}
		}
		rules = append(rules, m)
	}
	return map[string]interface{}{"name": "mlplatform." + g.Name, "rules": rules}
}

// NodeGroupLabel is the node-group label as kube-state-metrics exports it on
// kube_node_labels (label_ + the key with every non-alphanumeric as _).
const NodeGroupLabel = "label_mlplatform_pangea_ai_node_group"

// Metric names and labels the rules and dashboards read. KServe's Python
// model servers (and explainers built on them) expose latency histograms
// labelled with the model's name on their HTTP port; the ARC listeners
// expose the runner scale sets' job and runner gauges.
const (
	ModelLabel           = "model_name"
	PredictLatencyMetric = "request_predict_seconds"
	// TritonLatencyMetric is Triton's end-to-end request latency summary
	// (microseconds; quantiles 0.5, 0.9, 0.95, 0.99, 0.999), on when the
	// server runs with summary latencies.
	TritonLatencyMetric  = "nv_inference_request_summary_us"
	ExplainLatencyMetric = "request_explain_seconds"
	// RunnerBacklogExpr counts jobs assigned to a scale set that no runner
	// has started yet (assigned counts waiting and running jobs).
	RunnerBacklogExpr = `sum by (name) (gha_assigned_jobs - gha_running_jobs)`

	// GatewayRequestsMetric counts the model gateway's upstream requests by
	// Envoy cluster (httproute/<namespace>/<route>/rule/<n>) and status
	// class (envoy_response_code_class: 1-5).
	GatewayRequestsMetric = "envoy_cluster_upstream_rq_xx"
	CodeClassLabel        = "envoy_response_code_class"
	// ModelRequestsRecord is each model component's request rate by status
	// class, recorded by its ModelService (which knows its routes) with the
	// labels model_name and component (predictor or explainer).
	ModelRequestsRecord = "mlplatform:model_requests:rate5m"
	ComponentLabel      = "component"

	// TrustyAI's gauges of a model's drift and fairness (label model, the
	// InferenceService; requestName, the registrar's request; meanshift
	// has one series per feature, label subcategory), and how many rows it
	// holds per model.
	SPDMetric          = "trustyai_spd"
	DIRMetric          = "trustyai_dir"
	DriftMetric        = "trustyai_meanshift"
	ObservationsMetric = "trustyai_model_observations_total"
	// ForwardedMetric counts the payload filter's records handed to
	// TrustyAI, by outcome (sent, failed, dropped, unmeasurable).
	ForwardedMetric = "payload_filter_forwarded_total"
	// RecordsMetric counts the payload filter's records by kind and
	// whether their payload was kept.
	RecordsMetric = "payload_filter_records_total"

	// Recording rules holding each model's quality thresholds (labels
	// namespace and model), which the model-quality alerts and the "Model
	// quality" dashboard compare TrustyAI's gauges with; the serving
	// component records them from the environment file.
	DriftThresholdRecord = "mlplatform:model_drift_pvalue:threshold"
	SPDLimitRecord       = "mlplatform:model_spd:limit"
	DIRLowRecord         = "mlplatform:model_dir:low"
	DIRHighRecord        = "mlplatform:model_dir:high"
)

// Rules are the platform's rules: GPU faults, serving SLOs per model, runner
// backlog, and node-group sizes for the scale-event dashboard. The error
// rate reads ModelRequestsRecord, which each ModelService records from the
// model gateway's counters.
func Rules(t Thresholds) []RuleGroup {
	latency := strconv.FormatFloat(float64(t.ServingP95LatencyMs)/1000, 'f', -1, 64)
	errPct := strconv.FormatFloat(t.ServingErrorRatePercent, 'f', -1, 64)
	by := `sum by (` + ModelLabel + `, ` + ComponentLabel + `) `
	return []RuleGroup{
		{Name: "gpu", Rules: []Rule{
			{Alert: "GPUXidError", Severity: "critical", For: "0m",
				Expr:        `DCGM_FI_DEV_XID_ERRORS > 0 and changes(DCGM_FI_DEV_XID_ERRORS[10m]) > 0`,
				Summary:     "A GPU reported an XID error",
				Description: "GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on node {{ $labels.Hostname }} reported XID {{ $value }}. XIDs 48, 63, 64, 74, 79 and 94/95 usually mean the node must be drained and replaced."},
			{Alert: "GPUTemperatureHigh", Severity: "critical", For: "5m",
				Expr:        fmt.Sprintf(`DCGM_FI_DEV_GPU_TEMP > %d`, t.GPUTemperatureC),
				Summary:     fmt.Sprintf("A GPU is above %d°C", t.GPUTemperatureC),
				Description: "GPU {{ $labels.gpu }} on node {{ $labels.Hostname }} has been at {{ $value }}°C for 5 minutes; it will throttle, then fail."},
			{Alert: "GPUMemoryNearlyFull", Severity: "warning", For: "15m",
				Expr:        `DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) > 0.95`,
				Summary:     "A GPU's memory is over 95% used",
				Description: "GPU {{ $labels.gpu }} on node {{ $labels.Hostname }} (pod {{ $labels.namespace }}/{{ $labels.pod }}) has used over 95% of its memory for 15 minutes; the next allocation fails with out-of-memory."},
		}},
		{Name: "serving", Rules: []Rule{
			{Record: "mlplatform:model_request_latency_seconds:p95",
				Expr: `histogram_quantile(0.95, sum by (namespace, ` + ModelLabel + `, le) (rate(` + PredictLatencyMetric + `_bucket[5m])))`},
			// Triton (pytorch's runtime) has no histogram: its latency
			// summary's 0.95 quantile, in microseconds.
			{Record: "mlplatform:model_request_latency_seconds:p95",
				Expr: `max by (namespace, ` + ModelLabel + `) (` + TritonLatencyMetric + `{quantile="0.95"}) / 1000000`},
			{Alert: "ModelLatencyP95High", Severity: "warning", For: "10m",
				Expr:        `mlplatform:model_request_latency_seconds:p95 > ` + latency,
				Summary:     fmt.Sprintf("A model's p95 latency is above %d ms", t.ServingP95LatencyMs),
				Description: "Model {{ $labels." + ModelLabel + " }} in {{ $labels.namespace }} has answered at p95 {{ $value | humanizeDuration }} for 10 minutes."},
			{Alert: "ModelErrorRateHigh", Severity: "critical", For: "10m",
				Expr:    `100 * ` + by + `(` + ModelRequestsRecord + `{` + CodeClassLabel + `="5"}) / ` + by + `(` + ModelRequestsRecord + `) > ` + errPct,
				Summary: fmt.Sprintf("A model answers more than %s%% of requests with a server error", errPct),
				Description: "The {{ $labels." + ComponentLabel + " }} of model {{ $labels." + ModelLabel + " }} has answered {{ $value | humanize }}% of requests " +
					"through the model gateway with 5xx for 10 minutes (a crashed or overloaded server, or a model that fails on its input)."},
			{Alert: "ModelUnavailable", Severity: "critical", For: "5m",
				Expr:        `kube_deployment_status_replicas_available{namespace="serving"} == 0 and kube_deployment_spec_replicas{namespace="serving"} > 0`,
				Summary:     "A model or explainer has no ready replica",
				Description: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had no available replica for 5 minutes."},
		}},
		{Name: "runners", Rules: []Rule{
			{Record: "mlplatform:runner_backlog",
				Expr: RunnerBacklogExpr},
			{Alert: "RunnerBacklogHigh", Severity: "warning", For: "15m",
				Expr:        fmt.Sprintf(`mlplatform:runner_backlog > %d`, t.RunnerBacklog),
				Summary:     fmt.Sprintf("More than %d CI jobs are waiting for a runner", t.RunnerBacklog),
				Description: "Runner scale set {{ $labels.name }} has had {{ $value }} jobs waiting for a runner for 15 minutes: raise maxRunners, or check the node group can scale."},
		}},
		// MLflow: the registry the serving side promotes from, and every
		// notebook's tracking server.
		{Name: "mlflow", Rules: []Rule{
			{Alert: "MLflowUnavailable", Severity: "critical", For: "5m",
				Expr:        `kube_deployment_status_replicas_available{namespace="mlflow", deployment="mlflow"} == 0 and kube_deployment_spec_replicas{namespace="mlflow", deployment="mlflow"} > 0`,
				Summary:     "MLflow has no ready tracking server",
				Description: "mlflow/mlflow has had no available replica for 5 minutes: runs cannot be logged and versions cannot be registered or promoted. A pod that restarts in a loop often means its database password could not be read (kubectl -n mlflow logs deploy/mlflow)."},
			{Alert: "MLflowServerErrors", Severity: "warning", For: "10m",
				Expr:        `100 * sum(rate(` + MLflowRequestsMetric + `{namespace="mlflow", status=~"5.."}[5m])) / sum(rate(` + MLflowRequestsMetric + `{namespace="mlflow"}[5m])) > 5`,
				Summary:     "MLflow answers more than 5% of requests with a server error",
				Description: "{{ $value | humanize }}% of MLflow's requests have failed with 5xx for 10 minutes; the database or the artifact store is the usual cause."},
		}},
		{Name: "nodes", Rules: []Rule{
			{Record: "mlplatform:node_group_nodes:count",
				Expr: `count by (` + NodeGroupLabel + `) (kube_node_labels{` + NodeGroupLabel + `!=""})`},
		}},
	}
}
