package rules

import (
	"fmt"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Kubernetes types the workload rules read.
const (
	wlNamespace        = tokens.K8sNamespace
	wlConfigMap        = tokens.K8sConfigMap
	wlServiceAccount   = tokens.K8sServiceAccount
	wlService          = tokens.K8sService
	wlDaemonSet        = tokens.K8sDaemonSet
	wlNetworkPolicy    = tokens.K8sNetworkPolicy
	wlIngress          = tokens.K8sIngress
	wlPDB              = tokens.K8sPodDisruptionBudget
	wlRelease          = tokens.K8sHelmV3Release
	wlInferenceService = tokens.K8sKServeInferenceService
	wlEnvoyProxy       = tokens.K8sEnvoyProxy
	wlRBAC             = "kubernetes:rbac.authorization.k8s.io/v1:"
)

const (
	wlEnforceLabel = "pod-security.kubernetes.io/enforce"
	// wlPSSReason is baseline.AnnotationPSSReason (a test keeps them equal):
	// a namespace below restricted says why in it.
	wlPSSReason = "mlplatform.pangea.ai/pod-security-reason"
	// wlKServeMain is the container KServe builds from a component's model
	// or explainer spec.
	wlKServeMain     = "kserve-container"
	wlAllowedVolumes = "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret"
)

// wlPodSpecPaths are the standard pod-bearing kinds and where their pod spec is.
var wlPodSpecPaths = map[string]string{
	tokens.K8sPod:                   "spec",
	tokens.K8sPodTemplate:           "template.spec",
	tokens.K8sReplicationController: "spec.template.spec",
	tokens.K8sDeployment:            "spec.template.spec",
	tokens.K8sStatefulSet:           "spec.template.spec",
	tokens.K8sDaemonSet:             "spec.template.spec",
	tokens.K8sReplicaSet:            "spec.template.spec",
	tokens.K8sJob:                   "spec.template.spec",
	tokens.K8sCronJob:               "spec.jobTemplate.spec.template.spec",
}

// wlInlineContainers are the fields of an InferenceService component that
// KServe turns into its kserve-container.
var wlInlineContainers = map[string][]string{
	"predictor":   {"model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "lightgbm", "paddle", "pmml"},
	"explainer":   {"art", "alibi"},
	"transformer": nil,
}

// wlUpstreamRepos are the images the toolkit itself writes into pod
// templates (the ARC runner, TrustyAI's explainer and service, KServe's
// storage initializer for reference datasets, this project's payload
// filter, MLflow's official image, each pinned by its component); every
// other image comes from the stack's own registry.
var wlUpstreamRepos = []string{"ghcr.io/actions/actions-runner", "quay.io/trustyai/trustyai-kserve-explainer", "quay.io/trustyai/trustyai-service",
	"docker.io/kserve/storage-initializer", "ghcr.io/pangea-ai/mlplatform-payload-filter", "ghcr.io/mlflow/mlflow"}

func workloadRules() []Rule {
	return []Rule{
		pssRestricted,
		resourcesAndGPU,
		imageProvenance,
		servingAvailability,
		modelCard,
		payloadLogging,
		payloadRetention,
		saRBACHygiene,
		networkExposure,
		ciRunnerIsolation,
		notebookSecurity,
	}
}

// pssRestricted is rule pss-restricted.
var pssRestricted = Rule{ID: "pss-restricted", Category: Workloads, Kind: Fixed,
	Description: "Checks whether pod templates meet Pod Security \"restricted\" and namespaces carry pod-security.kubernetes.io/enforce, a namespace below restricted giving its reason in mlplatform.pangea.ai/pod-security-reason (its pods then meet its own level).",
	Resources:   "pod-bearing kinds (workloads, InferenceService components, ARC runner and job pods), namespaces", Mirrors: "PSS restricted, CIS 4.2.x, kube-linter",
	Check: wlCheckPSS}

// resourcesAndGPU is rule resources-and-gpu.
var resourcesAndGPU = Rule{ID: "resources-and-gpu", Category: Workloads, Kind: Fixed,
	Description: "Checks whether containers request CPU and memory and limit memory, GPU containers limit nvidia.com/gpu, GPU pods tolerate the GPU taint and select GPU nodes, and other pods never tolerate the GPU taint.",
	Resources:   "pod-bearing kinds", Mirrors: "kube-score container-resources",
	Check: wlCheckResources}

// imageProvenance is rule image-provenance.
var imageProvenance = Rule{ID: "image-provenance", Category: Workloads, Kind: Fixed,
	Description: "Checks whether container images pin a tag other than latest (or a digest) and come from the stack's own registry or an upstream image the toolkit pins.",
	Resources:   "containers", Mirrors: "kube-linter latest-tag, CIS 5.1.4",
	Check: wlCheckImages}

// servingAvailability is rule serving-availability.
var servingAvailability = Rule{ID: "serving-availability", Category: Workloads, Kind: ProdOnly,
	Description: "Checks whether model-serving and explainer containers declare readiness probes and, in prod, run at least 2 replicas spread across nodes under a PodDisruptionBudget.",
	Resources:   "InferenceService predictors, explainers and transformers; PodDisruptionBudgets", Mirrors: "kube-score probes, PDB checks",
	Check: wlCheckServing}

// modelCard is rule model-card.
var modelCard = Rule{ID: "model-card", Category: Workloads, Kind: ProdOnly,
	Description: "Checks whether every InferenceService carries a complete model card (owner, intended and out-of-scope use, training data, evaluation, risk level, fairness review), a review that did not reject the model, and, for high-risk models, a review no older than the environment's limit.",
	Resources:   "InferenceServices (model-card.mlplatform.pangea.ai/ annotations)", Mirrors: "Model Cards for Model Reporting (Mitchell et al. 2019); EU AI Act Art. 11 documentation",
	Check: wlCheckModelCards}

// payloadLogging is rule payload-logging.
var payloadLogging = Rule{ID: "payload-logging", Category: Workloads, Kind: ProdOnly,
	Description: "Checks whether every InferenceService's predictor logs its requests and responses (logger mode all) through the payload filter, which keeps only the features the model declares loggable, into the payloads folder of the artifact store, with the storage path, key and parameters KServe requires.",
	Resources:   "InferenceServices (spec.predictor.logger)", Mirrors: "GDPR Art. 5(1)(c) data minimisation; EU AI Act Art. 12 record-keeping",
	Check: wlCheckPayloadLogging}

// payloadRetention is rule payload-retention.
var payloadRetention = Rule{ID: "payload-retention", Category: Workloads, Kind: Fixed,
	Description: "Checks whether every model that archives payloads has a lifecycle rule deleting its folder (payloads/<namespace>/<model>/) after a number of days: an S3 lifecycle rule on AWS, a storage management policy rule on Azure.",
	Resources:   "InferenceServices, S3 bucket lifecycle configurations, storage management policies", Mirrors: "GDPR Art. 5(1)(e) storage limitation",
	Check: wlCheckPayloadRetention}

// saRBACHygiene is rule sa-rbac-hygiene.
var saRBACHygiene = Rule{ID: "sa-rbac-hygiene", Category: Workloads, Kind: Fixed,
	Description: "Checks whether pods name their own service account, tokens are mounted only where a role binding needs them, no binding grants cluster-admin and no role grants every verb or resource.",
	Resources:   "service accounts, roles, bindings, pods", Mirrors: "kube-linter, CIS 4.1.x",
	Check: wlCheckRBAC}

// networkExposure is rule network-exposure.
var networkExposure = Rule{ID: "network-exposure", Category: Workloads, Kind: Lowerable,
	Description: "Checks whether every workload namespace has a default-deny NetworkPolicy, load balancers are internal and Ingresses terminate TLS.",
	Resources:   "namespaces, NetworkPolicies, Services, EnvoyProxies, Ingresses", Mirrors: "kube-score pod-networkpolicy",
	Check: wlCheckExposure}

// ciRunnerIsolation is rule ci-runner-isolation.
var ciRunnerIsolation = Rule{ID: "ci-runner-isolation", Category: Workloads, Kind: Fixed,
	Description: "Checks whether CI runner sets run jobs in kubernetes container mode (dind only on a tainted node group of its own, by waiver), keep runners ephemeral, and have a restricted namespace to themselves.",
	Resources:   "ARC runner scale sets, their job templates, namespace and node group; legacy ARC runners", Mirrors: "ARC hardening guidance",
	Check: wlCheckRunners}

// Reading plain values.

func wlMap(v interface{}) map[string]interface{} {
	m, _ := props.Unwrap(v).(map[string]interface{})
	return m
}

func wlList(v interface{}) []interface{} {
	l, _ := props.Unwrap(v).([]interface{})
	return l
}

func wlStr(v interface{}) string {
	s, _ := props.Unwrap(v).(string)
	return s
}

func wlAt(v interface{}, p string) interface{} {
	x, _ := lookup(v, p)
	return x
}

func wlJoin(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// wlFirstUnknown is the path of the first unknown value inside v, "" if none.
func wlFirstUnknown(v interface{}, p string) string {
	switch t := props.Unwrap(v).(type) {
	case props.Unknown:
		return p
	case map[string]interface{}:
		for _, k := range SortedKeys(t) {
			if u := wlFirstUnknown(t[k], wlJoin(p, k)); u != "" {
				return u
			}
		}
	case []interface{}:
		for i, e := range t {
			if u := wlFirstUnknown(e, fmt.Sprintf("%s[%d]", p, i)); u != "" {
				return u
			}
		}
	}
	return ""
}

// wlNum renders a number as Kubernetes writes it (1001, not 1001.000000).
func wlNum(n float64) string { return fmt.Sprintf("%g", n) }

// wlNamespaceOf is a Kubernetes object's namespace ("default" when unset).
func wlNamespaceOf(r *Resource, p string) (string, bool) {
	v, ok := r.Get(p)
	if _, unknown := v.(props.Unknown); unknown {
		return "", false
	}
	if s := wlStr(v); ok && s != "" {
		return s, true
	}
	return "default", true
}
