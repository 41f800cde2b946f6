// Package nodegroup provides NodeGroup: one EKS managed node group, CPU or
// GPU, with its own launch template and node role.
//
// The launch template requires IMDSv2 with a hop limit of 1 (pods reach AWS
// through IRSA, never the node's credentials), encrypts the gp3 volumes with
// the platform key, and carries the stack's tags to instances, volumes and
// network interfaces through tag specifications, because managed node groups
// do not pass their own tags on. GPU groups use an NVIDIA AMI type, carry the
// nvidia.com/gpu=true:NoSchedule taint and accelerator labels, and may scale
// from zero: the Auto Scaling group gets Cluster Autoscaler node-template tags
// (labels, taints, GPU count) as separate resources, since managed node groups
// do not copy tags to it either. desiredSize is ignored after creation so the
// autoscaler owns it.
package nodegroup
