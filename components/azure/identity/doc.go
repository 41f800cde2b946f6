// Package identity provides Identities: the user-assigned managed identities
// the platform runs as — the AKS control plane, the kubelet, the storage
// account (to reach its customer-managed key) and platform workloads — with
// the one role the control plane needs on the kubelet identity.
package identity
