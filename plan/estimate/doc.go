// Package estimate reads a stack's planned resources and estimates what the
// stack costs to run and how long it takes to deploy.
//
// Both estimates read the instance catalogue (components/catalog): prices
// with their as-of date and region, and reference provisioning times per
// resource type. They work on the plan alone, offline: what a resource costs
// or takes is decided by its type and inputs, and the deploy order by the
// dependencies the program declares (the same graph the Pulumi engine walks).
package estimate
