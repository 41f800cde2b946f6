package runners

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/k8s/workload"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func sets() []ScaleSet {
	return []ScaleSet{
		{Name: "cpu-runners", GitHubConfigURL: "https://github.com/pangea-ai", MinRunners: 0, MaxRunners: 4,
			Resources: workload.Resources{CPU: "2", Memory: "4Gi"}, PushImages: true},
		{Name: "gpu-runners", GitHubConfigURL: "https://github.com/pangea-ai", MinRunners: 0, MaxRunners: 2, GPUs: 1,
			Resources: workload.Resources{CPU: "4", Memory: "14Gi"}},
		{Name: "docker", GitHubConfigURL: "https://github.com/pangea-ai/app", MinRunners: 1, MaxRunners: 2, NodeGroup: "builds",
			Resources: workload.Resources{CPU: "2", Memory: "4Gi"}, DockerInDocker: true},
	}
}

func args() *RunnersArgs {
	return &RunnersArgs{
		Namespace: "runners", Sets: sets(), WorkStorageClass: "mlplatform-encrypted", Metrics: true,
		GitHubApp: GitHubApp{AppID: pulumi.String("123"), InstallationID: pulumi.String("456"),
			PrivateKey: pulumi.ToSecret(pulumi.String("-----BEGIN RSA PRIVATE KEY-----")).(pulumi.StringOutput)},
		Identities:  map[string]Identity{"cpu-runners": {ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::1:role/push")}}},
		GroupTaints: map[string][]nodes.Taint{"builds": {{Key: "mlplatform.pangea.ai/dind", Value: "true", Effect: "NoSchedule"}}},
	}
}

func record(t *testing.T, a *RunnersArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewRunners(ctx, "ci", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const releaseType = "kubernetes:helm.sh/v3:Release"

func TestGitHubAppCredentialsStaySecret(t *testing.T) {
	rec := record(t, args())
	s, err := rec.Named("kubernetes:core/v1:Secret", "ci-github-app")
	if err != nil {
		t.Fatal(err)
	}
	if !s.IsSecretInput("stringData") {
		t.Error("the GitHub App secret's data is not a Pulumi secret")
	}
	want := map[string]interface{}{"github_app_id": "123", "github_app_installation_id": "456", "github_app_private_key": "-----BEGIN RSA PRIVATE KEY-----"}
	if got := s.Revealed("stringData"); !reflect.DeepEqual(got, want) {
		t.Errorf("stringData = %v", got)
	}
	for _, r := range rec.ByType(releaseType) {
		if got := r.In("values.githubConfigSecret"); r.Name != "ci-controller" && got != GitHubSecret {
			t.Errorf("%s githubConfigSecret = %v, want the secret's name", r.Name, got)
		}
	}
}

func TestCPUSetIsKubernetesModeAndRestricted(t *testing.T) {
	rec := record(t, args())
	r, err := rec.Named(releaseType, "ci-cpu-runners")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, r, map[string]interface{}{
		"chart": charts.ARCScaleSet.Name, "version": charts.ARCScaleSet.Version, "namespace": "runners", "name": "cpu-runners",
		"values.runnerScaleSetName": "cpu-runners", "values.minRunners": 0.0, "values.maxRunners": 4.0,
		"values.containerMode.type": "kubernetes",
		"values.containerMode.kubernetesModeWorkVolumeClaim.storageClassName": "mlplatform-encrypted",
		"values.controllerServiceAccount":                                     map[string]interface{}{"namespace": "arc-system", "name": "arc-gha-rs-controller"},
		"values.template.spec.serviceAccountName":                             "cpu-runners-runner",
		"values.template.spec.nodeSelector":                                   map[string]interface{}{"mlplatform.pangea.ai/kind": "cpu"},
		"values.template.spec.tolerations":                                    nil,
		"values.template.spec.securityContext": map[string]interface{}{
			"runAsNonRoot": true, "runAsUser": 1001.0, "fsGroup": 123.0, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"},
		},
		"values.template.spec.containers[0].image":                                    RunnerImage,
		"values.template.spec.containers[0].securityContext.allowPrivilegeEscalation": false,
		"values.template.spec.containers[0].env[3]":                                   map[string]interface{}{"name": "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE", "value": "/home/runner/pod-templates/job.yaml"},
		"values.listenerMetrics.gauges.gha_assigned_jobs.labels":                      []interface{}{"name", "namespace", "repository", "organization", "enterprise"},
	})
	sa, _ := rec.Named("kubernetes:core/v1:ServiceAccount", "ci-cpu-runners")
	if got := sa.StringMap("metadata.annotations"); got["eks.amazonaws.com/role-arn"] != "arn:aws:iam::1:role/push" {
		t.Errorf("the pushing set's account is not bound to the push role: %v", got)
	}
	role, _ := rec.Named("kubernetes:rbac.authorization.k8s.io/v1:Role", "ci-cpu-runners")
	if got := role.In("rules[0]"); !reflect.DeepEqual(got, map[string]interface{}{"apiGroups": []interface{}{""}, "resources": []interface{}{"pods"}, "verbs": []interface{}{"get", "list", "create", "delete"}}) {
		t.Errorf("rules[0] = %v", got)
	}
	for _, dep := range []string{"ci-controller", "ci-github-app", "ci-cpu-runners", "ci-cpu-runners-job-template"} {
		if !slices.ContainsFunc(r.DependsOn, func(u string) bool { return strings.HasSuffix(u, "::"+dep) }) {
			t.Errorf("scale set does not wait for %s", dep)
		}
	}
}

func TestGPUJobPodsGetTheGPU(t *testing.T) {
	rec := record(t, args())
	r, _ := rec.Named(releaseType, "ci-gpu-runners")
	gpuTol := []interface{}{map[string]interface{}{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}
	recorder.AssertInputs(t, r, map[string]interface{}{
		"values.template.spec.nodeSelector": map[string]interface{}{"mlplatform.pangea.ai/kind": "gpu"},
		"values.template.spec.tolerations":  gpuTol,
		// The runner itself takes no GPU: its job pod does.
		"values.template.spec.containers[0].resources.limits": map[string]interface{}{"memory": "1Gi"},
	})
	cm, _ := rec.Named("kubernetes:core/v1:ConfigMap", "ci-gpu-runners-job-template")
	var tmpl map[string]interface{}
	if err := yaml.Unmarshal([]byte(cm.StringMap("data")["job.yaml"]), &tmpl); err != nil {
		t.Fatal(err)
	}
	spec := tmpl["spec"].(map[string]interface{})
	job := spec["containers"].([]interface{})[0].(map[string]interface{})
	wantRes := map[string]interface{}{
		"requests": map[string]interface{}{"cpu": "4", "memory": "14Gi", "nvidia.com/gpu": "1"},
		"limits":   map[string]interface{}{"memory": "14Gi", "nvidia.com/gpu": "1"},
	}
	if job["name"] != "$job" || !reflect.DeepEqual(job["resources"], wantRes) {
		t.Errorf("job container = %v", job)
	}
	if !reflect.DeepEqual(spec["tolerations"], gpuTol) || spec["securityContext"].(map[string]interface{})["runAsNonRoot"] != true ||
		spec["automountServiceAccountToken"] != false {
		t.Errorf("job pod spec = %v", spec)
	}
}

func TestDockerInDockerOnlyWhenAskedOnItsPool(t *testing.T) {
	rec := record(t, args())
	r, _ := rec.Named(releaseType, "ci-docker")
	recorder.AssertInputs(t, r, map[string]interface{}{
		"values.containerMode":              map[string]interface{}{"type": "dind"},
		"values.template.spec.nodeSelector": map[string]interface{}{"mlplatform.pangea.ai/node-group": "builds"},
		"values.template.spec.tolerations":  []interface{}{map[string]interface{}{"key": "mlplatform.pangea.ai/dind", "operator": "Equal", "value": "true", "effect": "NoSchedule"}},
		// No pod-level runAsNonRoot: the chart's dind sidecar runs as root.
		"values.template.spec.securityContext": nil,
	})
	if _, err := rec.Named("kubernetes:rbac.authorization.k8s.io/v1:Role", "ci-docker"); err == nil {
		t.Error("a dind set got the kubernetes-mode role")
	}
	for _, other := range []string{"ci-cpu-runners", "ci-gpu-runners"} {
		r, _ := rec.Named(releaseType, other)
		if got := r.In("values.containerMode.type"); got != "kubernetes" {
			t.Errorf("%s container mode = %v", other, got)
		}
	}
}

func TestControllerAndListenerMetrics(t *testing.T) {
	rec := record(t, args())
	c, _ := rec.Named(releaseType, "ci-controller")
	recorder.AssertInputs(t, c, map[string]interface{}{
		"chart": charts.ARCController.Name, "namespace": "arc-system", "name": "arc",
		"values.metrics":                                map[string]interface{}{"controllerManagerAddr": ":8080", "listenerAddr": ":8080", "listenerEndpoint": "/metrics"},
		"values.podSecurityContext.runAsNonRoot":        true,
		"values.securityContext.readOnlyRootFilesystem": true,
	})
	pm, err := rec.Named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "ci-listener-metrics")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, pm, map[string]interface{}{
		"metadata.namespace":        "arc-system",
		"spec.selector.matchLabels": map[string]interface{}{"app.kubernetes.io/component": "runner-scale-set-listener"},
	})
	a := args()
	a.Metrics = false
	rec = record(t, a)
	if n := len(rec.ByType("kubernetes:monitoring.coreos.com/v1:PodMonitor")); n != 0 {
		t.Errorf("%d PodMonitors without metrics", n)
	}
}

func TestRejectsIncompleteArgs(t *testing.T) {
	a := args()
	a.GitHubApp.PrivateKey = nil
	a.WorkStorageClass = ""
	a.Sets[0].MinRunners = 5
	recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
		_, err := NewRunners(ctx, "ci", a)
		return err
	}, `creating runners "ci": GitHubApp needs AppID, InstallationID and PrivateKey; WorkStorageClass is required for kubernetes-mode work volumes; runner set cpu-runners: runners 5..4 must satisfy 0 <= min <= max`)
}
