package serving

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/k8s/workload"
	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func gpuModel() Model {
	return Model{
		Name: "defect-detector", Format: "pytorch", Runtime: "kserve-torchserve", GPUs: 1,
		Resources: workload.Resources{CPU: "2", Memory: "8Gi"}, MinReplicas: 2, MaxReplicas: 4, ScaleTargetCPUPercent: 60,
		Explainer: &Explainer{Type: "art", ARTAttack: "SquareAttack", Resources: workload.Resources{CPU: "1", Memory: "2Gi"}},
	}
}

func cpuModel() Model {
	return Model{
		Name: "fraud-xgb", Format: "xgboost", NodeGroup: "cpu",
		Resources: workload.Resources{CPU: "1", Memory: "2Gi"}, MinReplicas: 1, MaxReplicas: 2, ScaleTargetCPUPercent: 70,
		Explainer: &Explainer{Type: "custom", Resources: workload.Resources{CPU: "500m", Memory: "1Gi"}},
	}
}

func record(t *testing.T, args *ModelServiceArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", args)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const isvcType = "kubernetes:serving.kserve.io/v1beta1:InferenceService"

func TestGPUModelWithARTExplainer(t *testing.T) {
	rec := record(t, &ModelServiceArgs{
		Model: gpuModel(), Namespace: "serving", StorageURI: pulumi.String("s3://bucket/models/defects/resnet50/v7"),
		Identity:         Identity{ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/defect")}},
		HighAvailability: true,
	})
	isvc, err := rec.Named(isvcType, "m")
	if err != nil {
		t.Fatal(err)
	}
	gpuToleration := []interface{}{map[string]interface{}{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"metadata.name": "defect-detector", "metadata.namespace": "serving",
		"metadata.annotations":              map[string]interface{}{"serving.kserve.io/deploymentMode": "Standard", "serving.kserve.io/autoscalerClass": "hpa"},
		"spec.predictor.serviceAccountName": "defect-detector",
		"spec.predictor.minReplicas":        2.0, "spec.predictor.maxReplicas": 4.0,
		"spec.predictor.scaleMetric": "cpu", "spec.predictor.scaleTarget": 60.0,
		"spec.predictor.priorityClassName":      "mlplatform-serving",
		"spec.predictor.nodeSelector":           map[string]interface{}{"mlplatform.pangea.ai/kind": "gpu"},
		"spec.predictor.tolerations":            gpuToleration,
		"spec.predictor.model.modelFormat.name": "pytorch", "spec.predictor.model.runtime": "kserve-torchserve",
		"spec.predictor.model.storageUri": "s3://bucket/models/defects/resnet50/v7",
		"spec.predictor.model.resources": map[string]interface{}{
			"requests": map[string]interface{}{"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"},
			"limits":   map[string]interface{}{"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"},
		},
		"spec.predictor.securityContext": map[string]interface{}{"runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"}},
		"spec.predictor.model.securityContext": map[string]interface{}{
			"allowPrivilegeEscalation": false, "runAsNonRoot": true, "capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
		},
		// The explainer runs on CPU nodes, with no GPU and no toleration.
		"spec.explainer.art.type":                                     "SquareAttack",
		"spec.explainer.art.resources":                                map[string]interface{}{"requests": map[string]interface{}{"cpu": "1", "memory": "2Gi"}, "limits": map[string]interface{}{"cpu": "1", "memory": "2Gi"}},
		"spec.explainer.nodeSelector":                                 map[string]interface{}{"mlplatform.pangea.ai/kind": "cpu"},
		"spec.explainer.tolerations":                                  nil,
		"spec.explainer.serviceAccountName":                           "defect-detector-explainer",
		"spec.explainer.art.securityContext.allowPrivilegeEscalation": false,
	})
	sa, _ := rec.Named("kubernetes:core/v1:ServiceAccount", "m-predictor")
	recorder.AssertInputs(t, sa, map[string]interface{}{
		"metadata.name": "defect-detector", "metadata.annotations": map[string]interface{}{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/defect"},
		"automountServiceAccountToken": false,
	})
	esa, _ := rec.Named("kubernetes:core/v1:ServiceAccount", "m-explainer")
	if got := esa.In("metadata.annotations"); got != nil {
		t.Errorf("the explainer's account carries a cloud identity: %v", got)
	}
	// The InferenceService waits for both accounts.
	for _, dep := range []string{"m-predictor", "m-explainer"} {
		if !slices.ContainsFunc(isvc.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::"+dep) }) {
			t.Errorf("InferenceService does not depend on %s", dep)
		}
	}
	// Both components are scraped on the server container's HTTP port,
	// by address: KServe declares no container port to select.
	for _, c := range []string{"predictor", "explainer"} {
		pm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "m-"+c+"-metrics")
		recorder.AssertInputs(t, pm, map[string]interface{}{
			"spec.selector.matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": "defect-detector", "component": c},
			"spec.podMetricsEndpoints[0].relabelings[0]": map[string]interface{}{
				"action": "keep", "sourceLabels": []interface{}{"__meta_kubernetes_pod_container_name"}, "regex": "kserve-container"},
			"spec.podMetricsEndpoints[0].relabelings[1]": map[string]interface{}{
				"action": "replace", "sourceLabels": []interface{}{"__meta_kubernetes_pod_ip"}, "regex": "(.+)", "targetLabel": "__address__", "replacement": "$1:8080"},
			"spec.podMetricsEndpoints[0].relabelings[2]": map[string]interface{}{
				"action": "replace", "sourceLabels": []interface{}{"__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"}, "targetLabel": "model_name"},
		})
		if got := pm.In("spec.podMetricsEndpoints[0].targetPort"); got != nil {
			t.Errorf("%s PodMonitor names targetPort %v, which keeps only declared container ports", c, got)
		}
	}
	var pdbs []string
	for _, p := range rec.ByType("kubernetes:policy/v1:PodDisruptionBudget") {
		pdbs = append(pdbs, p.InString("metadata.name"))
		if p.In("spec.minAvailable") != 1.0 {
			t.Errorf("%s minAvailable = %v", p.Name, p.In("spec.minAvailable"))
		}
	}
	if !reflect.DeepEqual(pdbs, []string{"defect-detector-explainer", "defect-detector-predictor"}) {
		t.Errorf("PDBs = %v", pdbs)
	}
	// Highly available: two explainers at least, replicas spread by node.
	spreadOf := func(c string) []interface{} {
		return []interface{}{map[string]interface{}{"maxSkew": 1.0, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
			"labelSelector": map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": "defect-detector", "component": c}}}}
	}
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.explainer.minReplicas":               2.0,
		"spec.predictor.topologySpreadConstraints": spreadOf("predictor"),
		"spec.explainer.topologySpreadConstraints": spreadOf("explainer"),
	})
}

