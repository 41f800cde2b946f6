package serving

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
)

// Runtimes are the ClusterServingRuntimes models are served by, by model
// format: for every format but pytorch, the runtime kserve-runtime-configs
// v0.20.0 auto-selects with the highest priority (files/runtimes/
// resources.yaml at kserve/kserve tag v0.20.0: xgboost "2" ->
// kserve-xgbserver priority 1, sklearn "1" -> kserve-sklearnserver 1;
// tensorflow -> tensorflow-serving 2; huggingface -> kserve-huggingfaceserver
// 1). Naming the runtime keeps a model on the same server when KServe adds
// another runtime for its format.
//
// pytorch is served by Triton (kserve-tritonserver lists pytorch, without
// autoSelect, so the model names it). KServe v0.20.0 still auto-selects
// TorchServe (kserve-torchserve, pytorch/torchserve-kfs:0.9.0), whose
// upstream (pytorch/serve) is in limited maintenance and was archived on
// 2025-08-07; Triton is maintained and is the other runtime KServe ships for
// pytorch. Triton speaks v2 only (protocolVersions v2, grpc-v2) and serves
// TorchScript models from a model repository; a model may still name
// kserve-torchserve in runtime.
var Runtimes = map[string]string{
	"sklearn":     "kserve-sklearnserver",
	"xgboost":     "kserve-xgbserver",
	"pytorch":     TritonRuntime,
	"tensorflow":  "kserve-tensorflow-serving",
	"huggingface": "kserve-huggingfaceserver", // vLLM backend for text generation
}

// TritonRuntime is Triton's ClusterServingRuntime.
const TritonRuntime = "kserve-tritonserver"

// Triton's metrics: its own port (kserve-runtime-configs v0.20.0
// resources.yaml annotates kserve-tritonserver prometheus.kserve.io/port
// "8002"; triton-inference-server/server v2.34.0, the 23.05 image the chart
// pins, docs/user_guide/metrics.md: metrics at :8002/metrics), and the
// flag that adds its latency summaries (nv_inference_request_summary_us
// with quantiles 0.5 to 0.999, "--metrics-config summary_latencies=true",
// experimental at that release), from which the p95 latency is recorded.
const (
	TritonMetricsPort    = 8002
	TritonSummaryLatency = "--metrics-config=summary_latencies=true"
)

// V2Only reports whether a runtime speaks only the v2 protocol (Triton:
// protocolVersions v2 and grpc-v2).
func V2Only(runtime string) bool { return runtime == TritonRuntime }

// MetricsPort is where a runtime's server exports its metrics.
func MetricsPort(runtime string) int {
	if runtime == TritonRuntime {
		return TritonMetricsPort
	}
	return HTTPPort
}

// ChartRuntime is one ClusterServingRuntime the kserve-runtime-configs chart
// creates: its name, the values key that switches it (kserve.servingruntime.
// <key>.disabled) and its kserve-container as the chart declares it, which
// KServe merges the model's container over.
type ChartRuntime struct {
	Name      string
	ValuesKey string
	// Container is the runtime's kserve-container (name, command, args,
	// env, securityContext, resources), with the chart's image placeholder
	// left out: nothing here pulls images.
	Container map[string]interface{}
}

// runtimeSecurity is the securityContext the chart's values give the
// Python servers (values.yaml, kserve.servingruntime.<key>.securityContext);
// runAsUser1000 adds runAsUser: 1000 as for tensorflow, tritonserver and
// torchserve, whose images define no user.
func runtimeSecurity(runAsUser1000 bool) map[string]interface{} {
	sc := map[string]interface{}{
		"allowPrivilegeEscalation": false, "privileged": false, "runAsNonRoot": true,
		"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
	}
	if runAsUser1000 {
		sc["runAsUser"] = 1000
	}
	return sc
}

// runtimeResources are what every runtime but the LLM ones requests and is
// limited to (files/runtimes/clusterservingruntimes-patch.yaml).
func runtimeResources() map[string]interface{} {
	r := map[string]interface{}{"cpu": "1", "memory": "2Gi"}
	return map[string]interface{}{"requests": r, "limits": r}
}

