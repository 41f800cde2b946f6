package standin

import (
	"reflect"
	"strings"
	"testing"
)

func isvc(runtime string, resources map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{
		"metadata": map[string]interface{}{"name": "fraud", "namespace": "serving", "labels": map[string]interface{}{"team": "ml"}},
		"spec": map[string]interface{}{"predictor": map[string]interface{}{
			"minReplicas": 2.0,
			"model": map[string]interface{}{
				"modelFormat": map[string]interface{}{"name": "xgboost"}, "runtime": runtime, "storageUri": "s3://b/m",
				"resources":       resources,
				"securityContext": map[string]interface{}{"runAsNonRoot": true, "allowPrivilegeEscalation": false},
			},
		}},
	}
}

func container(t *testing.T, d []map[string]interface{}) map[string]interface{} {
	t.Helper()
	if len(d) != 1 {
		t.Fatalf("%d deployments, want 1", len(d))
	}
	pod := mapOf(mapOf(mapOf(d[0]["spec"])["template"])["spec"])
	return mapOf(list(pod["containers"])[0])
}

// The model's container merged over kserve-xgbserver's as the v0.20.0
// controller merges them: the runtime's args first with {{.Name}} filled,
// resources and securityContext key by key, INFERENCE_SERVICE_NAME added.
func TestPredictorIsTheModelMergedOverItsRuntime(t *testing.T) {
	res := map[string]interface{}{"requests": map[string]interface{}{"cpu": "2", "memory": "4Gi"}, "limits": map[string]interface{}{"cpu": "2", "memory": "4Gi"}}
	d, err := Deployments(isvc("kserve-xgbserver", res))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{
		"name": "kserve-container", "image": "stand-in.invalid/kserve/predictor:v0.20.0",
		"args":      []interface{}{"--model_name=fraud", "--model_dir=/mnt/models", "--http_port=8080", "--nthread=1"},
		"env":       []interface{}{map[string]interface{}{"name": "INFERENCE_SERVICE_NAME", "value": "fraud"}},
		"resources": map[string]interface{}{"requests": map[string]interface{}{"cpu": "2", "memory": "4Gi"}, "limits": map[string]interface{}{"cpu": "2", "memory": "4Gi"}},
		"securityContext": map[string]interface{}{"allowPrivilegeEscalation": false, "privileged": false, "runAsNonRoot": true,
			"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}}},
		"readinessProbe": map[string]interface{}{"tcpSocket": map[string]interface{}{"port": HTTPPort}},
	}
	if got := container(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("predictor container =\n%#v\nwant\n%#v", got, want)
	}
}

// A model that leaves the CPU limit unset keeps the runtime's ("1"), below
// a two-CPU request: the Deployment KServe would build is one Kubernetes
// refuses, which is why the serving component sets the limit.
func TestAnUnsetLimitKeepsTheRuntimes(t *testing.T) {
	res := map[string]interface{}{"requests": map[string]interface{}{"cpu": "2", "memory": "4Gi"}, "limits": map[string]interface{}{"memory": "4Gi"}}
	d, err := Deployments(isvc("kserve-xgbserver", res))
	if err != nil {
		t.Fatal(err)
	}
	got := mapOf(container(t, d)["resources"])
	if want := map[string]interface{}{"cpu": "1", "memory": "4Gi"}; !reflect.DeepEqual(got["limits"], want) {
		t.Errorf("limits = %v, want %v", got["limits"], want)
	}
}

// TorchServe's defaults: the service envelope label fills the runtime's
// placeholder, PROTOCOL_VERSION is v1, and the runtime's user 1000 stays.
func TestTorchServeDefaults(t *testing.T) {
	d, err := Deployments(isvc("kserve-torchserve", map[string]interface{}{}))
	if err != nil {
		t.Fatal(err)
	}
	c := container(t, d)
	wantEnv := []interface{}{
		map[string]interface{}{"name": "TS_SERVICE_ENVELOPE", "value": "kserve"},
		map[string]interface{}{"name": "PROTOCOL_VERSION", "value": "v1"},
		map[string]interface{}{"name": "INFERENCE_SERVICE_NAME", "value": "fraud"},
	}
	if !reflect.DeepEqual(c["env"], wantEnv) {
		t.Errorf("env = %#v, want %#v", c["env"], wantEnv)
	}
	if u := mapOf(c["securityContext"])["runAsUser"]; u != 1000.0 {
		t.Errorf("runAsUser = %v, want 1000", u)
	}
}

func TestUnknownRuntime(t *testing.T) {
	_, err := Deployments(isvc("kserve-onnxserver", nil))
	if err == nil || !strings.Contains(err.Error(), `InferenceService serving/fraud: runtime "kserve-onnxserver" is not one kserve-runtime-configs v0.20.0 creates`) {
		t.Errorf("error = %v", err)
	}
}

// TestLoggerAddsTheAgent: a predictor with a logger gets KServe's agent
// beside its server, with the logger's flags in the webhook's order.
func TestLoggerAddsTheAgent(t *testing.T) {
	res := map[string]interface{}{"requests": map[string]interface{}{"cpu": "1", "memory": "2Gi"}, "limits": map[string]interface{}{"cpu": "1", "memory": "2Gi"}}
	in := isvc("kserve-xgbserver", res)
	mapOf(mapOf(in["spec"])["predictor"])["logger"] = map[string]interface{}{
		"mode": "all", "url": "s3://bucket/payloads", "marshallerUrl": "http://payload-filter.serving.svc.cluster.local:8080/marshal",
		"batchSize": 100.0, "batchInterval": "60s", "storage": map[string]interface{}{"path": "batches", "serviceAccountName": "fraud"},
	}
	d, err := Deployments(in)
	if err != nil {
		t.Fatal(err)
	}
	containers := list(mapOf(mapOf(mapOf(d[0]["spec"])["template"])["spec"])["containers"])
	if len(containers) != 2 {
		t.Fatalf("%d containers, want the server and the agent", len(containers))
	}
	agent := mapOf(containers[1])
	wantArgs := []interface{}{"--log-url", "s3://bucket/payloads", "--source-uri", "fraud-predictor", "--log-mode", "all",
		"--inference-service", "fraud", "--namespace", "serving", "--endpoint", "", "--component", "predictor",
		"--log-store-path", "batches", "--log-marshaller-url", "http://payload-filter.serving.svc.cluster.local:8080/marshal",
		"--log-batch-size", "100", "--log-batch-interval", "60s", "--logger-tls-skip-verify", "false"}
	if agent["name"] != "agent" || !reflect.DeepEqual(agent["args"], wantArgs) {
		t.Errorf("agent %v args %v, want %v", agent["name"], agent["args"], wantArgs)
	}
	if !reflect.DeepEqual(agent["ports"], []interface{}{map[string]interface{}{"name": "agent-port", "containerPort": 9081, "protocol": "TCP"}}) {
		t.Errorf("ports = %v", agent["ports"])
	}
	if !reflect.DeepEqual(agent["securityContext"], mapOf(containers[0])["securityContext"]) {
		t.Error("the agent does not carry the server's securityContext, as the webhook copies it")
	}
	if env := list(agent["env"]); len(env) != 1 || mapOf(env[0])["value"] != `{"tcpSocket":{"port":8080}}` {
		t.Errorf("env = %v, want SERVING_READINESS_PROBE of the server's TCP probe", env)
	}
}