func TestCPUModelWithCustomExplainerOnAzure(t *testing.T) {
	rec := record(t, &ModelServiceArgs{
		Model: cpuModel(), Namespace: "serving", StorageURI: pulumi.String("https://acct.blob.core.windows.net/models/fraud/v3"),
		Identity: Identity{
			ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": pulumi.String("cid")},
			PodLabels:                 map[string]string{"azure.workload.identity/use": "true"},
		},
		ExplainerImage: "mlplatformdev.azurecr.io/explainers/shap-server:1.2.0",
	})
	isvc, _ := rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.predictor.labels":        map[string]interface{}{"azure.workload.identity/use": "true"},
		"spec.predictor.nodeSelector":  map[string]interface{}{"mlplatform.pangea.ai/node-group": "cpu"},
		"spec.predictor.tolerations":   nil,
		"spec.predictor.model.runtime": "kserve-xgbserver",
		"spec.predictor.model.resources": map[string]interface{}{
			"requests": map[string]interface{}{"cpu": "1", "memory": "2Gi"}, "limits": map[string]interface{}{"cpu": "1", "memory": "2Gi"},
		},
		"spec.explainer.containers[0].name":  "kserve-container",
		"spec.explainer.containers[0].image": "mlplatformdev.azurecr.io/explainers/shap-server:1.2.0",
		"spec.explainer.nodeSelector":        map[string]interface{}{"mlplatform.pangea.ai/node-group": "cpu"},
		"spec.explainer.art":                 nil,
	})
	if n := len(rec.ByType("kubernetes:policy/v1:PodDisruptionBudget")); n != 0 {
		t.Errorf("%d PDBs outside prod", n)
	}
	np, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "m")
	recorder.AssertInputs(t, np, map[string]interface{}{
		"spec.podSelector.matchLabels":                          map[string]interface{}{"serving.kserve.io/inferenceservice": "fraud-xgb"},
		"spec.ingress[0].from[0].namespaceSelector.matchLabels": map[string]interface{}{"kubernetes.io/metadata.name": "envoy-gateway-system"},
		"spec.ingress[0].from[0].podSelector.matchLabels": map[string]interface{}{
			"app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway",
			"gateway.envoyproxy.io/owning-gateway-name": "models", "gateway.envoyproxy.io/owning-gateway-namespace": "serving",
		},
		"spec.ingress[0].ports[0].port": 8080.0,
	})
	// Predictor and custom explainer are each recorded from their routes.
	pr, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "m-requests")
	recorder.AssertInputs(t, pr, map[string]interface{}{
		"metadata.name": "fraud-xgb-requests", "metadata.namespace": "serving",
		"spec.groups[0].name": "mlplatform.model.fraud-xgb",
		"spec.groups[0].rules": []interface{}{
			map[string]interface{}{"record": "mlplatform:model_requests:rate5m",
				"expr":   `sum by (envoy_response_code_class) (rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"httproute/serving/fraud-xgb-predictor/rule/0|httproute/serving/fraud-xgb/rule/1"}[5m]))`,
				"labels": map[string]interface{}{"model_name": "fraud-xgb", "component": "predictor"}},
			map[string]interface{}{"record": "mlplatform:model_requests:rate5m",
				"expr":   `sum by (envoy_response_code_class) (rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"httproute/serving/fraud-xgb-explainer/rule/0|httproute/serving/fraud-xgb/rule/0"}[5m]))`,
				"labels": map[string]interface{}{"model_name": "fraud-xgb", "component": "explainer"}},
		},
	})
}

