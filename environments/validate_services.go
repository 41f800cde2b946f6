package environments

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// ModelFormats are the model formats the serving component knows.
var ModelFormats = []string{"sklearn", "xgboost", "pytorch", "tensorflow", "huggingface"}

// ExplainerTypes are the explainer kinds; all are licence-safe (no BSL code).
var ExplainerTypes = []string{"trustyai", "art", "custom", "none"}

// ExplainerMethods are what a trustyai explainer computes: its
// EXPLAINER_TYPE (trustyai-kserve-explainer v0.2.0 ConfigService), lowered.
var ExplainerMethods = []string{"all", "lime", "shap"}

// V2OnlyRuntimes are the serving runtimes that speak only the v2 inference
// protocol: Triton (kserve-runtime-configs v0.20.0 files/runtimes/
// resources.yaml: kserve-tritonserver protocolVersions v2, grpc-v2).
var V2OnlyRuntimes = []string{"kserve-tritonserver"}

// v2OnlyFormats are the formats whose default runtime is v2-only: pytorch's
// is Triton (serving.Runtimes; a stacks test holds the two together).
var v2OnlyFormats = []string{"pytorch"}

// ServedOverV2Only reports whether the model's runtime speaks only v2, so
// that TrustyAI's and ART's explainers, which call the predictor over v1,
// cannot explain it.
func (m Model) ServedOverV2Only() bool {
	if m.Runtime != "" {
		return slices.Contains(V2OnlyRuntimes, m.Runtime)
	}
	return slices.Contains(v2OnlyFormats, m.Format)
}

// DefaultExplainer is the explainer of a model that names none: TrustyAI's
// LIME and SHAP explainer with this project's default size (its upstream
// deployments set no resources).
func DefaultExplainer() *Explainer {
	return &Explainer{Type: "trustyai", Method: "all", Resources: Resources{CPU: "500m", Memory: "1Gi"}}
}

