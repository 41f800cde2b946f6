package plan

import "github.com/pangea-ai/mlplatform/policies/rules"

// PolicyStack is the recording as the policy rules see it: every custom
// resource (providers included) with its inputs, options, dependencies and
// its provider's inputs. Component resources are left out: they have no
// inputs a rule reads.
func (r *Recorder) PolicyStack(environment string, ctx rules.StackContext) *rules.Stack {
	st := &rules.Stack{Name: r.stack, Environment: environment, Context: ctx}
	for _, res := range r.Resources() {
		if !res.Custom {
			continue
		}
		out := &rules.Resource{
			Type: res.Type, Name: res.Name, URN: res.URN, ID: res.ID, Parent: res.Parent,
			Inputs: rules.FromResourcePropertyMap(res.Inputs), Protect: res.Protect,
			DependsOn: append([]string{}, res.DependsOn...),
		}
		if p := r.ByURN(res.Provider); res.Provider != "" && p != nil {
			out.ProviderInputs = rules.FromResourcePropertyMap(p.Inputs)
		}
		st.Resources = append(st.Resources, out)
	}
	return st
}
