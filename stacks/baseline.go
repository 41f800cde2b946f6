package stacks

import (
	"fmt"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/environments"
)

// concernsFor returns the baseline of an environment: the platform's
// namespaces with quotas summed from its models and runner sets, and the
// runners namespace privileged when a set runs Docker-in-Docker.
func concernsFor(env *environments.Environment) ([]baseline.Concern, error) {
	serving, err := servingQuota(env.Models)
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
	return baseline.PlatformConcerns(serving, runners, privileged), nil
}

// servingQuota is the quota of a namespace serving models: their and their
// explainers' requests at maximum replicas, with headroom for rollouts.
func servingQuota(models []environments.Model) (*baseline.Quota, error) {
	var q baseline.Quota
	for _, m := range models {
		cpu, mem, err := m.Resources.Quantities()
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		q.CPUMillis += m.MaxReplicas * cpu
		q.MemoryMi += m.MaxReplicas * mem
		q.GPUs += m.MaxReplicas * m.GPUs
		q.Pods += m.MaxReplicas
		if m.Explainer != nil {
			cpu, mem, err := m.Explainer.Resources.Quantities()
			if err != nil {
				return nil, fmt.Errorf("explainer of model %s: %w", m.Name, err)
			}
			q.CPUMillis += m.MaxReplicas * cpu
			q.MemoryMi += m.MaxReplicas * mem
			q.Pods += m.MaxReplicas
		}
	}
	return q.WithHeadroom(), nil
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
