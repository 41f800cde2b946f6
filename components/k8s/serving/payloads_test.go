package serving

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

func loggingModel() Model {
	m := cpuModel()
	m.Payloads = &Payloads{Features: []string{"amount", "merchant", "postcode"}, Loggable: []string{"amount", "merchant"}}
	return m
}

// TestLoggingModelOnAWS: the predictor logs everything to the S3 archive
// through the filter, as its own service account (IRSA writes the prefix),
// and the callers' policy opens the agent's port the Service now targets.
func TestLoggingModelOnAWS(t *testing.T) {
	rec := record(t, &ModelServiceArgs{
		Model: loggingModel(), Namespace: "serving", StorageURI: pulumi.String("s3://bucket/models/fraud/v3"),
		Identity:       Identity{ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/fraud")}},
		ExplainerImage: "registry/shap:1", PayloadArchive: &PayloadArchive{URL: pulumi.String("s3://bucket/payloads")},
	})
	isvc, _ := rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.predictor.logger": map[string]interface{}{
			"mode": "all", "url": "s3://bucket/payloads",
			"marshallerUrl": "http://payload-filter.serving.svc.cluster.local:8080/marshal",
			"batchSize":     100.0, "batchInterval": "60s",
			"storage": map[string]interface{}{"path": "batches", "key": "credentials", "parameters": map[string]interface{}{"format": "json"}, "serviceAccountName": "fraud-xgb"},
		},
		"spec.explainer.logger": nil,
	})
	np, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "m")
	recorder.AssertInputs(t, np, map[string]interface{}{
		"spec.ingress[0].ports": []interface{}{
			map[string]interface{}{"protocol": "TCP", "port": 8080.0}, map[string]interface{}{"protocol": "TCP", "port": 9081.0},
		},
	})
	if n := len(rec.ByType("kubernetes:core/v1:Secret")); n != 0 {
		t.Errorf("%d Secrets: the S3 archive needs none", n)
	}
}

// TestLoggingModelOnAzure: the agent's credentials go into a Secret, kept
// secret, that a service account of their own lists; the logger names it.
func TestLoggingModelOnAzure(t *testing.T) {
	rec := record(t, &ModelServiceArgs{
		Model: loggingModel(), Namespace: "serving", StorageURI: pulumi.String("https://acct.blob.core.windows.net/models/fraud/v3"),
		ExplainerImage: "registry/shap:1",
		PayloadArchive: &PayloadArchive{
			URL:         pulumi.String("abfs://models@acct.dfs.core.windows.net/payloads"),
			Credentials: pulumi.StringMap{"AZURE_CLIENT_ID": pulumi.String("cid"), "AZURE_ACCOUNT_NAME": pulumi.String("acct")},
		},
	})
	isvc, _ := rec.Named(isvcType, "m")
	recorder.AssertInputs(t, isvc, map[string]interface{}{
		"spec.predictor.logger.url":                        "abfs://models@acct.dfs.core.windows.net/payloads",
		"spec.predictor.logger.storage.serviceAccountName": "fraud-xgb-payloads",
	})
	secret, err := rec.Named("kubernetes:core/v1:Secret", "m-payloads")
	if err != nil {
		t.Fatal(err)
	}
	if !secret.IsSecretInput("stringData") {
		t.Error("the agent's credentials are not a Pulumi secret")
	}
	recorder.AssertInputs(t, secret, map[string]interface{}{"metadata.name": "fraud-xgb-payloads", "metadata.namespace": "serving"})
	sa, _ := rec.Named("kubernetes:core/v1:ServiceAccount", "m-payloads")
	recorder.AssertInputs(t, sa, map[string]interface{}{
		"metadata.name": "fraud-xgb-payloads", "secrets": []interface{}{map[string]interface{}{"name": "fraud-xgb-payloads"}},
		"automountServiceAccountToken": false,
	})
}

func TestPayloadFilter(t *testing.T) {
	other := gpuModel()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewPayloadFilter(ctx, "pf", &PayloadFilterArgs{Namespace: "serving", Models: []Model{loggingModel(), other}, Replicas: 2, Metrics: true})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	cm, _ := rec.Named("kubernetes:core/v1:ConfigMap", "pf")
	var cfg map[string]interface{}
	data, _ := cm.In("data").(map[string]interface{})
	text, _ := data["config.json"].(string)
	if err := json.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatalf("config.json: %v", err)
	}
	want := map[string]interface{}{"models": map[string]interface{}{
		"serving/fraud-xgb": map[string]interface{}{"features": []interface{}{"amount", "merchant", "postcode"}, "loggable": []interface{}{"amount", "merchant"}},
	}}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config = %v, want %v (a model without Payloads is not listed)", cfg, want)
	}
	d, _ := rec.Named("kubernetes:apps/v1:Deployment", "pf")
	recorder.AssertInputs(t, d, map[string]interface{}{
		"metadata.name": "payload-filter", "metadata.namespace": "serving", "spec.replicas": 2.0,
		"spec.template.spec.containers[0].image": PayloadFilterImage,
		"spec.template.spec.containers[0].ports": []interface{}{map[string]interface{}{"name": "http", "containerPort": 8080.0, "protocol": "TCP"}},
		"spec.template.spec.containers[0].securityContext": map[string]interface{}{
			"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
			"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
		},
		"spec.template.spec.containers[0].resources": map[string]interface{}{
			"requests": map[string]interface{}{"cpu": "100m", "memory": "128Mi"}, "limits": map[string]interface{}{"cpu": "100m", "memory": "128Mi"},
		},
		"spec.template.spec.nodeSelector":                 map[string]interface{}{"mlplatform.pangea.ai/kind": "system"},
		"spec.template.spec.automountServiceAccountToken": false,
		"spec.template.spec.priorityClassName":            "mlplatform-serving",
		"spec.template.spec.serviceAccountName":           "payload-filter",
	})
	svc, _ := rec.Named("kubernetes:core/v1:Service", "pf")
	recorder.AssertInputs(t, svc, map[string]interface{}{
		"spec.ports": []interface{}{map[string]interface{}{"name": "http", "port": 8080.0, "targetPort": "http", "protocol": "TCP"}},
	})
	if len(rec.ByType("kubernetes:policy/v1:PodDisruptionBudget")) != 1 || len(rec.ByType("kubernetes:monitoring.coreos.com/v1:PodMonitor")) != 1 {
		t.Error("two replicas need a disruption budget, and Metrics a PodMonitor")
	}
}

func TestRejectsLoggingWithoutArchive(t *testing.T) {
	m := loggingModel()
	m.Payloads.Loggable = append(m.Payloads.Loggable, "email")
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewModelService(ctx, "m", &ModelServiceArgs{Model: m, Namespace: "serving", StorageURI: pulumi.String("s3://b/m"), ExplainerImage: "r/e:1"})
		return err
	}, `creating model service "m": a model with Payloads needs PayloadArchive.URL (where its filtered payloads are written); Payloads.Loggable names "email", which is not one of Payloads.Features`)
}
