package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/tokens"
)

// Level is how a finding is enforced.
type Level string

const (
	Mandatory Level = "mandatory"
	Advisory  Level = "advisory"
	Disabled  Level = "disabled"
)

// Kind says how a rule's level may vary by environment.
type Kind int

const (
	// Fixed rules are mandatory everywhere; no environment lowers them.
	Fixed Kind = iota
	// Lowerable rules (◐ in the catalogue) are mandatory by default; dev and
	// preview may lower them to advisory.
	Lowerable
	// ProdOnly rules are mandatory in prod, advisory elsewhere.
	ProdOnly
	// AdvisoryKind rules are advisory by default; any environment may raise them.
	AdvisoryKind
)

// Category groups rules in the report and the docs.
type Category string

const (
	Encryption  Category = "Encryption"
	Tagging     Category = "Tagging"
	Network     Category = "Network and access"
	Workloads   Category = "Kubernetes workloads"
	Reliability Category = "Reliability"
)

// Finding is what a rule reports about one resource (or the stack, URN "").
type Finding struct {
	URN     string
	Message string
	// Unverifiable marks a finding about a value unknown during preview: it
	// is reported as advisory, whatever the rule's level.
	Unverifiable bool
}

// Rule is one policy: metadata for the pack and the docs, and its check.
type Rule struct {
	// ID is the kebab-case policy name.
	ID string
	// Description starts "Checks whether …".
	Description string
	// Resources names what the rule reads.
	Resources string
	// Mirrors names the external rules it corresponds to.
	Mirrors  string
	Category Category
	Kind     Kind
	// Check reads the whole stack and returns findings; plain Go, no I/O.
	Check func(s *Stack) []Finding
}

// DefaultLevel is the rule's level in an environment before overrides.
func (r Rule) DefaultLevel(env string) Level {
	switch r.Kind {
	case ProdOnly:
		if env == "prod" {
			return Mandatory
		}
		return Advisory
	case AdvisoryKind:
		return Advisory
	}
	return Mandatory
}

// Finding constructors used by the checks.

// Violation is a plain finding.
func Violation(r *Resource, format string, args ...interface{}) Finding {
	return Finding{URN: urnOf(r), Message: fmt.Sprintf(format, args...)}
}

// CannotVerify reports a value unknown during preview.
func CannotVerify(r *Resource, what string) Finding {
	return Finding{URN: urnOf(r), Unverifiable: true,
		Message: fmt.Sprintf("%s %q: cannot verify during preview: %s is not known until the resource is created", shortType(r), nameOf(r), what)}
}

func urnOf(r *Resource) string {
	if r == nil {
		return ""
	}
	return r.URN
}

func nameOf(r *Resource) string {
	if r == nil {
		return ""
	}
	return r.Name
}

// shortType is a resource type as the messages name it: "aws:eks/cluster:Cluster" → "Cluster".
func shortType(r *Resource) string {
	if r == nil {
		return "Stack"
	}
	t := r.Type
	if t == tokens.AzureResourcesResource && r.Str("resourceType") != "" {
		// A generic ARM resource reads as its kind: flexibleServers.
		return r.Str("resourceType")
	}
	if i := strings.LastIndex(t, ":"); i >= 0 {
		t = t[i+1:]
	}
	return t
}

// Subject names a resource at the start of a message: `Cluster "aws-prod"`.
func Subject(r *Resource) string { return fmt.Sprintf("%s %q", shortType(r), r.Name) }

// Settings are an environment's policy settings: level overrides and
// waivers (from the environment file's policies section).
type Settings struct {
	Environment string
	Levels      map[string]Level
	Waivers     []Waiver
	// Now decides which waivers have expired.
	Now time.Time
	// Stacks are the stacks the environment's waivers may be for (the
	// committed stacks); with none known, only a waiver whose resource
	// starts with the evaluated stack's name is held to exist in it.
	Stacks []string
}

// Waiver exempts one resource from one rule until it expires.
type Waiver struct {
	Rule string
	// Resource is the resource's name (as in the plan) or its URN.
	Resource string
	Reason   string
	// Expires is the last day the waiver holds (UTC).
	Expires time.Time
}

// Result is one reported policy finding.
type Result struct {
	Policy  string `json:"policy"`
	Level   Level  `json:"level"`
	URN     string `json:"urn"`
	Message string `json:"message"`
	// Waived is the reason when a waiver covers the finding (not reported
	// as a violation then).
	Waived string `json:"-"`
}

