// Package network provides Network: the VPC an EKS cluster lives in.
//
// It creates a VPC over the given availability zones with a private and a
// public subnet in each (tagged for EKS load balancers), an internet gateway,
// NAT gateways by strategy (one for the VPC, or one per zone), an S3 gateway
// endpoint, interface endpoints for ECR, STS and EC2 when the cluster API is
// private-only, and VPC flow logs into a KMS-encrypted CloudWatch log group.
// With Existing set it creates nothing and passes the brought VPC through.
package network
