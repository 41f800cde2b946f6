package monitoring

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func args() *MonitoringArgs {
	return &MonitoringArgs{
		Namespace: "monitoring", Cluster: "aws-dev", Environment: "dev",
		RetentionDays: 7, StorageGiB: 50,
		StorageClass: StorageClass{Provisioner: "ebs.csi.aws.com", Parameters: pulumi.StringMap{
			"type": pulumi.String("gp3"), "encrypted": pulumi.String("true"), "kmsKeyId": pulumi.String("arn:aws:kms:us-east-1:1:key/k"),
		}},
		GrafanaAdminPassword: pulumi.ToSecret(pulumi.String("s3cret")).(pulumi.StringOutput),
		Thresholds:           Thresholds{ServingP95LatencyMs: 500, ServingErrorRatePercent: 1.5, GPUTemperatureC: 85, RunnerBacklog: 10},
	}
}

func record(t *testing.T, a *MonitoringArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewMonitoring(ctx, "mon", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestEncryptedStorageClassAndRetention(t *testing.T) {
	rec := record(t, args())
	sc, err := rec.Named("kubernetes:storage.k8s.io/v1:StorageClass", "mon-storage")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, sc, map[string]interface{}{
		"metadata.name": StorageClassName, "provisioner": "ebs.csi.aws.com",
		"parameters":    map[string]interface{}{"type": "gp3", "encrypted": "true", "kmsKeyId": "arn:aws:kms:us-east-1:1:key/k"},
		"reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true,
	})
	rel, err := rec.Named("kubernetes:helm.sh/v3:Release", "mon-stack")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, rel, map[string]interface{}{
		"chart": charts.KubePrometheusStack.Name, "version": charts.KubePrometheusStack.Version, "namespace": "monitoring",
		"name": ReleaseName,
		"values.prometheus.prometheusSpec.retention":                                                       "7d",
		"values.prometheus.prometheusSpec.retentionSize":                                                   "45GB",
		"values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName":           StorageClassName,
		"values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage": "50Gi",
		"values.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues":                                   false,
		"values.prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues":                             false,
		"values.prometheus.prometheusSpec.externalLabels":                                                  map[string]interface{}{"cluster": "aws-dev", "environment": "dev"},
		"values.prometheus.prometheusSpec.remoteWrite":                                                     nil,
		"values.grafana.admin.existingSecret":                                                              GrafanaAdminSecret,
		"values.grafana.adminPassword":                                                                     nil,
		"values.kube-state-metrics.metricLabelsAllowlist":                                                  []interface{}{"nodes=[mlplatform.pangea.ai/node-group,mlplatform.pangea.ai/kind,node.kubernetes.io/instance-type]"},
	})
	// The release waits for the storage class, the secret and the dashboards.
	for _, dep := range []string{"mon-storage", "mon-grafana-admin", "mon-dashboard-mlplatform-gpu"} {
		if !slices.ContainsFunc(rel.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::"+dep) }) {
			t.Errorf("release does not depend on %s: %v", dep, rel.DependsOn)
		}
	}
	a := args()
	a.RetainVolumes = true
	sc, _ = record(t, a).Named("kubernetes:storage.k8s.io/v1:StorageClass", "mon-storage")
	if got := sc.In("reclaimPolicy"); got != "Retain" {
		t.Errorf("prod reclaimPolicy = %v, want Retain", got)
	}
}

