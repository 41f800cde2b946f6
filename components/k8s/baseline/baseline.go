package baseline

import (
	"fmt"
	"sort"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BaselineType is the component's type token.
const BaselineType = "mlplatform:k8s:Baseline"

// Pod Security levels.
const (
	Restricted = "restricted"
	// Baseline forbids host namespaces, host paths and privileged
	// containers, but not root users or missing seccomp profiles.
	BaselinePSS = "baseline"
	Privileged  = "privileged"
)

// Labels and annotations the baseline sets.
const (
	LabelManagedBy      = "app.kubernetes.io/managed-by"
	LabelPartOf         = "app.kubernetes.io/part-of"
	AnnotationPSSReason = "mlplatform.pangea.ai/pod-security-reason"
	// LabelModelNamespace marks namespaces whose models the model gateway
	// routes to: the serving namespace and preview namespaces.
	LabelModelNamespace = "mlplatform.pangea.ai/models"
	// LabelPlatformService marks namespaces of platform services the model
	// gateway also routes to, on its platform listener (MLflow).
	LabelPlatformService = "mlplatform.pangea.ai/platform-service"
)

// PriorityClasses the baseline creates: platform services preempt serving,
// serving preempts everything without a class (runners, experiments).
var PriorityClasses = map[string]int{PriorityPlatform: 100000, PriorityServing: 10000}

// The baseline's priority classes, by purpose.
const (
	PriorityPlatform = "mlplatform-platform"
	PriorityServing  = "mlplatform-serving"
)

// Concern is one namespace and the rules around it.
type Concern struct {
	// Namespace is the namespace's name.
	Namespace string
	// PodSecurity is Restricted, Baseline or Privileged.
	PodSecurity string
	// PrivilegedReason says why a namespace cannot be restricted; required
	// unless PodSecurity is Restricted.
	PrivilegedReason string
	// Quota, when set, caps the namespace's requests (workload namespaces).
	Quota *Quota
	// IngressFrom are namespaces whose pods may connect in, beside the
	// namespace's own pods.
	IngressFrom []string
	// EgressHTTPS lets pods reach TCP 443 anywhere (cloud APIs, the artifact
	// store, GitHub).
	EgressHTTPS bool
	// EgressAll lets pods reach anything (Prometheus scrapes every pod and node).
	EgressAll bool
	// WebhookPorts admit traffic from anywhere on these TCP ports: the API
	// server calls admission webhooks from outside the pod network.
	WebhookPorts []int
	// Labels and Annotations are added to the namespace's own.
	Labels, Annotations map[string]string
}

// Quota caps a workload namespace.
type Quota struct {
	// CPUMillis and MemoryMi cap requests (memory also caps limits).
	CPUMillis, MemoryMi int
	// GPUs caps nvidia.com/gpu requests.
	GPUs int
	// Pods caps the number of pods.
	Pods int
}

// BaselineArgs configure a Baseline.
type BaselineArgs struct {
	Concerns []Concern
	// NamespacesOnly skips the cluster-wide objects (priority classes):
	// for namespaces added to a cluster another stack owns (previews).
	NamespacesOnly bool
}

// Baseline holds the namespaces and their policies.
type Baseline struct {
	pulumi.ResourceState

	// Namespaces maps each concern's namespace name to the resource, so
	// components can depend on it.
	Namespaces map[string]*corev1.Namespace
}

// NewBaseline creates the namespaces, quotas, limit ranges, network policies
// and priority classes. Pass the cluster's Kubernetes provider in opts.
func NewBaseline(ctx *pulumi.Context, name string, args *BaselineArgs, opts ...pulumi.ResourceOption) (*Baseline, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating baseline %q: %w", name, err)
	}
	comp := &Baseline{Namespaces: map[string]*corev1.Namespace{}}
	if err := ctx.RegisterComponentResource(BaselineType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	// Namespaces wait for the priority classes, so every workload (each
	// waits for its namespace) finds its class: a pod naming a class that
	// does not exist yet is refused at admission.
	var classes []pulumi.Resource
	for _, pc := range sortedKeys(PriorityClasses) {
		if args.NamespacesOnly {
			break
		}
		class, err := schedulingv1.NewPriorityClass(ctx, name+"-"+pc, &schedulingv1.PriorityClassArgs{
			Metadata:      metav1.ObjectMetaArgs{Name: pulumi.String(pc), Labels: CommonLabels()},
			Value:         pulumi.Int(PriorityClasses[pc]),
			GlobalDefault: pulumi.Bool(false),
			Description:   pulumi.Sprintf("mlplatform: %s workloads", pc),
		}, parent)
		if err != nil {
			return nil, err
		}
		classes = append(classes, class)
	}
	for _, c := range args.Concerns {
		ns, err := namespace(ctx, name, c, parent, pulumi.DependsOn(classes))
		if err != nil {
			return nil, err
		}
		comp.Namespaces[c.Namespace] = ns
		inNS := pulumi.DependsOn([]pulumi.Resource{ns})
		if c.Quota != nil {
			if err := quota(ctx, name, c, parent, inNS); err != nil {
				return nil, err
			}
		}
		if err := networkPolicies(ctx, name, c, parent, inNS); err != nil {
			return nil, err
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

func (a *BaselineArgs) check() error {
	if a == nil || len(a.Concerns) == 0 {
		return fmt.Errorf("at least one concern is required")
	}
	seen := map[string]bool{}
	for _, c := range a.Concerns {
		switch {
		case c.Namespace == "" || seen[c.Namespace]:
			return fmt.Errorf("namespace %q is empty or listed twice", c.Namespace)
		case c.PodSecurity != Restricted && c.PodSecurity != BaselinePSS && c.PodSecurity != Privileged:
			return fmt.Errorf("namespace %s: PodSecurity %q must be %s, %s or %s", c.Namespace, c.PodSecurity, Restricted, BaselinePSS, Privileged)
		case c.PodSecurity != Restricted && c.PrivilegedReason == "":
			return fmt.Errorf("namespace %s is %s without a reason: say which workload cannot run restricted", c.Namespace, c.PodSecurity)
		}
		seen[c.Namespace] = true
	}
	return nil
}

// CommonLabels are the labels on every object the platform creates in the
// cluster; callers may add to the map they get.
func CommonLabels() pulumi.StringMap {
	return pulumi.StringMap{LabelManagedBy: pulumi.String("pulumi"), LabelPartOf: pulumi.String("mlplatform")}
}

func namespace(ctx *pulumi.Context, name string, c Concern, opts ...pulumi.ResourceOption) (*corev1.Namespace, error) {
	labels := CommonLabels()
	labels["app.kubernetes.io/name"] = pulumi.String(c.Namespace)
	// The stack that owns the namespace (several platforms never share a
	// cluster, but the label says which one this is).
	labels["app.kubernetes.io/instance"] = pulumi.String(ctx.Stack())
	for _, mode := range []string{"enforce", "audit", "warn"} {
		labels["pod-security.kubernetes.io/"+mode] = pulumi.String(c.PodSecurity)
	}
	for k, v := range c.Labels {
		labels[k] = pulumi.String(v)
	}
	annotations := pulumi.StringMap{}
	for k, v := range c.Annotations {
		annotations[k] = pulumi.String(v)
	}
	if c.PodSecurity != Restricted {
		annotations[AnnotationPSSReason] = pulumi.String(c.PrivilegedReason)
	}
	meta := metav1.ObjectMetaArgs{Name: pulumi.String(c.Namespace), Labels: labels}
	if len(annotations) > 0 {
		meta.Annotations = annotations
	}
	return corev1.NewNamespace(ctx, name+"-"+c.Namespace, &corev1.NamespaceArgs{Metadata: meta}, opts...)
}

func quota(ctx *pulumi.Context, name string, c Concern, parent, inNS pulumi.ResourceOption) error {
	q := c.Quota
	meta := metav1.ObjectMetaArgs{Name: pulumi.String("mlplatform"), Namespace: pulumi.String(c.Namespace), Labels: CommonLabels()}
	if _, err := corev1.NewResourceQuota(ctx, name+"-"+c.Namespace, &corev1.ResourceQuotaArgs{
		Metadata: meta,
		Spec: corev1.ResourceQuotaSpecArgs{Hard: pulumi.StringMap{
			"requests.cpu":            pulumi.Sprintf("%dm", q.CPUMillis),
			"requests.memory":         pulumi.Sprintf("%dMi", q.MemoryMi),
			"limits.memory":           pulumi.Sprintf("%dMi", q.MemoryMi),
			"requests.nvidia.com/gpu": pulumi.Sprintf("%d", q.GPUs),
			"pods":                    pulumi.Sprintf("%d", q.Pods),
		}},
	}, parent, inNS); err != nil {
		return err
	}
	// Pods that say nothing still get requests the quota can count, and a
	// memory limit; CPU gets no default limit, to avoid throttling.
	_, err := corev1.NewLimitRange(ctx, name+"-"+c.Namespace, &corev1.LimitRangeArgs{
		Metadata: meta,
		Spec: corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{corev1.LimitRangeItemArgs{
			Type:           pulumi.String("Container"),
			DefaultRequest: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
			Default:        pulumi.StringMap{"memory": pulumi.String("512Mi")},
		}}},
	}, parent, inNS)
	return err
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
