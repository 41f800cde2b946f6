package serving

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/workload"
	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// ModelServiceType is the component's type token.
const ModelServiceType = "mlplatform:k8s:ModelService"

// Labels KServe puts on a model's pods, and the platform's own.
const (
	LabelInferenceService = "serving.kserve.io/inferenceservice"
	LabelComponent        = "component"
	// LabelServingClient marks namespaces whose pods may call every model.
	LabelServingClient = "mlplatform.pangea.ai/serving-client"
	// PriorityClass is the baseline's class for serving.
	PriorityClass = "mlplatform-serving"
	// HTTPPort is where KServe's servers answer and export metrics
	// (/metrics): every runtime kserve-runtime-configs v0.20.0 installs
	// passes --http_port=8080 (or --rest_api_port, --http-port,
	// MLSERVER_HTTP_PORT) or uses the Python default 8080, and TorchServe's
	// KServe wrapper listens there too (pytorch/serve v0.9.0
	// kubernetes/kserve/kserve_wrapper/__main__.py). No runtime declares it
	// as a container port, so the controller's default Service targets
	// 8080 (reconcilers/service/service_reconciler.go at v0.20.0).
	HTTPPort = 8080
	// ServerContainer is the container KServe names for a model's or
	// explainer's server.
	ServerContainer = "kserve-container"
)

// RuntimeName is the ClusterServingRuntime that serves the model: the one
// it names, or its format's.
func (m Model) RuntimeName() string {
	if m.Runtime != "" {
		return m.Runtime
	}
	return Runtimes[m.Format]
}

// Identity binds a model's service account to the cloud identity that may
// read the model's own prefix of the artifact store.
type Identity struct {
	// ServiceAccountAnnotations: eks.amazonaws.com/role-arn on AWS,
	// azure.workload.identity/client-id on Azure.
	ServiceAccountAnnotations pulumi.StringMapInput
	// PodLabels: azure.workload.identity/use on Azure.
	PodLabels map[string]string
}

// Model is one model to serve.
type Model struct {
	// Name is a DNS label of at most 40 characters: the InferenceService,
	// its service accounts and the objects named after it (<name>-explainer,
	// <name>-predictor, <name>-requests, <name>-callers).
	Name string
	// Format is sklearn, xgboost, pytorch, tensorflow or huggingface; it
	// picks the runtime (Runtimes).
	Format string
	// Runtime names another ClusterServingRuntime; empty uses the format's.
	Runtime string
	// GPUs per predictor replica; more than 0 places it on GPU nodes.
	GPUs int
	// NodeGroup pins replicas to one node group; empty places them by kind
	// (GPU nodes for GPU models, CPU nodes otherwise).
	NodeGroup string
	// Resources of each predictor replica; memory is also the limit.
	Resources workload.Resources
	// MinReplicas and MaxReplicas bound the autoscaler, which aims for
	// ScaleTargetCPUPercent CPU utilisation.
	MinReplicas, MaxReplicas, ScaleTargetCPUPercent int
	// Explainer, when set, runs beside the predictor.
	Explainer *Explainer
	// Card, when set, is written onto the InferenceService as annotations
	// (modelcard.Prefix), where the model-card rule and mlplat models read it.
	Card *modelcard.Card
	// Payloads, when set, logs the model's requests and responses through
	// the payload filter into ModelServiceArgs.PayloadArchive.
	Payloads *Payloads
}

// ExplainerTrustyAI is the explainer type of TrustyAI's KServe explainer.
const ExplainerTrustyAI = "trustyai"

// TrustyAIExplainerImage is TrustyAI's KServe explainer (LIME and SHAP),
// Apache-2.0: release tag v0.2.0 of trustyai-explainability/
// trustyai-kserve-explainer, whose release workflow pushes the tag's image
// (.github/workflows/build-and-push.yaml) to the repository its README
// names. That the tag exists on quay.io could not be checked offline.
const TrustyAIExplainerImage = "quay.io/trustyai/trustyai-kserve-explainer:v0.2.0"

// Explainer explains a model's predictions.
type Explainer struct {
	// Type is trustyai (TrustyAI's KServe explainer, TrustyAIExplainerImage:
	// LIME and SHAP attributions), art (KServe's Adversarial Robustness
	// Toolbox explainer) or custom (ModelServiceArgs.ExplainerImage).
	Type string
	// Method is, for trustyai, all (LIME and SHAP), lime or shap; empty
	// means all.
	Method string
	// ARTAttack is the ART attack for type art, e.g. SquareAttack.
	ARTAttack string
	// Resources of each explainer replica.
	Resources workload.Resources
}

