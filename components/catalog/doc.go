// Package catalog is the instance catalogue: the AWS instance types and Azure VM
// sizes the toolkit knows, with their GPUs, CPU, memory and prices.
//
// The validator uses it to reject unknown instance types (with a did-you-mean),
// to tell GPU from CPU types and to check architecture; the cost model and the
// local-cluster harness read capacity and price from it. Prices carry the date
// they were taken on: they drift, so every figure is shown with its as-of date.
//
// The seed data lives in instances.yaml beside this file and is embedded into the
// binary, so a plan run offline sees exactly the table that was reviewed.
package catalog