func pythonServer(extra ...interface{}) map[string]interface{} {
	args := append([]interface{}{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"}, extra...)
	return map[string]interface{}{"name": ServerContainer, "args": args, "securityContext": runtimeSecurity(false), "resources": runtimeResources()}
}

// ChartRuntimes are the runtimes kserve-runtime-configs v0.20.0 creates
// when kserve.servingruntime.enabled is true (values.yaml; the containers
// from files/runtimes/clusterservingruntimes-patch.yaml, which replaces the
// base file's args; {{.Name}} is the InferenceService's name, filled in by
// the controller). The LLM runtimes' containers (vLLM, multi-node
// Hugging Face) are not recorded: no platform format uses them.
var ChartRuntimes = []ChartRuntime{
	{"kserve-sklearnserver", "sklearnserver", pythonServer()},
	{"kserve-xgbserver", "xgbserver", pythonServer("--nthread=1")},
	{"kserve-lgbserver", "lgbserver", pythonServer("--nthread=1")},
	{"kserve-pmmlserver", "pmmlserver", pythonServer()},
	{"kserve-paddleserver", "paddleserver", pythonServer()},
	{"kserve-autogluonserver", "autogluonserver", pythonServer()},
	{"kserve-predictiveserver", "predictiveserver", pythonServer("--framework={{.Annotations.modelFormat}}", "--nthread=1")},
	{"kserve-mlserver", "mlserver", map[string]interface{}{"name": ServerContainer, "securityContext": runtimeSecurity(false), "resources": runtimeResources(),
		"env": []interface{}{
			map[string]interface{}{"name": "MLSERVER_MODEL_IMPLEMENTATION", "value": "{{.Labels.modelClass}}"},
			map[string]interface{}{"name": "MLSERVER_HTTP_PORT", "value": "8080"},
			map[string]interface{}{"name": "MLSERVER_GRPC_PORT", "value": "9000"},
			map[string]interface{}{"name": "MODELS_DIR", "value": "/mnt/models"},
		}}},
	{"kserve-tensorflow-serving", "tensorflow", map[string]interface{}{"name": ServerContainer, "command": []interface{}{"/usr/bin/tensorflow_model_server"},
		"args":            []interface{}{"--model_name={{.Name}}", "--port=9000", "--rest_api_port=8080", "--model_base_path=/mnt/models", "--rest_api_timeout_in_ms=60000"},
		"securityContext": runtimeSecurity(true), "resources": runtimeResources()}},
	{"kserve-torchserve", "torchserve", map[string]interface{}{"name": ServerContainer,
		"args":            []interface{}{"torchserve", "--start", "--model-store=/mnt/models/model-store", "--ts-config=/mnt/models/config/config.properties"},
		"env":             []interface{}{map[string]interface{}{"name": "TS_SERVICE_ENVELOPE", "value": "{{.Labels.serviceEnvelope}}"}},
		"securityContext": runtimeSecurity(true), "resources": runtimeResources()}},
	{"kserve-tritonserver", "tritonserver", map[string]interface{}{"name": ServerContainer,
		"args":            []interface{}{"tritonserver", "--model-store=/mnt/models", "--grpc-port=9000", "--http-port=8080", "--allow-grpc=true", "--allow-http=true"},
		"securityContext": runtimeSecurity(true), "resources": runtimeResources()}},
	{"kserve-huggingfaceserver", "huggingfaceserver", map[string]interface{}{"name": ServerContainer,
		"args":            []interface{}{"--model_name={{.Name}}"},
		"env":             []interface{}{map[string]interface{}{"name": "LMCACHE_USE_EXPERIMENTAL", "value": "True"}},
		"securityContext": runtimeSecurity(false), "resources": runtimeResources()}},
	// kserve-huggingfaceserver-multinode follows huggingfaceserver.disabled
	// (its template reads that key, not huggingfaceserver_multinode's).
	{"kserve-vllmserver", "vllmserver", nil},
}

// LookupRuntime returns the chart's runtime of a name.
func LookupRuntime(name string) (ChartRuntime, bool) {
	for _, r := range ChartRuntimes {
		if r.Name == name {
			return r, true
		}
	}
	return ChartRuntime{}, false
}

// RuntimeValues install the runtimes chart with the runtimes in use
// enabled and every other one disabled. The chart creates every runtime it
// knows whatever the values (a disabled one stays, with spec.disabled:
// true, and the controller never picks it), so disabling is the most the
// values can do.
func RuntimeValues(inUse []string) (map[string]interface{}, error) {
	used := map[string]bool{}
	var unknown []string
	for _, name := range inUse {
		if _, ok := LookupRuntime(name); !ok {
			unknown = append(unknown, name)
		}
		used[name] = true
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		var known []string
		for _, r := range ChartRuntimes {
			known = append(known, r.Name)
		}
		return nil, fmt.Errorf("serving runtime %s is not one kserve-runtime-configs %s installs; use one of %s",
			strings.Join(unknown, ", "), charts.KServeRuntimes.Version, strings.Join(known, ", "))
	}
	sr := map[string]interface{}{"enabled": true}
	for _, r := range ChartRuntimes {
		sr[r.ValuesKey] = map[string]interface{}{"disabled": !used[r.Name]}
	}
	return map[string]interface{}{"kserve": map[string]interface{}{"servingruntime": sr}}, nil
}
