package stacks

import (
	"fmt"
	"slices"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/notebooks"
	"github.com/pangea-ai/mlplatform/components/k8s/runners"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// This file translates the environment file into the components' own
// arguments: components never read the file format (test/imports holds
// them to it). Node groups and pools translate beside their clouds, in
// aws.go (nodeGroupArgs) and azure.go (poolSpec).

// BuildTags returns the tag set for a stack of env. expiresAt is required for an
// ephemeral environment (RFC 3339, after now and within its maxTTL) and must be
// empty otherwise.
func BuildTags(env *environments.Environment, stack, expiresAt string, now time.Time) (tags.Set, error) {
	s := tags.Set{tags.ManagedBy: "pulumi", tags.Stack: stack}
	for k, v := range env.Tags {
		s[k] = v
	}
	switch {
	case env.Ephemeral == nil && expiresAt != "":
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: environment %s is not ephemeral; fix: remove expiresAt from the stack config", expiresAt, env.Name)
	case env.Ephemeral == nil:
		return s, nil
	}
	at, err := time.Parse(time.RFC3339, expiresAt)
	if err != nil {
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: environment %s is ephemeral and needs an RFC 3339 expiry; fix: set it, e.g. %s (preview stacks set it when they are created)",
			expiresAt, env.Name, now.Add(48*time.Hour).UTC().Format(time.RFC3339))
	}
	ttl, _ := time.ParseDuration(env.Ephemeral.MaxTTL) // validated with the environment
	if !at.After(now) || at.Sub(now) > ttl {
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: must lie after now (%s) and within maxTTL %s; fix: set a time within the next %s",
			expiresAt, now.UTC().Format(time.RFC3339), env.Ephemeral.MaxTTL, env.Ephemeral.MaxTTL)
	}
	s[tags.ExpiresAt] = at.UTC().Format(time.RFC3339)
	return s, nil
}

// concernsFor returns the baseline of an environment: the platform's
// namespaces with quotas summed from its models and runner sets, and the
// runners namespace privileged when a set runs Docker-in-Docker.
func concernsFor(env *environments.Environment) ([]baseline.Concern, error) {
	serving, err := servingQuota(env.Models, env.IsProd())
	if err != nil {
		return nil, err
	}
	runners, err := runnersQuota(env.Runners)
	if err != nil {
		return nil, err
	}
	privileged := ""
	for _, r := range env.Runners {
		if r.DockerInDocker {
			privileged = fmt.Sprintf("runner set %s runs privileged Docker-in-Docker on its isolated pool", r.Name)
		}
	}
	out := baseline.PlatformConcerns(serving, runners, privileged)
	if env.MLflowOn() {
		out = append(out, baseline.MLflowConcern())
	}
	if env.JupyterHub != nil {
		out = append(out, baseline.NotebooksConcern())
	}
	return out, nil
}

// servingQuota is the quota of a namespace serving models: their and their
// explainers' requests at maximum replicas, with headroom for rollouts.
func servingQuota(models []environments.Model, prod bool) (*baseline.Quota, error) {
	var q baseline.Quota
	logging := false
	for _, m := range models {
		cpu, mem, err := m.Resources.Quantities()
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		q.CPUMillis += m.MaxReplicas * cpu
		q.MemoryMi += m.MaxReplicas * mem
		q.GPUs += m.MaxReplicas * m.GPUs
		q.Pods += m.MaxReplicas
		if m.Monitoring != nil {
			// KServe's agent beside each logging replica: its CPU request
			// and its memory limit (the quota bounds limits.memory too).
			q.CPUMillis += m.MaxReplicas * serving.AgentCPUMillis
			q.MemoryMi += m.MaxReplicas * serving.AgentMemoryLimitMi
			logging = true
		}
		if m.HasExplainer() {
			cpu, mem, err := m.Explainer.Resources.Quantities()
			if err != nil {
				return nil, fmt.Errorf("explainer of model %s: %w", m.Name, err)
			}
			q.CPUMillis += m.MaxReplicas * cpu
			q.MemoryMi += m.MaxReplicas * mem
			q.Pods += m.MaxReplicas
		}
	}
	if logging {
		// The payload filter, also in the serving namespace.
		n := PayloadFilterReplicas(prod)
		q.CPUMillis += n * serving.PayloadFilterCPUMillis
		q.MemoryMi += n * serving.PayloadFilterMemoryMi
		q.Pods += n
	}
	if measured := serving.QualityModels(servingModels(models)); len(measured) > 0 {
		// TrustyAI and its registrar, and one reference job per model at a
		// time (its init container and upload container run one after the
		// other; the larger counts).
		q.CPUMillis += serving.TrustyAICPUMillis + serving.RegistrarCPUMillis
		q.MemoryMi += serving.TrustyAIMemoryMi + serving.RegistrarMemoryMi
		q.Pods++
		for _, m := range measured {
			if m.Payloads.Quality.Reference != "" {
				q.CPUMillis += serving.ReferenceCPUMillis
				q.MemoryMi += serving.ReferenceMemoryMi
				q.Pods++
			}
		}
	}
	return q.WithHeadroom(), nil
}

