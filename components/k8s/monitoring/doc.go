// Package monitoring provides Monitoring: kube-prometheus-stack (Prometheus,
// Alertmanager, Grafana, kube-state-metrics, node exporter and the
// Prometheus Operator with its CRDs) as one pinned Helm Release, and what
// the platform adds around it.
//
// Prometheus keeps its data on a volume of an encrypted StorageClass the
// cloud provides (EBS gp3 with the platform's KMS key; Azure managed disks
// with the platform's disk encryption set), for RetentionDays or until the
// volume is 90% full. Grafana's admin password comes from a Pulumi secret
// through a Kubernetes Secret; Grafana keeps no state, because every
// dashboard is generated here and provisioned from a ConfigMap. The
// platform's PrometheusRules page on GPU faults, serving latency and
// availability, and CI runner backlog. Remote write to the cloud's managed
// Prometheus is optional.
package monitoring
