// Package kms provides Key, a customer-managed KMS key with rotation on, a
// deletion window, an alias, and a key policy that lets the account's IAM
// decide access plus exactly the AWS services the caller names (CloudWatch Logs
// for encrypted log groups, EC2 Auto Scaling for encrypted node volumes).
package kms
