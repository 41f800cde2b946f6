package serving

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// The model gateway: every request to a model or an explainer passes
// through Envoy proxies that count it by route and status class, which is
// where the serving error-rate objective is measured. KServe v0.20.0 creates
// the HTTPRoutes (Standard mode with the Gateway API); this project creates
// the class, the gateway and the proxies' configuration.
const (
	NamespaceGateway = baseline.NamespaceGateway
	// GatewayClassName names the platform's GatewayClass.
	GatewayClassName = "mlplatform"
	// GatewayControllerName is Envoy Gateway's controller for GatewayClasses.
	GatewayControllerName = "gateway.envoyproxy.io/gatewayclass-controller"
	// GatewayName is the Gateway in the serving namespace that KServe's
	// routes attach to.
	GatewayName = "models"
	// GatewayServiceName is the proxies' Service in the gateway namespace:
	// callers send requests to http://models-gateway.envoy-gateway-system.
	GatewayServiceName = "models-gateway"
	// GatewayPort is the listener port; Envoy Gateway runs it on
	// GatewayContainerPort (privileged ports shift by 10000), which is what
	// network policies see.
	GatewayPort          = 80
	GatewayContainerPort = 10080
	// ProxyMetricsPort serves the proxies' counters at /stats/prometheus.
	ProxyMetricsPort = "metrics"
	// Domain is the ingress domain of KServe's host names: a model answers
	// for Host <model>-<namespace>.<Domain> (and -predictor/-explainer).
	Domain = "mlplatform.internal"
	// PlatformListener is the Gateway's listener for platform services
	// (MLflow), for hosts *.<PlatformDomain>: more specific than the model
	// listener's, so its routes never see a model's request, and admitting
	// routes only from namespaces labelled baseline.LabelPlatformService.
	PlatformListener = "platform"
	PlatformDomain   = "platform." + Domain
	// ReleaseEnvoyGateway is the Helm release of the gateway controller.
	ReleaseEnvoyGateway = "envoy-gateway"
)

// ProxyLabels select the gateway's Envoy pods (Envoy Gateway puts them on
// every proxy Deployment it creates).
func ProxyLabels(servingNamespace string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/component":                    "proxy",
		"app.kubernetes.io/managed-by":                   "envoy-gateway",
		"gateway.envoyproxy.io/owning-gateway-name":      GatewayName,
		"gateway.envoyproxy.io/owning-gateway-namespace": servingNamespace,
	}
}

// GatewayValues configure the Envoy Gateway chart: the controller and its
// certgen Job on the system group (the chart leaves both nodeSelectors
// empty at v1.9.0), the controller at platform priority (certgen has no
// priority key), and no topology-injector webhook (it only copies zone
// labels to proxies).
func GatewayValues() map[string]interface{} {
	return map[string]interface{}{
		"deployment": map[string]interface{}{
			"priorityClassName": baseline.PriorityPlatform,
			"pod":               map[string]interface{}{"nodeSelector": nodes.SystemSelector(), "tolerations": nodes.SystemTolerations()},
		},
		"certgen":          map[string]interface{}{"job": map[string]interface{}{"nodeSelector": nodes.SystemSelector(), "tolerations": nodes.SystemTolerations()}},
		"topologyInjector": map[string]interface{}{"enabled": false},
	}
}

// EnvoyProxySpec is the proxies' Deployment and Service: in-cluster only
// (ClusterIP under a fixed name), on serving priority, with a disruption
// budget when there is more than one replica.
func EnvoyProxySpec(replicas int) map[string]interface{} {
	k8s := map[string]interface{}{
		"envoyDeployment": map[string]interface{}{
			"replicas": replicas,
			"pod":      map[string]interface{}{"priorityClassName": PriorityClass, "nodeSelector": nodes.SystemSelector(), "tolerations": nodes.SystemTolerations()},
			"container": map[string]interface{}{"resources": map[string]interface{}{
				"requests": map[string]interface{}{"cpu": "250m", "memory": "256Mi"},
				"limits":   map[string]interface{}{"memory": "1Gi"},
			}},
		},
		"envoyService": map[string]interface{}{"type": "ClusterIP", "name": GatewayServiceName},
	}
	if replicas > 1 {
		k8s["envoyPDB"] = map[string]interface{}{"minAvailable": replicas - 1}
	}
	return map[string]interface{}{"provider": map[string]interface{}{"type": "Kubernetes", "kubernetes": k8s}}
}