// Without an explainer, the top-level route's only rule is the predictor's.
func TestRouteClustersWithoutExplainer(t *testing.T) {
	m := cpuModel()
	m.Explainer = nil
	got := RouteClusters("serving", m)
	want := map[string][]string{"predictor": {"httproute/serving/fraud-xgb-predictor/rule/0", "httproute/serving/fraud-xgb/rule/0"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clusters = %v, want %v", got, want)
	}
}

func TestRejectsBadArgs(t *testing.T) {
	m := cpuModel()
	m.MinReplicas = 3
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", &ModelServiceArgs{Model: m})
		return err
	}, `creating model service "m": Namespace is required; StorageURI is required; a custom explainer needs ExplainerImage; replicas 3..2 must satisfy 1 <= min <= max`)
	m = cpuModel()
	m.Explainer.Type = "alibi"
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m")})
		return err
	}, `creating model service "m": explainer type "alibi" is not trustyai, art or custom`)
}

func TestKServeIsStandardModeAfterCertManager(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewKServe(ctx, "ks", &KServeArgs{ServingNamespace: "serving", GatewayReplicas: 2, Metrics: true,
			Runtimes: []string{"kserve-xgbserver", "kserve-torchserve"}})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctrl, err := rec.Named("kubernetes:helm.sh/v3:Release", "ks-controller")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, ctrl, map[string]interface{}{
		"chart": "oci://ghcr.io/kserve/charts/kserve-resources", "version": "v0.20.0", "namespace": "kserve",
		"values.kserve.controller.deploymentMode":                 "Standard",
		"values.kserve.controller.gateway.disableIngressCreation": false,
		"values.kserve.controller.gateway.domain":                 "mlplatform.internal",
		"values.kserve.controller.gateway.ingressGateway":         map[string]interface{}{"enableGatewayApi": true, "kserveGateway": "serving/models", "createGateway": false},
	})
	// The controller watches HTTPRoutes: the Gateway API CRDs come first.
	for _, dep := range []string{"ks-cert-manager", "ks-crds", "ks-envoy-gateway"} {
		if !slices.ContainsFunc(ctrl.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::"+dep) }) {
			t.Errorf("controller does not wait for %s", dep)
		}
	}
	cm, _ := rec.Named("kubernetes:helm.sh/v3:Release", "ks-cert-manager")
	recorder.AssertInputs(t, cm, map[string]interface{}{"namespace": "cert-manager", "version": charts.CertManager.Version, "values.crds.enabled": true})
	crds, _ := rec.Named("kubernetes:helm.sh/v3:Release", "ks-crds")
	recorder.AssertInputs(t, crds, map[string]interface{}{"chart": "oci://ghcr.io/kserve/charts/kserve-crd", "version": "v0.20.0"})

	// The runtimes the models use, and only those, after the controller
	// whose webhook validates them.
	rt, err := rec.Named("kubernetes:helm.sh/v3:Release", "ks-runtimes")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, rt, map[string]interface{}{
		"chart": "oci://ghcr.io/kserve/charts/kserve-runtime-configs", "version": "v0.20.0", "namespace": "kserve",
		"values.kserve.servingruntime.enabled":             true,
		"values.kserve.servingruntime.xgbserver.disabled":  false,
		"values.kserve.servingruntime.torchserve.disabled": false,
		"values.kserve.servingruntime.sklearnserver":       map[string]interface{}{"disabled": true},
		"values.kserve.servingruntime.vllmserver":          map[string]interface{}{"disabled": true},
		"values.kserve.llmisvcConfigs":                     nil,
	})
	disabled := 0
	for _, r := range ChartRuntimes {
		if d, _ := rt.In("values.kserve.servingruntime." + r.ValuesKey + ".disabled").(bool); d {
			disabled++
		}
	}
	if disabled != len(ChartRuntimes)-2 {
		t.Errorf("%d runtimes disabled, want all but the 2 in use (%d)", disabled, len(ChartRuntimes)-2)
	}
	if !slices.ContainsFunc(rt.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::ks-controller") }) {
		t.Errorf("the runtimes do not wait for the controller: %v", rt.DependsOn)
	}
}

