// Package nodes holds the node labels and taints the toolkit puts on every
// node group, on every cloud, so that EKS node groups, AKS pools, the
// environment validator and the workloads scheduled onto them agree on one
// set of names.
package nodes
