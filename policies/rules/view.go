package rules

import (
	"slices"
	"sort"

	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Resource is the neutral view of one resource the rules read, the same
// whether it comes from the policy pack (the engine's analyzer view) or
// from `mlplat plan` and the tests (the mock monitor's recording).
type Resource struct {
	Type, Name, URN string
	// ID is the provider's id once known ("" in a preview or the pack).
	ID string
	// Parent is the parent's URN ("" at the stack's root).
	Parent string
	// Inputs are plain Go values: map[string]interface{}, []interface{},
	// string, float64, bool, nil, props.Secret or props.Unknown (see plan/props).
	Inputs map[string]interface{}
	// Protect is the protect resource option.
	Protect bool
	// ProviderInputs are the inputs of the resource's provider (the AWS
	// provider's defaultTags count as the resource's tags).
	ProviderInputs map[string]interface{}
	// DependsOn are the URNs the resource depends on, explicit or through
	// its inputs (how a node group finds its launch template).
	DependsOn []string
	// InputDeps are, per input key, the URNs the input's value came from
	// (the policy pack's view; nil in recordings).
	InputDeps map[string][]string
}

// RefersTo reports whether input key of r names target: through the
// input's dependencies where the engine sent them, else by the target's
// physical name, name, ARN or id.
func (r *Resource) RefersTo(key string, target *Resource) bool {
	if deps, ok := r.InputDeps[key]; ok {
		for _, u := range deps {
			if u == target.URN {
				return true
			}
		}
		return false
	}
	v := r.Str(key)
	if v == "" {
		return false
	}
	for _, name := range []string{target.ID, target.Str("bucket"), target.Str("name"), target.Str("arn"), target.Str("id")} {
		if v == name {
			return true
		}
	}
	return false
}

// DependsOnType returns the resources of a type this one depends on.
func (s *Stack) DependsOnType(r *Resource, typ string) []*Resource {
	var out []*Resource
	for _, u := range r.DependsOn {
		if d := s.ByURN(u); d != nil && d.Type == typ {
			out = append(out, d)
		}
	}
	return out
}

// FromPlan is a plan's recording as the rules see it: every custom
// resource (providers included) with its inputs, options, dependencies and
// its provider's inputs. Component resources are left out: they have no
// inputs a rule reads.
func FromPlan(r *plan.Recorder, environment string, ctx StackContext) *Stack {
	st := &Stack{Name: r.Stack(), Environment: environment, Context: ctx}
	for _, res := range r.Resources() {
		if !res.Custom {
			continue
		}
		out := &Resource{
			Type: res.Type, Name: res.Name, URN: res.URN, ID: res.ID, Parent: res.Parent,
			Inputs: res.Inputs, Protect: res.Protect,
			DependsOn: append([]string{}, res.DependsOn...),
		}
		if p := r.ByURN(res.Provider); res.Provider != "" && p != nil {
			out.ProviderInputs = p.Inputs
		}
		st.Resources = append(st.Resources, out)
	}
	return st
}

// Stack is the whole stack a rule looks at.
type Stack struct {
	// Name is the stack name (aws-prod); Environment its environment
	// (dev, staging, prod, preview).
	Name, Environment string
	Resources         []*Resource
	// Context holds the evaluation time and the environment's limits.
	Context StackContext

	// idx indexes Resources by type and URN; rules ask for both once per
	// model or per finding, so a scan each time made a plan quadratic in
	// its models. Built on first use, rebuilt when Resources grows.
	idx *stackIndex
}

type stackIndex struct {
	n      int
	byType map[string][]int
	byURN  map[string]*Resource
	memo   map[string]any
}

func (s *Stack) index() *stackIndex {
	if s.idx != nil && s.idx.n == len(s.Resources) {
		return s.idx
	}
	idx := &stackIndex{n: len(s.Resources), byType: map[string][]int{}, byURN: map[string]*Resource{}, memo: map[string]any{}}
	for i, r := range s.Resources {
		idx.byType[r.Type] = append(idx.byType[r.Type], i)
		if _, dup := idx.byURN[r.URN]; !dup {
			idx.byURN[r.URN] = r
		}
	}
	s.idx = idx
	return idx
}

// memo returns what build returns for key, computed once per stack (and
// again if Resources grows). For values derived from the whole stack that
// a rule needs once per model.
func (s *Stack) memo(key string, build func() any) any {
	idx := s.index()
	if v, ok := idx.memo[key]; ok {
		return v
	}
	v := build()
	idx.memo[key] = v
	return v
}

// IsProd reports whether the stack is a production stack.
func (s *Stack) IsProd() bool { return s.Environment == "prod" }

// ByType returns the stack's resources of one type, in order.
func (s *Stack) ByType(types ...string) []*Resource {
	idx := s.index()
	var at []int
	for i, t := range types {
		if slices.Contains(types[:i], t) {
			continue
		}
		at = append(at, idx.byType[t]...)
	}
	if len(types) > 1 {
		sort.Ints(at)
	}
	var out []*Resource
	for _, i := range at {
		out = append(out, s.Resources[i])
	}
	return out
}

// ByURN returns the resource with a URN, or nil.
func (s *Stack) ByURN(urn string) *Resource {
	return s.index().byURN[urn]
}

// Get reads an input by a dotted path ("encryptionConfig.resources",
// "spec.containers[0].image"); secrets are unwrapped. ok is false when the
// path is absent; the value is props.Unknown when the engine does not know it.
func (r *Resource) Get(path string) (interface{}, bool) { return lookup(r.Inputs, path) }

// Str reads a string input; "" when absent or not a string.
func (r *Resource) Str(path string) string {
	v, _ := r.Get(path)
	s, _ := v.(string)
	return s
}

// IsUnknown reports whether the input at path (or anything inside it) is
// not known yet.
func (r *Resource) IsUnknown(path string) bool {
	v, _ := r.Get(path)
	return props.HasUnknown(v)
}

// lookup reads a dotted path of plain values (props.Lookup) with the value
// inside a secret shown: rules judge what a secret holds, and never print it.
func lookup(v interface{}, path string) (interface{}, bool) {
	v, ok := props.Lookup(v, path)
	return props.Unwrap(v), ok
}

// Bool reads a boolean input: (value, present).
func (r *Resource) Bool(path string) (bool, bool) {
	v, ok := r.Get(path)
	b, isBool := v.(bool)
	return b, ok && isBool
}

// Num reads a number input: (value, present).
func (r *Resource) Num(path string) (float64, bool) {
	v, ok := r.Get(path)
	n, isNum := v.(float64)
	return n, ok && isNum
}

// SortedKeys returns a map's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
