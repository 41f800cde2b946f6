package serving

import (
	"slices"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func measuredModel() Model {
	m := loggingModel()
	m.Payloads.Quality = &Quality{Reference: "reference.json", DriftThreshold: 0.01,
		Fairness: &Fairness{ProtectedAttribute: "merchant", Privileged: 1, Unprivileged: 2, Favorable: 0, SPDLimit: 0.1, DIRLow: 0.8, DIRHigh: 1.25}}
	return m
}

func recordQuality(t *testing.T, args *QualityArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewModelQuality(ctx, "q", args)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func qualityArgs() *QualityArgs {
	return &QualityArgs{
		Namespace: "serving", Models: []Model{measuredModel(), cpuModel()}, StorageClass: "mlplatform-encrypted",
		References: map[string]pulumi.StringInput{"fraud-xgb": pulumi.String("s3://bucket/models/fraud/v3/reference.json")},
		Identities: map[string]Identity{"fraud-xgb": {PodLabels: map[string]string{"azure.workload.identity/use": "true"}}},
		Metrics:    true,
	}
}

// TestTrustyAIDeployment: TrustyAI on the system group under the restricted
// standard as its image's user, its data on the encrypted class, its
// certificate from the namespace CA, and the registrar beside it sharing
// its processes.
func TestTrustyAIDeployment(t *testing.T) {
	rec := recordQuality(t, qualityArgs())
	d, err := rec.Named("kubernetes:apps/v1:Deployment", "q")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, d, map[string]interface{}{
		"metadata.name":                                                           "trustyai-service",
		"spec.replicas":                                                           1.0,
		"spec.strategy.type":                                                      "Recreate",
		"spec.template.spec.nodeSelector":                                         map[string]interface{}{nodes.LabelKind: nodes.KindSystem},
		"spec.template.spec.shareProcessNamespace":                                true,
		"spec.template.spec.securityContext.runAsUser":                            185.0,
		"spec.template.spec.securityContext.fsGroup":                              185.0,
		"spec.template.spec.containers[0].image":                                  "quay.io/trustyai/trustyai-service:v0.28.0",
		"spec.template.spec.containers[0].ports[1].containerPort":                 4443.0,
		"spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem": true,
		"spec.template.spec.containers[1].image":                                  PayloadFilterImage,
		"spec.template.spec.containers[1].securityContext.runAsUser":              185.0,
		"spec.template.spec.volumes[0].secret.secretName":                         "trustyai-service-tls",
		"spec.template.spec.volumes[1].persistentVolumeClaim.claimName":           "trustyai-service-data",
	})
	env := map[string]string{}
	for _, e := range d.In("spec.template.spec.containers[0].env").([]interface{}) {
		em := e.(map[string]interface{})
		env[em["name"].(string)] = em["value"].(string)
	}
	for k, v := range map[string]string{"SERVICE_STORAGE_FORMAT": "PVC", "STORAGE_DATA_FOLDER": "/inputs", "SERVICE_BATCH_SIZE": "5000", "QUARKUS_HIBERNATE_ORM_ACTIVE": "false"} {
		if env[k] != v {
			t.Errorf("env %s = %q, want %q", k, env[k], v)
		}
	}
	pvc, _ := rec.Named("kubernetes:core/v1:PersistentVolumeClaim", "q-data")
	recorder.AssertInputs(t, pvc, map[string]interface{}{"spec.storageClassName": "mlplatform-encrypted", "spec.resources.requests.storage": "10Gi"})
	cert, _ := rec.Named("kubernetes:cert-manager.io/v1:Certificate", "q-tls")
	recorder.AssertInputs(t, cert, map[string]interface{}{
		"spec.secretName": "trustyai-service-tls",
		"spec.dnsNames":   []interface{}{"trustyai-service", "trustyai-service.serving.svc", "trustyai-service.serving.svc.cluster.local"},
		"spec.issuerRef":  map[string]interface{}{"name": "trustyai-service-ca", "kind": "Issuer", "group": "cert-manager.io"},
		"spec.privateKey": map[string]interface{}{"algorithm": "RSA", "size": 2048.0, "encoding": "PKCS8", "rotationPolicy": "Always"},
	})
	ca, _ := rec.Named("kubernetes:cert-manager.io/v1:Certificate", "q-ca")
	recorder.AssertInputs(t, ca, map[string]interface{}{"spec.isCA": true, "spec.issuerRef.name": "trustyai-service-selfsigned"})
	cm, _ := rec.Named("kubernetes:core/v1:ConfigMap", "q-registrar")
	if got := cm.In("data").(map[string]interface{})["config.json"].(string); !strings.Contains(got, `"protectedAttribute": "merchant"`) || strings.Contains(got, `"model": "fraud-xgb-unmeasured"`) {
		t.Errorf("registrar config:\n%s", got)
	}
}

// TestReferenceJob: one job per reference file, named after it, run as the
// model's own service account with its identity's labels, downloading with
// KServe's storage initializer and uploading with the filter's image,
// trusting only the CA's certificate; Pulumi does not wait for it.
func TestReferenceJob(t *testing.T) {
	rec := recordQuality(t, qualityArgs())
	jobs := rec.ByType("kubernetes:batch/v1:Job")
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1 (only fraud-xgb has a reference)", len(jobs))
	}
	j := jobs[0]
	uri := "s3://bucket/models/fraud/v3/reference.json"
	recorder.AssertInputs(t, j, map[string]interface{}{
		"metadata.name":                                                  ReferenceJobName(measuredModel(), uri),
		"metadata.annotations":                                           map[string]interface{}{"pulumi.com/skipAwait": "true"},
		"spec.template.spec.serviceAccountName":                          "fraud-xgb",
		"spec.template.spec.initContainers[0].image":                     "docker.io/kserve/storage-initializer:v0.20.0",
		"spec.template.spec.initContainers[0].args":                      []interface{}{uri, "/mnt/reference"},
		"spec.template.spec.initContainers[0].securityContext.runAsUser": 1000.0,
		"spec.template.spec.containers[0].args": []interface{}{"reference", "-config=/etc/payload-filter/config.json", "-model=serving/fraud-xgb",
			"-file=/mnt/reference/reference.json", "-service=https://trustyai-service.serving.svc:443", "-ca=/etc/trustyai-ca/ca.crt"},
		"spec.template.spec.volumes[2].secret.items": []interface{}{map[string]interface{}{"key": "ca.crt", "path": "ca.crt"}},
	})
	if l := j.In("spec.template.metadata.labels").(map[string]interface{}); l["azure.workload.identity/use"] != "true" || l["mlplatform.pangea.ai/model"] != "fraud-xgb" {
		t.Errorf("pod labels %v lack the model's identity label", l)
	}
	if ReferenceJobName(measuredModel(), uri) == ReferenceJobName(measuredModel(), "s3://bucket/models/fraud/v4/reference.json") {
		t.Error("a new reference keeps the job's name, so it would never be uploaded")
	}
}

