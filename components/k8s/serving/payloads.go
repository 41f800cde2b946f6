package serving

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Payload logging: KServe's agent beside each logging model's server
// copies every answered request and its response (kserve v0.20.0
// pkg/logger/handler.go: only 200 responses), batches them, posts each
// batch to the payload filter (the logger's marshallerUrl,
// pkg/logger/marshaller_http.go), and writes what the filter returns to
// the artifact store (the logger's url with a blob scheme and a
// storage.path, cmd/agent/main.go startLogger; pkg/logger/store.go). The
// filter (cmd/payload-filter) keeps only the features the model declares
// loggable, so nothing else of a request is ever written.
const (
	// PayloadRoot is the archive's prefix in the artifact store. Under it,
	// KServe's store writes <namespace>/<model>/<component>/<path>/
	// <id>-<request|response>.<extension> (pkg/logger/store.go
	// getObjectKey).
	PayloadRoot = "payloads"
	// PayloadPath is the logger's storage.path, the last folder of every
	// key; the agent starts its store only when one is set.
	PayloadPath = "batches"
	// PayloadBatchSize records, or PayloadBatchInterval, whichever comes
	// first, make one archived object (cmd/agent/main.go: a timed batch
	// when both are set).
	PayloadBatchSize     = 100
	PayloadBatchInterval = "60s"
	// AgentPort is where KServe's agent answers in a logging model's pod;
	// the model's Service targets it instead of the server
	// (pkg/constants/constants.go InferenceServiceDefaultAgentPort;
	// reconcilers/service/service_reconciler.go at v0.20.0).
	AgentPort = 9081
	// AgentContainer is the agent's container name
	// (pkg/constants/constants.go AgentContainerName).
	AgentContainer = "agent"

	// PayloadFilterName names the filter's Deployment, Service and
	// ConfigMap in the serving namespace.
	PayloadFilterName = "payload-filter"
	// PayloadFilterPort serves /marshal, /healthz and /metrics.
	PayloadFilterPort = 8080
	// PayloadFilterVersion is the release of cmd/payload-filter the
	// platform runs; .github/workflows/images.yml publishes the image when
	// the tag payload-filter/v<version> is pushed. No such tag exists yet,
	// so the image is not published: see docs/components/k8s-serving.md.
	PayloadFilterVersion = "0.1.0"
	// PayloadFilterImage is the filter's image.
	PayloadFilterImage = "ghcr.io/pangea-ai/mlplatform-payload-filter:" + PayloadFilterVersion
	// PayloadFilterUser is the distroless nonroot user the image runs as.
	PayloadFilterUser = 65532
)

// Agent resources from inferenceservice-config's logger entry, which the
// controller gives the agent container (kserve v0.20.0 charts/_common/
// common-patches/configmap-patch.yaml: 100m and 100Mi requested, 1 CPU and
// 1Gi limit). The serving quota counts them for each logging replica.
const (
	AgentCPUMillis     = 100
	AgentMemoryLimitMi = 1024
)

// Payloads says what of a model's traffic the archive may keep.
type Payloads struct {
	// Features are the model's input features in the order its input
	// carries them; Loggable are those that may be kept.
	Features, Loggable []string
	// Quality, when set, forwards the kept records to TrustyAI for drift
	// and fairness metrics (NewModelQuality).
	Quality *Quality
}

// PayloadArchive is where a model's filtered payloads are written.
type PayloadArchive struct {
	// URL is the archive's root as KServe's logger takes it:
	// s3://<bucket>/payloads, or abfs://<container>@<account>.dfs.core.windows.net/payloads
	// (pkg/logger/store.go parseBlobStoreURL takes an abfs URL's user as
	// the container).
	URL pulumi.StringInput
	// Credentials, when set, are environment variables KServe's agent needs
	// to write there, which its credential builder takes from a Secret the
	// logger's service account lists (pkg/credentials). Azure needs them:
	// see stacks' azurePayloadCredentials.
	Credentials pulumi.StringMapInput
}

