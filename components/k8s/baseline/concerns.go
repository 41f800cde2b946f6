package baseline

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
	// NamespaceMLflow holds the tracking server and model registry.
	NamespaceMLflow = "mlflow"
	// NamespaceNotebooks holds JupyterHub and the users' notebooks.
	NamespaceNotebooks = "notebooks"
)

// NotebooksConcern is JupyterHub's namespace: restricted (the hub, proxy
// and notebooks all run non-root with every capability dropped), scraped
// by monitoring, HTTPS out; the chart's own policies narrow each pod's
// traffic further.
func NotebooksConcern() Concern {
	return Concern{Namespace: NamespaceNotebooks, PodSecurity: Restricted, IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true}
}

// MLflowConcern is the tracking server's namespace: restricted, scraped by
// monitoring, HTTPS out (the secret store, the artifact store, the cloud's
// token endpoints). Who may call it, and its database port, are the MLflow
// component's own policies.
func MLflowConcern() Concern {
	return Concern{Namespace: NamespaceMLflow, PodSecurity: Restricted, IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true,
		Labels: map[string]string{LabelPlatformService: "true"}}
}

// headroom scales quotas above the sum of the declared maximums, so rolling
// updates (a surge pod per Deployment) fit.
const headroom = 1.25

// PlatformConcerns returns the platform's namespaces: the serving and
// runners namespaces with the quotas given (nil: none), and the runners
// namespace privileged when runnersPrivileged says why (empty keeps it
// restricted).
func PlatformConcerns(serving, runners *Quota, runnersPrivileged string) []Concern {
	runnersPSS := Restricted
	if runnersPrivileged != "" {
		runnersPSS = Privileged
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
		{Namespace: NamespaceRunners, PodSecurity: runnersPSS, PrivilegedReason: runnersPrivileged, Quota: runners,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
		// cert-manager's chart meets restricted; its webhook listens on 10250.
		{Namespace: NamespaceCertManager, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true, WebhookPorts: []int{10250}},
		// KServe v0.20.0's controller pod meets restricted: the pod runs as
		// non-root with the RuntimeDefault seccomp profile, and the manager
		// and kube-rbac-proxy containers drop every capability and forbid
		// privilege escalation (kserve-resources values.yaml
		// kserve.controller.securityContext, containerSecurityContext and
		// rbacProxy.securityContext, applied by
		// files/kserve/deployment-patch.yaml). Its webhook listens on 9443
		// (files/kserve/resources.yaml, the manager's containerPort).
		{Namespace: NamespaceKServe, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true, WebhookPorts: []int{9443}},
		// Envoy Gateway's controller and proxies run as UID 65532 with every
		// capability dropped and the runtime's seccomp profile; callers'
		// access to the proxies and the proxies' to models are the serving
		// component's own policies.
		{Namespace: NamespaceGateway, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
		// The controller and listeners talk to the API server and GitHub.
		{Namespace: NamespaceARC, PodSecurity: Restricted,
			IngressFrom: []string{NamespaceMonitoring}, EgressHTTPS: true},
	}
}

// WithHeadroom scales a quota summed from declared maximums so rolling
// updates (a surge pod per Deployment) fit: CPU, memory and pods by 25%,
// two pods more; GPUs are never surged.
func (q Quota) WithHeadroom() *Quota {
	scale := func(v int) int { return int(float64(v)*headroom + 0.999) }
	return &Quota{CPUMillis: scale(q.CPUMillis), MemoryMi: scale(q.MemoryMi), GPUs: q.GPUs, Pods: scale(q.Pods) + 2}
}
