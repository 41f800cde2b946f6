package rules

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Unknown is a value the engine does not know yet: an output of a resource
// that a preview has not created. Rules never guess it; they report that
// they cannot verify it.
type Unknown struct{}

// Secret is a value the program marked secret.
type Secret struct{ Value interface{} }

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
	// string, float64, bool, nil, Secret or Unknown.
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

// Stack is the whole stack a rule looks at.
type Stack struct {
	// Name is the stack name (aws-prod); Environment its environment
	// (dev, staging, prod, preview).
	Name, Environment string
	Resources         []*Resource
	// Context holds the evaluation time and the environment's limits.
	Context StackContext
}

// IsProd reports whether the stack is a production stack.
func (s *Stack) IsProd() bool { return s.Environment == "prod" }

// ByType returns the stack's resources of one type, in order.
func (s *Stack) ByType(types ...string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		for _, t := range types {
			if r.Type == t {
				out = append(out, r)
			}
		}
	}
	return out
}

// ByURN returns the resource with a URN, or nil.
func (s *Stack) ByURN(urn string) *Resource {
	for _, r := range s.Resources {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// Get reads an input by a dotted path ("encryptionConfig.resources",
// "spec.containers[0].image"); secrets are unwrapped. ok is false when the
// path is absent; the value is Unknown when the engine does not know it.
func (r *Resource) Get(path string) (interface{}, bool) { return Lookup(r.Inputs, path) }

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
	return HasUnknown(v)
}

// Lookup reads a dotted path with [i] indexes out of plain values.
func Lookup(v interface{}, path string) (interface{}, bool) {
	if path == "" {
		return unwrap(v), true
	}
	for _, part := range splitPath(path) {
		v = unwrap(v)
		if _, ok := v.(Unknown); ok {
			return Unknown{}, true
		}
		if arr, ok := v.([]interface{}); ok {
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(arr) {
				return nil, false
			}
			v = arr[i]
			continue
		}
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil, false
		}
		e, ok := m[part]
		if !ok {
			return nil, false
		}
		v = e
	}
	return unwrap(v), true
}

func splitPath(path string) []string {
	path = strings.ReplaceAll(path, "[", ".")
	path = strings.ReplaceAll(path, "]", "")
	return strings.Split(path, ".")
}

func unwrap(v interface{}) interface{} {
	for {
		s, ok := v.(Secret)
		if !ok {
			return v
		}
		v = s.Value
	}
}

// HasUnknown reports whether v is or contains an Unknown.
func HasUnknown(v interface{}) bool {
	switch t := unwrap(v).(type) {
	case Unknown:
		return true
	case map[string]interface{}:
		for _, e := range t {
			if HasUnknown(e) {
				return true
			}
		}
	case []interface{}:
		for _, e := range t {
			if HasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// StringMap reads a map of strings (tags, labels); non-string values are
// skipped, and unknown reports an Unknown anywhere in it.
func StringMap(v interface{}) (m map[string]string, unknown bool) {
	m = map[string]string{}
	switch t := unwrap(v).(type) {
	case Unknown:
		return m, true
	case map[string]interface{}:
		for k, e := range t {
			switch s := unwrap(e).(type) {
			case string:
				m[k] = s
			case Unknown:
				unknown = true
			}
		}
	}
	return m, unknown
}

// Strings reads a list of strings.
func Strings(v interface{}) []string {
	arr, _ := unwrap(v).([]interface{})
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		if s, ok := unwrap(e).(string); ok {
			out = append(out, s)
		}
	}
	return out
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

// FromPropertyMap converts the engine's property map into plain values.
func FromPropertyMap(m property.Map) map[string]interface{} {
	out := make(map[string]interface{}, m.Len())
	for k, v := range m.All {
		if k == "__defaults" {
			continue
		}
		out[k] = fromValue(v)
	}
	return out
}

// FromResourcePropertyMap converts a recorded (mock monitor) property map.
func FromResourcePropertyMap(m resource.PropertyMap) map[string]interface{} {
	return FromPropertyMap(resource.FromResourcePropertyMap(m))
}

func fromValue(v property.Value) interface{} {
	var out interface{}
	switch {
	case v.IsComputed():
		return Unknown{}
	case v.IsNull():
		out = nil
	case v.IsBool():
		out = v.AsBool()
	case v.IsNumber():
		out = v.AsNumber()
	case v.IsString():
		out = v.AsString()
	case v.IsArray():
		arr := v.AsArray().AsSlice()
		l := make([]interface{}, len(arr))
		for i, e := range arr {
			l[i] = fromValue(e)
		}
		out = l
	case v.IsMap():
		out = FromPropertyMap(v.AsMap())
	case v.IsResourceReference():
		out = string(v.AsResourceReference().URN)
	default:
		out = nil // assets and archives: nothing a rule reads
	}
	if v.Secret() {
		return Secret{Value: out}
	}
	return out
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