// PayloadPrefix is model's folder of the archive, the one place a retention
// or deletion request acts on.
func PayloadPrefix(namespace, model string) string {
	return fmt.Sprintf("%s/%s/%s/", PayloadRoot, namespace, model)
}

// PayloadFilterURL is the filter's marshal endpoint for agents in namespace.
func PayloadFilterURL(namespace string) string {
	return fmt.Sprintf("http://%s.%s.svc.cluster.local:%d/marshal", PayloadFilterName, namespace, PayloadFilterPort)
}

// payloadAccount is the service account the logger's storage names: the
// model's own, whose identity may write its prefix, or, when the archive
// needs credentials, one that lists their Secret.
func (a *ModelServiceArgs) payloadAccount() string {
	if a.PayloadArchive != nil && a.PayloadArchive.Credentials != nil {
		return a.Model.Name + "-payloads"
	}
	return a.Model.Name
}

// loggerSpec is the predictor's logger: every request and response, to the
// archive, through the filter.
func loggerSpec(a *ModelServiceArgs) map[string]interface{} {
	return map[string]interface{}{
		"mode":          "all",
		"url":           a.PayloadArchive.URL,
		"marshallerUrl": PayloadFilterURL(a.Namespace),
		"batchSize":     PayloadBatchSize,
		"batchInterval": PayloadBatchInterval,
		// KServe's validation refuses a logger storage without path,
		// parameters and key (pkg/apis/serving/v1beta1/component.go
		// validateLogger at v0.20.0). The key is otherwise unused by the
		// logger; "credentials" is the controller's own default
		// (pkg/constants LoggerDefaultStorageKey). format json is the agent's
		// default store format (cmd/agent/main.go), which only picks its
		// embedded marshaller: the filter replaces it.
		"storage": map[string]interface{}{
			"path":               PayloadPath,
			"key":                "credentials",
			"parameters":         map[string]interface{}{"format": "json"},
			"serviceAccountName": a.payloadAccount(),
		},
	}
}

// PayloadFilterModel is one model's entry of the filter's configuration:
// the same JSON shape as cmd/payload-filter's ModelFields.
type PayloadFilterModel struct {
	Features []string `json:"features"`
	Loggable []string `json:"loggable"`
	// Quality forwards the model's kept records to TrustyAI.
	Quality *PayloadFilterQuality `json:"quality,omitempty"`
}

// PayloadFilterQuality is the same JSON shape as the filter's Quality.
type PayloadFilterQuality struct {
	DecisionThreshold *float64 `json:"decisionThreshold,omitempty"`
}

// PayloadFilterConfig is the filter's configuration for the models of
// namespace that log payloads.
func PayloadFilterConfig(namespace string, models []Model) ([]byte, error) {
	cfg := map[string]PayloadFilterModel{}
	for _, m := range models {
		if m.Payloads == nil {
			continue
		}
		loggable := append([]string{}, m.Payloads.Loggable...)
		if loggable == nil {
			loggable = []string{}
		}
		e := PayloadFilterModel{Features: m.Payloads.Features, Loggable: loggable}
		if q := m.Payloads.Quality; q != nil {
			e.Quality = &PayloadFilterQuality{}
			if q.Fairness != nil {
				e.Quality.DecisionThreshold = q.Fairness.DecisionThreshold
			}
		}
		cfg[namespace+"/"+m.Name] = e
	}
	return json.MarshalIndent(map[string]interface{}{"models": cfg}, "", "  ")
}

// PayloadFilterType is the filter component's type token.
const PayloadFilterType = "mlplatform:k8s:PayloadFilter"

// PayloadFilterArgs configure the payload filter.
type PayloadFilterArgs struct {
	// Namespace is the serving namespace, where the agents call it.
	Namespace string
	// Models are the namespace's models; those with Payloads are
	// configured.
	Models []Model
	// Replicas of the filter (prod 2, spread across nodes, with a
	// disruption budget).
	Replicas int
	// WaitFor are resources to create after (the namespace).
	WaitFor []pulumi.Resource
	// Metrics adds a PodMonitor, after MetricsAfter (its CRD's release).
	Metrics      bool
	MetricsAfter []pulumi.Resource
}

