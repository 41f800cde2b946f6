package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Fixtures copied from `mlplat plan --stack aws-prod --format json`
// (numbers decode as float64, as in the plan); cases change one field.

func wlJSON(s string) map[string]interface{} {
	var m map[string]interface{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		panic(err)
	}
	return m
}

// wlSet sets the value at a dotted path ([i] indexes lists), creating maps.
func wlSet(m map[string]interface{}, p string, v interface{}) map[string]interface{} {
	parts := strings.Split(strings.NewReplacer("[", ".", "]", "").Replace(p), ".")
	var cur interface{} = m
	for i, part := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]interface{}:
			if last {
				c[part] = v
				break
			}
			if _, ok := c[part]; !ok {
				c[part] = map[string]interface{}{}
			}
			cur = c[part]
		case []interface{}:
			var n int
			for _, ch := range part {
				n = n*10 + int(ch-'0')
			}
			if last {
				c[n] = v
				break
			}
			cur = c[n]
		}
	}
	return m
}

// wlDel removes the value at a dotted path.
func wlDel(m map[string]interface{}, p string) map[string]interface{} {
	i := strings.LastIndex(p, ".")
	parent, _ := lookup(m, p[:i])
	delete(parent.(map[string]interface{}), p[i+1:])
	return m
}

const wlFraudXGB = `{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",
"metadata":{"annotations":{"serving.kserve.io/autoscalerClass":"hpa","serving.kserve.io/deploymentMode":"Standard"},
 "labels":{"app.kubernetes.io/managed-by":"pulumi","app.kubernetes.io/part-of":"mlplatform","mlplatform.pangea.ai/model":"fraud-xgb"},"name":"fraud-xgb","namespace":"serving"},
"spec":{
 "explainer":{"containers":[{"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server:1.2.0","name":"kserve-container",
   "resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}},
   "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true}}],
  "maxReplicas":4,"minReplicas":1,"nodeSelector":{"mlplatform.pangea.ai/kind":"cpu"},"priorityClassName":"mlplatform-serving","scaleMetric":"cpu","scaleTarget":70,
  "securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"serviceAccountName":"fraud-xgb-explainer"},
 "predictor":{"maxReplicas":4,"minReplicas":2,
  "model":{"modelFormat":{"name":"xgboost"},"resources":{"limits":{"memory":"2Gi"},"requests":{"cpu":"1","memory":"2Gi"}},"runtime":"kserve-xgbserver",
   "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true},"storageUri":"s3://aws-prod-088be0e/models/fraud/v3"},
  "nodeSelector":{"mlplatform.pangea.ai/kind":"cpu"},"priorityClassName":"mlplatform-serving","scaleMetric":"cpu","scaleTarget":70,
  "securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"serviceAccountName":"fraud-xgb"}}}`

// wlISVC is the prod fraud-xgb InferenceService: predictor on CPU, custom explainer.
func wlISVC() *Resource {
	return res(wlInferenceService, "aws-prod-model-fraud-xgb", wlJSON(wlFraudXGB))
}

// wlGPUISVC is defect-detector's predictor: one GPU, any GPU node.
func wlGPUISVC() *Resource {
	return res(wlInferenceService, "aws-prod-model-defect-detector", wlJSON(`{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",
"metadata":{"name":"defect-detector","namespace":"serving"},
"spec":{"predictor":{"maxReplicas":4,"minReplicas":2,
 "model":{"modelFormat":{"name":"pytorch"},"resources":{"limits":{"memory":"8Gi","nvidia.com/gpu":"1"},"requests":{"cpu":"2","memory":"8Gi","nvidia.com/gpu":"1"}},
  "runtime":"kserve-torchserve","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true},"storageUri":"s3://aws-prod-088be0e/models/defects/resnet50/v7"},
 "nodeSelector":{"mlplatform.pangea.ai/kind":"gpu"},"priorityClassName":"mlplatform-serving",
 "securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"serviceAccountName":"defect-detector",
 "tolerations":[{"effect":"NoSchedule","key":"nvidia.com/gpu","operator":"Exists"}]}}}`))
}

// wlNS is a baseline Namespace; reason is its pod-security-reason ("" for none).
func wlNS(name, level, reason string) *Resource {
	in := wlJSON(`{"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"app.kubernetes.io/managed-by":"pulumi","app.kubernetes.io/name":"` + name + `","app.kubernetes.io/part-of":"mlplatform",
"pod-security.kubernetes.io/audit":"` + level + `","pod-security.kubernetes.io/enforce":"` + level + `","pod-security.kubernetes.io/warn":"` + level + `"},"name":"` + name + `"}}`)
	if reason != "" {
		wlSet(in, "metadata.annotations", map[string]interface{}{wlPSSReason: reason})
	}
	return res(wlNamespace, "aws-prod-baseline-"+name, in)
}

