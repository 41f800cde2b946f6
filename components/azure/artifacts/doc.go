// Package artifacts provides Artifacts: where models and images live on Azure.
//
// The storage account is StorageV2 with TLS 1.2 minimum, HTTPS only, no public
// blob access, shared-key access off (Entra ID only), infrastructure
// encryption, a customer-managed key from Key Vault reached through a
// user-assigned identity, blob versioning, soft delete for blobs and
// containers, and a network that denies by default: a private endpoint in the
// virtual network is the way in. Models live in a private container. The
// container registry has the admin user off, a retention policy for untagged
// manifests on Premium, and no anonymous pull (off by default; the pinned
// stable API does not expose the switch). Two identities are ready for
// workload identity federation: models-reader (Storage Blob Data Reader on
// the models container, AcrPull) and models-writer (Storage Blob Data
// Contributor, AcrPush).
package artifacts