// PayloadFilter runs cmd/payload-filter in the serving namespace.
type PayloadFilter struct {
	pulumi.ResourceState
	// Deployment is what logging models wait for.
	Deployment *appsv1.Deployment
}

// Each filter replica's requests, also its limits: it holds one batch at a
// time.
const (
	PayloadFilterCPUMillis = 100
	PayloadFilterMemoryMi  = 128
)

// PayloadFilterResources are PayloadFilterCPUMillis and
// PayloadFilterMemoryMi as quantities.
var PayloadFilterResources = map[string]string{
	"cpu": fmt.Sprintf("%dm", PayloadFilterCPUMillis), "memory": fmt.Sprintf("%dMi", PayloadFilterMemoryMi),
}

// NewPayloadFilter creates the filter's ServiceAccount (no token: it calls
// no API), ConfigMap, Deployment and Service
// (and its PodMonitor and disruption budget when asked).
func NewPayloadFilter(ctx *pulumi.Context, name string, args *PayloadFilterArgs, opts ...pulumi.ResourceOption) (*PayloadFilter, error) {
	if args == nil || args.Namespace == "" {
		return nil, fmt.Errorf("creating payload filter %q: Namespace is required", name)
	}
	if args.Replicas < 1 {
		return nil, fmt.Errorf("creating payload filter %q: Replicas = %d; run at least 1", name, args.Replicas)
	}
	config, err := PayloadFilterConfig(args.Namespace, args.Models)
	if err != nil {
		return nil, fmt.Errorf("creating payload filter %q: %w", name, err)
	}
	comp := &PayloadFilter{}
	if err := ctx.RegisterComponentResource(PayloadFilterType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent, after := pulumi.Parent(comp), pulumi.DependsOn(args.WaitFor)
	meta := metav1.ObjectMetaArgs{Name: pulumi.String(PayloadFilterName), Namespace: pulumi.String(args.Namespace), Labels: payloadFilterLabels(ctx.Stack())}
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: meta, AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent, after)
	if err != nil {
		return nil, err
	}
	cm, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{
		Metadata: meta, Data: pulumi.StringMap{"config.json": pulumi.String(config)},
	}, parent, after)
	if err != nil {
		return nil, err
	}
	d, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: meta,
		Spec:     payloadFilterSpec(ctx.Stack(), args.Namespace, args.Replicas, string(config), len(QualityModels(args.Models)) > 0),
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{cm, sa}, args.WaitFor...)))
	if err != nil {
		return nil, err
	}
	comp.Deployment = d
	if _, err := corev1.NewService(ctx, name, &corev1.ServiceArgs{
		Metadata: meta,
		Spec: corev1.ServiceSpecArgs{
			Selector: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(PayloadFilterName)},
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(PayloadFilterPort), TargetPort: pulumi.String("http"), Protocol: pulumi.String("TCP"),
			}},
		},
	}, parent, after); err != nil {
		return nil, err
	}
	if args.Replicas > 1 {
		if _, err := policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
			Metadata: meta,
			Spec: policyv1.PodDisruptionBudgetSpecArgs{
				MinAvailable: pulumi.Int(1),
				Selector:     metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(PayloadFilterName)}},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{d})); err != nil {
			return nil, err
		}
	}
	if args.Metrics {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-metrics", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("PodMonitor"),
			Metadata:   meta,
			OtherFields: map[string]interface{}{"spec": map[string]interface{}{
				"selector":            map[string]interface{}{"matchLabels": map[string]interface{}{"app.kubernetes.io/name": PayloadFilterName}},
				"podMetricsEndpoints": []interface{}{map[string]interface{}{"port": "http", "path": "/metrics", "interval": "30s"}},
			}},
		}, parent, pulumi.DependsOn(append([]pulumi.Resource{d}, args.MetricsAfter...))); err != nil {
			return nil, err
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// payloadFilterLabels are the recommended labels; instance is the stack.
func payloadFilterLabels(stack string) pulumi.StringMap {
	l := baseline.CommonLabels()
	l["app.kubernetes.io/name"] = pulumi.String(PayloadFilterName)
	l["app.kubernetes.io/instance"] = pulumi.String(stack)
	return l
}

// payloadFilterSpec runs the filter on the system nodes under the restricted
// Pod Security Standard, with a read-only root, restarted when its
// configuration changes (the checksum annotation).
// With quality, it forwards the kept records of measured models to
// TrustyAI, trusting only the CA of TrustyAI's certificate.
func payloadFilterSpec(stack, namespace string, replicas int, config string, quality bool) appsv1.DeploymentSpecArgs {
	res := pulumi.ToStringMap(PayloadFilterResources)
	probe := func(initial int) corev1.ProbeArgs {
		return corev1.ProbeArgs{HttpGet: corev1.HTTPGetActionArgs{Path: pulumi.String("/healthz"), Port: pulumi.String("http")}, InitialDelaySeconds: pulumi.Int(initial), PeriodSeconds: pulumi.Int(10)}
	}
	args := pulumi.StringArray{pulumi.String("-listen=:8080"), pulumi.String("-config=/etc/payload-filter/config.json")}
	mounts := corev1.VolumeMountArray{corev1.VolumeMountArgs{
		Name: pulumi.String("config"), MountPath: pulumi.String("/etc/payload-filter"), ReadOnly: pulumi.Bool(true),
	}}
	volumes := corev1.VolumeArray{corev1.VolumeArgs{
		Name:      pulumi.String("config"),
		ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(PayloadFilterName)},
	}}
	if quality {
		args = append(args, pulumi.String("-trustyai-url="+QualityURL(namespace)+"/"), pulumi.String("-trustyai-ca="+QualityCAPath))
		vol, mount := qualityCAVolume()
		mounts, volumes = append(mounts, mount), append(volumes, vol)
	}
	pod := corev1.PodSpecArgs{
		PriorityClassName:            pulumi.String(PriorityClass),
		ServiceAccountName:           pulumi.String(PayloadFilterName),
		AutomountServiceAccountToken: pulumi.Bool(false),
		NodeSelector:                 pulumi.StringMap{nodes.LabelKind: pulumi.String(nodes.KindSystem)},
		// The system group, as the other platform services; AKS taints it
		// (nodes.SystemTolerations says why the toleration is always there).
		Tolerations: systemTolerations(),
		SecurityContext: corev1.PodSecurityContextArgs{
			RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(PayloadFilterUser), RunAsGroup: pulumi.Int(PayloadFilterUser),
			SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Containers: corev1.ContainerArray{corev1.ContainerArgs{
			Name:            pulumi.String(PayloadFilterName),
			Image:           pulumi.String(PayloadFilterImage),
			Args:            args,
			Ports:           corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(PayloadFilterPort), Protocol: pulumi.String("TCP")}},
			Resources:       corev1.ResourceRequirementsArgs{Requests: res, Limits: res},
			SecurityContext: restricted(),
			ReadinessProbe:  probe(2),
			LivenessProbe:   probe(10),
			VolumeMounts:    mounts,
		}},
		Volumes: volumes,
	}
	if replicas > 1 {
		pod.TopologySpreadConstraints = corev1.TopologySpreadConstraintArray{corev1.TopologySpreadConstraintArgs{
			MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String("kubernetes.io/hostname"), WhenUnsatisfiable: pulumi.String("ScheduleAnyway"),
			LabelSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(PayloadFilterName)}},
		}}
	}
	return appsv1.DeploymentSpecArgs{
		Replicas: pulumi.Int(replicas),
		Selector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(PayloadFilterName)}},
		Template: corev1.PodTemplateSpecArgs{
			Metadata: metav1.ObjectMetaArgs{
				Labels:      payloadFilterLabels(stack),
				Annotations: pulumi.StringMap{"mlplatform.pangea.ai/config-sha256": pulumi.String(sha256Hex(config))},
			},
			Spec: pod,
		},
	}
}

// LoggingModels are the names of the models that log payloads, sorted.
func LoggingModels(models []Model) []string {
	var out []string
	for _, m := range models {
		if m.Payloads != nil {
			out = append(out, m.Name)
		}
	}
	slices.Sort(out)
	return out
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
