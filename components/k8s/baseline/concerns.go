package baseline

import (
	"fmt"

	"github.com/pangea-ai/mlplatform/environments"
)

// Namespaces of the platform's concerns.
const (
	NamespaceGPU        = "gpu"
	NamespaceMonitoring = "monitoring"
	NamespaceServing    = "serving"
	NamespaceRunners    = "runners"
	// Control planes of the serving and CI services.
	NamespaceKServe      = "kserve"
	NamespaceCertManager = "cert-manager"
	NamespaceARC         = "arc-system"
	// NamespaceGateway holds Envoy Gateway and the proxies every model
	// request passes through.
	NamespaceGateway = "envoy-gateway-system"
)

// headroom scales quotas above the sum of the declared maximums, so rolling
// updates (a surge pod per Deployment) fit.
const headroom = 1.25

// ConcernsFor returns the baseline of an environment: the four namespaces
// with quotas summed from its models and runner sets.
func ConcernsFor(env *environments.Environment) ([]Concern, error) {
	serving, err := servingQuota(env.Models)
	if err != nil {
		return nil, err
	}
	runners, err := runnersQuota(env.Runners)
	if err != nil {
		return nil, err
	}
	runnersPSS, runnersReason := Restricted, ""
	for _, r := range env.Runners {
		if r.DockerInDocker {
			runnersPSS, runnersReason = Privileged, fmt.Sprintf("runner set %s runs privileged Docker-in-Docker on its isolated pool", r.Name)
		}
	}
	return []Concern{
		{Namespace: NamespaceGPU, PodSecurity: Privileged,
			PrivilegedReason: "the NVIDIA device plugin and DCGM exporter DaemonSets mount host paths (device plugin socket, pod-resources)",
			IngressFrom:      []string{NamespaceMonitoring}, EgressHTTPS: true},
		{Namespace: NamespaceMonitoring, PodSecurity: Privileged,
			PrivilegedReason: "the node exporter DaemonSet reads the host's network, PID namespace and root filesystem",
			EgressAll:        true},
		// Callers reach models through the gateway's proxies only.
		{Namespace: NamespaceServing, PodSecurity: Restricted, Quota: serving,
			IngressFrom: []string{NamespaceMonitoring, NamespaceGateway}, EgressHTTPS: true,
			Labels: map[string]string{LabelModelNamespace: "true"}},
		{Namespace: NamespaceRunners, PodSecurity: runnersPSS, PrivilegedReason: runnersReason, Quota: runners,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
		// cert-manager's chart meets restricted; its webhook listens on 10250.
		{Namespace: NamespaceCertManager, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true, WebhookPorts: []int{10250}},
		{Namespace: NamespaceKServe, PodSecurity: BaselinePSS,
			PrivilegedReason: "the KServe 0.15 chart's controller pod (manager and kube-rbac-proxy) is not known to meet restricted; baseline still forbids host access and privileged containers",
			IngressFrom:      []string{NamespaceMonitoring}, EgressHTTPS: true, WebhookPorts: []int{9443}},
		// Envoy Gateway's controller and proxies run as UID 65532 with every
		// capability dropped and the runtime's seccomp profile; callers'
		// access to the proxies and the proxies' to models are the serving
		// component's own policies.
		{Namespace: NamespaceGateway, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
		// The controller and listeners talk to the API server and GitHub.
		{Namespace: NamespaceARC, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
	}, nil
}

// ServingQuota is the quota of a namespace serving models: their and their
// explainers' requests at maximum replicas, with headroom for rollouts.
func ServingQuota(models []environments.Model) (*Quota, error) { return servingQuota(models) }

func servingQuota(models []environments.Model) (*Quota, error) {
	var q Quota
	for _, m := range models {
		cpu, mem, err := quantities(m.Resources)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		q.CPUMillis += m.MaxReplicas * cpu
		q.MemoryMi += m.MaxReplicas * mem
		q.GPUs += m.MaxReplicas * m.GPUs
		q.Pods += m.MaxReplicas
		if m.Explainer != nil {
			cpu, mem, err := quantities(m.Explainer.Resources)
			if err != nil {
				return nil, fmt.Errorf("explainer of model %s: %w", m.Name, err)
			}
			q.CPUMillis += m.MaxReplicas * cpu
			q.MemoryMi += m.MaxReplicas * mem
			q.Pods += m.MaxReplicas
		}
	}
	return q.withHeadroom(), nil
}

func runnersQuota(sets []environments.RunnerSet) (*Quota, error) {
	var q Quota
	for _, r := range sets {
		cpu, mem, err := quantities(r.Resources)
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
	return q.withHeadroom(), nil
}

func (q Quota) withHeadroom() *Quota {
	scale := func(v int) int { return int(float64(v)*headroom + 0.999) }
	return &Quota{CPUMillis: scale(q.CPUMillis), MemoryMi: scale(q.MemoryMi), GPUs: q.GPUs, Pods: scale(q.Pods) + 2}
}

// quantities reads the CPU and memory quantities the environment validator
// admits.
func quantities(r environments.Resources) (cpuMillis, memoryMi int, err error) {
	return r.Quantities()
}