// ModelServiceArgs configure a ModelService.
type ModelServiceArgs struct {
	// Model is the model to serve.
	Model Model
	// Namespace is the baseline's serving namespace.
	Namespace string
	// GatewayNamespace is the namespace of the model gateway whose proxies
	// may call the model; empty means Namespace (the serving namespace).
	// Previews in their own namespace name the serving namespace here.
	GatewayNamespace string
	// StorageURI is the model's full address in the artifact store
	// (s3://bucket/models/fraud/v3, https://acct.blob.core.windows.net/models/fraud/v3).
	StorageURI pulumi.StringInput
	// Identity is the model's read-only cloud identity.
	Identity Identity
	// NodeGroupTaints are the taints of the model's node group, which the
	// predictor (and an explainer sharing the group) tolerate.
	NodeGroupTaints []nodes.Taint
	// CPUGroupTaints are the taints of the CPU groups an explainer of a GPU
	// model may land on (it selects CPU nodes by kind), e.g. AKS's spot taint.
	CPUGroupTaints []nodes.Taint
	// ExplainerImage is the custom explainer's full image reference.
	ExplainerImage string
	// HighAvailability (prod) adds PodDisruptionBudgets, runs at least two
	// explainer replicas, and spreads each component's replicas across nodes.
	HighAvailability bool
	// WaitFor are resources to create after: the KServe controller (its
	// webhooks), the identity.
	WaitFor []pulumi.Resource
	// PayloadArchive is where the model's filtered payloads go; required
	// when the model has Payloads.
	PayloadArchive *PayloadArchive
	// MetricsAfter are resources the PodMonitors and the PrometheusRule
	// wait for: the monitoring release that brings their CRDs. The model
	// itself does not wait for monitoring.
	MetricsAfter []pulumi.Resource
}

// ModelService is one served model and its explainer.
type ModelService struct {
	pulumi.ResourceState
	// ServiceAccount is the model's own service account (named after the
	// model), whose identity reads the model's storage folder.
	ServiceAccount *corev1.ServiceAccount
}