func TestGrafanaPasswordStaysSecret(t *testing.T) {
	rec := record(t, args())
	s, err := rec.Named("kubernetes:core/v1:Secret", "mon-grafana-admin")
	if err != nil {
		t.Fatal(err)
	}
	if !s.IsSecretInput("stringData") {
		t.Error("the Grafana admin secret's data is not a Pulumi secret")
	}
	recorder.AssertInputs(t, s, map[string]interface{}{"metadata.name": GrafanaAdminSecret, "metadata.namespace": "monitoring"})
	if got := s.Revealed("stringData"); !reflect.DeepEqual(got, map[string]interface{}{"admin-user": "admin", "admin-password": "s3cret"}) {
		t.Errorf("stringData = %v", got)
	}
	rel, _ := rec.Named("kubernetes:helm.sh/v3:Release", "mon-stack")
	if v, _ := json.Marshal(rel.In("values")); strings.Contains(string(v), "s3cret") {
		t.Error("the password leaked into the release values")
	}
}

func TestRemoteWrite(t *testing.T) {
	a := args()
	a.RemoteWrite = &RemoteWrite{
		URL: pulumi.String("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write"), SigV4Region: "us-east-1",
		ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/prom")},
	}
	rel, _ := record(t, a).Named("kubernetes:helm.sh/v3:Release", "mon-stack")
	recorder.AssertInputs(t, rel, map[string]interface{}{
		"values.prometheus.prometheusSpec.remoteWrite": []interface{}{map[string]interface{}{
			"url": "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", "sigv4": map[string]interface{}{"region": "us-east-1"},
		}},
		"values.prometheus.serviceAccount.annotations": map[string]interface{}{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/prom"},
	})
	a = args()
	a.RemoteWrite = &RemoteWrite{
		URL:           pulumi.String("https://dce.eastus-1.metrics.ingest.monitor.azure.com/dataCollectionRules/dcr-1/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24"),
		AzureTenantID: pulumi.String("tenant"), ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": pulumi.String("client")},
		PodLabels: map[string]string{"azure.workload.identity/use": "true"},
	}
	rel, _ = record(t, a).Named("kubernetes:helm.sh/v3:Release", "mon-stack")
	recorder.AssertInputs(t, rel, map[string]interface{}{
		"values.prometheus.prometheusSpec.remoteWrite[0].azureAd": map[string]interface{}{"cloud": "AzurePublic", "sdk": map[string]interface{}{"tenantId": "tenant"}},
		"values.prometheus.prometheusSpec.podMetadata.labels":     map[string]interface{}{"azure.workload.identity/use": "true"},
	})
}

func TestDashboardsAreProvisionedAsConfigMaps(t *testing.T) {
	rec := record(t, args())
	var names []string
	for _, cm := range rec.ByType("kubernetes:core/v1:ConfigMap") {
		names = append(names, cm.InString("metadata.name"))
		recorder.AssertInputs(t, cm, map[string]interface{}{
			"metadata.namespace": "monitoring", "metadata.labels." + DashboardLabel: "1",
			"metadata.annotations." + DashboardFolderAnnotation: DashboardFolder,
		})
		for key, body := range cm.StringMap("data") {
			var doc struct {
				UID    string `json:"uid"`
				Panels []struct {
					Targets []struct{ Expr string } `json:"targets"`
				} `json:"panels"`
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Errorf("%s: %v", key, err)
			}
			if key != doc.UID+".json" || len(doc.Panels) < 4 {
				t.Errorf("%s holds dashboard %q with %d panels", key, doc.UID, len(doc.Panels))
			}
		}
	}
	want := []string{"dashboard-mlplatform-explainers", "dashboard-mlplatform-gpu", "dashboard-mlplatform-mlflow", "dashboard-mlplatform-model-quality", "dashboard-mlplatform-node-groups", "dashboard-mlplatform-notebooks", "dashboard-mlplatform-runners", "dashboard-mlplatform-serving"}
	slices.Sort(names)
	if !reflect.DeepEqual(names, want) {
		t.Errorf("dashboards = %v, want %v", names, want)
	}
}

func TestRulesCarryTheThresholds(t *testing.T) {
	rec := record(t, args())
	exprs := map[string]string{}
	for _, r := range rec.ByType("kubernetes:monitoring.coreos.com/v1:PrometheusRule") {
		if !slices.ContainsFunc(r.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::mon-stack") }) {
			t.Errorf("%s does not wait for the release that brings its CRD", r.Name)
		}
		for _, g := range r.In("spec.groups").([]interface{}) {
			for _, rule := range g.(map[string]interface{})["rules"].([]interface{}) {
				m := rule.(map[string]interface{})
				if a, ok := m["alert"].(string); ok {
					exprs[a] = m["expr"].(string)
				}
			}
		}
	}
	want := map[string]string{
		"GPUXidError":         `DCGM_FI_DEV_XID_ERRORS > 0 and changes(DCGM_FI_DEV_XID_ERRORS[10m]) > 0`,
		"GPUTemperatureHigh":  `DCGM_FI_DEV_GPU_TEMP > 85`,
		"GPUMemoryNearlyFull": `DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) > 0.95`,
		"ModelLatencyP95High": `mlplatform:model_request_latency_seconds:p95 > 0.5`,
		"ModelErrorRateHigh":  `100 * sum by (model_name, component) (mlplatform:model_requests:rate5m{envoy_response_code_class="5"}) / sum by (model_name, component) (mlplatform:model_requests:rate5m) > 1.5`,
		"ModelUnavailable":    `kube_deployment_status_replicas_available{namespace="serving"} == 0 and kube_deployment_spec_replicas{namespace="serving"} > 0`,
		"RunnerBacklogHigh":   `mlplatform:runner_backlog > 10`,
		"MLflowUnavailable":   `kube_deployment_status_replicas_available{namespace="mlflow", deployment="mlflow"} == 0 and kube_deployment_spec_replicas{namespace="mlflow", deployment="mlflow"} > 0`,
		"MLflowServerErrors":  `100 * sum(rate(mlflow_http_request_total{namespace="mlflow", status=~"5.."}[5m])) / sum(rate(mlflow_http_request_total{namespace="mlflow"}[5m])) > 5`,
	}
	if !reflect.DeepEqual(exprs, want) {
		t.Errorf("alerts:\n%v\nwant:\n%v", exprs, want)
	}
}

// Every metric the rules and dashboards read must be one the platform's
// exporters produce; a typo would give an empty panel or a silent alert.
func TestQueriesReadKnownMetrics(t *testing.T) {
	// The catalogue's series (each with its upstream proof) and the
	// platform's own recording rules.
	known := map[string]bool{}
	for _, m := range Catalogue {
		for _, name := range m.Series() {
			known[name] = true
		}
	}
	metric := regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\{|\[| \)|\)| >| /|$)`)
	var exprs []string
	for _, d := range Dashboards() {
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				exprs = append(exprs, tg.Expr)
			}
		}
	}
	for _, g := range Rules(args().Thresholds) {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	words := regexp.MustCompile(`^(sum|avg|max|min|count|by|rate|increase|delta|changes|histogram_quantile|label_replace|and|or|le|on)$`)
	for _, e := range exprs {
		// Drop label matchers and strings, then read the identifiers that
		// are followed by a selector, a range, or nothing (bare metrics).
		stripped := regexp.MustCompile(`\{[^}]*\}|"[^"]*"|\([A-Za-z_, ]*\)`).ReplaceAllString(e, "{}")
		for _, m := range metric.FindAllString(stripped, -1) {
			name := strings.TrimRight(m, "{[ )>/")
			if name == "" || words.MatchString(name) {
				continue
			}
			if !known[name] && !strings.HasPrefix(name, "mlplatform:") {
				t.Errorf("query %q reads %q, which no exporter of the platform produces", e, name)
			}
		}
	}
}

func TestRejectsIncompleteArgs(t *testing.T) {
	a := args()
	a.StorageClass.Provisioner = ""
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewMonitoring(ctx, "mon", a)
		return err
	}, `creating monitoring "mon": StorageClass.Provisioner is required: Prometheus's volume must use the cloud's encrypted storage`)
}
