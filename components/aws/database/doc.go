// Package database creates the platform's managed PostgreSQL on AWS: an RDS
// instance for MLflow's backend store, encrypted with a platform key, TLS
// enforced, in the private subnets, reachable only from the cluster's
// nodes, with its master password managed by RDS in Secrets Manager.
package database