// NewModelService creates the model's service accounts, InferenceService,
// NetworkPolicy, PodMonitors and, when asked, PodDisruptionBudgets.
func NewModelService(ctx *pulumi.Context, name string, args *ModelServiceArgs, opts ...pulumi.ResourceOption) (*ModelService, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating model service %q: %w", name, err)
	}
	m := args.Model
	comp := &ModelService{}
	if err := ctx.RegisterComponentResource(ModelServiceType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	after := pulumi.DependsOn(args.WaitFor)
	meta := args.objectMeta
	sa := meta(m.Name)
	sa.Annotations = args.Identity.ServiceAccountAnnotations
	deps := append([]pulumi.Resource{}, args.WaitFor...)
	predictorSA, err := corev1.NewServiceAccount(ctx, name+"-predictor", &corev1.ServiceAccountArgs{
		Metadata: sa, AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent, after)
	if err != nil {
		return nil, err
	}
	deps = append(deps, predictorSA)
	comp.ServiceAccount = predictorSA
	if m.Payloads != nil && args.PayloadArchive != nil && args.PayloadArchive.Credentials != nil {
		// The agent's credential builder reads the Secrets the logger's
		// service account lists (kserve v0.20.0 pkg/credentials
		// CreateSecretVolumeAndEnvFromServiceAccount).
		secret, err := corev1.NewSecret(ctx, name+"-payloads", &corev1.SecretArgs{
			Metadata: meta(m.Name + "-payloads"), Type: pulumi.String("Opaque"),
			StringData: pulumi.ToSecret(args.PayloadArchive.Credentials).(pulumi.StringMapOutput),
		}, parent, after)
		if err != nil {
			return nil, err
		}
		psa, err := corev1.NewServiceAccount(ctx, name+"-payloads", &corev1.ServiceAccountArgs{
			Metadata: meta(m.Name + "-payloads"), AutomountServiceAccountToken: pulumi.Bool(false),
			Secrets: corev1.ObjectReferenceArray{corev1.ObjectReferenceArgs{Name: pulumi.String(m.Name + "-payloads")}},
		}, parent, after) // names the Secret; both exist before the pods that read them
		if err != nil {
			return nil, err
		}
		deps = append(deps, secret, psa)
	}
	if m.Explainer != nil {
		// The explainer calls the predictor and reads nothing from storage,
		// so its account has no cloud identity.
		esa, err := corev1.NewServiceAccount(ctx, name+"-explainer", &corev1.ServiceAccountArgs{
			Metadata: meta(m.Name + "-explainer"), AutomountServiceAccountToken: pulumi.Bool(false),
		}, parent, after)
		if err != nil {
			return nil, err
		}
		deps = append(deps, esa)
	}
	annotations := pulumi.StringMap{
		"serving.kserve.io/deploymentMode":  pulumi.String(DeploymentMode),
		"serving.kserve.io/autoscalerClass": pulumi.String("hpa"),
	}
	if m.Card != nil {
		for k, v := range m.Card.Annotations() {
			annotations[k] = pulumi.String(v)
		}
	}
	isvc, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("serving.kserve.io/v1beta1"),
		Kind:       pulumi.String("InferenceService"),
		Metadata: metav1.ObjectMetaArgs{
			Name: pulumi.String(m.Name), Namespace: pulumi.String(args.Namespace), Labels: labels(m.Name),
			Annotations: annotations,
		},
		OtherFields: map[string]interface{}{"spec": InferenceServiceSpec(args)},
	}, parent, pulumi.DependsOn(deps))
	if err != nil {
		return nil, err
	}
	if err := networkPolicy(ctx, name, args, parent, after); err != nil {
		return nil, err
	}
	rules := RequestRules(args.Namespace, m)
	if _, err := apiextensions.NewCustomResource(ctx, name+"-requests", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("monitoring.coreos.com/v1"),
		Kind:        pulumi.String("PrometheusRule"),
		Metadata:    meta(m.Name + "-requests"),
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{"groups": []interface{}{rules.Spec()}}},
	}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{}, args.WaitFor...), args.MetricsAfter...))); err != nil {
		return nil, err
	}
	components := []string{"predictor"}
	if m.Explainer != nil {
		components = append(components, "explainer")
	}
	for _, c := range components {
		if err := podMonitor(ctx, name, c, args, isvc, parent); err != nil {
			return nil, err
		}
		if args.HighAvailability {
			if _, err := policyv1.NewPodDisruptionBudget(ctx, name+"-"+c, &policyv1.PodDisruptionBudgetArgs{
				Metadata: meta(m.Name + "-" + c),
				Spec: policyv1.PodDisruptionBudgetSpecArgs{
					MinAvailable: pulumi.Int(1),
					Selector:     metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelInferenceService: pulumi.String(m.Name), LabelComponent: pulumi.String(c)}},
				},
			}, parent, pulumi.DependsOn([]pulumi.Resource{isvc})); err != nil {
				return nil, err
			}
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// podMonitor scrapes a component's server, after the monitoring release
// that brings the CRD. The TrustyAI explainer serves no metrics (its
// pom.xml at trustyai-kserve-explainer v0.2.0 has no metrics extension), so
// it gets none: the monitor would only scrape a target that is always
// down. The gateway still counts its requests.
func podMonitor(ctx *pulumi.Context, name, component string, a *ModelServiceArgs, isvc pulumi.Resource, opts ...pulumi.ResourceOption) error {
	m := a.Model
	if component == "explainer" && m.Explainer.Type == ExplainerTrustyAI {
		return nil
	}
	port := HTTPPort
	if component == "predictor" {
		port = MetricsPort(m.RuntimeName())
	}
	_, err := apiextensions.NewCustomResource(ctx, name+"-"+component+"-metrics", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PodMonitor"),
		Metadata:   a.objectMeta(m.Name + "-" + component),
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{
			"selector":            map[string]interface{}{"matchLabels": map[string]interface{}{LabelInferenceService: m.Name, LabelComponent: component}},
			"podMetricsEndpoints": []interface{}{ServerMetricsEndpoint(port)},
		}},
	}, append(opts, pulumi.DependsOn(append(append([]pulumi.Resource{isvc}, a.WaitFor...), a.MetricsAfter...)))...)
	return err
}

