package tags

import (
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/environments"
)

// Keys the toolkit sets itself.
const (
	ManagedBy = "managed-by"
	Stack     = "stack"
	ExpiresAt = "expires-at"
)

// Set is a stack's tag set.
type Set map[string]string

// Build returns the tag set for a stack of env. expiresAt is required for an
// ephemeral environment (RFC 3339, after now and within its maxTTL) and must be
// empty otherwise.
func Build(env *environments.Environment, stack, expiresAt string, now time.Time) (Set, error) {
	s := Set{ManagedBy: "pulumi", Stack: stack}
	for k, v := range env.Tags {
		s[k] = v
	}
	switch {
	case env.Ephemeral == nil && expiresAt != "":
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: environment %s is not ephemeral; fix: remove expiresAt from the stack config", expiresAt, env.Name)
	case env.Ephemeral == nil:
		return s, nil
	}
	at, err := time.Parse(time.RFC3339, expiresAt)
	if err != nil {
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: environment %s is ephemeral and needs an RFC 3339 expiry; fix: set it, e.g. %s (preview stacks set it when they are created)",
			expiresAt, env.Name, now.Add(48*time.Hour).UTC().Format(time.RFC3339))
	}
	ttl, _ := time.ParseDuration(env.Ephemeral.MaxTTL) // validated with the environment
	if !at.After(now) || at.Sub(now) > ttl {
		return nil, fmt.Errorf("config mlplatform:expiresAt = %q: must lie after now (%s) and within maxTTL %s; fix: set a time within the next %s",
			expiresAt, now.UTC().Format(time.RFC3339), env.Ephemeral.MaxTTL, env.Ephemeral.MaxTTL)
	}
	s[ExpiresAt] = at.UTC().Format(time.RFC3339)
	return s, nil
}

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
