// Package keyvault provides Vault: the Key Vault that holds the AKS KMS key
// and the storage account's customer-managed key.
//
// The vault uses Azure RBAC (no access policies), soft delete and purge
// protection, and denies network access by default: the listed CIDRs and a
// private endpoint in the network are the only ways in (trusted Azure
// services, such as Storage reaching its key, bypass). Both keys rotate on a
// schedule. The control plane gets Key Vault Crypto User (for KMS) and Key
// Vault Contributor (AKS creates KMS's private link itself); the storage
// identity gets Key Vault Crypto Service Encryption User; the identity running
// the deployment gets Key Vault Administrator, because with RBAC even creating
// a key is a data-plane operation it must be allowed.
package keyvault