func TestKServeRefusesARuntimeTheChartLacks(t *testing.T) {
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewKServe(ctx, "ks", &KServeArgs{ServingNamespace: "serving", Runtimes: []string{"kserve-xgbserver", "kserve-onnxserver"}})
		return err
	}, `creating KServe "ks": serving runtime kserve-onnxserver is not one kserve-runtime-configs v0.20.0 installs; use one of `+
		`kserve-sklearnserver, kserve-xgbserver, kserve-lgbserver, kserve-pmmlserver, kserve-paddleserver, kserve-autogluonserver, kserve-predictiveserver, `+
		`kserve-mlserver, kserve-tensorflow-serving, kserve-torchserve, kserve-tritonserver, kserve-huggingfaceserver, kserve-vllmserver`)
}

func TestModelGateway(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewKServe(ctx, "ks", &KServeArgs{ServingNamespace: "serving", GatewayReplicas: 2, Metrics: true})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	eg, _ := rec.Named("kubernetes:helm.sh/v3:Release", "ks-envoy-gateway")
	recorder.AssertInputs(t, eg, map[string]interface{}{
		"chart": "oci://docker.io/envoyproxy/gateway-helm", "version": charts.EnvoyGateway.Version, "namespace": "envoy-gateway-system", "name": "envoy-gateway",
		"values.topologyInjector.enabled": false, "values.deployment.priorityClassName": "mlplatform-platform",
	})
	proxy, _ := rec.Named("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "ks-proxy")
	recorder.AssertInputs(t, proxy, map[string]interface{}{
		"metadata.namespace": "envoy-gateway-system",
		"spec.provider.type": "Kubernetes",
		"spec.provider.kubernetes.envoyDeployment.replicas": 2.0,
		"spec.provider.kubernetes.envoyDeployment.pod":      map[string]interface{}{"priorityClassName": "mlplatform-serving", "nodeSelector": map[string]interface{}{"mlplatform.pangea.ai/kind": "system"}, "tolerations": []interface{}{map[string]interface{}{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}}},
		"spec.provider.kubernetes.envoyService":             map[string]interface{}{"type": "ClusterIP", "name": "models-gateway"},
		"spec.provider.kubernetes.envoyPDB":                 map[string]interface{}{"minAvailable": 1.0},
	})
	class, _ := rec.Named("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "ks-class")
	recorder.AssertInputs(t, class, map[string]interface{}{
		"metadata.name": "mlplatform", "spec.controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
		"spec.parametersRef": map[string]interface{}{"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": "models", "namespace": "envoy-gateway-system"},
	})
	gw, _ := rec.Named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "ks-gateway")
	recorder.AssertInputs(t, gw, map[string]interface{}{
		"metadata.name": "models", "metadata.namespace": "serving", "spec.gatewayClassName": "mlplatform",
		"spec.listeners": []interface{}{map[string]interface{}{"name": "http", "protocol": "HTTP", "port": 80.0,
			"allowedRoutes": map[string]interface{}{"namespaces": map[string]interface{}{"from": "Selector",
				"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"mlplatform.pangea.ai/models": "true"}}}}},
			map[string]interface{}{"name": "platform", "protocol": "HTTP", "port": 80.0, "hostname": "*.platform.mlplatform.internal",
				"allowedRoutes": map[string]interface{}{"namespaces": map[string]interface{}{"from": "Selector",
					"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"mlplatform.pangea.ai/platform-service": "true"}}}}}},
	})
	callers, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ks-gateway-callers")
	recorder.AssertInputs(t, callers, map[string]interface{}{
		"metadata.namespace": "envoy-gateway-system",
		"spec.ingress[0].from[0].namespaceSelector.matchLabels": map[string]interface{}{"mlplatform.pangea.ai/serving-client": "true"},
		"spec.ingress[0].ports[0].port":                         10080.0,
	})
	egress, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ks-gateway-to-models")
	recorder.AssertInputs(t, egress, map[string]interface{}{
		"spec.policyTypes": []interface{}{"Egress"},
		"spec.egress[0].to[0].namespaceSelector.matchLabels": map[string]interface{}{"mlplatform.pangea.ai/models": "true"},
		"spec.egress[0].ports[0].port":                       8080.0,
	})
	pm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "ks-gateway-metrics")
	recorder.AssertInputs(t, pm, map[string]interface{}{
		"metadata.namespace":          "envoy-gateway-system",
		"spec.podMetricsEndpoints[0]": map[string]interface{}{"port": "metrics", "path": "/stats/prometheus", "interval": "30s"},
	})
	// One proxy: no disruption budget that would block every drain.
	one, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewKServe(ctx, "ks", &KServeArgs{ServingNamespace: "serving"})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := one.Named("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "ks-proxy")
	recorder.AssertInputs(t, p1, map[string]interface{}{"spec.provider.kubernetes.envoyDeployment.replicas": 1.0, "spec.provider.kubernetes.envoyPDB": nil})
	if n := len(one.ByType("kubernetes:monitoring.coreos.com/v1:PodMonitor")); n != 0 {
		t.Errorf("%d PodMonitors without monitoring", n)
	}
}

// A model's card reaches its InferenceService as annotations beside
// KServe's own; a model without one gets KServe's alone.
func TestModelCardAnnotations(t *testing.T) {
	m := cpuModel()
	m.Card = &modelcard.Card{Owner: "o", IntendedUse: "i", OutOfScopeUse: "x", TrainingData: "s3://d",
		Evaluation: []modelcard.Metric{{Name: "auc", Value: 0.9}}, RiskLevel: "low",
		Review: modelcard.Review{Date: "2026-11-01", Reviewer: "r", Outcome: "approved"}}
	rec := record(t, &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m"), ExplainerImage: "r/e:1"})
	isvc, _ := rec.Named(isvcType, "m")
	want := map[string]interface{}{"serving.kserve.io/deploymentMode": DeploymentMode, "serving.kserve.io/autoscalerClass": "hpa"}
	for k, v := range m.Card.Annotations() {
		want[k] = v
	}
	recorder.AssertInputs(t, isvc, map[string]interface{}{"metadata.annotations": want})
	if got := want[modelcard.KeyEvaluation]; got != `[{"metric":"auc","value":0.9}]` {
		t.Errorf("evaluation annotation = %v", got)
	}
	rec = record(t, &ModelServiceArgs{Model: cpuModel(), Namespace: "serving", StorageURI: pulumi.String("s3://b/m"), ExplainerImage: "r/e:1"})
	isvc, _ = rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{"metadata.annotations": map[string]interface{}{
		"serving.kserve.io/deploymentMode": DeploymentMode, "serving.kserve.io/autoscalerClass": "hpa"}})
}

// TrustyAI's explainer runs its pinned image as KServe's server container,
// computing what Method asks for, and gets no PodMonitor: it serves no
// metrics, and a monitor would only scrape a target that is always down.
func TestTrustyAIExplainer(t *testing.T) {
	m := cpuModel()
	m.Explainer = &Explainer{Type: ExplainerTrustyAI, Method: "shap", Resources: workload.Resources{CPU: "500m", Memory: "1Gi"}}
	rec := record(t, &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m")})
	isvc, _ := rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.explainer.containers": []interface{}{map[string]interface{}{
			"name": "kserve-container", "image": "quay.io/trustyai/trustyai-kserve-explainer:v0.2.0",
			"env":       []interface{}{map[string]interface{}{"name": "EXPLAINER_TYPE", "value": "SHAP"}},
			"resources": map[string]interface{}{"requests": map[string]interface{}{"cpu": "500m", "memory": "1Gi"}, "limits": map[string]interface{}{"cpu": "500m", "memory": "1Gi"}},
			"securityContext": map[string]interface{}{"allowPrivilegeEscalation": false, "runAsNonRoot": true,
				"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}}},
		}},
		"spec.explainer.art": nil,
	})
	var monitors []string
	for _, r := range rec.ByType("kubernetes:monitoring.coreos.com/v1:PodMonitor") {
		monitors = append(monitors, r.Name)
	}
	if !slices.Equal(monitors, []string{"m-predictor-metrics"}) {
		t.Errorf("PodMonitors = %v, want the predictor's only", monitors)
	}
	m.Explainer.Method = ""
	rec = record(t, &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m")})
	isvc, _ = rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{"spec.explainer.containers[0].env[0].value": "ALL"})
}

// TestPyTorchOnTriton: a pytorch model without a runtime is served by Triton
// over v2, with its latency summaries on, and its PodMonitor scrapes
// Triton's metrics port; ART's v1 explainer is refused beside it.
func TestPyTorchOnTriton(t *testing.T) {
	m := gpuModel()
	m.Runtime = ""
	m.Explainer = &Explainer{Type: "custom", Resources: workload.Resources{CPU: "1", Memory: "2Gi"}}
	rec := record(t, &ModelServiceArgs{
		Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://bucket/models/defects/resnet50/v7"), ExplainerImage: "registry/explainers/gradcam:1.0.0",
	})
	isvc, _ := rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.predictor.model.runtime":         "kserve-tritonserver",
		"spec.predictor.model.modelFormat":     map[string]interface{}{"name": "pytorch"},
		"spec.predictor.model.protocolVersion": "v2",
		"spec.predictor.model.args":            []interface{}{"--metrics-config=summary_latencies=true"},
	})
	pm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "m-predictor-metrics")
	if got := pm.In("spec.podMetricsEndpoints[0].relabelings[1].replacement"); got != "$1:8002" {
		t.Errorf("predictor metrics scraped at %v, want Triton's $1:8002", got)
	}
	em, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "m-explainer-metrics")
	if got := em.In("spec.podMetricsEndpoints[0].relabelings[1].replacement"); got != "$1:8080" {
		t.Errorf("explainer metrics scraped at %v, want $1:8080", got)
	}
	m.Explainer = &Explainer{Type: "art", ARTAttack: "SquareAttack", Resources: workload.Resources{CPU: "1", Memory: "2Gi"}}
	_, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m")})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if want := "explainer type art calls the predictor over v1, which runtime kserve-tritonserver does not speak; use a custom explainer"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ART beside Triton: %v, want %q", err, want)
	}
}
