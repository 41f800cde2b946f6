// Package artifacts provides Artifacts: where models and images live.
//
// The S3 artifact bucket is encrypted with SSE-KMS under a customer-managed key
// with a bucket key, versioned, closed to the public by all four public-access
// block flags and BucketOwnerEnforced, reachable over TLS only, cleaned of old
// versions and abandoned uploads, and logged to an access-log bucket. ECR
// repositories are KMS-encrypted, scanned on push, tag-immutable and pruned by
// a lifecycle policy. IAM policies for read-only and read-write access to the
// model prefix, and for pulling and pushing images, are ready to attach to
// IRSA roles.
package artifacts
