package rules

import (
	"fmt"
	"sort"
	"time"

	"github.com/pangea-ai/mlplatform/environments"
)

// All returns every rule, grouped by category in catalogue order and sorted
// by id within a category.
func All() []Rule {
	var out []Rule
	for _, family := range [][]Rule{encryptionRules(), taggingRules(), networkRules(), workloadRules(), reliabilityRules()} {
		sorted := append([]Rule{}, family...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
		out = append(out, sorted...)
	}
	return out
}

// ByID returns the rule with an id.
func ByID(id string) (Rule, error) {
	for _, r := range All() {
		if r.ID == id {
			return r, nil
		}
	}
	return Rule{}, fmt.Errorf("no rule %q", id)
}

// StackContext is what some rules need beside the resources.
type StackContext struct {
	// Now is the evaluation time (expiry checks).
	Now time.Time
	// MaxTTL is an ephemeral environment's longest lifetime (0 otherwise).
	MaxTTL time.Duration
	// FairnessReviewMaxAge is how old a high-risk model's fairness review
	// may be; 0 means environments.DefaultFairnessReviewMaxAgeDays.
	FairnessReviewMaxAge time.Duration
}

// SettingsFor reads an environment's policy settings.
func SettingsFor(env *environments.Environment, now time.Time) (Settings, error) {
	s := Settings{Environment: env.Name, Levels: map[string]Level{}, Now: now}
	if p := env.Policies; p != nil {
		for id, l := range p.Levels {
			s.Levels[id] = Level(l)
		}
		for _, w := range p.Waivers {
			exp, err := time.Parse("2006-01-02", w.Expires)
			if err != nil {
				return s, fmt.Errorf("policies.waivers: expires %q: %w", w.Expires, err)
			}
			s.Waivers = append(s.Waivers, Waiver{Rule: w.Rule, Resource: w.Resource, Reason: w.Reason, Expires: exp})
		}
	}
	return s, s.Check(All())
}

// ContextFor is the stack context of an environment at a time.
func ContextFor(env *environments.Environment, now time.Time) StackContext {
	c := StackContext{Now: now}
	if env.Ephemeral != nil {
		c.MaxTTL, _ = time.ParseDuration(env.Ephemeral.MaxTTL) // validated with the environment
	}
	if p := env.Policies; p != nil && p.FairnessReviewMaxAgeDays > 0 {
		c.FairnessReviewMaxAge = time.Duration(p.FairnessReviewMaxAgeDays) * 24 * time.Hour
	}
	return c
}