// wlRunner is a kubernetes-mode scale set; gpu adds the GPU selector and toleration.
func wlRunner(set string, gpu bool) *Resource {
	kind, tol := "cpu", ""
	if gpu {
		kind, tol = "gpu", `,"tolerations":[{"effect":"NoSchedule","key":"nvidia.com/gpu","operator":"Exists"}]`
	}
	return res(wlRelease, "aws-prod-runners-"+set, wlJSON(`{"atomic":true,"chart":"oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set","name":"`+set+`","namespace":"runners","version":"0.12.0",
"values":{"containerMode":{"kubernetesModeWorkVolumeClaim":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"20Gi"}},"storageClassName":"mlplatform-encrypted"},"type":"kubernetes"},
 "githubConfigSecret":"github-app","githubConfigUrl":"https://github.com/pangea-ai","maxRunners":4,"minRunners":0,"runnerScaleSetName":"`+set+`",
 "template":{"spec":{"containers":[{"command":["/home/runner/run.sh"],
   "env":[{"name":"ACTIONS_RUNNER_CONTAINER_HOOKS","value":"/home/runner/k8s/index.js"},{"name":"ACTIONS_RUNNER_POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
    {"name":"ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER","value":"true"},{"name":"ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE","value":"/home/runner/pod-templates/job.yaml"}],
   "image":"ghcr.io/actions/actions-runner:2.328.0","name":"runner","resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"250m","memory":"512Mi"}},
   "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}},
   "volumeMounts":[{"mountPath":"/home/runner/_work","name":"work"},{"mountPath":"/home/runner/pod-templates","name":"job-template","readOnly":true}]}],
  "nodeSelector":{"mlplatform.pangea.ai/kind":"`+kind+`"},
  "securityContext":{"fsGroup":123,"runAsNonRoot":true,"runAsUser":1001,"seccompProfile":{"type":"RuntimeDefault"}},
  "serviceAccountName":"`+set+`-runner"`+tol+`,"volumes":[{"configMap":{"name":"`+set+`-job-template"},"name":"job-template"}]}}}}`))
}

// wlJobYAML is the job pod template the runners component writes, with
// automountServiceAccountToken: false (which the toolkit does not set yet).
func wlJobYAML(set string, gpu bool) string {
	gpuRes, tol := "", ""
	if gpu {
		gpuRes = "\n                nvidia.com/gpu: \"1\""
		tol = "    tolerations:\n        - effect: NoSchedule\n          key: nvidia.com/gpu\n          operator: Exists\n"
	}
	return "spec:\n    automountServiceAccountToken: false\n    containers:\n        - name: $job\n          resources:\n            limits:\n                memory: 4Gi" + gpuRes +
		"\n            requests:\n                cpu: \"2\"\n                memory: 4Gi" + gpuRes +
		"\n          securityContext:\n            allowPrivilegeEscalation: false\n            capabilities:\n                drop:\n                    - ALL\n" +
		"    securityContext:\n        fsGroup: 123\n        runAsNonRoot: true\n        runAsUser: 1001\n        seccompProfile:\n            type: RuntimeDefault\n" +
		"    serviceAccountName: " + set + "-runner\n" + tol
}

func wlJob(set, yaml string) *Resource {
	return res(wlConfigMap, "aws-prod-runners-"+set+"-job-template", map[string]interface{}{
		"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]interface{}{"job.yaml": yaml},
		"metadata": map[string]interface{}{"name": set + "-job-template", "namespace": "runners"},
	})
}

