// Package irsa provides Role, an IAM role that exactly one Kubernetes service
// account can assume through the cluster's OIDC provider (IAM Roles for
// Service Accounts). The trust policy pins both the subject
// (system:serviceaccount:<namespace>:<name>) and the audience
// (sts.amazonaws.com); nothing else in the cluster can assume it.
package irsa
