// Package database creates the platform's managed PostgreSQL on Azure: a
// flexible server for MLflow's backend store, reached only through its
// delegated subnet, encrypted with a customer-managed key, TLS required,
// an Entra administrator beside the password one, and that password kept
// in Key Vault, where the tracking server reads it.
package database
