//go:build cluster

package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/k8s"
	"gopkg.in/yaml.v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/test/standin"
	"github.com/pangea-ai/mlplatform/test/upstream"
)

const root = "../.."

// crdSources are the pinned charts that install CustomResourceDefinitions.
// The suite installs exactly those CRDs, as upstream ships them at the
// pinned versions (shared/upstream/charts/<chart>/<version>/crds.yaml), so
// every custom resource the toolkit renders meets the real schema.
func crdSources() []charts.Chart {
	return []charts.Chart{charts.KubePrometheusStack, charts.KServeCRD, charts.CertManager, charts.EnvoyGateway, charts.ARCController}
}

// summary is what the test reports per stack.
type summary struct {
	// applied counts rendered objects the API server accepted with strict
	// field validation; customResources those of them that are custom
	// resources, by kind; crds the definitions installed from upstream.
	applied, crds int
	// logging counts InferenceServices whose predictor logs payloads;
	// notebooks the JupyterHub profiles admitted and placed.
	logging, notebooks int
	customResources    map[string]int
	notVerifiable      map[string]int // reason → count
	placed             map[string]int // node group → pods
}

// builtinKinds are the Kubernetes API's own kinds the toolkit renders;
// everything else is a custom resource that needs an upstream CRD.
var builtinKinds = map[string]bool{
	"Namespace": true, "PriorityClass": true, "StorageClass": true, "ServiceAccount": true, "Role": true, "RoleBinding": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "ResourceQuota": true, "LimitRange": true, "NetworkPolicy": true,
	"Secret": true, "ConfigMap": true, "PodDisruptionBudget": true, "Deployment": true, "Service": true, "Job": true,
	"PersistentVolumeClaim": true,
}

// installCRDs applies the pinned charts' CRDs and waits until the API
// server serves them.
func installCRDs(t *testing.T, opts *k8s.KubectlOptions, facts *upstream.Facts, sum *summary) {
	t.Helper()
	for _, c := range crdSources() {
		set, err := facts.LoadCRDs(c.ShortName(), c.Version)
		if errors.Is(err, upstream.ErrMissing) {
			// Facts fetched from a chart archive lack CRDs the chart only
			// ships as templates (cert-manager's); an object that needs one
			// then fails to apply, naming its kind.
			sum.notVerifiable[fmt.Sprintf("CRDs of %s %s: %v", c.ShortName(), c.Version, err)]++
			continue
		} else if err != nil {
			t.Fatalf("CRDs of %s %s: %v", c.ShortName(), c.Version, err)
		}
		if out, err := k8s.RunKubectlAndGetOutputE(t, opts, "apply", "--server-side", "--field-manager=mlplatform-cluster-test", "-f", set.Path); err != nil {
			t.Fatalf("installing the CRDs of %s %s from %s: %v\n%s", c.ShortName(), c.Version, set.Path, err, out)
		}
		sum.crds += len(set.Names())
	}
	if out, err := k8s.RunKubectlAndGetOutputE(t, opts, "wait", "--for=condition=Established", "--timeout=120s", "crd", "--all"); err != nil {
		t.Fatalf("CRDs not established: %v\n%s", err, out)
	}
	rejectsUnknownFields(t, opts)
}

// rejectsUnknownFields shows the strict apply failing on a custom resource
// with a field its CRD does not have, so an accepted object means its
// fields are real: a PodMonitor endpoint with "targetPorts".
func rejectsUnknownFields(t *testing.T, opts *k8s.KubectlOptions) {
	t.Helper()
	bad := writeManifest(t, t.TempDir(), "bad-podmonitor.yaml", map[string]interface{}{
		"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
		"metadata": map[string]interface{}{"name": "strict-check", "namespace": "default"},
		"spec": map[string]interface{}{
			"selector":            map[string]interface{}{"matchLabels": map[string]interface{}{"app": "x"}},
			"podMetricsEndpoints": []interface{}{map[string]interface{}{"targetPorts": 8080}},
		},
	})
	err := applyE(t, opts, bad)
	if err == nil || !strings.Contains(err.Error(), ".spec.podMetricsEndpoints[0].targetPorts: field not declared in schema") {
		t.Fatalf("a PodMonitor with an unknown field was not refused by strict validation: %v", err)
	}
}