// PayloadFilterReplicas is how many payload filters run: two in prod.
func PayloadFilterReplicas(prod bool) int {
	if prod {
		return 2
	}
	return 1
}

// runnersQuota is the runners namespace's quota: each runner and the job
// pod it starts, at maximum runners, with headroom.
func runnersQuota(sets []environments.RunnerSet) (*baseline.Quota, error) {
	var q baseline.Quota
	for _, r := range sets {
		cpu, mem, err := r.Resources.Quantities()
		if err != nil {
			return nil, fmt.Errorf("runner set %s: %w", r.Name, err)
		}
		// In kubernetes container mode each runner starts a job pod of the
		// same size beside itself.
		q.CPUMillis += 2 * r.MaxRunners * cpu
		q.MemoryMi += 2 * r.MaxRunners * mem
		q.GPUs += r.MaxRunners * r.GPUs
		q.Pods += 2 * r.MaxRunners
	}
	return q.WithHeadroom(), nil
}

// ServingModel is an environment's model entry as the serving component
// takes it.
func ServingModel(m environments.Model) serving.Model {
	out := serving.Model{
		Name: m.Name, Format: m.Format, Runtime: m.Runtime, GPUs: m.GPUs, NodeGroup: m.NodeGroup, Resources: m.Resources,
		MinReplicas: m.MinReplicas, MaxReplicas: m.MaxReplicas, ScaleTargetCPUPercent: m.ScaleTargetCPUPercent,
	}
	if e := m.Explainer; m.HasExplainer() {
		out.Explainer = &serving.Explainer{Type: e.Type, ARTAttack: e.ARTAttack, Method: e.Method, Resources: e.Resources}
	}
	if c := m.Card; c != nil {
		card := &modelcard.Card{
			Owner: c.Owner, IntendedUse: c.IntendedUse, OutOfScopeUse: c.OutOfScopeUse, TrainingData: c.TrainingData,
			RiskLevel: c.RiskLevel,
			Review:    modelcard.Review{Date: c.FairnessReview.Date, Reviewer: c.FairnessReview.Reviewer, Outcome: c.FairnessReview.Outcome},
		}
		for _, e := range c.Evaluation {
			card.Evaluation = append(card.Evaluation, modelcard.Metric{Name: e.Metric, Value: e.Value, Dataset: e.Dataset})
		}
		out.Card = card
	}
	if mon := m.Monitoring; mon != nil {
		out.Payloads = &serving.Payloads{Features: mon.Features, Loggable: mon.Loggable, Quality: modelQuality(mon)}
	}
	return out
}

// Defaults of the drift and fairness limits: TrustyAI's own
// (explainability-service .../config/metrics/MetricsConfig.java at
// v0.28.0: drift threshold-delta .05, SPD ±0.1, DIR 0.8 to 1.2).
const (
	DefaultDriftThreshold = 0.05
	DefaultSPDLimit       = 0.1
	DefaultDIRLow         = 0.8
	DefaultDIRHigh        = 1.2
)