var (
	dnsLabelRE  = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	cpuRE       = regexp.MustCompile(`^([0-9]+m|[0-9]+(\.[0-9]+)?)$`)
	memoryRE    = regexp.MustCompile(`^[0-9]+(Mi|Gi)$`)
	githubURLRE = regexp.MustCompile(`^https://github\.com/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$`)
	imageRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$`)
	modelPathRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)
	artAttackRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]+$`)
	runtimeRE   = regexp.MustCompile(`^[a-z][-a-z0-9]{0,62}$`)
	featureRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,62}$`)
)

// MaxPayloadRetentionDays bounds how long logged payloads are kept: ten
// years, beyond any audit duty the platform has heard of.
const MaxPayloadRetentionDays = 3650

// modelMonitoring checks what a model logs: features named and unique,
// loggable ones among them, and a retention.
func (v *validator) modelMonitoring(p string, m *ModelMonitoring) {
	if len(m.Features) == 0 {
		v.ps.add(p+".features", missing, "must list the model's input features, in the order its input carries them", "list them, e.g. [amount, merchant_category, country]")
	}
	seen := map[string]bool{}
	for i, f := range m.Features {
		switch {
		case !featureRE.MatchString(f):
			v.ps.add(fmt.Sprintf("%s.features[%d]", p, i), q(f), "must be a feature name: a letter or _, then letters, digits, _ . or -, at most 63", "use the name the model's input gives the column")
		case seen[f]:
			v.ps.add(fmt.Sprintf("%s.features[%d]", p, i), q(f), "appears twice", "name each feature once")
		}
		seen[f] = true
	}
	logged := map[string]bool{}
	for i, f := range m.Loggable {
		switch {
		case !seen[f]:
			v.ps.add(fmt.Sprintf("%s.loggable[%d]", p, i), q(f), "is not one of the model's features", "list only names from features")
		case logged[f]:
			v.ps.add(fmt.Sprintf("%s.loggable[%d]", p, i), q(f), "appears twice", "name each feature once")
		}
		logged[f] = true
	}
	if m.PayloadRetentionDays < 1 || m.PayloadRetentionDays > MaxPayloadRetentionDays {
		v.ps.add(p+".payloadRetentionDays", n(m.PayloadRetentionDays), fmt.Sprintf("must be 1 to %d: logged payloads are deleted after it", MaxPayloadRetentionDays), "set the retention your data-protection review agreed, e.g. 30")
	}
	if m.Reference != "" && (strings.Contains(m.Reference, "://") || strings.HasPrefix(m.Reference, "/") || strings.Contains(m.Reference, "..") || !modelPathRE.MatchString(m.Reference)) {
		v.ps.add(p+".reference", q(m.Reference), "must be a file's path inside the model's storageUri folder: the reference is read with the model's own read-only identity", `write it relative to storageUri, e.g. "reference.json"`)
	}
	if m.DriftThreshold != 0 {
		switch {
		case m.Reference == "":
			v.ps.add(p+".driftThreshold", fl(m.DriftThreshold), "needs a reference: drift is measured against it", "name the reference dataset in reference, or remove driftThreshold")
		case !(m.DriftThreshold > 0 && m.DriftThreshold < 1):
			v.ps.add(p+".driftThreshold", fl(m.DriftThreshold), "must be a p-value between 0 and 1 (exclusive): a feature whose meanshift test falls below it has drifted", "use 0.05, TrustyAI's default, or remove it")
		}
	}
	if fa := m.Fairness; fa != nil {
		fp := p + ".fairness"
		if !logged[fa.ProtectedAttribute] {
			v.ps.add(fp+".protectedAttribute", q(fa.ProtectedAttribute), "must be one of loggable: the metrics are computed from the logged features", "name a loggable feature, or make the attribute loggable after your data-protection review")
		}
		for _, x := range []struct {
			k string
			v float64
		}{{"privileged", fa.Privileged}, {"unprivileged", fa.Unprivileged}, {"favorable", fa.Favorable}} {
			if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
				v.ps.add(fp+"."+x.k, fl(x.v), "must be a finite number", "write the value the feature or prediction takes")
			}
		}
		if fa.Privileged == fa.Unprivileged {
			v.ps.add(fp+".unprivileged", fl(fa.Unprivileged), "equals privileged: the metrics compare two different groups", "write the unprivileged group's value of "+fa.ProtectedAttribute)
		}
		if t := fa.DecisionThreshold; t != nil {
			if math.IsNaN(*t) || math.IsInf(*t, 0) {
				v.ps.add(fp+".decisionThreshold", fl(*t), "must be a finite number", "write the score at which the model's decision changes, e.g. 0.5")
			}
			if fa.Favorable != 0 && fa.Favorable != 1 {
				v.ps.add(fp+".favorable", fl(fa.Favorable), "must be 0 or 1 with a decisionThreshold: the decision is 1 at or above the threshold, else 0", "write 1 if a high score benefits the person, else 0")
			}
		}
		if fa.SPDLimit != 0 && !(fa.SPDLimit > 0 && fa.SPDLimit < 1) {
			v.ps.add(fp+".spdLimit", fl(fa.SPDLimit), "must be between 0 and 1 (exclusive): statistical parity difference lies in [-1, 1]", "use 0.1, TrustyAI's default, or remove it")
		}
		if fa.DIRRange != nil && (len(fa.DIRRange) != 2 || !(fa.DIRRange[0] > 0 && fa.DIRRange[0] < 1 && fa.DIRRange[1] > 1 && !math.IsInf(fa.DIRRange[1], 0))) {
			v.ps.add(fp+".dirRange", fmt.Sprint(fa.DIRRange), "must be [low, high] with 0 < low < 1 < high: a ratio of 1 is parity", "use [0.8, 1.25] (the four-fifths rule both ways) or remove it for TrustyAI's [0.8, 1.2]")
		}
	}
}

func (v *validator) monitoring() {
	m := v.env.Monitoring
	if m == nil {
		return
	}
	if m.RetentionDays < 1 || m.RetentionDays > 90 {
		v.ps.add("monitoring.retentionDays", n(m.RetentionDays), "must be 1 to 90", "use 15, or remote write for longer history")
	}
	if m.StorageGiB < 10 || m.StorageGiB > 2000 {
		v.ps.add("monitoring.storageGiB", n(m.StorageGiB), "must be 10 to 2000", "use 50")
	}
	a := m.Alerts
	for _, f := range []struct {
		key string
		ok  bool
		val string
	}{
		{"servingP95LatencyMs", a.ServingP95LatencyMs > 0, n(a.ServingP95LatencyMs)},
		{"servingErrorRatePercent", a.ServingErrorRatePercent > 0 && a.ServingErrorRatePercent < 100, fmt.Sprint(a.ServingErrorRatePercent)},
		{"gpuTemperatureC", a.GPUTemperatureC >= 60 && a.GPUTemperatureC <= 100, n(a.GPUTemperatureC)},
		{"runnerBacklog", a.RunnerBacklog > 0, n(a.RunnerBacklog)},
	} {
		if !f.ok {
			v.ps.add("monitoring.alerts."+f.key, f.val, "must be a positive threshold (GPU temperature 60 to 100, error rate below 100)", "see docs/environments.md for the defaults")
		}
	}
}

// placement checks where a model or runner set runs and returns the kind of
// its node group ("" when it cannot tell).
func (v *validator) placement(p, group string, gpus int) {
	if gpus < 0 {
		v.ps.add(p+".gpus", n(gpus), "must be 0 or more", "remove it for CPU workloads")
	}
	if group == "" {
		switch {
		case gpus > 0 && !v.hasKind(nodes.KindGPU):
			v.ps.add(p+".gpus", n(gpus), "the environment has no gpu node group to run on", "add a group with kind: gpu, or set gpus: 0")
		case gpus == 0 && !v.hasKind(nodes.KindCPU):
			v.ps.add(p+".nodeGroup", missing, "the environment has no cpu node group to run on (the system group runs add-ons only)", "add a group with kind: cpu, or name one in nodeGroup")
		}
		return
	}
	g, ok := v.env.NodeGroups[group]
	switch {
	case !ok:
		v.ps.add(p+".nodeGroup", q(group), "is not a node group of this environment", "use one of "+strings.Join(sortedKeys(v.env.NodeGroups), ", "))
	case gpus > 0 && g.Kind != nodes.KindGPU:
		v.ps.add(p+".nodeGroup", q(group), fmt.Sprintf("is a %s group, but the workload asks for %d GPUs", g.Kind, gpus), "use a gpu group")
	case gpus == 0 && g.Kind == nodes.KindGPU:
		v.ps.add(p+".nodeGroup", q(group), "is a gpu group, but the workload asks for no GPU", "set gpus, or use a cpu group")
	case g.Kind == nodes.KindSystem:
		v.ps.add(p+".nodeGroup", q(group), "the system group runs cluster add-ons only", "use a cpu or gpu group")
	}
}

func (v *validator) hasKind(kind string) bool {
	for _, g := range v.env.NodeGroups {
		if g.Kind == kind {
			return true
		}
	}
	return false
}

func (v *validator) resources(p string, r Resources) {
	if !cpuRE.MatchString(r.CPU) {
		v.ps.add(p+".cpu", q(r.CPU), "must be a CPU quantity", `write "500m" or "2"`)
	}
	if !memoryRE.MatchString(r.Memory) {
		v.ps.add(p+".memory", q(r.Memory), "must be a memory quantity in Mi or Gi", `write "512Mi" or "4Gi"`)
	}
}

func (v *validator) models() {
	var names []string
	for i, m := range v.env.Models {
		p := fmt.Sprintf("models[%d]", i)
		v.uniqueLabel(p+".name", m.Name, &names, "model", "rename the model, e.g. fraud-xgb", "give each model its own name")
		if !slices.Contains(ModelFormats, m.Format) {
			v.ps.add(p+".format", q(m.Format), "is not a model format the platform serves", "use one of "+strings.Join(ModelFormats, ", "))
		}
		if m.Runtime != "" && !runtimeRE.MatchString(m.Runtime) {
			v.ps.add(p+".runtime", q(m.Runtime), "must be a serving runtime name", "remove it to use the format's default runtime")
		}
		if strings.Contains(m.StorageURI, "://") || strings.HasPrefix(m.StorageURI, "/") || strings.Contains(m.StorageURI, "..") || !modelPathRE.MatchString(m.StorageURI) {
			v.ps.add(p+".storageUri", q(m.StorageURI), "must be a path inside the platform's artifact store: models are read only from there, with the model's own read-only identity", `write the path under the model prefix, e.g. "fraud/v3"`)
		}
		v.placement(p, m.NodeGroup, m.GPUs)
		v.resources(p+".resources", m.Resources)
		v.fits(p, m.NodeGroup, m.GPUs, m.Resources)
		minimum := 1
		if v.env.IsProd() {
			minimum = 2
		}
		if m.MinReplicas < minimum {
			v.ps.add(p+".minReplicas", n(m.MinReplicas), fmt.Sprintf("must be at least %d (KServe's Standard mode never scales to zero; prod keeps 2 for availability)", minimum), fmt.Sprintf("set minReplicas: %d", minimum))
		} else if m.MinReplicas > m.MaxReplicas {
			v.ps.add(p+".minReplicas", n(m.MinReplicas), fmt.Sprintf("must be <= maxReplicas (%d)", m.MaxReplicas), "lower minReplicas or raise maxReplicas")
		}
		if m.ScaleTargetCPUPercent < 10 || m.ScaleTargetCPUPercent > 95 {
			v.ps.add(p+".scaleTargetCpuPercent", n(m.ScaleTargetCPUPercent), "must be 10 to 95", "use 70")
		}
		if m.Explainer != nil {
			v.explainer(p+".explainer", m.Explainer)
		}
		if m.ServedOverV2Only() {
			// TrustyAI's explainer (v0.2.0) and ART's call the predictor's
			// v1 :predict; Triton answers v2 only.
			switch {
			case m.Explainer == nil:
				v.ps.add(p+".explainer", missing, "a model served by Triton (v2 protocol only; pytorch's runtime) has no default explainer: TrustyAI's and ART's call the predictor over v1",
					"declare type: custom with an explainer image that calls the predictor over v2 (e.g. Captum attributions), or type: none")
			case m.Explainer.Type == "trustyai" || m.Explainer.Type == "art":
				v.ps.add(p+".explainer.type", q(m.Explainer.Type), "calls the predictor over the v1 protocol, which Triton (pytorch's runtime) does not speak",
					"declare type: custom with an explainer image that calls the predictor over v2, or type: none")
			}
		}
		if m.HasExplainer() {
			// Explainers run on CPU: beside the model when it is on CPU,
			// on any CPU group when the model takes GPUs.
			group := m.NodeGroup
			if m.GPUs > 0 {
				group = ""
			}
			v.fits(p+".explainer", group, 0, m.Explainer.Resources)
		}
		if m.Card != nil {
			v.card(p+".card", m.Card)
		}
		if m.Monitoring != nil {
			v.modelMonitoring(p+".monitoring", m.Monitoring)
			if (m.Monitoring.Reference != "" || m.Monitoring.Fairness != nil) && v.env.Monitoring == nil {
				field := ".reference"
				if m.Monitoring.Reference == "" {
					field = ".fairness"
				}
				v.ps.add(p+".monitoring"+field, "set", "drift and fairness need the monitoring section: TrustyAI keeps its data on the encrypted storage class it creates, and the alerts run in its Prometheus",
					"add a monitoring section (see docs/environments.md), or remove reference and fairness")
			}
		}
	}
	v.modelNameCollisions()
}

// cardTextMax keeps each free-text field of a card short enough to read in
// a pull-request comment; a longer account belongs in a linked document.
const cardTextMax = 500

// card checks a model card's shape: every field set, levels and outcomes
// from their lists, a review date that has happened. Whether prod models
// carry one, and how old a high-risk model's review may be, is policy
// rule model-card's to judge, on the InferenceService.
func (v *validator) card(p string, c *ModelCard) {
	for _, f := range []struct{ key, value, fix string }{
		{"owner", c.Owner, `name the team or person who answers for the model, e.g. "fraud-ml (fraud-ml@pangea.ai)"`},
		{"intendedUse", c.IntendedUse, "say what decisions the model supports and for whom"},
		{"outOfScopeUse", c.OutOfScopeUse, "say what the model must not be used for"},
		{"trainingData", c.TrainingData, `reference the training data, e.g. "s3://datasets/fraud/2026-10" or a registry version`},
	} {
		switch t := strings.TrimSpace(f.value); {
		case t == "":
			v.ps.add(p+"."+f.key, missing, "required in a model card", f.fix)
		case len(t) > cardTextMax:
			v.ps.add(p+"."+f.key, fmt.Sprintf("%d characters", len(t)), fmt.Sprintf("must be at most %d characters (it is shown in pull requests and kept as an annotation)", cardTextMax), "shorten it and link a longer document")
		}
	}
	if len(c.Evaluation) == 0 {
		v.ps.add(p+".evaluation", missing, "a model card needs the metrics the model was accepted on", "add e.g. {metric: auc, value: 0.94, dataset: holdout-2026-10}")
	}
	for i, e := range c.Evaluation {
		at := fmt.Sprintf("%s.evaluation[%d]", p, i)
		if !cardMetricRE.MatchString(e.Metric) {
			v.ps.add(at+".metric", q(e.Metric), "must be a metric name (letters, digits, _ . - @, at most 63)", "write e.g. auc, recall@0.5 or f1")
		}
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			v.ps.add(at+".value", fmt.Sprint(e.Value), "must be a finite number", "write the value the model scored")
		}
	}
	if !slices.Contains(modelcard.RiskLevels, c.RiskLevel) {
		v.ps.add(p+".riskLevel", q(c.RiskLevel), "must be one of "+strings.Join(modelcard.RiskLevels, ", "), "set the risk level the model's review assigned")
	}
	r := c.FairnessReview
	if day, err := time.Parse(modelcard.ReviewDateLayout, r.Date); err != nil {
		v.ps.add(p+".fairnessReview.date", q(r.Date), "must be a date YYYY-MM-DD", "set the day of the latest fairness review")
	} else if day.After(v.opts.Now) {
		v.ps.add(p+".fairnessReview.date", q(r.Date), "is in the future", "set the day the review took place")
	}
	if strings.TrimSpace(r.Reviewer) == "" {
		v.ps.add(p+".fairnessReview.reviewer", missing, "required in a model card", "name who reviewed the model's fairness")
	}
	if !slices.Contains(modelcard.Outcomes, r.Outcome) {
		v.ps.add(p+".fairnessReview.outcome", q(r.Outcome), "must be one of "+strings.Join(modelcard.Outcomes, ", "), "record the review's outcome")
	}
}

var cardMetricRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.@-]{0,62}$`)

