// Package nodepool provides NodePool, one AKS user pool (CPU or GPU), and
// Spec.SystemProfile, the same settings rendered as the cluster's inline
// system pool. From the environment's point of view a pool is the same
// abstraction as an EKS node group: size bounds, capacity type, labels,
// taints and a GPU flag.
//
// Every pool encrypts at host, has no public node IPs, runs Azure Linux, and
// scales with the cluster autoscaler (which owns the node count after
// creation). GPU pools carry the nvidia.com/gpu=true:NoSchedule taint and the
// GPU labels, and say whether AKS installs the NVIDIA driver. Spot pools are
// evicted by deletion, with a maximum price; AKS adds its own spot taint.
package nodepool
