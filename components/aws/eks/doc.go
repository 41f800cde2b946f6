// Package eks provides Cluster, an EKS control plane hardened by default, and
// WorkloadAddons, the managed add-ons that need nodes to run on.
//
// Cluster creates a customer-managed KMS key (rotation on) that envelope-
// encrypts Kubernetes secrets and encrypts the control-plane log group; the
// cluster with its private endpoint always on and its public endpoint only for
// listed CIDRs; all five control-plane log types; API authentication with
// access entries for the listed admin roles and no implicit admin for whoever
// runs pulumi; the IAM OIDC provider for IRSA; the add-ons that must exist
// before nodes (vpc-cni with network policy on and its IRSA role, kube-proxy,
// eks-pod-identity-agent); a kubeconfig (secret) and a Kubernetes provider.
//
// WorkloadAddons installs coredns and the EBS CSI driver (with its IRSA role)
// once node groups exist: both are Deployments, and EKS reports them degraded
// until they have somewhere to run.
package eks
