package serving

import (
	"fmt"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
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

// DeploymentMode is KServe 0.15's name for serving without Knative.
const DeploymentMode = "RawDeployment"

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
	// WaitFor are resources to install after (the namespaces).
	WaitFor []pulumi.Resource
}

// KServe holds cert-manager, KServe's CRDs and its controller.
type KServe struct {
	pulumi.ResourceState

	// Controller is the KServe release; InferenceServices wait for it (its
	// webhooks must be up to admit them).
	Controller *helmv3.Release
}

// NewKServe installs cert-manager, then KServe's CRDs and controller.
func NewKServe(ctx *pulumi.Context, name string, args *KServeArgs, opts ...pulumi.ResourceOption) (*KServe, error) {
	if args == nil || args.ServingNamespace == "" {
		return nil, fmt.Errorf("creating KServe %q: ServingNamespace is required (the namespace models and their Gateway live in)", name)
	}
	if args.GatewayReplicas == 0 {
		args.GatewayReplicas = 1
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
	gw, err := newGateway(ctx, name, args, parent)
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	ctrl, err := charts.Install(ctx, name+"-controller", charts.KServe, "kserve", NamespaceKServe,
		ControllerValues(args.ServingNamespace), parent, pulumi.DependsOn(append([]pulumi.Resource{cm, crds, gw}, args.WaitFor...)))
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	comp.Controller = ctrl
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

// ControllerValues run KServe in RawDeployment mode with the Gateway API:
// KServe creates HTTPRoutes for each InferenceService on the platform's
// Gateway, under Domain.
func ControllerValues(servingNamespace string) map[string]interface{} {
	return map[string]interface{}{"kserve": map[string]interface{}{
		// The chart has no priorityClassName for the controller (no
		// template at v0.15.2 sets one): it runs without a class.
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