// TestQualityRules: each model's thresholds recorded from its declaration,
// the alerts comparing TrustyAI's gauges of the registrar's requests with
// them.
func TestQualityRules(t *testing.T) {
	g := QualityRules("serving", []Model{measuredModel(), cpuModel()})
	var got []string
	for _, r := range g.Rules {
		got = append(got, r.Record+r.Alert+" = "+r.Expr)
	}
	want := []string{
		monitoring.DriftThresholdRecord + " = vector(0.01)",
		monitoring.SPDLimitRecord + " = vector(0.1)",
		monitoring.DIRLowRecord + " = vector(0.8)",
		monitoring.DIRHighRecord + " = vector(1.25)",
		`ModelFeatureDrift = trustyai_meanshift{namespace="serving", requestName="mlplatform-meanshift"} < on (namespace, model) group_left mlplatform:model_drift_pvalue:threshold`,
		`ModelStatisticalParity = abs(trustyai_spd{namespace="serving", requestName="mlplatform-spd"}) > on (namespace, model) group_left mlplatform:model_spd:limit`,
		`ModelDisparateImpact = (trustyai_dir{namespace="serving", requestName="mlplatform-dir"} < on (namespace, model) group_left mlplatform:model_dir:low) or (trustyai_dir{namespace="serving", requestName="mlplatform-dir"} > on (namespace, model) group_left mlplatform:model_dir:high)`,
		`ModelQualityDataLost = sum by (namespace, model) (increase(payload_filter_forwarded_total{namespace="serving", outcome=~"failed|dropped"}[15m])) > 0`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range g.Rules[:4] {
		if r.Labels["model"] != "fraud-xgb" || r.Labels["namespace"] != "serving" {
			t.Errorf("%s labels %v", r.Record, r.Labels)
		}
	}
}

// TestFilterForwardsOnlyWithQuality: the filter gets TrustyAI's URL and CA
// only when a model is measured.
func TestFilterForwardsOnlyWithQuality(t *testing.T) {
	for name, c := range map[string]struct {
		models []Model
		args   int
	}{
		"measured": {[]Model{measuredModel()}, 4},
		"logging":  {[]Model{loggingModel()}, 2},
	} {
		rec, err := recorder.Run(func(ctx *pulumi.Context) error {
			_, err := NewPayloadFilter(ctx, "f", &PayloadFilterArgs{Namespace: "serving", Models: c.models, Replicas: 1})
			return err
		}, recorder.Options{Project: "p", Stack: "s"})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := rec.Named("kubernetes:apps/v1:Deployment", "f")
		args := d.In("spec.template.spec.containers[0].args").([]interface{})
		if len(args) != c.args {
			t.Errorf("%s: args %v", name, args)
		}
		if c.args == 4 && (args[2] != "-trustyai-url=https://trustyai-service.serving.svc:443/" || args[3] != "-trustyai-ca=/etc/trustyai-ca/ca.crt") {
			t.Errorf("%s: args %v", name, args)
		}
	}
}

// TestQualityArgsErrors reports every problem at once.
func TestQualityArgsErrors(t *testing.T) {
	a := &QualityArgs{Models: []Model{measuredModel()}}
	_, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewModelQuality(ctx, "q", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	want := `creating model quality "q": [Namespace is required StorageClass is required (TrustyAI's data volume) model fraud-xgb has a reference but References has no URI for it]`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestReferenceJobWaitsForItsModelOnly: a model's reference job runs as its
// model's service account, so it waits for that account and no other (each
// job once waited for every model's, which made a plan quadratic in them).
func TestReferenceJobWaitsForItsModelOnly(t *testing.T) {
	second := measuredModel()
	second.Name = "churn-xgb"
	args := qualityArgs()
	args.Models = []Model{measuredModel(), second}
	args.References["churn-xgb"] = pulumi.String("s3://bucket/models/churn/v1/reference.json")
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		args.ModelsReady = map[string]pulumi.Resource{}
		for _, m := range args.Models {
			sa, err := corev1.NewServiceAccount(ctx, "sa-"+m.Name, &corev1.ServiceAccountArgs{})
			if err != nil {
				return err
			}
			args.ModelsReady[m.Name] = sa
		}
		_, err := NewModelQuality(ctx, "q", args)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range args.Models {
		job, err := rec.Named("kubernetes:batch/v1:Job", "q-reference-"+m.Name)
		if err != nil {
			t.Fatal(err)
		}
		var accounts []string
		for _, urn := range job.DependsOn {
			if strings.HasSuffix(urn, "::sa-fraud-xgb") || strings.HasSuffix(urn, "::sa-churn-xgb") {
				accounts = append(accounts, urn[strings.LastIndex(urn, "::")+2:])
			}
		}
		if want := []string{"sa-" + m.Name}; !slices.Equal(accounts, want) {
			t.Errorf("%s's reference job waits for the accounts %v, want %v", m.Name, accounts, want)
		}
	}
}
