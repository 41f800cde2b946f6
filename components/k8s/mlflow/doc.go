// Package mlflow runs MLflow's tracking server and model registry on the
// cluster: the official image at a pinned release, non-root on the system
// group, its backend store a managed PostgreSQL whose credentials it reads
// from the cloud's secret store with its own workload identity, its
// artifacts proxied to the platform's artifact store, MLflow's basic-auth
// app in front of every API call, metrics scraped with their own user, and
// network policies that admit only the namespaces that may call it.
package mlflow
