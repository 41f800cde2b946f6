// Package runners provides Runners: GitHub Actions runners on the cluster
// with actions-runner-controller's runner scale sets.
//
// The scale-set controller and the listeners it starts run in their own
// namespace (arc-system); each ScaleSet becomes one
// gha-runner-scale-set release in the runners namespace, ephemeral runners
// in kubernetes container mode: the runner starts each job's container as
// its own pod, on the runner's node, from a pod template this component
// writes (restricted security context, the set's resources, and on GPU
// sets the GPU limit and toleration). Docker-in-Docker, which is
// privileged, is used only by sets that opt in, on their isolated node
// group. The GitHub App's credentials come from Pulumi secrets into one
// Kubernetes Secret. Sets that push images run as a service account the
// cloud stack binds to registry push rights (IRSA or workload identity).
package runners
