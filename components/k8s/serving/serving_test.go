package serving

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func gpuModel() environments.Model {
	return environments.Model{
		Name: "defect-detector", Format: "pytorch", StorageURI: "defects/resnet50/v7", GPUs: 1,
		Resources: environments.Resources{CPU: "2", Memory: "8Gi"}, MinReplicas: 2, MaxReplicas: 4, ScaleTargetCPUPercent: 60,
		Explainer: &environments.Explainer{Type: "art", ARTAttack: "SquareAttack", Resources: environments.Resources{CPU: "1", Memory: "2Gi"}},
	}
}

func cpuModel() environments.Model {
	return environments.Model{
		Name: "fraud-xgb", Format: "xgboost", StorageURI: "fraud/v3", NodeGroup: "cpu",
		Resources: environments.Resources{CPU: "1", Memory: "2Gi"}, MinReplicas: 1, MaxReplicas: 2, ScaleTargetCPUPercent: 70,
		Explainer: &environments.Explainer{Type: "custom", Image: "explainers/shap-server:1.2.0", Resources: environments.Resources{CPU: "500m", Memory: "1Gi"}},
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
		DisruptionBudget: true,
	})
	isvc, err := rec.Named(isvcType, "m")
	if err != nil {
		t.Fatal(err)
	}
	gpuToleration := []interface{}{map[string]interface{}{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"metadata.name": "defect-detector", "metadata.namespace": "serving",
		"metadata.annotations":              map[string]interface{}{"serving.kserve.io/deploymentMode": "RawDeployment", "serving.kserve.io/autoscalerClass": "hpa"},
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
			"limits":   map[string]interface{}{"memory": "8Gi", "nvidia.com/gpu": "1"},
		},
		"spec.predictor.securityContext": map[string]interface{}{"runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"}},
		"spec.predictor.model.securityContext": map[string]interface{}{
			"allowPrivilegeEscalation": false, "runAsNonRoot": true, "capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
		},
		// The explainer runs on CPU nodes, with no GPU and no toleration.
		"spec.explainer.art.type":                                     "SquareAttack",
		"spec.explainer.art.resources":                                map[string]interface{}{"requests": map[string]interface{}{"cpu": "1", "memory": "2Gi"}, "limits": map[string]interface{}{"memory": "2Gi"}},
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
	// TorchServe exports metrics on its own port; the explainer on 8080.
	pm, _ := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "m-predictor-metrics")
	recorder.AssertInputs(t, pm, map[string]interface{}{
		"spec.selector.matchLabels":              map[string]interface{}{"serving.kserve.io/inferenceservice": "defect-detector", "component": "predictor"},
		"spec.podMetricsEndpoints[0].targetPort": 8082.0,
	})
	pm, _ = rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "m-explainer-metrics")
	if got := pm.In("spec.podMetricsEndpoints[0].targetPort"); got != 8080.0 {
		t.Errorf("explainer metrics port = %v", got)
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
			"requests": map[string]interface{}{"cpu": "1", "memory": "2Gi"}, "limits": map[string]interface{}{"memory": "2Gi"},
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
		"spec.ingress[0].from[0].namespaceSelector.matchLabels": map[string]interface{}{"mlplatform.pangea.ai/serving-client": "true"},
		"spec.ingress[0].ports[0].port":                         8080.0,
	})
}

func TestEveryFormatHasARuntime(t *testing.T) {
	for _, f := range environments.ModelFormats {
		if Runtimes[f] == "" {
			t.Errorf("format %s has no default runtime", f)
		}
	}
}

func TestRejectsBadArgs(t *testing.T) {
	m := cpuModel()
	m.MinReplicas = 3
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", &ModelServiceArgs{Model: m})
		return err
	}, `creating model service "m": Namespace is required; StorageURI is required; a custom explainer needs ExplainerImage; replicas 3..2 must satisfy 1 <= min <= max`)
}

func TestKServeIsRawDeploymentAfterCertManager(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewKServe(ctx, "ks", nil)
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
		"chart": charts.KServe.Name, "version": "v0.15.2", "namespace": "kserve",
		"values.kserve.controller.deploymentMode":                 "RawDeployment",
		"values.kserve.controller.gateway.disableIngressCreation": true,
	})
	for _, dep := range []string{"ks-cert-manager", "ks-crds"} {
		if !slices.ContainsFunc(ctrl.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::"+dep) }) {
			t.Errorf("controller does not wait for %s", dep)
		}
	}
	cm, _ := rec.Named("kubernetes:helm.sh/v3:Release", "ks-cert-manager")
	recorder.AssertInputs(t, cm, map[string]interface{}{"namespace": "cert-manager", "version": "v1.18.2", "values.crds.enabled": true})
}
