package rules

import (
	"fmt"
	"sort"
	"time"
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
}