// wlDeploy is a restricted, resourced Deployment pulling from the stack's ECR.
func wlDeploy(name, ns string) *Resource {
	return res("kubernetes:apps/v1:Deployment", name, wlJSON(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"`+name+`","namespace":"`+ns+`"},
"spec":{"replicas":1,"selector":{"matchLabels":{"app":"`+name+`"}},"template":{"metadata":{"labels":{"app":"`+name+`"}},"spec":{
 "automountServiceAccountToken":false,"serviceAccountName":"`+name+`",
 "securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
 "containers":[{"name":"app","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/models:1.0.0",
  "resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}},
  "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}}}`))
}

func wlNodeGroup(name, kind string, taints ...interface{}) *Resource {
	return res("aws:eks/nodeGroup:NodeGroup", "aws-prod-"+name, map[string]interface{}{
		"labels": map[string]interface{}{"mlplatform.pangea.ai/kind": kind, "mlplatform.pangea.ai/node-group": name},
		"taints": append([]interface{}{}, taints...),
	})
}

func wlECR(name string) *Resource {
	return res("aws:ecr/repository:Repository", "aws-prod-"+name, map[string]interface{}{"name": "aws-prod/" + name, "imageTagMutability": "IMMUTABLE"})
}

func wlDenyAll(ns string) *Resource {
	return res(wlNetworkPolicy, "aws-prod-baseline-"+ns+"-default-deny", wlJSON(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
"metadata":{"name":"default-deny","namespace":"`+ns+`"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}`))
}

func wlPDBOf(isvc, comp string) *Resource {
	return res(wlPDB, "aws-prod-model-"+isvc+"-"+comp, wlJSON(`{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"`+isvc+`-`+comp+`","namespace":"serving"},
"spec":{"minAvailable":1,"selector":{"matchLabels":{"component":"`+comp+`","serving.kserve.io/inferenceservice":"`+isvc+`"}}}}`))
}

func wlSA(name, ns string, automount interface{}) *Resource {
	in := map[string]interface{}{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]interface{}{"name": name, "namespace": ns}}
	if automount != nil {
		in["automountServiceAccountToken"] = automount
	}
	return res(wlServiceAccount, "aws-prod-"+name, in)
}

func wlRole(kind, name string, rules string) *Resource {
	return res(wlRBAC+kind, "aws-prod-"+name, wlJSON(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"`+kind+`","metadata":{"name":"`+name+`","namespace":"runners"},"rules":`+rules+`}`))
}

func wlBinding(kind, name, roleKind, role, subjects string) *Resource {
	return res(wlRBAC+kind, "aws-prod-"+name, wlJSON(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"`+kind+`","metadata":{"name":"`+name+`","namespace":"runners"},
"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"`+roleKind+`","name":"`+role+`"},"subjects":`+subjects+`}`))
}

const wlRunnerRules = `[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list","create","delete"]},{"apiGroups":[""],"resources":["pods/exec"],"verbs":["get","create"]},
{"apiGroups":[""],"resources":["pods/log"],"verbs":["get","list","watch"]},{"apiGroups":["batch"],"resources":["jobs"],"verbs":["get","list","create","delete"]},
{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list","create","delete"]}]`

func TestWorkloadPSSReasonAnnotation(t *testing.T) {
	if wlPSSReason != baseline.AnnotationPSSReason {
		t.Fatalf("wlPSSReason = %q, baseline writes %q", wlPSSReason, baseline.AnnotationPSSReason)
	}
}

func TestWorkloadPssRestricted(t *testing.T) {
	deploy := func(ns string, f func(m map[string]interface{})) *Resource {
		d := wlDeploy("aws-prod-tool", ns)
		f(d.Inputs)
		return d
	}
	host := func(m map[string]interface{}) {
		wlSet(m, "spec.template.spec.hostNetwork", true)
		wlSet(m, "spec.template.spec.volumes", []interface{}{map[string]interface{}{"name": "sys", "hostPath": map[string]interface{}{"path": "/sys"}}})
		wlSet(m, "spec.template.spec.containers[0].securityContext.privileged", true)
		wlSet(m, "spec.template.spec.containers[0].securityContext.capabilities.add", []interface{}{"SYS_ADMIN", "NET_BIND_SERVICE"})
		wlSet(m, "spec.template.spec.containers[0].ports", []interface{}{map[string]interface{}{"containerPort": 9100.0, "hostPort": 9100.0}})
	}
	const d = `Deployment "aws-prod-tool" must `
	runRule(t, "pss-restricted", []ruleCase{
		{name: "committed namespaces, model and runner set pass", stack: stackOf("prod",
			wlNS("serving", "restricted", ""), wlNS("runners", "restricted", ""),
			wlNS("gpu", "privileged", "the NVIDIA device plugin and DCGM exporter DaemonSets mount host paths (device plugin socket, pod-resources)"),
			wlISVC(), wlGPUISVC(), wlRunner("gpu-runners", true), wlJob("gpu-runners", wlJobYAML("gpu-runners", true)))},
		{name: "namespace without enforce label", stack: stackOf("prod",
			res(wlNamespace, "aws-prod-baseline-serving", wlJSON(`{"metadata":{"name":"serving","labels":{"app.kubernetes.io/name":"serving"}}}`))),
			want: []string{`Namespace "aws-prod-baseline-serving" must carry the label pod-security.kubernetes.io/enforce`}},
		{name: "namespace with an unknown level", stack: stackOf("prod", wlNS("serving", "strict", "")),
			want: []string{`Namespace "aws-prod-baseline-serving" must set pod-security.kubernetes.io/enforce to restricted, baseline or privileged, not "strict"`}},
		{name: "privileged namespace without a reason", stack: stackOf("prod", wlNS("monitoring", "privileged", "")),
			want: []string{`Namespace "aws-prod-baseline-monitoring" must give the reason for Pod Security privileged in the annotation mlplatform.pangea.ai/pod-security-reason`}},
		{name: "predictor without a restricted security context", stack: stackOf("prod", func() *Resource {
			r := wlISVC()
			wlDel(r.Inputs, "spec.predictor.securityContext")
			wlDel(r.Inputs, "spec.predictor.model.securityContext")
			return r
		}()), want: []string{
			`InferenceService "aws-prod-model-fraud-xgb" must set allowPrivilegeEscalation to false on container kserve-container of the predictor`,
			`InferenceService "aws-prod-model-fraud-xgb" must set runAsNonRoot on container kserve-container of the predictor`,
			`InferenceService "aws-prod-model-fraud-xgb" must drop ALL capabilities on container kserve-container of the predictor`,
			`InferenceService "aws-prod-model-fraud-xgb" must set seccompProfile RuntimeDefault or Localhost on container kserve-container of the predictor`,
		}},
		{name: "container overrides the pod's runAsNonRoot and runs as root", stack: stackOf("prod", wlNS("serving", "restricted", ""), deploy("serving", func(m map[string]interface{}) {
			wlSet(m, "spec.template.spec.containers[0].securityContext.runAsNonRoot", false)
			wlSet(m, "spec.template.spec.containers[0].securityContext.runAsUser", 0.0)
			wlSet(m, "spec.template.spec.containers[0].securityContext.seccompProfile.type", "Unconfined")
		})), want: []string{
			d + "not set runAsUser 0 on container app",
			d + "set runAsNonRoot on container app",
			d + "set seccompProfile RuntimeDefault or Localhost on container app",
		}},
		{name: "host access in a restricted namespace", stack: stackOf("prod", wlNS("serving", "restricted", ""), deploy("serving", host)), want: []string{
			d + "not set hostNetwork",
			d + `not mount hostPath volume "sys"`,
			d + "not set privileged on container app",
			d + "not add capability SYS_ADMIN on container app",
			d + "not set hostPort 9100 on container app",
		}},
		{name: "host access in a privileged namespace with a reason", stack: stackOf("prod",
			wlNS("monitoring", "privileged", "the node exporter reads the host"), deploy("monitoring", host))},
		{name: "baseline namespace with a reason holds its pods to baseline", stack: stackOf("prod",
			wlNS("kserve", "baseline", "the KServe controller is not known to meet restricted"), deploy("kserve", func(m map[string]interface{}) {
				host(m)
				wlDel(m, "spec.template.spec.securityContext")
				wlSet(m, "spec.template.spec.volumes", []interface{}{map[string]interface{}{"name": "cache", "gitRepo": map[string]interface{}{"repository": "x"}}})
			})), want: []string{
			d + "not set hostNetwork",
			d + "not set privileged on container app",
			d + "not add capability SYS_ADMIN on container app",
			d + "not set hostPort 9100 on container app",
		}},
		{name: "restricted volume types, sysctls and SELinux", stack: stackOf("prod", deploy("default", func(m map[string]interface{}) {
			wlSet(m, "spec.template.spec.volumes", []interface{}{
				map[string]interface{}{"name": "cache", "emptyDir": map[string]interface{}{}},
				map[string]interface{}{"name": "data", "nfs": map[string]interface{}{"server": "10.0.0.1", "path": "/"}},
			})
			wlSet(m, "spec.template.spec.securityContext.sysctls", []interface{}{map[string]interface{}{"name": "net.core.somaxconn", "value": "1024"}})
			wlSet(m, "spec.template.spec.containers[0].securityContext.seLinuxOptions", map[string]interface{}{"type": "spc_t"})
			wlSet(m, "spec.template.spec.initContainers", []interface{}{map[string]interface{}{"name": "init", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/models:1.0.0",
				"securityContext": map[string]interface{}{"allowPrivilegeEscalation": false, "capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}}, "procMount": "Unmasked"}}})
		})), want: []string{
			d + "not set sysctl net.core.somaxconn",
			d + `not use nfs volume "data": restricted allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes`,
			d + "not set procMount Unmasked on init container init",
			d + "not set seLinuxOptions type spc_t on container app",
		}},
		{name: "job pod template without runAsNonRoot", stack: stackOf("prod", wlNS("runners", "restricted", ""), wlRunner("cpu-runners", false),
			wlJob("cpu-runners", "spec:\n    securityContext:\n        seccompProfile:\n            type: RuntimeDefault\n    containers:\n        - name: $job\n          securityContext:\n            allowPrivilegeEscalation: false\n            capabilities:\n                drop: [ALL]\n")),
			want: []string{`ConfigMap "aws-prod-runners-cpu-runners-job-template" must set runAsNonRoot on container $job of the job pod`}},
		{name: "unknown security context", stack: stackOf("prod", func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.predictor.securityContext", props.Unknown{})
			return r
		}()), want: []string{`unverifiable: InferenceService "aws-prod-model-fraud-xgb": cannot verify during preview: spec.predictor.securityContext is not known until the resource is created`}},
		{name: "unknown namespace of a pod that fails restricted", stack: stackOf("prod", deploy("monitoring", func(m map[string]interface{}) {
			host(m)
			wlSet(m, "metadata.namespace", props.Unknown{})
		})), want: []string{`unverifiable: Deployment "aws-prod-tool": cannot verify during preview: metadata.namespace is not known until the resource is created`}},
	})
}

func TestWorkloadResourcesAndGpu(t *testing.T) {
	groups := []*Resource{wlNodeGroup("cpu", "cpu"), wlNodeGroup("gpu", "gpu", map[string]interface{}{"effect": "NO_SCHEDULE", "key": "nvidia.com/gpu", "value": "true"})}
	with := func(extra ...*Resource) *Stack {
		return stackOf("prod", append(append([]*Resource{}, groups...), extra...)...)
	}
	gpu := func(f func(m map[string]interface{})) *Resource {
		r := wlGPUISVC()
		f(r.Inputs)
		return r
	}
	const isvc = `InferenceService "aws-prod-model-defect-detector" must `
	runRule(t, "resources-and-gpu", []ruleCase{
		{name: "committed models and runner sets pass", stack: with(wlISVC(), wlGPUISVC(),
			wlRunner("cpu-runners", false), wlJob("cpu-runners", wlJobYAML("cpu-runners", false)),
			wlRunner("gpu-runners", true), wlJob("gpu-runners", wlJobYAML("gpu-runners", true)))},
		{name: "GPU pod pinned to a GPU node group passes", stack: with(gpu(func(m map[string]interface{}) {
			wlSet(m, "spec.predictor.nodeSelector", map[string]interface{}{"mlplatform.pangea.ai/node-group": "gpu"})
		}))},
		{name: "container without requests and memory limit", stack: with(func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.predictor.model.resources", map[string]interface{}{"limits": map[string]interface{}{"cpu": "1"}})
			return r
		}()), want: []string{`InferenceService "aws-prod-model-fraud-xgb" must set resources.requests.cpu, resources.requests.memory, resources.limits.memory on container kserve-container of the predictor`}},
		{name: "GPU requested but not limited", stack: with(gpu(func(m map[string]interface{}) {
			wlSet(m, "spec.predictor.model.resources.limits", map[string]interface{}{"memory": "8Gi"})
		})), want: []string{isvc + "set nvidia.com/gpu in resources.limits on container kserve-container of the predictor"}},
		{name: "GPU pod without toleration or GPU node selection", stack: with(gpu(func(m map[string]interface{}) {
			wlDel(m, "spec.predictor.tolerations")
			wlDel(m, "spec.predictor.nodeSelector")
		})), want: []string{
			isvc + "tolerate the GPU taint nvidia.com/gpu=true:NoSchedule in the predictor",
			isvc + "select GPU nodes in the predictor (nodeSelector mlplatform.pangea.ai/node-group of a GPU group, or mlplatform.pangea.ai/kind: gpu)",
		}},
		{name: "GPU pod pinned to a CPU node group", stack: with(gpu(func(m map[string]interface{}) {
			wlSet(m, "spec.predictor.nodeSelector", map[string]interface{}{"mlplatform.pangea.ai/node-group": "cpu"})
		})), want: []string{isvc + `select GPU nodes in the predictor: node group "cpu" has no GPUs`}},
		{name: "GPU pod selecting GPU nodes by required affinity", stack: with(gpu(func(m map[string]interface{}) {
			wlDel(m, "spec.predictor.nodeSelector")
			wlSet(m, "spec.predictor.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", []interface{}{
				map[string]interface{}{"matchExpressions": []interface{}{map[string]interface{}{"key": "mlplatform.pangea.ai/node-group", "operator": "In", "values": []interface{}{"gpu"}}}}})
		}))},
		{name: "CPU pod tolerating the GPU taint", stack: with(func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.explainer.tolerations", []interface{}{map[string]interface{}{"operator": "Exists"}})
			return r
		}()), want: []string{`InferenceService "aws-prod-model-fraud-xgb" must not tolerate the GPU taint nvidia.com/gpu in the explainer: it takes no GPUs`}},
		{name: "a DaemonSet may tolerate every taint", stack: with(res(wlDaemonSet, "aws-prod-agent", wlJSON(`{"metadata":{"name":"agent","namespace":"monitoring"},"spec":{"template":{"spec":{
"tolerations":[{"operator":"Exists"}],"containers":[{"name":"agent","resources":{"limits":{"memory":"64Mi"},"requests":{"cpu":"10m","memory":"64Mi"}}}]}}}}`)))},
		{name: "runner of a GPU set off the GPU nodes", stack: with(func() *Resource {
			r := wlRunner("gpu-runners", true)
			wlDel(r.Inputs, "values.template.spec.tolerations")
			wlSet(r.Inputs, "values.template.spec.nodeSelector", map[string]interface{}{"mlplatform.pangea.ai/kind": "cpu"})
			return r
		}(), wlJob("gpu-runners", wlJobYAML("gpu-runners", true))), want: []string{
			`Release "aws-prod-runners-gpu-runners" must tolerate the GPU taint nvidia.com/gpu=true:NoSchedule in the runner pod`,
			`Release "aws-prod-runners-gpu-runners" must select GPU nodes in the runner pod (nodeSelector mlplatform.pangea.ai/node-group of a GPU group, or mlplatform.pangea.ai/kind: gpu)`,
		}},
		{name: "unknown resources", stack: with(gpu(func(m map[string]interface{}) {
			wlSet(m, "spec.predictor.model.resources.limits", props.Unknown{})
		})), want: []string{`unverifiable: InferenceService "aws-prod-model-defect-detector": cannot verify during preview: spec.predictor.model.resources.limits is not known until the resource is created`}},
	})
}

func TestWorkloadImageProvenance(t *testing.T) {
	image := func(ref string) *Resource {
		r := wlISVC()
		wlSet(r.Inputs, "spec.explainer.containers[0].image", ref)
		return r
	}
	const on = `InferenceService "aws-prod-model-fraud-xgb" must `
	const allowed = " from the stack's own registry (its ECR repositories or container registry) or a pinned upstream image (ghcr.io/actions/actions-runner, quay.io/trustyai/trustyai-kserve-explainer, quay.io/trustyai/trustyai-service, docker.io/kserve/storage-initializer, ghcr.io/pangea-ai/mlplatform-payload-filter, ghcr.io/mlflow/mlflow)"
	acr := res("azure-native:containerregistry:Registry", "azure-prod", map[string]interface{}{"registryName": "acrazureprodfedf27", "sku": map[string]interface{}{"name": "Premium"}})
	runRule(t, "image-provenance", []ruleCase{
		{name: "stack ECR image and the ARC runner pass", stack: stackOf("prod", wlECR("explainers/shap-server"), wlISVC(), wlRunner("cpu-runners", false))},
		{name: "stack ACR image passes", stack: stackOf("prod", acr, image("acrazureprodfedf27.azurecr.io/explainers/shap-server:1.2.0"))},
		{name: "TrustyAI's pinned explainer passes", stack: stackOf("prod", acr, image("quay.io/trustyai/trustyai-kserve-explainer:v0.2.0"))},
		{name: "TrustyAI's explainer unpinned", stack: stackOf("prod", acr, image("quay.io/trustyai/trustyai-kserve-explainer:latest")),
			want: []string{on + `not use the latest tag for image "quay.io/trustyai/trustyai-kserve-explainer:latest" on container kserve-container of the explainer`}},
		{name: "digest pin passes", stack: stackOf("prod", wlECR("explainers/shap-server"),
			image("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))},
		{name: "latest tag", stack: stackOf("prod", wlECR("explainers/shap-server"), image("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server:latest")),
			want: []string{on + `not use the latest tag for image "123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server:latest" on container kserve-container of the explainer`}},
		{name: "untagged Docker Hub image", stack: stackOf("prod", wlECR("explainers/shap-server"), image("python")), want: []string{
			on + `pin a tag or digest for image "python" on container kserve-container of the explainer`,
			on + `pull image "python" on container kserve-container of the explainer` + allowed,
		}},
		{name: "ECR repository of another stack", stack: stackOf("prod", wlECR("explainers/shap-server"), image("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-dev/explainers/shap-server:1.2.0")),
			want: []string{on + `pull image "123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-dev/explainers/shap-server:1.2.0" on container kserve-container of the explainer` + allowed}},
		{name: "another ACR", stack: stackOf("prod", acr, image("someoneelse.azurecr.io/explainers/shap-server:1.2.0")),
			want: []string{on + `pull image "someoneelse.azurecr.io/explainers/shap-server:1.2.0" on container kserve-container of the explainer` + allowed}},
		{name: "a namespace preview pulls from its base stack's ECR repositories", stack: stackOf("dev",
			res("pulumi:pulumi:StackReference", "organization/mlplatform/aws-dev", map[string]interface{}{"name": "organization/mlplatform/aws-dev"}),
			image("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-dev/explainers/shap-server:1.2.0"))},
		{name: "and from its base stack's ACR", stack: stackOf("dev",
			res("pulumi:pulumi:StackReference", "organization/mlplatform/azure-dev", map[string]interface{}{"name": "organization/mlplatform/azure-dev"}),
			image("acrazuredev1a2b3c.azurecr.io/explainers/shap-server:1.2.0"))},
		{name: "but not from another stack's", stack: stackOf("dev",
			res("pulumi:pulumi:StackReference", "organization/mlplatform/aws-dev", map[string]interface{}{"name": "organization/mlplatform/aws-dev"}),
			image("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server:1.2.0")),
			want: []string{on + `pull image "123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/explainers/shap-server:1.2.0" on container kserve-container of the explainer` + allowed}},
		{name: "an image the chart fills in", stack: stackOf("prod", image(""))},
		{name: "image not known yet", stack: stackOf("prod", func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.explainer.containers[0].image", props.Unknown{})
			return r
		}()), want: []string{`unverifiable: InferenceService "aws-prod-model-fraud-xgb": cannot verify during preview: spec.explainer.containers[0].image is not known until the resource is created`}},
		{name: "registry name not known yet", stack: stackOf("prod", res("aws:ecr/repository:Repository", "aws-prod-explainers", map[string]interface{}{"name": props.Unknown{}}), wlISVC()),
			want: []string{`unverifiable: Repository "aws-prod-explainers": cannot verify during preview: name is not known until the resource is created`}},
	})
}

func TestWorkloadServingAvailability(t *testing.T) {
	ready := func() *Resource {
		r := wlISVC()
		spread := []interface{}{map[string]interface{}{"maxSkew": 1.0, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
			"labelSelector": map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": "fraud-xgb"}}}}
		wlSet(r.Inputs, "spec.predictor.topologySpreadConstraints", spread)
		wlSet(r.Inputs, "spec.explainer.topologySpreadConstraints", spread)
		wlSet(r.Inputs, "spec.explainer.minReplicas", 2.0)
		return r
	}
	const on = `InferenceService "aws-prod-model-fraud-xgb" must `
	runRule(t, "serving-availability", []ruleCase{
		{name: "prod model with replicas, spread and budgets", stack: stackOf("prod", ready(), wlPDBOf("fraud-xgb", "predictor"), wlPDBOf("fraud-xgb", "explainer"))},
		{name: "dev model with one replica and no budget", stack: stackOf("dev", wlISVC())},
		{name: "committed prod model: one explainer replica, no spread", stack: stackOf("prod", wlISVC(), wlPDBOf("fraud-xgb", "predictor"), wlPDBOf("fraud-xgb", "explainer")),
			want: []string{
				on + "spread the predictor's replicas across nodes in prod (topologySpreadConstraints or pod anti-affinity)",
				on + "run at least 2 replicas of the explainer in prod (minReplicas is 1)",
				on + "spread the explainer's replicas across nodes in prod (topologySpreadConstraints or pod anti-affinity)",
			}},
		{name: "budget selecting another model", stack: stackOf("prod", ready(), wlPDBOf("fraud-xgb", "predictor"), wlPDBOf("defect-detector", "explainer")),
			want: []string{on + "have a PodDisruptionBudget selecting the explainer's pods in prod (none in namespace serving does)"}},
		{name: "pod anti-affinity counts as spread", stack: stackOf("prod", func() *Resource {
			r := ready()
			wlDel(r.Inputs, "spec.explainer.topologySpreadConstraints")
			wlSet(r.Inputs, "spec.explainer.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution", []interface{}{map[string]interface{}{"weight": 100.0}})
			return r
		}(), wlPDBOf("fraud-xgb", "predictor"), wlPDBOf("fraud-xgb", "explainer"))},
		{name: "sidecar without a readiness probe", stack: stackOf("dev", func() *Resource {
			r := wlISVC()
			c := wlJSON(`{"name":"auth-proxy","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-prod/models:1.0.0"}`)
			wlSet(r.Inputs, "spec.explainer.containers", append(wlList(wlAt(r.Inputs, "spec.explainer.containers")), c))
			return r
		}()), want: []string{on + "declare a readinessProbe on container auth-proxy of the explainer"}},
		{name: "unknown minReplicas in prod", stack: stackOf("prod", func() *Resource {
			r := ready()
			wlSet(r.Inputs, "spec.explainer.minReplicas", props.Unknown{})
			return r
		}(), wlPDBOf("fraud-xgb", "predictor"), wlPDBOf("fraud-xgb", "explainer")),
			want: []string{`unverifiable: InferenceService "aws-prod-model-fraud-xgb": cannot verify during preview: spec.explainer.minReplicas is not known until the resource is created`}},
	})
}

func TestWorkloadSaRbacHygiene(t *testing.T) {
	runnerRBAC := func() []*Resource {
		return []*Resource{wlSA("gpu-runners-runner", "runners", nil), wlRole("Role", "gpu-runners-runner", wlRunnerRules),
			wlBinding("RoleBinding", "gpu-runners-runner", "Role", "gpu-runners-runner", `[{"kind":"ServiceAccount","name":"gpu-runners-runner","namespace":"runners"}]`)}
	}
	committedJob := "spec:\n    containers:\n        - name: $job\n    serviceAccountName: gpu-runners-runner\n"
	runRule(t, "sa-rbac-hygiene", []ruleCase{
		{name: "model and runner accounts pass", stack: stackOf("prod", append(runnerRBAC(),
			wlSA("fraud-xgb", "serving", false), wlSA("fraud-xgb-explainer", "serving", false), wlISVC(),
			wlRunner("gpu-runners", true), wlJob("gpu-runners", wlJobYAML("gpu-runners", true)))...)},
		{name: "pod on the default service account", stack: stackOf("prod", func() *Resource {
			r := wlDeploy("aws-prod-tool", "serving")
			wlDel(r.Inputs, "spec.template.spec.serviceAccountName")
			return r
		}(), func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.predictor.serviceAccountName", "default")
			return r
		}()), want: []string{
			`Deployment "aws-prod-tool" must name a service account other than default`,
			`InferenceService "aws-prod-model-fraud-xgb" must name a service account other than default in the predictor`,
		}},
		{name: "unbound account that mounts its token", stack: stackOf("prod", wlSA("fraud-xgb", "serving", nil), func() *Resource {
			r := wlISVC()
			wlSet(r.Inputs, "spec.predictor.automountServiceAccountToken", true)
			return r
		}()), want: []string{
			`InferenceService "aws-prod-model-fraud-xgb" must not mount a service account token in the predictor: service account "fraud-xgb" has no role binding in the stack`,
			`ServiceAccount "aws-prod-fraud-xgb" must set automountServiceAccountToken to false: no role binding in the stack gives it API access`,
		}},
		{name: "job pod template mounting the runner's token", stack: stackOf("prod", append(runnerRBAC(), wlRunner("gpu-runners", true), wlJob("gpu-runners", committedJob))...),
			want: []string{`ConfigMap "aws-prod-runners-gpu-runners-job-template" must set automountServiceAccountToken to false in the job pod: job code needs no Kubernetes API token (the runner pod drives the API)`}},
		{name: "cluster-admin, system:masters and wildcards", stack: stackOf("prod",
			wlRole("ClusterRole", "everything", `[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]`),
			wlBinding("ClusterRoleBinding", "ci-admin", "ClusterRole", "cluster-admin", `[{"kind":"Group","name":"system:masters","apiGroup":"rbac.authorization.k8s.io"}]`)),
			want: []string{
				`ClusterRole "aws-prod-everything" must not grant every verb ("*") in rules[0]`,
				`ClusterRole "aws-prod-everything" must not grant every resource ("*") in rules[0]`,
				`ClusterRoleBinding "aws-prod-ci-admin" must not bind cluster-admin`,
				`ClusterRoleBinding "aws-prod-ci-admin" must not bind the group system:masters`,
			}},
		{name: "unknown automount", stack: stackOf("prod", wlSA("fraud-xgb", "serving", props.Unknown{})),
			want: []string{`unverifiable: ServiceAccount "aws-prod-fraud-xgb": cannot verify during preview: automountServiceAccountToken is not known until the resource is created`}},
	})
}

func TestWorkloadNetworkExposure(t *testing.T) {
	svc := func(annotations map[string]interface{}) *Resource {
		return res(wlService, "aws-prod-web", map[string]interface{}{"metadata": map[string]interface{}{"name": "web", "namespace": "serving", "annotations": annotations},
			"spec": map[string]interface{}{"type": "LoadBalancer", "ports": []interface{}{map[string]interface{}{"port": 443.0}}}})
	}
	ingress := func(tls string) *Resource {
		return res(wlIngress, "aws-prod-web", wlJSON(`{"metadata":{"name":"web","namespace":"serving"},"spec":{"ingressClassName":"alb",
"rules":[{"host":"models.pangea.ai","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}],"tls":`+tls+`}}`))
	}
	const lb = ` must make its LoadBalancer internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal on EKS, service.beta.kubernetes.io/azure-load-balancer-internal: "true" on AKS); a public one needs a waiver`
	const deny = "a default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no rules)"
	runRule(t, "network-exposure", []ruleCase{
		{name: "namespaces with default deny, internal gateway", stack: stackOf("prod", wlNS("serving", "restricted", ""), wlDenyAll("serving"), wlISVC(),
			res(wlEnvoyProxy, "aws-prod-kserve-proxy", wlJSON(`{"metadata":{"name":"models","namespace":"envoy-gateway-system"},"spec":{"provider":{"kubernetes":{"envoyService":{"name":"models-gateway","type":"ClusterIP"}},"type":"Kubernetes"}}}`)))},
		{name: "namespace without default deny", stack: stackOf("prod", wlNS("serving", "restricted", ""), func() *Resource {
			np := wlDenyAll("serving")
			wlSet(np.Inputs, "spec.podSelector", map[string]interface{}{"matchLabels": map[string]interface{}{"serving.kserve.io/inferenceservice": "fraud-xgb"}})
			return np
		}(), func() *Resource {
			np := wlDenyAll("serving")
			np.Name += "-egress"
			wlSet(np.Inputs, "spec.policyTypes", []interface{}{"Egress"})
			return np
		}()), want: []string{`Namespace "aws-prod-baseline-serving" must have ` + deny}},
		{name: "workload in a namespace the stack does not create", stack: stackOf("prod", wlDeploy("aws-prod-tool", "default")),
			want: []string{`Deployment "aws-prod-tool" must run in a namespace with ` + deny + `: namespace "default" has none`}},
		{name: "public and internal load balancers", stack: stackOf("prod", svc(nil), func() *Resource {
			r := svc(map[string]interface{}{"service.beta.kubernetes.io/azure-load-balancer-internal": "true"})
			r.Name = "aws-prod-internal"
			return r
		}(), res(wlEnvoyProxy, "aws-prod-kserve-proxy", wlJSON(`{"metadata":{"name":"models","namespace":"envoy-gateway-system"},"spec":{"provider":{"type":"Kubernetes"}}}`))),
			want: []string{`Service "aws-prod-web"` + lb, `EnvoyProxy "aws-prod-kserve-proxy"` + lb}},
		{name: "ingress without TLS", stack: stackOf("prod", ingress(`[]`)), want: []string{`Ingress "aws-prod-web" must terminate TLS: spec.tls is empty`}},
		{name: "ingress TLS for another host", stack: stackOf("prod", ingress(`[{"hosts":["api.pangea.ai"],"secretName":"web-tls"}]`)),
			want: []string{`Ingress "aws-prod-web" must list host "models.pangea.ai" in spec.tls`}},
		{name: "ingress wildcard TLS", stack: stackOf("prod", ingress(`[{"hosts":["*.pangea.ai"],"secretName":"web-tls"}]`))},
		{name: "unknown namespace name", stack: stackOf("prod", res(wlNamespace, "aws-prod-baseline-serving", map[string]interface{}{"metadata": map[string]interface{}{"name": props.Unknown{}}})),
			want: []string{`unverifiable: Namespace "aws-prod-baseline-serving": cannot verify during preview: metadata.name is not known until the resource is created`}},
		{name: "policy not known yet", stack: stackOf("prod", wlNS("serving", "restricted", ""), func() *Resource {
			np := wlDenyAll("serving")
			wlSet(np.Inputs, "spec.policyTypes", props.Unknown{})
			return np
		}()), want: []string{`unverifiable: NetworkPolicy "aws-prod-baseline-serving-default-deny": cannot verify during preview: spec.policyTypes is not known until the resource is created`}},
	})
}

func TestWorkloadCiRunnerIsolation(t *testing.T) {
	dind := func(selector map[string]interface{}) *Resource {
		r := wlRunner("docker-runners", false)
		wlSet(r.Inputs, "values.containerMode", map[string]interface{}{"type": "dind"})
		wlSet(r.Inputs, "values.template.spec.nodeSelector", selector)
		return r
	}
	const dindMsg = `Release "aws-prod-runners-docker-runners" must run its jobs in kubernetes container mode: dind runs a privileged Docker daemon beside every job (waive it only for a set on a tainted node group of its own)`
	ci := wlNodeGroup("ci", "cpu", map[string]interface{}{"effect": "NO_SCHEDULE", "key": "mlplatform.pangea.ai/dedicated", "value": "ci"})
	runRule(t, "ci-runner-isolation", []ruleCase{
		{name: "kubernetes-mode sets in a restricted namespace", stack: stackOf("prod", wlNS("runners", "restricted", ""),
			wlRunner("cpu-runners", false), wlJob("cpu-runners", wlJobYAML("cpu-runners", false)),
			wlRunner("gpu-runners", true), wlJob("gpu-runners", wlJobYAML("gpu-runners", true)))},
		{name: "dind on its own tainted node group (waivable)", stack: stackOf("prod", ci, wlNS("runners", "privileged", "docker-runners runs Docker-in-Docker"),
			dind(map[string]interface{}{"mlplatform.pangea.ai/node-group": "ci"})), want: []string{dindMsg}},
		{name: "dind on shared nodes", stack: stackOf("prod", dind(map[string]interface{}{"mlplatform.pangea.ai/kind": "cpu"})), want: []string{
			dindMsg,
			`Release "aws-prod-runners-docker-runners" must pin its dind runners to a node group of their own (nodeSelector mlplatform.pangea.ai/node-group)`,
		}},
		{name: "dind on a group with only the GPU taint", stack: stackOf("prod",
			wlNodeGroup("gpu", "gpu", map[string]interface{}{"effect": "NO_SCHEDULE", "key": "nvidia.com/gpu", "value": "true"}),
			dind(map[string]interface{}{"mlplatform.pangea.ai/node-group": "gpu"})), want: []string{
			dindMsg,
			`Release "aws-prod-runners-docker-runners" must run its dind runners on a tainted node group of their own: node group "gpu" has no taint but the GPU one`,
		}},
		{name: "no container mode, in the default namespace", stack: stackOf("prod", func() *Resource {
			r := wlRunner("cpu-runners", false)
			wlDel(r.Inputs, "values.containerMode")
			wlSet(r.Inputs, "namespace", "default")
			return r
		}()), want: []string{
			`Release "aws-prod-runners-cpu-runners" must run in a namespace of its own, not default`,
			`Release "aws-prod-runners-cpu-runners" must set containerMode.type to kubernetes: without a container mode, jobs run inside the runner container`,
		}},
		{name: "privileged runner namespace without dind, shared with a model", stack: stackOf("prod", wlNS("runners", "privileged", "left over"),
			wlRunner("cpu-runners", false), wlJob("cpu-runners", wlJobYAML("cpu-runners", false)), wlDeploy("aws-prod-tool", "runners")),
			want: []string{
				`Namespace "aws-prod-baseline-runners" must enforce Pod Security restricted: no runner set in it runs dind (it enforces privileged)`,
				`Deployment "aws-prod-tool" must not run in the runner namespace runners: CI jobs share it`,
			}},
		{name: "unreadable job template", stack: stackOf("prod", wlRunner("cpu-runners", false), wlJob("cpu-runners", "spec: [unclosed")),
			want: []string{`ConfigMap "aws-prod-runners-cpu-runners-job-template" must hold a valid job pod template in job.yaml: yaml: line 1: did not find expected ',' or ']'`}},
		{name: "legacy runners that are not ephemeral", stack: stackOf("prod", res("kubernetes:actions.summerwind.dev/v1alpha1:RunnerDeployment", "aws-prod-legacy",
			wlJSON(`{"metadata":{"name":"legacy","namespace":"runners"},"spec":{"replicas":2,"template":{"spec":{"repository":"pangea-ai/mlplatform","ephemeral":false}}}}`))),
			want: []string{`RunnerDeployment "aws-prod-legacy" must keep its runners ephemeral: ephemeral: false reuses a runner, and what a job left on it, for the next job`}},
		{name: "container mode not known yet", stack: stackOf("prod", func() *Resource {
			r := wlRunner("cpu-runners", false)
			wlSet(r.Inputs, "values.containerMode.type", props.Unknown{})
			return r
		}()), want: []string{`unverifiable: Release "aws-prod-runners-cpu-runners": cannot verify during preview: values.containerMode.type is not known until the resource is created`}},
	})
}