// newGateway installs Envoy Gateway and creates the class, the Gateway, the
// caller and proxy network policies and, with monitoring, the proxies'
// PodMonitor. It returns the release, which brings the Gateway API CRDs.
func newGateway(ctx *pulumi.Context, name string, a *KServeArgs, parent pulumi.ResourceOption) (pulumi.Resource, pulumi.Resource, error) {
	rel, err := charts.Install(ctx, name+"-envoy-gateway", charts.EnvoyGateway, ReleaseEnvoyGateway, NamespaceGateway,
		GatewayValues(), parent, pulumi.DependsOn(a.WaitFor))
	if err != nil {
		return nil, nil, err
	}
	after := pulumi.DependsOn([]pulumi.Resource{rel})
	labels := baseline.CommonLabels()
	proxy, err := apiextensions.NewCustomResource(ctx, name+"-proxy", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("gateway.envoyproxy.io/v1alpha1"),
		Kind:        pulumi.String("EnvoyProxy"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(GatewayName), Namespace: pulumi.String(NamespaceGateway), Labels: labels},
		OtherFields: map[string]interface{}{"spec": EnvoyProxySpec(a.GatewayReplicas)},
	}, parent, after)
	if err != nil {
		return nil, nil, err
	}
	class, err := apiextensions.NewCustomResource(ctx, name+"-class", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"),
		Kind:       pulumi.String("GatewayClass"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(GatewayClassName), Labels: labels},
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{
			"controllerName": GatewayControllerName,
			"parametersRef": map[string]interface{}{
				"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": GatewayName, "namespace": NamespaceGateway,
			},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rel, proxy}))
	if err != nil {
		return nil, nil, err
	}
	gw, err := apiextensions.NewCustomResource(ctx, name+"-gateway", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"),
		Kind:       pulumi.String("Gateway"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(GatewayName), Namespace: pulumi.String(a.ServingNamespace), Labels: labels},
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{
			"gatewayClassName": GatewayClassName,
			// Only routes (KServe's) in model namespaces attach to the
			// model listener: the serving namespace and pull-request
			// previews; platform services' routes attach to their own.
			"listeners": []interface{}{map[string]interface{}{
				"name": "http", "protocol": "HTTP", "port": GatewayPort,
				"allowedRoutes": map[string]interface{}{"namespaces": map[string]interface{}{
					"from":     "Selector",
					"selector": map[string]interface{}{"matchLabels": map[string]interface{}{baseline.LabelModelNamespace: "true"}},
				}},
			}, map[string]interface{}{
				"name": PlatformListener, "protocol": "HTTP", "port": GatewayPort, "hostname": "*." + PlatformDomain,
				"allowedRoutes": map[string]interface{}{"namespaces": map[string]interface{}{
					"from":     "Selector",
					"selector": map[string]interface{}{"matchLabels": map[string]interface{}{baseline.LabelPlatformService: "true"}},
				}},
			}},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{class}))
	if err != nil {
		return nil, nil, err
	}
	if err := gatewayPolicies(ctx, name, a.ServingNamespace, parent, pulumi.DependsOn(a.WaitFor)); err != nil {
		return nil, nil, err
	}
	if a.Metrics {
		sel := map[string]interface{}{}
		for k, v := range ProxyLabels(a.ServingNamespace) {
			sel[k] = v
		}
		if _, err := apiextensions.NewCustomResource(ctx, name+"-gateway-metrics", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("PodMonitor"),
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(GatewayServiceName), Namespace: pulumi.String(NamespaceGateway), Labels: labels},
			OtherFields: map[string]interface{}{"spec": map[string]interface{}{
				"selector": map[string]interface{}{"matchLabels": sel},
				"podMetricsEndpoints": []interface{}{map[string]interface{}{
					"port": ProxyMetricsPort, "path": "/stats/prometheus", "interval": "30s",
				}},
			}},
		}, parent, pulumi.DependsOn(append([]pulumi.Resource{gw}, a.MetricsAfter...))); err != nil {
			return nil, nil, err
		}
	}
	return rel, gw, nil
}

// gatewayPolicies open the two paths the baseline's default-deny closes:
// callers (pods in namespaces labelled as serving clients) to the proxies'
// listener, and the proxies to the models' HTTP port.
func gatewayPolicies(ctx *pulumi.Context, name, servingNamespace string, opts ...pulumi.ResourceOption) error {
	proxies := metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(ProxyLabels(servingNamespace))}
	tcp := func(port int) networkingv1.NetworkPolicyPortArray {
		return networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(port)}}
	}
	meta := func(n string) metav1.ObjectMetaArgs {
		return metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: pulumi.String(NamespaceGateway), Labels: baseline.CommonLabels()}
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-gateway-callers", &networkingv1.NetworkPolicyArgs{
		Metadata: meta("gateway-callers"),
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: proxies,
			PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelServingClient: pulumi.String("true")}},
				}},
				Ports: tcp(GatewayContainerPort),
			}},
		},
	}, opts...); err != nil {
		return fmt.Errorf("creating gateway caller policy: %w", err)
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-gateway-to-models", &networkingv1.NetworkPolicyArgs{
		Metadata: meta("gateway-to-models"),
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: proxies,
			PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{baseline.LabelModelNamespace: pulumi.String("true")}},
				}},
				Ports: tcp(HTTPPort),
			}},
		},
	}, opts...); err != nil {
		return fmt.Errorf("creating gateway egress policy: %w", err)
	}
	return nil
}
