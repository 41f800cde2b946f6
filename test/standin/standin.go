// Package standin builds the Deployments KServe's controller would create
// for an InferenceService in Standard mode, so tests can judge exactly the
// pods a model would run without KServe itself: the control-plane suite
// applies them (admission, quotas, the scheduler), the scrape check reads
// their ports.
//
// Facts, all read at kserve/kserve tag v0.20.0:
//
//   - pkg/controller/v1beta1/inferenceservice/components/predictor.go
//     buildPodSpec: the predictor's container is the model's container
//     merged over its runtime's kserve-container
//     (inferenceservice/utils/utils.go MergeRuntimeContainers, calling
//     pkg/utils/container_merge.go MergeContainerWithPatch): a strategic
//     merge, in which args are concatenated (the runtime's first), env
//     merges by name, resources and the securityContext merge key by key
//     and the model's scalars win; then ReplacePlaceholders fills the Go
//     template fields ({{.Name}}, {{.Labels.x}}) from the
//     InferenceService's metadata. Every predictor container gets env
//     INFERENCE_SERVICE_NAME.
//
//   - pkg/apis/serving/v1beta1/inference_service_defaults.go
//     SetTorchServeDefaults: a TorchServe model gets protocol v1, label
//     serviceEnvelope=kserve and env PROTOCOL_VERSION=v1.
//
//   - The runtimes' containers: serving.ChartRuntimes, from
//     charts/kserve-runtime-configs (files/runtimes/*.yaml, values.yaml).
//     None declares ports; the servers listen on 8080.
//
//   - reconcilers/deployment/deployment_reconciler.go setDefaultPodSpec: a
//     kserve-container without ports and without a readiness probe gets a
//     TCP probe on 8080. Labels: serving.kserve.io/inferenceservice=<isvc>,
//     component=<predictor|explainer>, app=isvc.<isvc>-<component>.
//
//   - pkg/apis/serving/v1beta1/explainer_art.go and explainer_custom.go: the
//     explainer gets --model_name, --predictor_host and --http_port 8080
//     (ART also --adversary_type); still no port.
//
//   - pkg/webhook/admission/pod/agent_injector.go InjectAgent: a component
//     with a logger gets the agent container: name agent, port agent-port
//     9081, the kserve-container's securityContext, the logger entry's
//     resources from inferenceservice-config (charts/_common/common-patches/
//     configmap-patch.yaml: 100m and 100Mi requested, 1 and 1Gi limit), the
//     logger's flags in the injector's order, SERVING_READINESS_PROBE from
//     the server's readiness probe, and a readiness probe on 9081.
//
// Not imitated: the storage-initializer init container, and the
// credentials the agent's credential builder adds from service accounts.
package standin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"text/template"

	"github.com/pangea-ai/mlplatform/components/k8s/serving"
)

// KServeVersion is the KServe release these stand-ins imitate.
const KServeVersion = "v0.20.0"

// HTTPPort is where every KServe server of this version listens.
const HTTPPort = 8080

// modelOnly are the fields of a predictor's model spec that are not
// container fields.
var modelOnly = map[string]bool{"modelFormat": true, "runtime": true, "storageUri": true, "storage": true,
	"protocolVersion": true, "runtimeVersion": true, "storageUris": true}

