package plan

import (
	"sort"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// In returns the input at a dotted path ("vpcConfig.subnetIds[0]") in its
// printable form ("[secret]", "[unknown]"), or nil when the path does not
// exist.
func (r *Resource) In(path string) any { return printable(r.Inputs, path, false) }

// Revealed returns the input at a dotted path like In, with secrets shown.
func (r *Resource) Revealed(path string) any { return printable(r.Inputs, path, true) }

// Out returns the mocked output at a dotted path, like In.
func (r *Resource) Out(path string) any { return printable(r.State, path, false) }

func printable(m map[string]any, path string, reveal bool) any {
	v, ok := props.Lookup(m, path)
	if !ok {
		return nil
	}
	return props.Printable(v, reveal)
}

// PrintableInputs returns every input in printable form: secrets as
// "[secret]" unless reveal, unknowns as "[unknown]".
func (r *Resource) PrintableInputs(reveal bool) map[string]any {
	out, _ := props.Printable(r.Inputs, reveal).(map[string]any)
	return out
}

// InString returns the input at path when it is a string, else "".
func (r *Resource) InString(path string) string {
	s, _ := r.In(path).(string)
	return s
}

// InNumber returns the input at path when it is a number, and whether it is.
func (r *Resource) InNumber(path string) (float64, bool) {
	n, ok := r.In(path).(float64)
	return n, ok
}

// IsSecretInput reports whether the top-level input key is a secret.
func (r *Resource) IsSecretInput(key string) bool {
	_, secret := r.Inputs[key].(props.Secret)
	return secret
}

// StringMap returns the input at path as a map of strings (tags, labels).
func (r *Resource) StringMap(path string) map[string]string {
	obj, _ := r.In(path).(map[string]any)
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// EffectiveTags returns what AWS would hold as a resource's tags: the
// provider's default tags overlaid with the resource's own, as the AWS provider
// merges them into tagsAll. The mocks do not merge them; this does.
func (r *Recorder) EffectiveTags(res *Resource) map[string]string {
	tags := map[string]string{}
	if p := r.ByURN(res.Provider); p != nil {
		for k, v := range p.StringMap("defaultTags.tags") {
			tags[k] = v
		}
	}
	for k, v := range res.StringMap("tags") {
		tags[k] = v
	}
	return tags
}

// ChildSummary lists a resource's direct children as "type name", sorted.
func (r *Recorder) ChildSummary(parentURN string) []string {
	var out []string
	for _, c := range r.Children(parentURN) {
		out = append(out, c.Type+" "+c.Name)
	}
	sort.Strings(out)
	return out
}
