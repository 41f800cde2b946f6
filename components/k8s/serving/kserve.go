package serving

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// KServeType is the component's type token.
const KServeType = "mlplatform:k8s:KServe"

// Namespaces the serving control plane runs in (created by the baseline).
const (
	NamespaceKServe      = "kserve"
	NamespaceCertManager = "cert-manager"
)

// DeploymentMode is KServe's name for serving models as plain Deployments,
// without Knative: "Standard" since v0.16.0 (pkg/constants/constants.go at
// tag v0.20.0; the old name RawDeployment is still accepted and rewritten).
const DeploymentMode = "Standard"

// KServeArgs configure KServe and the model gateway.
type KServeArgs struct {
	// ServingNamespace is where models run and the Gateway lives.
	ServingNamespace string
	// GatewayReplicas is the number of Envoy proxies (default 1; prod 2).
	GatewayReplicas int
	// Metrics adds a PodMonitor for the proxies, after MetricsAfter (the
	// monitoring release, which brings the CRD).
	Metrics      bool
	MetricsAfter []pulumi.Resource
	// Runtimes are the ClusterServingRuntimes the models use; the runtimes
	// chart disables the rest.
	Runtimes []string
	// WaitFor are resources to install after (the namespaces).
	WaitFor []pulumi.Resource
}

// KServe holds cert-manager, KServe's CRDs and its controller.
type KServe struct {
	pulumi.ResourceState

	// Controller is the KServe release and RuntimeConfigs the runtimes';
	// InferenceServices wait for both (the controller's webhooks admit them,
	// and the controller picks a runtime when they appear).
	Controller     *charts.Release
	RuntimeConfigs *charts.Release
	// CertManager is cert-manager's release (with its CRDs), which other
	// certificates wait for.
	CertManager *charts.Release
	// Gateway is the model gateway's Gateway, which platform services'
	// routes attach to.
	Gateway pulumi.Resource
}

// NewKServe installs cert-manager, then KServe's CRDs and controller.
func NewKServe(ctx *pulumi.Context, name string, args *KServeArgs, opts ...pulumi.ResourceOption) (*KServe, error) {
	if args == nil || args.ServingNamespace == "" {
		return nil, fmt.Errorf("creating KServe %q: ServingNamespace is required (the namespace models and their Gateway live in)", name)
	}
	if args.GatewayReplicas == 0 {
		args.GatewayReplicas = 1
	}
	runtimeValues, err := RuntimeValues(args.Runtimes)
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	comp := &KServe{}
	if err := ctx.RegisterComponentResource(KServeType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	cm, err := charts.Install(ctx, name+"-cert-manager", charts.CertManager, "cert-manager", NamespaceCertManager,
		CertManagerValues(), parent, pulumi.DependsOn(args.WaitFor))
	if err != nil {
		return nil, err
	}
	crds, err := charts.Install(ctx, name+"-crds", charts.KServeCRD, "kserve-crd", NamespaceKServe,
		map[string]interface{}{}, parent, pulumi.DependsOn(args.WaitFor))
	if err != nil {
		return nil, err
	}
	// The controller watches HTTPRoutes, so the Gateway API CRDs (from the
	// Envoy Gateway chart) must exist before it starts.
	gw, gateway, err := newGateway(ctx, name, args, parent)
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	ctrl, err := charts.Install(ctx, name+"-controller", charts.KServe, "kserve", NamespaceKServe,
		ControllerValues(args.ServingNamespace), parent, pulumi.DependsOn(append([]pulumi.Resource{cm, crds, gw}, args.WaitFor...)))
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	// The runtimes after the controller: its webhook validates
	// ClusterServingRuntimes.
	rt, err := charts.Install(ctx, name+"-runtimes", charts.KServeRuntimes, "kserve-runtime-configs", NamespaceKServe,
		runtimeValues, parent, pulumi.DependsOn([]pulumi.Resource{ctrl}))
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	comp.Controller, comp.RuntimeConfigs, comp.CertManager, comp.Gateway = ctrl, rt, cm, gateway
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// CertManagerValues install cert-manager with its CRDs, on platform
// priority, on the system group. global.nodeSelector (values.yaml at
// v1.21.1) is merged into every component's own, the startupapicheck Job's
// included; global.priorityClassName reaches them all too.
func CertManagerValues() map[string]interface{} {
	return map[string]interface{}{
		"crds":   map[string]interface{}{"enabled": true},
		"global": map[string]interface{}{"priorityClassName": baseline.PriorityPlatform, "nodeSelector": nodes.SystemSelector()},
		// Tolerations have no global key: each component takes its own.
		"tolerations":               nodes.SystemTolerations(),
		"webhook":                   map[string]interface{}{"tolerations": nodes.SystemTolerations()},
		"cainjector":                map[string]interface{}{"tolerations": nodes.SystemTolerations()},
		"startupapicheck":           map[string]interface{}{"tolerations": nodes.SystemTolerations()},
		"prometheus":                map[string]interface{}{"enabled": true, "servicemonitor": map[string]interface{}{"enabled": false}},
		"enableCertificateOwnerRef": true,
	}
}

// ControllerValues run KServe in Standard mode (no Knative) with the Gateway
// API: KServe creates HTTPRoutes for each InferenceService on the
// platform's Gateway, under Domain. Keys: kserve-resources v0.20.0
// values.yaml (kserve.controller.deploymentMode, whose default is Knative;
// kserve.controller.gateway.*; kserve.metricsaggregator.*).
func ControllerValues(servingNamespace string) map[string]interface{} {
	return map[string]interface{}{"kserve": map[string]interface{}{
		// The chart has no priorityClassName for the controller (values.yaml
		// and files/kserve/deployment-patch.yaml at v0.20.0 set none): it
		// runs without a class.
		"controller": map[string]interface{}{
			"nodeSelector":   nodes.SystemSelector(),
			"tolerations":    nodes.SystemTolerations(),
			"deploymentMode": DeploymentMode,
			"gateway": map[string]interface{}{
				"domain":                 Domain,
				"disableIngressCreation": false,
				"ingressGateway": map[string]interface{}{
					"enableGatewayApi": true,
					"kserveGateway":    servingNamespace + "/" + GatewayName,
					"createGateway":    false,
				},
			},
		},
		// The scraping annotation points at Knative's queue-proxy port, which
		// raw deployments lack; PodMonitors scrape the servers instead.
		"metricsaggregator": map[string]interface{}{"enablePrometheusScraping": "false"},
	}}
}