// ServerMetricsEndpoint scrapes a model's or explainer's server. KServe's
// containers declare no ports (kserve v0.20.0: no ClusterServingRuntime
// lists one and the controller adds none), and prometheus-operator turns a
// port, portNumber or targetPort into a keep rule on declared ports, which
// would keep nothing. So the endpoint names no port: Prometheus makes a
// port-free target per container, the relabelings keep the server's and
// point it at port: HTTPPort, or Triton's own metrics port. The target's model_name is the InferenceService's
// name: TorchServe's wrapper labels its series with the TorchServe model's
// own name instead, which would not match the model's alerts and
// dashboards (the scraped label survives as exported_model_name). Pod IPs
// are taken to be IPv4, as on EKS and AKS by default.
func ServerMetricsEndpoint(port int) map[string]interface{} {
	return map[string]interface{}{
		"path": "/metrics", "interval": "30s",
		"relabelings": []interface{}{
			map[string]interface{}{"action": "keep", "sourceLabels": []interface{}{"__meta_kubernetes_pod_container_name"}, "regex": ServerContainer},
			map[string]interface{}{"action": "replace", "sourceLabels": []interface{}{"__meta_kubernetes_pod_ip"}, "regex": "(.+)",
				"targetLabel": "__address__", "replacement": fmt.Sprintf("$1:%d", port)},
			map[string]interface{}{"action": "replace", "sourceLabels": []interface{}{"__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"},
				"targetLabel": monitoring.ModelLabel},
		},
	}
}

// objectMeta names one of the model's objects in the serving namespace,
// with the model's labels.
func (a *ModelServiceArgs) objectMeta(name string) metav1.ObjectMetaArgs {
	return metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(a.Namespace), Labels: labels(a.Model.Name)}
}

// gatewayNamespace is where the model gateway lives.
func (a *ModelServiceArgs) gatewayNamespace() string {
	if a.GatewayNamespace != "" {
		return a.GatewayNamespace
	}
	return a.Namespace
}

