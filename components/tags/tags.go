package tags

import (
	"maps"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Keys the toolkit sets itself.
const (
	ManagedBy = "managed-by"
	Stack     = "stack"
	ExpiresAt = "expires-at"
)

// Set is a stack's tag set.
type Set map[string]string

// With returns a copy of the set with extra tags added (Name, subnet roles).
func (s Set) With(extra map[string]string) Set {
	out := maps.Clone(s)
	maps.Copy(out, extra)
	return out
}

// StringMap returns the set as a Pulumi input.
func (s Set) StringMap() pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range s {
		out[k] = pulumi.String(v)
	}
	return out
}

// Keys returns the set's keys in order, so resources built per key (Auto
// Scaling group tags) are created in a stable order.
func (s Set) Keys() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
