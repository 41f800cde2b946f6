// Package names is the one place that knows what each target accepts as a
// name: IAM, S3, ECR, EKS, Azure resource types and Kubernetes objects. Every
// name the toolkit gives a cloud or cluster object is made here, so that a
// long stack, model or runner name is shortened the same way everywhere,
// deterministically, instead of failing half-way through `pulumi up`.
//
// A name that fits its target is returned unchanged: adopting this package
// renamed nothing that could already be deployed.
package names
