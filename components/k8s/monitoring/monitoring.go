package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/charts"
)

// MonitoringType is the component's type token.
const MonitoringType = "mlplatform:k8s:Monitoring"

// Names the component gives the objects it creates.
const (
	// ReleaseName is the kube-prometheus-stack release; its name prefixes the
	// chart's objects (Prometheus, Grafana, the operator).
	ReleaseName = "kube-prometheus-stack"
	// StorageClassName is the encrypted class Prometheus's volume uses.
	StorageClassName = "mlplatform-encrypted"
	// GrafanaAdminSecret holds Grafana's admin user and password.
	GrafanaAdminSecret = "grafana-admin"
	// DashboardLabel is the label Grafana's sidecar loads dashboards by.
	DashboardLabel = "grafana_dashboard"
	// DashboardFolderAnnotation files each dashboard into a Grafana folder.
	DashboardFolderAnnotation = "grafana_folder"
	// DashboardFolder is the folder the platform's dashboards go in.
	DashboardFolder = "mlplatform"
)

// StorageClass is the cloud's encrypted block storage for Prometheus.
type StorageClass struct {
	// Provisioner is the CSI driver (ebs.csi.aws.com, disk.csi.azure.com).
	Provisioner string
	// Parameters select the disk type and its encryption key.
	Parameters pulumi.StringMapInput
}

// RemoteWrite sends every sample on to the cloud's managed Prometheus.
type RemoteWrite struct {
	// URL is the managed service's remote-write endpoint.
	URL pulumi.StringInput
	// SigV4Region signs requests for Amazon Managed Service for Prometheus.
	SigV4Region string
	// AzureTenantID makes Prometheus write to Azure Monitor with Azure AD
	// tokens from its workload identity (the service account annotation
	// names the identity's client ID).
	AzureTenantID pulumi.StringInput
	// ServiceAccountAnnotations bind Prometheus's service account to the
	// cloud identity (IRSA role ARN, or workload identity client ID).
	ServiceAccountAnnotations pulumi.StringMapInput
	// PodLabels are added to the Prometheus pods (Azure workload identity).
	PodLabels map[string]string
}

// Thresholds set when the platform's alerts fire.
type Thresholds struct {
	ServingP95LatencyMs int
	// ServingErrorRatePercent is each model component's 5xx objective.
	ServingErrorRatePercent float64
	GPUTemperatureC         int
	RunnerBacklog           int
}

// MonitoringArgs configure Monitoring.
type MonitoringArgs struct {
	// Namespace is the baseline's monitoring namespace.
	Namespace string
	// Cluster and Environment become external labels on every series.
	Cluster, Environment string
	// RetentionDays and StorageGiB size Prometheus's history and volume.
	RetentionDays, StorageGiB int
	// StorageClass is the encrypted storage Prometheus's volume is made of.
	StorageClass StorageClass
	// GrafanaAdminPassword must be a Pulumi secret.
	GrafanaAdminPassword pulumi.StringInput
	// RemoteWrite, when set, also ships metrics to the cloud's managed service.
	RemoteWrite *RemoteWrite
	// Thresholds of the alerting rules.
	Thresholds Thresholds
	// RetainVolumes keeps Prometheus's volume when the claim goes (prod).
	RetainVolumes bool
	// WaitFor are resources to install after (the namespace, the CSI driver).
	WaitFor []pulumi.Resource
}

// Monitoring holds the monitoring stack.
type Monitoring struct {
	pulumi.ResourceState

	// Release is the kube-prometheus-stack release. It brings the
	// ServiceMonitor, PodMonitor and PrometheusRule CRDs: components that
	// create those wait for it.
	Release *charts.Release
	// StorageClass is the encrypted storage class Prometheus, Grafana and
	// the runners' work volumes use.
	StorageClass *storagev1.StorageClass
}