func TestStacksOnAControlPlane(t *testing.T) {
	bin := os.Getenv("MLPLAT_CLUSTER_BIN")
	if bin == "" {
		t.Fatal("MLPLAT_CLUSTER_BIN is not set: run `make test-cluster`, which builds the control-plane binaries and sets it")
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH")) // terratest runs kubectl from PATH
	mlplat := filepath.Join(t.TempDir(), "mlplat")
	if out, err := exec.Command("go", "build", "-o", mlplat, "../../cmd/mlplat").CombinedOutput(); err != nil {
		t.Fatalf("building mlplat: %v\n%s", err, out)
	}
	for _, stack := range []string{"aws-dev", "azure-dev"} {
		t.Run(stack, func(t *testing.T) { verifyStack(t, bin, mlplat, stack) })
	}
}

func verifyStack(t *testing.T, bin, mlplat, stack string) {
	facts := upstream.Require(t, root)
	cp := Start(t, bin)
	opts := k8s.NewKubectlOptions("", cp.Kubeconfig, "")
	sum := summary{customResources: map[string]int{}, notVerifiable: map[string]int{}, placed: map[string]int{}}
	work := t.TempDir()
	installCRDs(t, opts, facts, &sum)

	// Fake nodes for each node group, as the toolkit declares them.
	groups := groupsOf(t, mlplat, root, stack)
	for i, n := range nodeManifests(groups) {
		apply(t, opts, writeManifest(t, work, fmt.Sprintf("node-%02d.yaml", i), n))
	}

	// Everything mlplat render produced, in its order, by server-side apply.
	out := filepath.Join(work, "rendered")
	if b, err := exec.Command(mlplat, "render", "--stack", stack, "--out", out, "--root", root).CombinedOutput(); err != nil {
		t.Fatalf("mlplat render: %v\n%s", err, b)
	}
	files, _ := filepath.Glob(filepath.Join(out, "[0-9]*.yaml"))
	sort.Strings(files)
	var isvcs, deployments, jobs, claims []map[string]interface{}
	for _, f := range files {
		obj := readManifest(t, f)
		if err := applyE(t, opts, f); err != nil {
			t.Errorf("the API server rejected %s: %v", filepath.Base(f), err)
			continue
		}
		sum.applied++
		if _, builtin := builtinKinds[str(obj["kind"])]; !builtin {
			sum.customResources[str(obj["kind"])]++
		}
		switch str(obj["kind"]) {
		case "InferenceService":
			isvcs = append(isvcs, obj)
		case "Deployment":
			deployments = append(deployments, obj)
		case "Job":
			jobs = append(jobs, obj)
		case "PersistentVolumeClaim":
			claims = append(claims, obj)
		}
	}
	releases := readReleases(t, filepath.Join(out, "helm-releases.yaml"))
	for _, r := range releases {
		sum.notVerifiable["Helm release "+r+": the chart's own workloads are not rendered here (no helm, no registry); their values are checked against the chart (TestHelmValuesExistUpstream), their placement in docs/chart-workloads.md"]++
	}

	// Each workload namespace keeps its default-deny policy.
	for _, ns := range []string{"serving", "runners", "monitoring", "gpu", "mlflow", "notebooks"} {
		if _, err := k8s.RunKubectlAndGetOutputE(t, k8s.NewKubectlOptions("", cp.Kubeconfig, ns), "get", "networkpolicy", "default-deny", "-o", "name"); err != nil {
			t.Errorf("namespace %s has no default-deny NetworkPolicy: %v", ns, err)
		}
	}

	// KServe turns each InferenceService into Deployments; without its CRD
	// and controller here, stand-in Deployments carry the same pod spec so
	// admission (Pod Security, quotas, limit ranges) and the scheduler
	// judge exactly what the model would run.
	for _, isvc := range isvcs {
		ds, err := standin.Deployments(isvc)
		if err != nil {
			t.Error(err)
		}
		for _, d := range ds {
			f := writeManifest(t, work, "standin-"+name(d)+".yaml", d)
			if err := applyE(t, opts, f); err != nil {
				t.Errorf("the API server rejected the pods of %s: %v", name(d), err)
				continue
			}
			checkPlacement(t, cp, groups, d, &sum)
		}
	}
	// No CSI driver runs here: a stand-in volume, bound to each claim the
	// toolkit renders (TrustyAI's data), lets its pod be scheduled.
	for _, c := range claims {
		apply(t, opts, writeManifest(t, work, "pv-"+name(c)+".yaml", standInVolume(c)))
		sum.notVerifiable["volume provisioning by the cloud's CSI driver (a stand-in PersistentVolume bound to the claim)"]++
	}
	// The toolkit's own workloads (the payload filter, TrustyAI) run as
	// rendered.
	for _, d := range deployments {
		checkPlacement(t, cp, groups, d, &sum)
	}
	// Each notebook profile, as KubeSpawner would spawn it from the hub's
	// values, is admitted in the notebooks namespace (restricted) and lands
	// on its group: a GPU profile on a GPU node.
	for _, d := range notebookStandins(t, filepath.Join(out, "helm-releases.yaml")) {
		f := writeManifest(t, work, name(d)+".yaml", d)
		if err := applyE(t, opts, f); err != nil {
			t.Errorf("the API server rejected notebook profile %s: %v", name(d), err)
			continue
		}
		sum.notebooks++
		checkPlacement(t, cp, groups, d, &sum)
	}
	// So do its jobs (a model's reference upload): their pods are admitted
	// and placed on their group.
	for _, j := range jobs {
		checkJobPlacement(t, cp, groups, j, &sum)
	}
	// A logging predictor runs KServe's agent beside its server, admitted
	// with the rest of the pod.
	for _, isvc := range isvcs {
		if mapOf(mapOf(mapOf(isvc["spec"])["predictor"])["logger"]) == nil {
			continue
		}
		sum.logging++
		pods := k8s.ListPods(t, k8s.NewKubectlOptions("", cp.Kubeconfig, str(mapOf(isvc["metadata"])["namespace"])),
			metav1.ListOptions{LabelSelector: "component=predictor,serving.kserve.io/inferenceservice=" + str(mapOf(isvc["metadata"])["name"])})
		if len(pods) == 0 {
			t.Errorf("InferenceService %s logs payloads but has no predictor pod", str(mapOf(isvc["metadata"])["name"]))
		}
		for _, p := range pods {
			agent := false
			for _, c := range p.Spec.Containers {
				agent = agent || (c.Name == serving.AgentContainer && len(c.Ports) == 1 && c.Ports[0].ContainerPort == serving.AgentPort)
			}
			if !agent {
				t.Errorf("pod %s of a logging model runs no agent on %d", p.Name, serving.AgentPort)
			}
		}
	}
	negativeGPU(t, cp, work, isvcs)
	report(t, stack, groups, sum)
}

// checkPlacement waits for a stand-in to become available and checks each
// pod landed on the node group it targets: GPU pods only on GPU nodes, no
// CPU pod on a GPU node.
func checkPlacement(t *testing.T, cp *ControlPlane, groups []Group, d map[string]interface{}, sum *summary) {
	t.Helper()
	ns := str(mapOf(d["metadata"])["namespace"])
	opts := k8s.NewKubectlOptions("", cp.Kubeconfig, ns)
	if err := k8s.WaitUntilDeploymentAvailableE(t, opts, name(d), 60, 2*time.Second); err != nil {
		t.Errorf("%s/%s did not become available: %v\nscheduler events: %s", ns, name(d), err, events(t, opts))
		return
	}
	pod := mapOf(mapOf(mapOf(d["spec"])["template"])["spec"])
	wantGroup := str(mapOf(pod["nodeSelector"])[nodes.LabelNodeGroup])
	wantKind := str(mapOf(pod["nodeSelector"])[nodes.LabelKind])
	gpu := gpuRequest(pod)
	sel := mapOf(mapOf(d["spec"])["selector"])["matchLabels"]
	var parts []string
	for k, v := range mapOf(sel) {
		parts = append(parts, k+"="+str(v))
	}
	sort.Strings(parts)
	byNode := nodesByName(groups)
	for _, p := range k8s.ListPods(t, opts, metav1.ListOptions{LabelSelector: strings.Join(parts, ",")}) {
		g := byNode[p.Spec.NodeName]
		switch {
		case wantGroup != "" && g.Name != wantGroup:
			t.Errorf("pod %s landed on %s (group %s), want group %s", p.Name, p.Spec.NodeName, g.Name, wantGroup)
		case wantKind != "" && g.Labels[nodes.LabelKind] != wantKind:
			t.Errorf("pod %s landed on %s (a %s group), want a %s group", p.Name, p.Spec.NodeName, g.Labels[nodes.LabelKind], wantKind)
		case gpu && !g.IsGPU():
			t.Errorf("GPU pod %s landed on non-GPU node %s", p.Name, p.Spec.NodeName)
		case !gpu && g.IsGPU():
			t.Errorf("CPU pod %s landed on GPU node %s", p.Name, p.Spec.NodeName)
		}
		sum.placed[g.Name]++
	}
}

// negativeGPU applies a copy of a GPU model's pods without their GPU
// toleration: it must stay Pending, and the scheduler must say why.
func negativeGPU(t *testing.T, cp *ControlPlane, work string, isvcs []map[string]interface{}) {
	t.Helper()
	for _, isvc := range isvcs {
		ds, err := standin.Deployments(isvc)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			pod := mapOf(mapOf(mapOf(d["spec"])["template"])["spec"])
			if !gpuRequest(pod) {
				continue
			}
			// Its own namespace: no quota or limits to refuse the copy.
			const ns = "negative-gpu"
			opts := k8s.NewKubectlOptions("", cp.Kubeconfig, ns)
			_, _ = k8s.RunKubectlAndGetOutputE(t, opts, "create", "namespace", ns)
			delete(pod, "tolerations")
			delete(pod, "serviceAccountName")
			delete(pod, "priorityClassName")
			meta := mapOf(d["metadata"])
			meta["namespace"], meta["name"] = ns, name(d)+"-no-toleration"
			mapOf(d["spec"])["replicas"] = 1
			apply(t, opts, writeManifest(t, work, "negative.yaml", d))
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) {
				ev := events(t, opts)
				if strings.Contains(ev, "untolerated taint {"+nodes.GPUTaintKey+": true}") {
					t.Logf("negative case: %s stays Pending: %s", meta["name"], ev)
					for _, p := range k8s.ListPods(t, opts, metav1.ListOptions{}) {
						if p.Status.Phase != "Pending" || p.Spec.NodeName != "" {
							t.Errorf("pod %s without the GPU toleration is %s on %q, want Pending and unscheduled", p.Name, p.Status.Phase, p.Spec.NodeName)
						}
					}
					return
				}
				time.Sleep(2 * time.Second)
			}
			t.Errorf("a GPU model without its toleration did not report an untolerated GPU taint; events: %s", events(t, opts))
			return
		}
	}
	t.Error("the stack has no GPU model to run the negative case with")
}

