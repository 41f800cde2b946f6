package serving

import (
	"fmt"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
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

// KServeArgs configure KServe.
type KServeArgs struct {
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
	if args == nil {
		args = &KServeArgs{}
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
	ctrl, err := charts.Install(ctx, name+"-controller", charts.KServe, "kserve", NamespaceKServe,
		ControllerValues(), parent, pulumi.DependsOn(append([]pulumi.Resource{cm, crds}, args.WaitFor...)))
	if err != nil {
		return nil, fmt.Errorf("creating KServe %q: %w", name, err)
	}
	comp.Controller = ctrl
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// CertManagerValues install cert-manager with its CRDs, on platform priority.
func CertManagerValues() map[string]interface{} {
	return map[string]interface{}{
		"crds":                      map[string]interface{}{"enabled": true},
		"global":                    map[string]interface{}{"priorityClassName": "mlplatform-platform"},
		"prometheus":                map[string]interface{}{"enabled": true, "servicemonitor": map[string]interface{}{"enabled": false}},
		"enableCertificateOwnerRef": true,
	}
}

// ControllerValues run KServe in RawDeployment mode with no ingress: models
// are reached through their Services, inside the cluster.
func ControllerValues() map[string]interface{} {
	return map[string]interface{}{"kserve": map[string]interface{}{
		"controller": map[string]interface{}{
			"deploymentMode": DeploymentMode,
			"gateway":        map[string]interface{}{"disableIngressCreation": true},
		},
		// The scraping annotation points at Knative's queue-proxy port, which
		// raw deployments lack; PodMonitors scrape the servers instead.
		"metricsaggregator": map[string]interface{}{"enablePrometheusScraping": "false"},
	}}
}