// NewMonitoring installs kube-prometheus-stack with an encrypted volume, the
// Grafana admin secret, the platform's dashboards and its alerting rules.
func NewMonitoring(ctx *pulumi.Context, name string, args *MonitoringArgs, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating monitoring %q: %w", name, err)
	}
	values, err := Values(args)
	if err != nil {
		return nil, fmt.Errorf("creating monitoring %q: %w", name, err)
	}
	comp := &Monitoring{}
	if err := ctx.RegisterComponentResource(MonitoringType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	after := pulumi.DependsOn(args.WaitFor)
	reclaim := "Delete"
	if args.RetainVolumes {
		reclaim = "Retain"
	}
	sc, err := storagev1.NewStorageClass(ctx, name+"-storage", &storagev1.StorageClassArgs{
		Metadata:             metav1.ObjectMetaArgs{Name: pulumi.String(StorageClassName), Labels: labels()},
		Provisioner:          pulumi.String(args.StorageClass.Provisioner),
		Parameters:           args.StorageClass.Parameters,
		ReclaimPolicy:        pulumi.String(reclaim),
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}, parent, after)
	if err != nil {
		return nil, err
	}
	admin, err := corev1.NewSecret(ctx, name+"-grafana-admin", &corev1.SecretArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(GrafanaAdminSecret), Namespace: pulumi.String(args.Namespace), Labels: labels()},
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"admin-user":     pulumi.String("admin"),
			"admin-password": pulumi.ToSecret(args.GrafanaAdminPassword).(pulumi.StringOutput),
		},
	}, parent, after)
	if err != nil {
		return nil, err
	}
	var cms []pulumi.Resource
	for _, d := range Dashboards() {
		body, err := d.JSON()
		if err != nil {
			return nil, fmt.Errorf("creating monitoring %q: %w", name, err)
		}
		dashboardLabels := labels()
		dashboardLabels[DashboardLabel] = pulumi.String("1")
		cm, err := corev1.NewConfigMap(ctx, name+"-dashboard-"+d.UID, &corev1.ConfigMapArgs{
			Metadata: metav1.ObjectMetaArgs{
				Name: pulumi.String("dashboard-" + d.UID), Namespace: pulumi.String(args.Namespace),
				Labels:      dashboardLabels,
				Annotations: pulumi.StringMap{DashboardFolderAnnotation: pulumi.String(DashboardFolder)},
			},
			Data: pulumi.StringMap{d.UID + ".json": pulumi.String(body)},
		}, parent, after)
		if err != nil {
			return nil, err
		}
		cms = append(cms, cm)
	}
	rel, err := charts.Install(ctx, name+"-stack", charts.KubePrometheusStack, ReleaseName, args.Namespace, values,
		parent, pulumi.DependsOn(append(append([]pulumi.Resource{sc, admin}, args.WaitFor...), cms...)))
	if err != nil {
		return nil, err
	}
	comp.Release = rel
	comp.StorageClass = sc
	for _, g := range Rules(args.Thresholds) {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-rules-"+g.Name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("PrometheusRule"),
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String("mlplatform-" + g.Name), Namespace: pulumi.String(args.Namespace), Labels: labels()},
			OtherFields: map[string]interface{}{
				"spec": map[string]interface{}{"groups": []interface{}{g.Spec()}},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{rel})); err != nil {
			return nil, err
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

func (a *MonitoringArgs) check() error {
	switch {
	case a == nil || a.Namespace == "":
		return fmt.Errorf("Namespace is required")
	case a.RetentionDays < 1 || a.StorageGiB < 10:
		return fmt.Errorf("RetentionDays (%d) must be at least 1 and StorageGiB (%d) at least 10", a.RetentionDays, a.StorageGiB)
	case a.StorageClass.Provisioner == "":
		return fmt.Errorf("StorageClass.Provisioner is required: Prometheus's volume must use the cloud's encrypted storage")
	case a.GrafanaAdminPassword == nil:
		return fmt.Errorf("GrafanaAdminPassword is required (a Pulumi secret)")
	case a.Thresholds.ServingP95LatencyMs <= 0 || a.Thresholds.ServingErrorRatePercent <= 0 || a.Thresholds.GPUTemperatureC <= 0 || a.Thresholds.RunnerBacklog <= 0:
		return fmt.Errorf("every alert threshold must be positive: %+v", a.Thresholds)
	case a.RemoteWrite != nil && a.RemoteWrite.URL == nil:
		return fmt.Errorf("RemoteWrite.URL is required when remote write is on")
	}
	return nil
}

func labels() pulumi.StringMap { return baseline.CommonLabels() }
