package main

import (
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/estimate"
)

// estimateResources converts the recorded registrations into the resources
// the cost and deploy-time estimators read.
func estimateResources(rec *plan.Recorder) []estimate.Resource {
	var out []estimate.Resource
	for _, r := range rec.Resources() {
		out = append(out, estimate.Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent,
			Inputs: plan.Plain(r.Inputs), DependsOn: r.DependsOn, Provider: r.Provider,
		})
	}
	return out
}
