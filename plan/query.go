package plan

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var (
	segmentRE = regexp.MustCompile(`^([^\[]*)((\[[0-9]+\])*)$`)
	indexRE   = regexp.MustCompile(`[0-9]+`)
)

// In returns the input at a dotted path ("vpcConfig.subnetIds[0]") as a plain
// value (see Plain), or nil when the path does not exist.
func (r *Resource) In(path string) interface{} { return lookup(Plain(r.Inputs), path) }

// Revealed returns the input at a dotted path like In, with secrets shown.
func (r *Resource) Revealed(path string) interface{} { return lookup(Revealed(r.Inputs), path) }

// Out returns the mocked output at a dotted path, like In.
func (r *Resource) Out(path string) interface{} { return lookup(Plain(r.State), path) }

// InString returns the input at path when it is a string, else "".
func (r *Resource) InString(path string) string {
	s, _ := r.In(path).(string)
	return s
}

// IsSecretInput reports whether the top-level input key is a secret.
func (r *Resource) IsSecretInput(key string) bool {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	return ok && (v.IsSecret() || v.IsOutput() && v.OutputValue().Secret)
}

// Lookup returns the value at a dotted path (a.b[0].c) of a plain value, or
// nil.
func Lookup(root interface{}, path string) interface{} { return lookup(root, path) }

func lookup(root interface{}, path string) interface{} {
	cur := root
	for _, seg := range strings.Split(path, ".") {
		m := segmentRE.FindStringSubmatch(seg)
		if m == nil {
			return nil
		}
		if m[1] != "" {
			obj, ok := cur.(map[string]interface{})
			if !ok {
				return nil
			}
			cur = obj[m[1]]
		}
		for _, idx := range indexRE.FindAllString(m[2], -1) {
			arr, ok := cur.([]interface{})
			i, _ := strconv.Atoi(idx)
			if !ok || i >= len(arr) {
				return nil
			}
			cur = arr[i]
		}
	}
	return cur
}

// StringMap returns the input at path as a map of strings (tags, labels).
func (r *Resource) StringMap(path string) map[string]string {
	obj, _ := r.In(path).(map[string]interface{})
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
