package estimate

import (
	"strings"

	"github.com/pangea-ai/mlplatform/components/tokens"
)

// Resource is one planned resource as the estimators read it: the fields of
// a plan's resource, with plain (non-Output) inputs.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string
	// Inputs are the resource's inputs as plain Go values (maps, slices,
	// strings, float64, bool); unknown values are absent.
	Inputs map[string]interface{}
	// DependsOn lists the URNs the resource waits for: explicit DependsOn
	// and the resources its inputs come from.
	DependsOn []string
	// Provider is the provider reference ("<urn>::<id>", or the bare URN
	// as the recorder keeps it); a resource is created only after its
	// provider.
	Provider string
}

// IsComponent reports whether the resource is a component (a grouping with
// nothing to create in the cloud) rather than a custom resource.
func (r Resource) IsComponent() bool {
	return strings.HasPrefix(r.Type, "mlplatform:") || r.Type == tokens.PulumiStack
}

// input returns the plain value at a dotted path of the inputs, or nil.
func (r Resource) input(path string) interface{} {
	var cur interface{} = r.Inputs
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil
		}
		cur = m[key]
	}
	return cur
}

// str returns the string input at a dotted path, or "".
func (r Resource) str(path string) string {
	s, _ := r.input(path).(string)
	return s
}

// num returns the numeric input at a dotted path and whether it is set.
func (r Resource) num(path string) (float64, bool) {
	switch v := r.input(path).(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	}
	return 0, false
}