// Deployments are the stand-ins for one InferenceService, one per
// component it has. Only the images are placeholders (nothing pulls them).
// A model whose runtime the runtimes chart does not create is an error.
func Deployments(isvc map[string]interface{}) ([]map[string]interface{}, error) {
	meta := mapOf(isvc["metadata"])
	spec := mapOf(isvc["spec"])
	name, ns := str(meta["name"]), str(meta["namespace"])
	labels := copyMap(mapOf(meta["labels"]))
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
		if m := mapOf(c["model"]); m != nil {
			ctr, err := predictorContainer(name, ns, labels, m)
			if err != nil {
				return nil, fmt.Errorf("InferenceService %s/%s: %w", ns, name, err)
			}
			containers = append(containers, ctr)
		}
		if m := mapOf(c["art"]); m != nil {
			ctr := map[string]interface{}{"name": serving.ServerContainer, "image": placeholderImage(component)}
			for _, k := range []string{"resources", "securityContext"} {
				if v, ok := m[k]; ok {
					ctr[k] = v
				}
			}
			ctr["args"] = []interface{}{"--model_name", name, "--http_port", fmt.Sprint(HTTPPort),
				"--predictor_host", name + "-predictor." + ns, "--adversary_type", str(m["type"])}
			containers = append(containers, ctr)
		}
		for i, x := range list(c["containers"]) {
			ctr := copyMap(mapOf(x))
			if i == 0 {
				// A custom explainer: KServe names it and appends its args.
				ctr["name"] = serving.ServerContainer
				ctr["args"] = append(list(ctr["args"]), "--model_name", name, "--predictor_host", name+"-predictor."+ns, "--http_port", fmt.Sprint(HTTPPort))
			}
			containers = append(containers, ctr)
		}
		for _, x := range containers {
			ctr := x.(map[string]interface{})
			if ctr["name"] == serving.ServerContainer && len(list(ctr["ports"])) == 0 && ctr["readinessProbe"] == nil {
				ctr["readinessProbe"] = map[string]interface{}{"tcpSocket": map[string]interface{}{"port": HTTPPort}}
			}
		}
		if logger := mapOf(c["logger"]); logger != nil && len(containers) > 0 {
			agent, err := agentContainer(name, ns, component, logger, containers[0].(map[string]interface{}))
			if err != nil {
				return nil, fmt.Errorf("InferenceService %s/%s: %w", ns, name, err)
			}
			containers = append(containers, agent)
		}
		pod["containers"] = containers
		podLabels := map[string]interface{}{"serving.kserve.io/inferenceservice": name, "component": component, "app": "isvc." + name + "-" + component}
		for k, v := range mapOf(c["labels"]) {
			podLabels[k] = v
		}
		replicas := 1
		switch n := c["minReplicas"].(type) {
		case int:
			replicas = n
		case float64:
			replicas = int(n)
		}
		out = append(out, map[string]interface{}{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]interface{}{"name": name + "-" + component, "namespace": ns,
				"labels": map[string]interface{}{"mlplatform.pangea.ai/stand-in-for": "InferenceService"}},
			"spec": map[string]interface{}{
				"replicas": replicas,
				"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": name, "component": component}},
				"template": map[string]interface{}{"metadata": map[string]interface{}{"labels": podLabels}, "spec": pod},
			},
		})
	}
	return out, nil
}

// agentContainer is the logger's agent as KServe's pod webhook injects it
// beside server.
func agentContainer(name, ns, component string, logger, server map[string]interface{}) (map[string]interface{}, error) {
	args := []interface{}{"--log-url", str(logger["url"]), "--source-uri", name + "-" + component, "--log-mode", str(logger["mode"]),
		"--inference-service", name, "--namespace", ns, "--endpoint", "", "--component", component}
	storage := mapOf(logger["storage"])
	if p := str(storage["path"]); p != "" {
		args = append(args, "--log-store-path", p)
	}
	if f := str(mapOf(storage["parameters"])["format"]); f != "" {
		args = append(args, "--log-store-format", f)
	}
	if m := str(logger["marshallerUrl"]); m != "" {
		args = append(args, "--log-marshaller-url", m)
	}
	switch n := logger["batchSize"].(type) {
	case int:
		args = append(args, "--log-batch-size", fmt.Sprint(n))
	case float64:
		args = append(args, "--log-batch-size", fmt.Sprint(int(n)))
	}
	if d := str(logger["batchInterval"]); d != "" {
		args = append(args, "--log-batch-interval", d)
	}
	args = append(args, "--logger-tls-skip-verify", "false")
	agent := map[string]interface{}{
		"name": serving.AgentContainer, "image": placeholderImage("agent"), "args": args,
		"resources": map[string]interface{}{
			"requests": map[string]interface{}{"cpu": fmt.Sprintf("%dm", serving.AgentCPUMillis), "memory": "100Mi"},
			"limits":   map[string]interface{}{"cpu": "1", "memory": fmt.Sprintf("%dMi", serving.AgentMemoryLimitMi)},
		},
		"ports": []interface{}{map[string]interface{}{"name": "agent-port", "containerPort": serving.AgentPort, "protocol": "TCP"}},
		"readinessProbe": map[string]interface{}{"httpGet": map[string]interface{}{
			"path": "/", "port": serving.AgentPort, "scheme": "HTTP",
			"httpHeaders": []interface{}{map[string]interface{}{"name": "K-Network-Probe", "value": "queue"}},
		}},
	}
	if sc, ok := server["securityContext"]; ok {
		agent["securityContext"] = sc
	}
	if p, ok := server["readinessProbe"]; ok {
		probe, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		agent["env"] = []interface{}{map[string]interface{}{"name": "SERVING_READINESS_PROBE", "value": string(probe)}}
	}
	return agent, nil
}

