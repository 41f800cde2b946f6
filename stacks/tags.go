package stacks

import (
	"fmt"
	"time"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// BuildTags returns the tag set for a stack of env. expiresAt is required for an
// ephemeral environment (RFC 3339, after now and within its maxTTL) and must be
// empty otherwise.
func BuildTags(env *environments.Environment, stack, expiresAt string, now time.Time) (tags.Set, error) {
	s := tags.Set{tags.ManagedBy: "pulumi", tags.Stack: stack}
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
	s[tags.ExpiresAt] = at.UTC().Format(time.RFC3339)
	return s, nil
}