func (a *ModelServiceArgs) check() error {
	var problems []string
	if a == nil {
		return fmt.Errorf("args are required")
	}
	if a.Namespace == "" {
		problems = append(problems, "Namespace is required")
	}
	if a.StorageURI == nil {
		problems = append(problems, "StorageURI is required")
	}
	if _, ok := Runtimes[a.Model.Format]; !ok && a.Model.Runtime == "" {
		problems = append(problems, fmt.Sprintf("model format %q has no default runtime; name one in runtime", a.Model.Format))
	}
	if e := a.Model.Explainer; e != nil {
		switch e.Type {
		case "custom":
			if a.ExplainerImage == "" {
				problems = append(problems, "a custom explainer needs ExplainerImage")
			}
		case "art", ExplainerTrustyAI:
			if V2Only(a.Model.RuntimeName()) {
				problems = append(problems, fmt.Sprintf("explainer type %s calls the predictor over v1, which runtime %s does not speak; use a custom explainer", e.Type, a.Model.RuntimeName()))
			}
		default:
			problems = append(problems, fmt.Sprintf("explainer type %q is not trustyai, art or custom", e.Type))
		}
	}
	if p := a.Model.Payloads; p != nil {
		if a.PayloadArchive == nil || a.PayloadArchive.URL == nil {
			problems = append(problems, "a model with Payloads needs PayloadArchive.URL (where its filtered payloads are written)")
		}
		if len(p.Features) == 0 {
			problems = append(problems, "Payloads.Features is empty; list the model's input features")
		}
		for _, l := range p.Loggable {
			if !slices.Contains(p.Features, l) {
				problems = append(problems, fmt.Sprintf("Payloads.Loggable names %q, which is not one of Payloads.Features", l))
			}
		}
	}
	if a.Model.MinReplicas < 1 || a.Model.MinReplicas > a.Model.MaxReplicas {
		problems = append(problems, fmt.Sprintf("replicas %d..%d must satisfy 1 <= min <= max", a.Model.MinReplicas, a.Model.MaxReplicas))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// restricted are the pod and container security contexts the restricted
// Pod Security Standard requires.
var (
	podSecurity = map[string]interface{}{
		"runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"},
	}
	containerSecurity = map[string]interface{}{
		"allowPrivilegeEscalation": false, "runAsNonRoot": true,
		"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
	}
)

// InferenceServiceSpec is the InferenceService's spec for a model.
func InferenceServiceSpec(a *ModelServiceArgs) map[string]interface{} {
	m := a.Model
	runtime := m.RuntimeName()
	podLabels := map[string]interface{}{}
	for k, v := range a.Identity.PodLabels {
		podLabels[k] = v
	}
	predictor := map[string]interface{}{
		"serviceAccountName": m.Name,
		"minReplicas":        m.MinReplicas,
		"maxReplicas":        m.MaxReplicas,
		"scaleMetric":        "cpu",
		"scaleTarget":        m.ScaleTargetCPUPercent,
		"priorityClassName":  PriorityClass,
		"securityContext":    podSecurity,
		"model": map[string]interface{}{
			"modelFormat":     map[string]interface{}{"name": m.Format},
			"runtime":         runtime,
			"storageUri":      a.StorageURI,
			"resources":       resources(m.Resources, m.GPUs),
			"securityContext": containerSecurity,
		},
	}
	if V2Only(runtime) {
		// Said outright, though the controller would pick the runtime's
		// first protocol (predictor.go at v0.20.0); Triton's p95 comes from
		// its latency summaries, which this flag turns on (KServe appends a
		// model's args to the runtime's).
		model := predictor["model"].(map[string]interface{})
		model["protocolVersion"] = "v2"
		model["args"] = []interface{}{TritonSummaryLatency}
	}
	if len(podLabels) > 0 {
		predictor["labels"] = podLabels
	}
	placement(predictor, m.NodeGroup, m.GPUs, a.NodeGroupTaints)
	if m.Payloads != nil && a.PayloadArchive != nil {
		predictor["logger"] = loggerSpec(a)
	}
	spec := map[string]interface{}{"predictor": predictor}
	if e := m.Explainer; e != nil {
		explainerMin := 1
		if a.HighAvailability {
			explainerMin = min(2, m.MaxReplicas)
		}
		explainer := map[string]interface{}{
			"serviceAccountName": m.Name + "-explainer",
			"minReplicas":        explainerMin,
			"maxReplicas":        m.MaxReplicas,
			"scaleMetric":        "cpu",
			"scaleTarget":        m.ScaleTargetCPUPercent,
			"priorityClassName":  PriorityClass,
			"securityContext":    podSecurity,
		}
		container := map[string]interface{}{
			"resources": resources(e.Resources, 0), "securityContext": containerSecurity,
		}
		switch e.Type {
		case "art":
			container["type"] = e.ARTAttack
			explainer["art"] = container
		case ExplainerTrustyAI:
			// KServe appends --model_name, --predictor_host and --http_port;
			// the explainer listens on 8080 whatever --http_port says and
			// calls http://<predictor_host>/v1/models/<name>:predict
			// (trustyai-kserve-explainer v0.2.0 CommandLineArgs.java). It
			// runs as user 185 (src/main/docker/Dockerfile.jvm).
			method := strings.ToUpper(e.Method)
			if method == "" {
				method = "ALL"
			}
			container["name"] = ServerContainer
			container["image"] = TrustyAIExplainerImage
			container["env"] = []interface{}{map[string]interface{}{"name": "EXPLAINER_TYPE", "value": method}}
			explainer["containers"] = []interface{}{container}
		default:
			// KServe appends --model_name, --predictor_host and --http_port.
			container["name"] = "kserve-container"
			container["image"] = a.ExplainerImage
			explainer["containers"] = []interface{}{container}
		}
		// Explainers run on CPU, beside the model when it is on CPU too.
		group, taints := m.NodeGroup, a.NodeGroupTaints
		if m.GPUs > 0 {
			group, taints = "", a.CPUGroupTaints
		}
		placement(explainer, group, 0, taints)
		if a.HighAvailability {
			explainer["topologySpreadConstraints"] = spread(m.Name, "explainer")
		}
		spec["explainer"] = explainer
	}
	if a.HighAvailability {
		predictor["topologySpreadConstraints"] = spread(m.Name, "predictor")
	}
	return spec
}

// spread keeps a component's replicas on different nodes where it can:
// ScheduleAnyway, so a scarce GPU pool still schedules a replica it cannot
// spread rather than leave it pending.
func spread(model, component string) []interface{} {
	return []interface{}{map[string]interface{}{
		"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
		"labelSelector": map[string]interface{}{"matchLabels": map[string]interface{}{LabelInferenceService: model, LabelComponent: component}},
	}}
}

// placement pins a component where nodes.Placement says.
func placement(c map[string]interface{}, group string, gpus int, taints []nodes.Taint) {
	selector, tolerations := nodes.Placement(group, gpus, taints)
	c["nodeSelector"] = selector
	if len(tolerations) > 0 {
		c["tolerations"] = tolerations
	}
}

// resources requests what the environment declares and limits CPU and
// memory to the same. KServe merges a model's container over its runtime's
// key by key (pkg/utils/container_merge.go MergeContainerWithPatch, a
// strategic merge, at tag v0.20.0), and every runtime limits cpu to "1"
// (kserve-runtime-configs v0.20.0 files/runtimes/clusterservingruntimes-
// patch.yaml): left unset, that limit would stay, below any request over
// one CPU, and Kubernetes would refuse the Deployment. GPUs are requested
// and limited alike, as Kubernetes requires.
func resources(r workload.Resources, gpus int) map[string]interface{} {
	req := map[string]interface{}{"cpu": r.CPU, "memory": r.Memory}
	lim := map[string]interface{}{"cpu": r.CPU, "memory": r.Memory}
	if gpus > 0 {
		req[nodes.GPUResource] = fmt.Sprint(gpus)
		lim[nodes.GPUResource] = fmt.Sprint(gpus)
	}
	return map[string]interface{}{"requests": req, "limits": lim}
}

func labels(model string) pulumi.StringMap {
	l := baseline.CommonLabels()
	l["mlplatform.pangea.ai/model"] = pulumi.String(model)
	return l
}

// networkPolicy lets the model gateway's proxies reach the model's pods on
// the HTTP port (and the agent's, when the model logs payloads), beside what the baseline allows (the serving namespace
// itself and monitoring). Callers go through the gateway, so every request
// is counted for the error-rate objective.
func networkPolicy(ctx *pulumi.Context, name string, a *ModelServiceArgs, opts ...pulumi.ResourceOption) error {
	ports := networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(HTTPPort)}}
	if a.Model.Payloads != nil {
		// A logging predictor's Service targets the agent, which passes
		// requests on to the server.
		ports = append(ports, networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(AgentPort)})
	}
	_, err := networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(a.Model.Name + "-callers"), Namespace: pulumi.String(a.Namespace), Labels: labels(a.Model.Name)},
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelInferenceService: pulumi.String(a.Model.Name)}},
			PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{baseline.NamespaceNameLabel: pulumi.String(NamespaceGateway)}},
					PodSelector:       metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(ProxyLabels(a.gatewayNamespace()))},
				}},
				Ports: ports,
			}},
		},
	}, opts...)
	return err
}