// predictorContainer is the model's container merged over its runtime's,
// with the placeholders filled in.
func predictorContainer(name, ns string, labels, model map[string]interface{}) (map[string]interface{}, error) {
	runtime := str(model["runtime"])
	rt, ok := serving.LookupRuntime(runtime)
	if !ok || rt.Container == nil {
		return nil, fmt.Errorf("runtime %q is not one kserve-runtime-configs %s creates with a recorded container", runtime, KServeVersion)
	}
	overlay := map[string]interface{}{}
	for k, v := range model {
		if !modelOnly[k] {
			overlay[k] = v
		}
	}
	labels = copyMap(labels)
	if runtime == "kserve-torchserve" {
		labels["serviceEnvelope"] = "kserve"
		overlay["env"] = append(list(overlay["env"]), map[string]interface{}{"name": "PROTOCOL_VERSION", "value": "v1"})
	}
	merged := mergeContainer(copyDeep(rt.Container), overlay)
	merged["name"] = serving.ServerContainer
	merged["image"] = placeholderImage("predictor")
	merged["env"] = append(list(merged["env"]), map[string]interface{}{"name": "INFERENCE_SERVICE_NAME", "value": name})
	return fillPlaceholders(merged, name, ns, labels)
}

// mergeContainer merges overlay over base as MergeContainerWithPatch does.
func mergeContainer(base, overlay map[string]interface{}) map[string]interface{} {
	rest := map[string]interface{}{}
	for k, v := range overlay {
		switch k {
		case "args":
			base[k] = append(list(base[k]), list(v)...)
		case "env":
			base[k] = mergeByName(list(base[k]), list(v))
		default:
			rest[k] = v
		}
	}
	return mergeMaps(base, rest)
}

func mergeMaps(base, overlay map[string]interface{}) map[string]interface{} {
	for k, v := range overlay {
		bm, bIsMap := base[k].(map[string]interface{})
		vm, vIsMap := v.(map[string]interface{})
		if bIsMap && vIsMap {
			base[k] = mergeMaps(bm, vm)
		} else {
			base[k] = v
		}
	}
	return base
}

func mergeByName(base, overlay []interface{}) []interface{} {
	out := append([]interface{}{}, base...)
	for _, o := range overlay {
		replaced := false
		for i, b := range out {
			if str(mapOf(b)["name"]) == str(mapOf(o)["name"]) {
				out[i], replaced = o, true
			}
		}
		if !replaced {
			out = append(out, o)
		}
	}
	return out
}

// fillPlaceholders runs the container through Go's text/template with the
// InferenceService's metadata, as ReplacePlaceholders does.
func fillPlaceholders(ctr map[string]interface{}, name, ns string, labels map[string]interface{}) (map[string]interface{}, error) {
	raw, err := json.Marshal(ctr)
	if err != nil {
		return nil, err
	}
	t, err := template.New("container").Parse(string(raw))
	if err != nil {
		return nil, err
	}
	strLabels := map[string]string{}
	for k, v := range labels {
		strLabels[k] = fmt.Sprint(v)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, struct {
		Name, Namespace     string
		Labels, Annotations map[string]string
	}{name, ns, strLabels, map[string]string{}}); err != nil {
		return nil, err
	}
	var out map[string]interface{}
	return out, json.Unmarshal(b.Bytes(), &out)
}

func placeholderImage(component string) string {
	return "stand-in.invalid/kserve/" + component + ":" + KServeVersion
}

func copyDeep(m map[string]interface{}) map[string]interface{} {
	raw, _ := json.Marshal(m) // plain values: cannot fail
	var out map[string]interface{}
	_ = json.Unmarshal(raw, &out)
	return out
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func mapOf(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}
