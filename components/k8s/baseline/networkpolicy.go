package baseline

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NamespaceNameLabel is the label Kubernetes puts on every namespace.
const NamespaceNameLabel = "kubernetes.io/metadata.name"

// networkPolicies denies everything in the namespace, then allows what the
// concern needs: DNS, its own pods (both ways), the listed namespaces, and HTTPS or all
// egress where asked.
func networkPolicies(ctx *pulumi.Context, name string, c Concern, parent, inNS pulumi.ResourceOption) error {
	all := metav1.LabelSelectorArgs{}
	policy := func(suffix string, spec networkingv1.NetworkPolicySpecArgs) error {
		spec.PodSelector = all
		_, err := networkingv1.NewNetworkPolicy(ctx, name+"-"+c.Namespace+"-"+suffix, &networkingv1.NetworkPolicyArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(suffix), Namespace: pulumi.String(c.Namespace), Labels: CommonLabels()},
			Spec:     spec,
		}, parent, inNS)
		return err
	}
	if err := policy("default-deny", networkingv1.NetworkPolicySpecArgs{
		PolicyTypes: pulumi.StringArray{pulumi.String("Ingress"), pulumi.String("Egress")},
	}); err != nil {
		return err
	}
	dns := networkingv1.NetworkPolicyEgressRuleArgs{
		To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
			NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{NamespaceNameLabel: pulumi.String("kube-system")}},
			PodSelector:       metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"k8s-app": pulumi.String("kube-dns")}},
		}},
		Ports: networkingv1.NetworkPolicyPortArray{
			networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("UDP"), Port: pulumi.Int(53)},
			networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(53)},
		},
	}
	if err := policy("allow-dns", networkingv1.NetworkPolicySpecArgs{
		PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
		Egress:      networkingv1.NetworkPolicyEgressRuleArray{dns},
	}); err != nil {
		return err
	}
	// Pods of one concern talk to each other (an explainer calls its
	// predictor, a controller its webhook service): both directions.
	if err := policy("allow-egress-namespace", networkingv1.NetworkPolicySpecArgs{
		PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
		Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: all}},
		}},
	}); err != nil {
		return err
	}
	from := networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: all}}
	for _, ns := range c.IngressFrom {
		from = append(from, networkingv1.NetworkPolicyPeerArgs{
			NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{NamespaceNameLabel: pulumi.String(ns)}},
		})
	}
	if err := policy("allow-ingress", networkingv1.NetworkPolicySpecArgs{
		PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
		Ingress:     networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{From: from}},
	}); err != nil {
		return err
	}
	if len(c.WebhookPorts) > 0 {
		ports := networkingv1.NetworkPolicyPortArray{}
		for _, p := range c.WebhookPorts {
			ports = append(ports, networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(p)})
		}
		if err := policy("allow-webhooks", networkingv1.NetworkPolicySpecArgs{
			PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress:     networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{Ports: ports}},
		}); err != nil {
			return err
		}
	}
	switch {
	case c.EgressAll:
		return policy("allow-egress-all", networkingv1.NetworkPolicySpecArgs{
			PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
			Egress:      networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{}},
		})
	case c.EgressHTTPS:
		return policy("allow-egress-https", networkingv1.NetworkPolicySpecArgs{
			PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To:    networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: networkingv1.IPBlockArgs{Cidr: pulumi.String("0.0.0.0/0")}}},
				Ports: networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(443)}},
			}},
		})
	}
	return nil
}