// RouteClusters are the gateway's Envoy clusters for a model, by component:
// one per rule of the HTTPRoutes KServe v0.20.0 creates
// (reconcilers/ingress/httproute_reconciler.go). <model>-predictor and
// <model>-explainer each have one rule; the top-level route <model> sends
// :explain requests to the explainer (rule 0) and the rest to the predictor
// (rule 1), or everything to the predictor (rule 0) when there is no
// explainer. Envoy Gateway names a rule's cluster
// httproute/<namespace>/<route>/rule/<n>.
func RouteClusters(namespace string, m Model) map[string][]string {
	c := func(route string, rule int) string {
		return fmt.Sprintf("httproute/%s/%s/rule/%d", namespace, route, rule)
	}
	if m.Explainer == nil {
		return map[string][]string{"predictor": {c(m.Name+"-predictor", 0), c(m.Name, 0)}}
	}
	return map[string][]string{
		"predictor": {c(m.Name+"-predictor", 0), c(m.Name, 1)},
		"explainer": {c(m.Name+"-explainer", 0), c(m.Name, 0)},
	}
}

// RequestRules record the model's request rate per component and status
// class from the gateway's counters, labelled as the latency series are
// (model_name), which the error-rate alert and the dashboards read.
func RequestRules(namespace string, m Model) monitoring.RuleGroup {
	clusters := RouteClusters(namespace, m)
	g := monitoring.RuleGroup{Name: "model." + m.Name}
	for _, c := range []string{"predictor", "explainer"} {
		if len(clusters[c]) == 0 {
			continue
		}
		g.Rules = append(g.Rules, monitoring.Rule{
			Record: monitoring.ModelRequestsRecord,
			Expr: fmt.Sprintf(`sum by (%s) (rate(%s{envoy_cluster_name=~"%s"}[5m]))`,
				monitoring.CodeClassLabel, monitoring.GatewayRequestsMetric, strings.Join(clusters[c], "|")),
			Labels: map[string]string{monitoring.ModelLabel: m.Name, monitoring.ComponentLabel: c},
		})
	}
	return g
}