// ModelObjectSuffixes are what the toolkit and KServe append to a model's
// name to name its objects in the serving namespace: the explainer's
// service account, the components' Deployments, Services, PodMonitors and
// disruption budgets, the request rules, the caller policy.
var ModelObjectSuffixes = []string{"explainer", "predictor", "requests", "callers"}

// modelNameCollisions refuses a model named like another model's objects:
// fraud-xgb-explainer beside fraud-xgb would render two ServiceAccounts
// serving/fraud-xgb-explainer, one carrying a model's storage identity.
func (v *validator) modelNameCollisions() {
	for i, m := range v.env.Models {
		for _, other := range v.env.Models {
			for _, suffix := range ModelObjectSuffixes {
				if other.Name != m.Name && m.Name == other.Name+"-"+suffix {
					v.ps.add(fmt.Sprintf("models[%d].name", i), q(m.Name),
						fmt.Sprintf("is the name of model %s's %s objects (the toolkit and KServe name a model's objects <model>-%s)", other.Name, suffix, strings.Join(ModelObjectSuffixes, ", -")),
						"rename the model so it does not end in -"+suffix+" after another model's name")
				}
			}
		}
	}
}

// uniqueLabel checks that name is a DNS label no earlier entry uses, and
// records it in seen.
func (v *validator) uniqueLabel(path, name string, seen *[]string, what, renameFix, duplicateFix string) {
	switch {
	case !dnsLabelRE.MatchString(name):
		v.ps.add(path, q(name), what+" names are lowercase DNS labels of at most 40 characters", renameFix)
	case slices.Contains(*seen, name):
		v.ps.add(path, q(name), "is used by another "+what, duplicateFix)
	}
	*seen = append(*seen, name)
}

