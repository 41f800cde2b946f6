// Package baseline provides Baseline: what every cluster gets before any
// platform service — a namespace per concern (gpu, monitoring, serving,
// runners) with Pod Security labels, restricted wherever possible and
// privileged only where a DaemonSet needs the host (with the reason as an
// annotation); a ResourceQuota and LimitRange in workload namespaces; a
// default-deny NetworkPolicy in every namespace plus the explicit allows each
// concern needs; and PriorityClasses for platform and serving workloads.
package baseline
