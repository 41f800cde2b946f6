// Package policydoc builds IAM, KMS and S3 policy documents as typed Go values
// and renders them as the JSON AWS expects, so no component concatenates JSON
// by hand and tests can decode and assert statements exactly.
package policydoc
