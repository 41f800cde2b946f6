// Package aks provides Cluster: an AKS cluster hardened by default.
//
// Identity: Entra ID integration with Azure RBAC, local accounts off, a
// user-assigned control-plane identity and kubelet identity, the OIDC issuer
// and workload identity on. Secrets: Key Vault KMS for etcd with the vault
// reached privately (keyVaultNetworkAccess Private), which needs API server
// VNet integration. Network: Azure CNI overlay with a network policy (Cilium
// by default), a private cluster or authorized IP ranges, never 0.0.0.0/0.
// Nodes: encryption at host on every pool, the system pool for critical
// add-ons only. Operations: auto-upgrade and node OS upgrade channels with one
// weekly maintenance window, the Free or Standard tier, a Log Analytics
// workspace receiving kube-audit, kube-audit-admin and guard logs. It exports
// a kubeconfig (secret) and a Kubernetes provider.
//
// API version: the AKS resources use Microsoft.ContainerService
// 2024-09-02-preview, because in the pinned SDK only preview versions carry
// API server VNet integration (which KMS behind a firewalled vault requires)
// and the GPU driver switch. Move to a stable version once the SDK pin moves
// past one that has both.
package aks