func (v *validator) explainer(p string, e *Explainer) {
	if e.Method != "" && e.Type != "trustyai" {
		v.ps.add(p+".method", q(e.Method), "only a trustyai explainer takes a method", "remove method, or set type: trustyai")
	}
	switch e.Type {
	case "none":
		if e.Image != "" || e.ARTAttack != "" {
			v.ps.add(p+".type", q(e.Type), "an explainer of type none runs nothing, so it takes no image or artAttack", "remove them, or pick a type")
		}
		return
	case "trustyai":
		if e.Method != "" && !slices.Contains(ExplainerMethods, e.Method) {
			v.ps.add(p+".method", q(e.Method), "must be one of "+strings.Join(ExplainerMethods, ", "), "use all for LIME and SHAP")
		}
		if e.Image != "" || e.ARTAttack != "" {
			v.ps.add(p+".type", q(e.Type), "a trustyai explainer runs the toolkit's pinned TrustyAI image, so it takes no image or artAttack", "remove them, or set type: custom")
		}
	case "art":
		if !artAttackRE.MatchString(e.ARTAttack) {
			v.ps.add(p+".artAttack", q(e.ARTAttack), "an art explainer needs the ART attack to run", "use SquareAttack")
		}
		if e.Image != "" {
			v.ps.add(p+".image", q(e.Image), "an art explainer uses KServe's ART image", "remove image, or set type: custom")
		}
	case "custom":
		if !imageRE.MatchString(e.Image) || strings.HasSuffix(e.Image, ":latest") {
			v.ps.add(p+".image", q(e.Image), "a custom explainer needs an image with a pinned tag or digest (never latest)", `write e.g. "explainers/shap-server:1.2.0"`)
		}
	default:
		v.ps.add(p+".type", q(e.Type), "must be one of "+strings.Join(ExplainerTypes, ", ")+" (licence-safe explainers only)", "use trustyai for LIME and SHAP attributions")
	}
	v.resources(p+".resources", e.Resources)
}

