package runners

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/k8s/workload"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// RunnersType is the component's type token.
const RunnersType = "mlplatform:k8s:Runners"

// Names and pinned images.
const (
	// NamespaceController is where the controller and listeners run.
	NamespaceController = "arc-system"
	// ControllerRelease names the controller release; the controller's
	// service account is <release>-gha-rs-controller.
	ControllerRelease = "arc"
	// GitHubSecret holds the GitHub App's credentials.
	GitHubSecret = "github-app"
	// RunnerImage is the actions runner, with container hooks 0.7.0.
	RunnerImage = "ghcr.io/actions/actions-runner:2.328.0"
	// RunnerUID and DockerGID are the runner image's user and group.
	RunnerUID = 1001
	DockerGID = 123
	// jobTemplatePath is where the job pod template is mounted.
	jobTemplateDir = "/home/runner/pod-templates"
)

// GitHubApp are the GitHub App's credentials.
type GitHubApp struct {
	AppID, InstallationID pulumi.StringInput
	// PrivateKey must be a Pulumi secret.
	PrivateKey pulumi.StringInput
}

// Identity binds a runner set's service account to a cloud identity.
type Identity struct {
	ServiceAccountAnnotations pulumi.StringMapInput
	PodLabels                 map[string]string
}

// ScaleSet is one GitHub Actions runner scale set.
type ScaleSet struct {
	// Name is the scale set's name, the label workflows run on, and the
	// prefix of its objects (<name>-runner service account).
	Name string
	// GitHubConfigURL is the organisation or repository the runners serve.
	GitHubConfigURL string
	// MinRunners (0 scales to zero) and MaxRunners bound the set.
	MinRunners, MaxRunners int
	// GPUs per runner; more than 0 places runners on GPU nodes.
	GPUs int
	// NodeGroup pins runners to one node group; empty places them by kind.
	NodeGroup string
	// Resources of each runner (and of each job pod it starts).
	Resources workload.Resources
	// DockerInDocker runs privileged Docker-in-Docker; callers keep it to a
	// node group with a taint of its own.
	DockerInDocker bool
	// PushImages gives the set an identity that may push to the registry.
	PushImages bool
}

// RunnersArgs configure Runners.
type RunnersArgs struct {
	// Namespace is the baseline's runners namespace.
	Namespace string
	// Sets are the runner scale sets.
	Sets []ScaleSet
	// GitHubApp authenticates the scale sets.
	GitHubApp GitHubApp
	// Identities bind the sets that push images, by set name.
	Identities map[string]Identity
	// GroupTaints are the taints of each node group, so runners tolerate
	// the group they are pinned to.
	GroupTaints nodes.GroupTaints
	// WorkStorageClass provisions each runner's work volume.
	WorkStorageClass string
	// Metrics turns on the controller's and listeners' metrics and the
	// PodMonitor, created after MetricsAfter.
	Metrics bool
	// MetricsAfter are resources the PodMonitor waits for: the monitoring
	// release that brings its CRD. Nothing else waits for it, so the
	// runner charts install beside the monitoring stack.
	MetricsAfter []pulumi.Resource
	// WaitFor are resources to install after (namespaces, the work
	// volumes' storage class).
	WaitFor []pulumi.Resource
}

// Runners holds the controller and the scale sets.
type Runners struct {
	pulumi.ResourceState
}