// Check validates the settings against the rules: known rule ids, levels a
// rule may take in the environment, complete waivers. All problems at once.
func (s Settings) Check(rules []Rule) error {
	byID := map[string]Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	var problems []string
	for _, id := range SortedKeys(s.Levels) {
		lvl := s.Levels[id]
		r, ok := byID[id]
		path := "policies.levels." + id
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: no rule has this id; fix: use one of the ids in docs/policies.md", path))
		case lvl != Mandatory && lvl != Advisory && lvl != Disabled:
			problems = append(problems, fmt.Sprintf("%s = %q: must be mandatory, advisory or disabled", path, lvl))
		case s.Environment == "prod" && lvl != Mandatory:
			problems = append(problems, fmt.Sprintf("%s = %s: prod never lowers or disables a rule; fix: remove the override, or waive the one resource with a reason and an expiry date", path, lvl))
		case lvl != Mandatory && r.Kind == Fixed:
			problems = append(problems, fmt.Sprintf("%s = %s: %s is mandatory in every environment; fix: remove the override, or waive the one resource", path, lvl, id))
		case lvl != Mandatory && r.Kind == Lowerable && s.Environment != "dev" && s.Environment != "preview":
			problems = append(problems, fmt.Sprintf("%s = %s: only dev and preview may lower %s; fix: remove the override", path, lvl, id))
		}
	}
	for i, w := range s.Waivers {
		path := fmt.Sprintf("policies.waivers[%d]", i)
		if _, ok := byID[w.Rule]; !ok {
			problems = append(problems, fmt.Sprintf("%s.rule = %q: no rule has this id; fix: use one of the ids in docs/policies.md", path, w.Rule))
		}
		if w.Resource == "" || w.Resource == "*" {
			problems = append(problems, fmt.Sprintf("%s.resource = %q: a waiver names one resource; fix: give the resource's name from the plan", path, w.Resource))
		}
		if strings.TrimSpace(w.Reason) == "" {
			problems = append(problems, fmt.Sprintf("%s.reason is empty: a waiver says why; fix: add the reason a reviewer accepted", path))
		}
		if w.Expires.IsZero() {
			problems = append(problems, fmt.Sprintf("%s.expires is missing: a waiver ends; fix: add a date (YYYY-MM-DD)", path))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("policy settings of environment %s:\n  %s", s.Environment, strings.Join(problems, "\n  "))
	}
	return nil
}

// Level is a rule's level in the environment, overrides applied.
func (s Settings) Level(r Rule) Level {
	if l, ok := s.Levels[r.ID]; ok {
		return l
	}
	return r.DefaultLevel(s.Environment)
}

// Evaluate runs every rule over the stack and applies levels and waivers.
// Results come sorted by level (mandatory first), policy and URN. Waived
// findings are returned with Waived set. A waiver that has expired is
// itself a mandatory finding, whether or not the resource still breaks the
// rule (the docs promise a waiver ends, so an expired one must be renewed
// or removed), and the finding it covered is reported again. A waiver for
// this stack that names none of its resources is a mandatory finding too:
// a misspelt name waives nothing, silently.
func Evaluate(st *Stack, rules []Rule, s Settings) []Result {
	var out []Result
	for _, r := range rules {
		lvl := s.Level(r)
		if lvl == Disabled {
			continue
		}
		for _, f := range r.Check(st) {
			res := Result{Policy: r.ID, Level: lvl, URN: f.URN, Message: f.Message}
			if f.Unverifiable {
				res.Level = Advisory
			}
			if w, ok := s.waiverFor(r.ID, st.ByURN(f.URN)); ok && !s.expired(w) {
				res.Waived = w.Reason
			}
			out = append(out, res)
		}
	}
	out = append(out, s.waiverFindings(st)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level == Mandatory
		}
		if out[i].Policy != out[j].Policy {
			return out[i].Policy < out[j].Policy
		}
		return out[i].URN < out[j].URN
	})
	return out
}

func (s Settings) expired(w Waiver) bool { return s.Now.After(w.Expires.Add(24 * time.Hour)) }

// waiverFindings are the expired waivers and the waivers of this stack
// that name nothing in it. Every resource the toolkit creates is named
// after its stack (aws-prod-data), so a waiver whose resource starts with
// another stack's name is that stack's, not a typo here.
func (s Settings) waiverFindings(st *Stack) []Result {
	var out []Result
	for i, w := range s.Waivers {
		var target *Resource
		for _, r := range st.Resources {
			if w.Resource == r.Name || w.Resource == r.URN {
				target = r
				break
			}
		}
		path := fmt.Sprintf("policies.waivers[%d]", i)
		switch {
		case target == nil && s.ownedHere(st, w.Resource):
			out = append(out, Result{Policy: w.Rule, Level: Mandatory,
				Message: fmt.Sprintf("%s names %q, which stack %s does not create: it waives nothing; fix: give the resource's name as the plan lists it, or remove the waiver", path, w.Resource, st.Name)})
		case target != nil && s.expired(w):
			out = append(out, Result{Policy: w.Rule, Level: Mandatory, URN: target.URN,
				Message: fmt.Sprintf("the waiver of %s for %q expired on %s (reason was: %s); fix: remove the waiver if the resource now complies, correct the resource, or renew the waiver with a new expiry date after review",
					w.Rule, w.Resource, w.Expires.Format("2006-01-02"), w.Reason)})
		}
	}
	return out
}

// ownedHere reports whether a waiver's resource name claims this stack:
// it starts with the stack's name, or with no other stack's the settings
// know of.
func (s Settings) ownedHere(st *Stack, resource string) bool {
	if strings.HasPrefix(resource, st.Name+"-") || resource == st.Name || strings.Contains(resource, "::"+st.Name+"::") {
		return true
	}
	for _, other := range s.Stacks {
		if other != st.Name && (strings.HasPrefix(resource, other+"-") || resource == other || strings.Contains(resource, "::"+other+"::")) {
			return false
		}
	}
	return len(s.Stacks) > 0
}

func (s Settings) waiverFor(rule string, r *Resource) (Waiver, bool) {
	if r == nil {
		return Waiver{}, false
	}
	for _, w := range s.Waivers {
		if w.Rule == rule && (w.Resource == r.Name || w.Resource == r.URN) {
			return w, true
		}
	}
	return Waiver{}, false
}

// Violations are the results not covered by a waiver.
func Violations(results []Result) []Result {
	out := []Result{}
	for _, r := range results {
		if r.Waived == "" {
			out = append(out, r)
		}
	}
	return out
}

// HasMandatory reports whether any unwaived result is mandatory.
func HasMandatory(results []Result) bool {
	for _, r := range Violations(results) {
		if r.Level == Mandatory {
			return true
		}
	}
	return false
}