// modelQuality is a monitoring block's drift and fairness metrics with
// defaults filled in; nil when it asks for neither.
func modelQuality(mon *environments.ModelMonitoring) *serving.Quality {
	if mon.Reference == "" && mon.Fairness == nil {
		return nil
	}
	q := &serving.Quality{Reference: mon.Reference}
	if mon.Reference != "" {
		q.DriftThreshold = mon.DriftThreshold
		if q.DriftThreshold == 0 {
			q.DriftThreshold = DefaultDriftThreshold
		}
	}
	if f := mon.Fairness; f != nil {
		q.Fairness = &serving.Fairness{ProtectedAttribute: f.ProtectedAttribute, Privileged: f.Privileged, Unprivileged: f.Unprivileged,
			Favorable: f.Favorable, DecisionThreshold: f.DecisionThreshold, SPDLimit: f.SPDLimit, DIRLow: DefaultDIRLow, DIRHigh: DefaultDIRHigh}
		if q.Fairness.SPDLimit == 0 {
			q.Fairness.SPDLimit = DefaultSPDLimit
		}
		if len(f.DIRRange) == 2 {
			q.Fairness.DIRLow, q.Fairness.DIRHigh = f.DIRRange[0], f.DIRRange[1]
		}
	}
	return q
}

// servingModels are an environment's models as the serving component takes
// them.
func servingModels(in []environments.Model) []serving.Model {
	out := make([]serving.Model, 0, len(in))
	for _, m := range in {
		out = append(out, ServingModel(m))
	}
	return out
}

// payloadExpiry deletes each logging model's payloads after its retention:
// one rule per model prefix of the serving namespace.
func payloadExpiry(models []environments.Model) []PayloadRetention {
	var out []PayloadRetention
	for _, m := range models {
		if m.Monitoring != nil {
			out = append(out, PayloadRetention{Model: m.Name, Prefix: serving.PayloadPrefix(baseline.NamespaceServing, m.Name), Days: m.Monitoring.PayloadRetentionDays})
		}
	}
	return out
}

// PayloadRetention is how long one model's payload archive keeps objects.
type PayloadRetention struct {
	Model, Prefix string
	Days          int
}

// servingRuntimes are the ClusterServingRuntimes an environment's models
// use, each once, in order.
func servingRuntimes(models []environments.Model) []string {
	var out []string
	for _, m := range models {
		if r := ServingModel(m).RuntimeName(); !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// runnerSets are an environment's runner sets as the runners component
// takes them.
func runnerSets(in []environments.RunnerSet) []runners.ScaleSet {
	out := make([]runners.ScaleSet, 0, len(in))
	for _, r := range in {
		out = append(out, runners.ScaleSet{
			Name: r.Name, GitHubConfigURL: r.GitHubConfigURL, MinRunners: r.MinRunners, MaxRunners: r.MaxRunners,
			GPUs: r.GPUs, NodeGroup: r.NodeGroup, Resources: r.Resources, DockerInDocker: r.DockerInDocker, PushImages: r.PushImages,
		})
	}
	return out
}

// Notebook sizes: small enough for every node type the catalogue holds
// (the smallest CPU and GPU nodes have 4 vCPU and 16 GiB).
const (
	notebookCPU, notebookMemory       = "1", "4G"
	notebookGPUCPU, notebookGPUMemory = "2", "8G"
	sharedGPUCPU, sharedGPUMemory     = "1", "4G"
)

// notebookProfiles offer a notebook on each CPU and GPU group, CPU first:
// a GPU group that time-slices its GPUs offers a slice of one.
func notebookProfiles(env *environments.Environment, taints nodes.GroupTaints) []notebooks.Profile {
	var cpu, gpu []notebooks.Profile
	for _, name := range sortedNames(env.NodeGroups) {
		g := env.NodeGroups[name]
		switch g.Kind {
		case nodes.KindCPU:
			cpu = append(cpu, notebooks.Profile{Group: name, CPU: notebookCPU, Memory: notebookMemory, Taints: taints[name]})
		case nodes.KindGPU:
			p := notebooks.Profile{Group: name, GPU: true, CPU: notebookGPUCPU, Memory: notebookGPUMemory, Taints: taints[name]}
			if g.GPUSharing != nil {
				p.Shared, p.CPU, p.Memory = true, sharedGPUCPU, sharedGPUMemory
			}
			gpu = append(gpu, p)
		}
	}
	return append(cpu, gpu...)
}