// NewRunners installs the controller, the GitHub App secret and one scale
// set per runner set.
func NewRunners(ctx *pulumi.Context, name string, args *RunnersArgs, opts ...pulumi.ResourceOption) (*Runners, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating runners %q: %w", name, err)
	}
	comp := &Runners{}
	if err := ctx.RegisterComponentResource(RunnersType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	after := pulumi.DependsOn(args.WaitFor)
	ctrl, err := charts.Install(ctx, name+"-controller", charts.ARCController, ControllerRelease, NamespaceController,
		ControllerValues(args.Metrics), parent, after)
	if err != nil {
		return nil, err
	}
	secret, err := corev1.NewSecret(ctx, name+"-github-app", &corev1.SecretArgs{
		Metadata: meta(GitHubSecret, args.Namespace),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.ToSecret(pulumi.StringMap{
			"github_app_id":              args.GitHubApp.AppID,
			"github_app_installation_id": args.GitHubApp.InstallationID,
			"github_app_private_key":     args.GitHubApp.PrivateKey,
		}).(pulumi.StringMapOutput),
	}, parent, after)
	if err != nil {
		return nil, err
	}
	for _, set := range args.Sets {
		deps := append([]pulumi.Resource{ctrl, secret}, args.WaitFor...)
		sa := meta(set.Name+"-runner", args.Namespace)
		if id, ok := args.Identities[set.Name]; ok {
			sa.Annotations = id.ServiceAccountAnnotations
		}
		account, err := corev1.NewServiceAccount(ctx, name+"-"+set.Name, &corev1.ServiceAccountArgs{Metadata: sa}, parent, after)
		if err != nil {
			return nil, err
		}
		deps = append(deps, account)
		if !set.DockerInDocker {
			// Kubernetes mode: the runner creates job pods and reads their
			// logs; naming our own service account means writing its role.
			role, err := rbacv1.NewRole(ctx, name+"-"+set.Name, &rbacv1.RoleArgs{
				Metadata: meta(set.Name+"-runner", args.Namespace),
				Rules:    KubernetesModeRules(),
			}, parent, after)
			if err != nil {
				return nil, err
			}
			binding, err := rbacv1.NewRoleBinding(ctx, name+"-"+set.Name, &rbacv1.RoleBindingArgs{
				Metadata: meta(set.Name+"-runner", args.Namespace),
				RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: pulumi.String(set.Name + "-runner")},
				Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: pulumi.String(set.Name + "-runner"), Namespace: pulumi.String(args.Namespace)}},
			}, parent, pulumi.DependsOn([]pulumi.Resource{role, account}))
			if err != nil {
				return nil, err
			}
			tmpl, err := JobTemplate(set, args.Identities[set.Name], args.GroupTaints)
			if err != nil {
				return nil, fmt.Errorf("creating runners %q: %w", name, err)
			}
			cm, err := corev1.NewConfigMap(ctx, name+"-"+set.Name+"-job-template", &corev1.ConfigMapArgs{
				Metadata: meta(set.Name+"-job-template", args.Namespace),
				Data:     pulumi.StringMap{"job.yaml": pulumi.String(tmpl)},
			}, parent, after)
			if err != nil {
				return nil, err
			}
			deps = append(deps, binding, cm)
		}
		if _, err := charts.Install(ctx, name+"-"+set.Name, charts.ARCScaleSet, set.Name, args.Namespace,
			ScaleSetValues(set, args), parent, pulumi.DependsOn(deps)); err != nil {
			return nil, err
		}
	}
	if args.Metrics {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-listener-metrics", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("PodMonitor"),
			Metadata:   meta("arc-listeners", NamespaceController),
			OtherFields: map[string]interface{}{"spec": map[string]interface{}{
				"selector":            map[string]interface{}{"matchLabels": map[string]interface{}{"app.kubernetes.io/component": "runner-scale-set-listener"}},
				"podMetricsEndpoints": []interface{}{map[string]interface{}{"port": "metrics", "path": "/metrics", "interval": "30s"}},
			}},
		}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{ctrl}, args.WaitFor...), args.MetricsAfter...))); err != nil {
			return nil, err
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

func (a *RunnersArgs) check() error {
	if a == nil {
		return fmt.Errorf("args are required")
	}
	var problems []string
	if a.Namespace == "" {
		problems = append(problems, "Namespace is required")
	}
	if a.GitHubApp.AppID == nil || a.GitHubApp.InstallationID == nil || a.GitHubApp.PrivateKey == nil {
		problems = append(problems, "GitHubApp needs AppID, InstallationID and PrivateKey")
	}
	if a.WorkStorageClass == "" {
		problems = append(problems, "WorkStorageClass is required for kubernetes-mode work volumes")
	}
	for _, s := range a.Sets {
		if s.MinRunners < 0 || s.MinRunners > s.MaxRunners {
			problems = append(problems, fmt.Sprintf("runner set %s: runners %d..%d must satisfy 0 <= min <= max", s.Name, s.MinRunners, s.MaxRunners))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

func meta(name, namespace string) metav1.ObjectMetaArgs {
	return metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(namespace), Labels: baseline.CommonLabels()}
}

// KubernetesModeRules are what a kubernetes-mode runner needs: create and
// watch its job pods, exec into them, read their logs, and keep the
// secrets the hooks pass environment through.
func KubernetesModeRules() rbacv1.PolicyRuleArray {
	rule := func(group string, res []string, verbs ...string) rbacv1.PolicyRuleArgs {
		return rbacv1.PolicyRuleArgs{ApiGroups: pulumi.ToStringArray([]string{group}), Resources: pulumi.ToStringArray(res), Verbs: pulumi.ToStringArray(verbs)}
	}
	return rbacv1.PolicyRuleArray{
		rule("", []string{"pods"}, "get", "list", "create", "delete"),
		rule("", []string{"pods/exec"}, "get", "create"),
		rule("", []string{"pods/log"}, "get", "list", "watch"),
		rule("batch", []string{"jobs"}, "get", "list", "create", "delete"),
		rule("", []string{"secrets"}, "get", "list", "create", "delete"),
	}
}

var (
	podSecurity = map[string]interface{}{
		"runAsNonRoot": true, "runAsUser": RunnerUID, "fsGroup": DockerGID,
		"seccompProfile": map[string]interface{}{"type": "RuntimeDefault"},
	}
	containerSecurity = map[string]interface{}{
		"allowPrivilegeEscalation": false, "capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
	}
	// runnerResources are the runner's own; the job pod gets the set's.
	runnerResources = map[string]interface{}{
		"requests": map[string]interface{}{"cpu": "250m", "memory": "512Mi"},
		"limits":   map[string]interface{}{"memory": "1Gi"},
	}
)

// JobTemplate is the pod template the container hooks merge into every job
// pod: the restricted security context, the set's resources and, for GPU
// sets, the GPU limit and toleration. The job pod lands on the runner's
// node, which the runner's own node selector chose.
func JobTemplate(s ScaleSet, id Identity, groupTaints nodes.GroupTaints) (string, error) {
	res := map[string]interface{}{
		"requests": map[string]interface{}{"cpu": s.Resources.CPU, "memory": s.Resources.Memory},
		"limits":   map[string]interface{}{"memory": s.Resources.Memory},
	}
	if s.GPUs > 0 {
		res["requests"].(map[string]interface{})[nodes.GPUResource] = fmt.Sprint(s.GPUs)
		res["limits"].(map[string]interface{})[nodes.GPUResource] = fmt.Sprint(s.GPUs)
	}
	// Job code needs no Kubernetes API token (the runner drives the API);
	// cloud identities (IRSA, workload identity) project their own token.
	spec := map[string]interface{}{
		"serviceAccountName":           s.Name + "-runner",
		"automountServiceAccountToken": false,
		"securityContext":              podSecurity,
		"containers": []interface{}{map[string]interface{}{
			"name": "$job", "securityContext": containerSecurity, "resources": res,
		}},
	}
	// The job pod lands on the runner's node; it only needs to tolerate it.
	if _, tolerations := nodes.Placement(s.NodeGroup, s.GPUs, groupTaints.For(s.NodeGroup, s.GPUs)); len(tolerations) > 0 {
		spec["tolerations"] = tolerations
	}
	doc := map[string]interface{}{"spec": spec}
	if len(id.PodLabels) > 0 {
		doc["metadata"] = map[string]interface{}{"labels": stringMap(id.PodLabels)}
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("runner set %s: job template: %w", s.Name, err)
	}
	return string(b), nil
}

// ScaleSetValues are one runner set's gha-runner-scale-set values.
func ScaleSetValues(s ScaleSet, a *RunnersArgs) map[string]interface{} {
	selector, tolerations := nodes.Placement(s.NodeGroup, s.GPUs, a.GroupTaints.For(s.NodeGroup, s.GPUs))
	spec := map[string]interface{}{
		"serviceAccountName": s.Name + "-runner",
		"nodeSelector":       selector,
	}
	if len(tolerations) > 0 {
		spec["tolerations"] = tolerations
	}
	runner := map[string]interface{}{
		"name": "runner", "image": RunnerImage, "command": []interface{}{"/home/runner/run.sh"},
		"resources": runnerResources, "securityContext": containerSecurity,
	}
	values := map[string]interface{}{
		"githubConfigUrl":    s.GitHubConfigURL,
		"githubConfigSecret": GitHubSecret,
		"runnerScaleSetName": s.Name,
		"minRunners":         s.MinRunners,
		"maxRunners":         s.MaxRunners,
		"controllerServiceAccount": map[string]interface{}{
			"namespace": NamespaceController, "name": ControllerRelease + "-gha-rs-controller",
		},
		// The controller gives listeners kubernetes.io/os: linux (0.14.0,
		// resourcebuilder.go) unless the template names a selector.
		"listenerTemplate": map[string]interface{}{"spec": map[string]interface{}{
			// The controller honours the template's class (resourcebuilder.go
			// at 0.14.2) and sets none itself.
			"priorityClassName": baseline.PriorityPlatform,
			"nodeSelector":      nodes.SystemSelector(),
			"tolerations":       nodes.SystemTolerations(),
			"securityContext":   map[string]interface{}{"runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"}},
			"containers": []interface{}{map[string]interface{}{
				"name": "listener", "securityContext": containerSecurity,
			}},
		}},
	}
	if s.DockerInDocker {
		// The chart adds the privileged dind container; the namespace is
		// privileged for it, and the set runs on its own tainted pool.
		values["containerMode"] = map[string]interface{}{"type": "dind"}
	} else {
		values["containerMode"] = map[string]interface{}{
			"type": "kubernetes",
			"kubernetesModeWorkVolumeClaim": map[string]interface{}{
				"accessModes": []interface{}{"ReadWriteOnce"}, "storageClassName": a.WorkStorageClass,
				"resources": map[string]interface{}{"requests": map[string]interface{}{"storage": "20Gi"}},
			},
		}
		spec["securityContext"] = podSecurity
		runner["env"] = []interface{}{
			map[string]interface{}{"name": "ACTIONS_RUNNER_CONTAINER_HOOKS", "value": "/home/runner/k8s/index.js"},
			map[string]interface{}{"name": "ACTIONS_RUNNER_POD_NAME", "valueFrom": map[string]interface{}{"fieldRef": map[string]interface{}{"fieldPath": "metadata.name"}}},
			map[string]interface{}{"name": "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER", "value": "true"},
			map[string]interface{}{"name": "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE", "value": jobTemplateDir + "/job.yaml"},
		}
		runner["volumeMounts"] = []interface{}{
			map[string]interface{}{"name": "work", "mountPath": "/home/runner/_work"},
			map[string]interface{}{"name": "job-template", "mountPath": jobTemplateDir, "readOnly": true},
		}
		spec["volumes"] = []interface{}{map[string]interface{}{
			"name": "job-template", "configMap": map[string]interface{}{"name": s.Name + "-job-template"},
		}}
	}
	spec["containers"] = []interface{}{runner}
	template := map[string]interface{}{"spec": spec}
	if id, ok := a.Identities[s.Name]; ok && len(id.PodLabels) > 0 {
		template["metadata"] = map[string]interface{}{"labels": stringMap(id.PodLabels)}
	}
	values["template"] = template
	if a.Metrics {
		values["listenerMetrics"] = ListenerMetrics()
	}
	return values
}

// ListenerMetrics turns on the listener's metrics: chart 0.12 registers
// none unless they are listed. Histograms keep the chart's buckets.
func ListenerMetrics() map[string]interface{} {
	set := []interface{}{"name", "namespace", "repository", "organization", "enterprise"}
	job := []interface{}{"repository", "organization", "enterprise", "job_name", "event_name", "job_workflow_ref"}
	withResult := append(append([]interface{}{}, job...), "job_result")
	gauges := map[string]interface{}{}
	for _, g := range []string{"gha_assigned_jobs", "gha_running_jobs", "gha_registered_runners", "gha_busy_runners", "gha_min_runners", "gha_max_runners", "gha_desired_runners", "gha_idle_runners"} {
		gauges[g] = map[string]interface{}{"labels": set}
	}
	return map[string]interface{}{
		"counters": map[string]interface{}{
			"gha_started_jobs_total":   map[string]interface{}{"labels": job},
			"gha_completed_jobs_total": map[string]interface{}{"labels": withResult},
		},
		"gauges": gauges,
		"histograms": map[string]interface{}{
			"gha_job_startup_duration_seconds":   map[string]interface{}{"labels": job},
			"gha_job_execution_duration_seconds": map[string]interface{}{"labels": withResult},
		},
	}
}

// ControllerValues run the controller under the restricted standard, with
// metrics for the controller and the listeners when asked.
func ControllerValues(metrics bool) map[string]interface{} {
	v := map[string]interface{}{
		"replicaCount":       1,
		"priorityClassName":  baseline.PriorityPlatform,
		"nodeSelector":       nodes.SystemSelector(),
		"tolerations":        nodes.SystemTolerations(),
		"podSecurityContext": map[string]interface{}{"runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"}},
		"securityContext": map[string]interface{}{
			"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
			"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
		},
	}
	if metrics {
		v["metrics"] = map[string]interface{}{"controllerManagerAddr": ":8080", "listenerAddr": ":8080", "listenerEndpoint": "/metrics"}
	}
	return v
}

func stringMap(m map[string]string) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range m {
		out[k] = v
	}
	return out
}