func gpuRequest(pod map[string]interface{}) bool {
	for _, c := range list(pod["containers"]) {
		if _, ok := mapOf(mapOf(mapOf(c)["resources"])["limits"])[nodes.GPUResource]; ok {
			return true
		}
	}
	return false
}

// events are the namespace's FailedScheduling messages.
func events(t *testing.T, opts *k8s.KubectlOptions) string {
	var msgs []string
	for _, e := range k8s.ListEvents(t, opts, metav1.ListOptions{}) {
		if e.Reason == "FailedScheduling" {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, "; ")
}

func report(t *testing.T, stack string, groups []Group, s summary) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s on a real control plane (kwok nodes: the API server, admission and the scheduler are real; no container runs)\n", stack)
	fmt.Fprintf(&b, "  CRDs installed from upstream at the pinned versions: %d\n", s.crds)
	fmt.Fprintf(&b, "  objects applied and accepted (server-side apply, strict field validation): %d\n", s.applied)
	for _, k := range sortedKeys(s.customResources) {
		fmt.Fprintf(&b, "    of which %-24s %d\n", k, s.customResources[k])
	}
	fmt.Fprintf(&b, "  models logging payloads, their predictor pods running KServe's agent: %d\n", s.logging)
	fmt.Fprintf(&b, "  notebook profiles admitted and placed on their groups: %d\n", s.notebooks)
	for _, r := range sortedKeys(s.notVerifiable) {
		fmt.Fprintf(&b, "  not verifiable: %-70s %d\n", r, s.notVerifiable[r])
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "  node group %-10s %-24s %d nodes  %2d pods placed\n", g.Name, g.InstanceType, g.Nodes, s.placed[g.Name])
	}
	fmt.Print(b.String())
}