func (v *validator) runners() {
	var names []string
	for i, r := range v.env.Runners {
		p := fmt.Sprintf("runners[%d]", i)
		v.uniqueLabel(p+".name", r.Name, &names, "runner set", "rename the set, e.g. gpu-runners", "give each set its own name")
		if !githubURLRE.MatchString(r.GitHubConfigURL) {
			v.ps.add(p+".githubConfigUrl", q(r.GitHubConfigURL), "must be a GitHub organisation or repository URL", "write https://github.com/<org> or https://github.com/<org>/<repo>")
		}
		switch {
		case r.MinRunners < 0:
			v.ps.add(p+".minRunners", n(r.MinRunners), "must be 0 or more", "use 0 to scale to zero")
		case r.MaxRunners < 1:
			v.ps.add(p+".maxRunners", n(r.MaxRunners), "must be at least 1", "raise maxRunners")
		case r.MinRunners > r.MaxRunners:
			v.ps.add(p+".minRunners", n(r.MinRunners), fmt.Sprintf("must be <= maxRunners (%d)", r.MaxRunners), "lower minRunners or raise maxRunners")
		}
		v.placement(p, r.NodeGroup, r.GPUs)
		v.resources(p+".resources", r.Resources)
		v.fits(p, r.NodeGroup, r.GPUs, r.Resources)
		if r.DockerInDocker {
			g, ok := v.env.NodeGroups[r.NodeGroup]
			if !ok || len(g.Taints) == 0 {
				v.ps.add(p+".dockerInDocker", "true", "privileged Docker-in-Docker runs only on an isolated pool: a node group with a taint of its own", "set nodeGroup to a tainted group, or use the default kubernetes container mode")
			}
		}
	}
}

func (v *validator) gpuSharing(p string, g NodeGroup) {
	if g.GPUSharing == nil {
		return
	}
	if g.Kind != nodes.KindGPU {
		v.ps.add(p+".gpuSharing", "set", "GPU sharing applies to gpu groups only", "remove it")
	} else if r := g.GPUSharing.TimeSlicingReplicas; r < 2 || r > 16 {
		v.ps.add(p+".gpuSharing.timeSlicingReplicas", n(r), "must be 2 to 16", "use 4, or remove gpuSharing")
	}
}

func (v *validator) policies() {
	p := v.env.Policies
	if p == nil {
		return
	}
	if d := p.FairnessReviewMaxAgeDays; d < 0 || d > 3650 {
		v.ps.add("policies.fairnessReviewMaxAgeDays", n(d), "must be 1 to 3650 days, or 0 for the default", fmt.Sprintf("use %d", DefaultFairnessReviewMaxAgeDays))
	}
	for _, id := range sortedKeys(p.Levels) {
		if l := p.Levels[id]; l != "mandatory" && l != "advisory" && l != "disabled" {
			v.ps.add("policies.levels."+id, q(l), "must be mandatory, advisory or disabled", "use advisory to report without blocking")
		}
	}
	for i, w := range p.Waivers {
		at := fmt.Sprintf("policies.waivers[%d]", i)
		if w.Rule == "" {
			v.ps.add(at+".rule", missing, "required", "name the rule id the waiver is for (docs/policies.md)")
		}
		if w.Resource == "" || strings.ContainsAny(w.Resource, "*?") {
			v.ps.add(at+".resource", q(w.Resource), "must name one resource", "use the resource's name as `make plan` lists it")
		}
		if strings.TrimSpace(w.Reason) == "" {
			v.ps.add(at+".reason", missing, "required", "say why the resource may break the rule, for the reviewer")
		}
		if _, err := time.Parse("2006-01-02", w.Expires); err != nil {
			v.ps.add(at+".expires", q(w.Expires), "must be a date YYYY-MM-DD", "set the last day the waiver holds, e.g. 90 days out")
		}
	}
}