func apply(t *testing.T, opts *k8s.KubectlOptions, file string) {
	t.Helper()
	if err := applyE(t, opts, file); err != nil {
		t.Fatalf("applying %s: %v", filepath.Base(file), err)
	}
}

func applyE(t *testing.T, opts *k8s.KubectlOptions, file string) error {
	out, err := k8s.RunKubectlAndGetOutputE(t, opts, "apply", "--server-side", "--validate=strict", "--field-manager=mlplatform-cluster-test", "-f", file)
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func readManifest(t *testing.T, path string) map[string]interface{} {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readReleases(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Releases []struct{ Name, Namespace, Chart, Version string }
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range doc.Releases {
		out = append(out, fmt.Sprintf("%s/%s (%s %s)", r.Namespace, r.Name, r.Chart, r.Version))
	}
	return out
}

func name(obj map[string]interface{}) string { return str(mapOf(obj["metadata"])["name"]) }

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// standInVolume is a PersistentVolume bound to claim c by its claimRef,
// with the claim's class and size, standing in for what the cloud's CSI
// driver would provision.
func standInVolume(c map[string]interface{}) map[string]interface{} {
	meta := mapOf(c["metadata"])
	spec := mapOf(c["spec"])
	return map[string]interface{}{
		"apiVersion": "v1", "kind": "PersistentVolume",
		"metadata": map[string]interface{}{"name": "standin-" + str(meta["namespace"]) + "-" + str(meta["name"])},
		"spec": map[string]interface{}{
			"capacity":                      mapOf(mapOf(spec["resources"])["requests"]),
			"accessModes":                   spec["accessModes"],
			"storageClassName":              spec["storageClassName"],
			"persistentVolumeReclaimPolicy": "Delete",
			"hostPath":                      map[string]interface{}{"path": "/standin/" + str(meta["name"])},
			"claimRef":                      map[string]interface{}{"namespace": meta["namespace"], "name": meta["name"]},
		},
	}
}

// checkJobPlacement waits for a job's pod to be scheduled and checks it
// landed on the node kind its template selects.
func checkJobPlacement(t *testing.T, cp *ControlPlane, groups []Group, j map[string]interface{}, sum *summary) {
	t.Helper()
	ns := str(mapOf(j["metadata"])["namespace"])
	opts := k8s.NewKubectlOptions("", cp.Kubeconfig, ns)
	wantKind := str(mapOf(mapOf(mapOf(mapOf(j["spec"])["template"])["spec"])["nodeSelector"])[nodes.LabelKind])
	byNode := nodesByName(groups)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		pods := k8s.ListPods(t, opts, metav1.ListOptions{LabelSelector: "job-name=" + name(j)})
		if len(pods) > 0 && pods[0].Spec.NodeName != "" {
			g := byNode[pods[0].Spec.NodeName]
			if g.Labels[nodes.LabelKind] != wantKind {
				t.Errorf("job %s's pod landed on %s (a %s group), want a %s group", name(j), pods[0].Spec.NodeName, g.Labels[nodes.LabelKind], wantKind)
			}
			sum.placed[g.Name]++
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("job %s has no scheduled pod after 2 minutes (%d pods)\nevents: %s", name(j), len(pods), events(t, opts))
			return
		}
		time.Sleep(2 * time.Second)
	}
}

// nodesByName maps each fake node's name to its group.
func nodesByName(groups []Group) map[string]Group {
	byNode := map[string]Group{}
	for _, g := range groups {
		for i := 0; i < g.Nodes; i++ {
			byNode[fmt.Sprintf("%s-%d", g.Name, i)] = g
		}
	}
	return byNode
}
