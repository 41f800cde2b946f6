package names

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Rule is what one target accepts as a name.
type Rule struct {
	// Target says what is named, as the cloud's docs say it.
	Target string
	// Min and Max bound the length in characters.
	Min, Max int
	// Pattern must match the whole name.
	Pattern *regexp.Regexp
	// Shape says Pattern in words, for error messages.
	Shape string
	// Forbid lists substrings the target refuses anywhere in a name.
	Forbid []string
	// Alnum targets take letters and digits only: a shortened name gets its
	// hash without a separator.
	Alnum bool
	// Autoname is how many characters Pulumi appends to the logical name
	// when it names the resource itself (0: the toolkit always names it).
	Autoname int
	// LowerAutoname says the provider lowercases the logical name before
	// appending its suffix (pulumi-aws names S3 buckets with
	// AutoNameTransform(strings.ToLower)).
	LowerAutoname bool
	// Source is where the rule is documented.
	Source string
}

// hashLen hex characters of SHA-256 keep shortened names apart: two names
// that share their first characters differ in their hashes.
const hashLen = 8

// Fit returns s when the target accepts its length, else s cut to fit with
// a hash of the whole of s in place of its tail. One input always gives one
// output, and two inputs that differ anywhere give two outputs.
func (r Rule) Fit(s string) string { return shorten(s, r.Max, r.Alnum) }

// Logical returns the logical name to give a resource Pulumi names itself
// for this target: s, or s shortened so that s plus Pulumi's random suffix
// fits. The URN changes only for names that could never be created.
func (r Rule) Logical(s string) string { return shorten(s, r.Max-r.Autoname, r.Alnum) }

func shorten(s string, max int, alnum bool) string {
	if len(s) <= max {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:])[:hashLen]
	if alnum {
		return s[:max-hashLen] + h
	}
	// Cut before the separator so the name never ends in one or doubles it.
	head := strings.TrimRight(s[:max-hashLen-1], "-._")
	return head + "-" + h
}

// Check returns nil when the target accepts name, else an error naming the
// name, the rule and where it is documented.
func (r Rule) Check(name string) error {
	var broken []string
	if n := len(name); n < r.Min || n > r.Max {
		broken = append(broken, fmt.Sprintf("is %d characters, allowed %d to %d", n, r.Min, r.Max))
	}
	if r.Pattern != nil && !r.Pattern.MatchString(name) {
		broken = append(broken, "must be "+r.Shape)
	}
	for _, f := range r.Forbid {
		if strings.Contains(name, f) {
			broken = append(broken, fmt.Sprintf("must not contain %q", f))
		}
	}
	if len(broken) == 0 {
		return nil
	}
	return fmt.Errorf("%s %q %s (%s)", r.Target, name, strings.Join(broken, "; "), r.Source)
}

// CheckAutonamed checks a logical name Pulumi will complete with its random
// suffix, as the engine does before it creates anything.
func (r Rule) CheckAutonamed(logical string) error {
	if r.Autoname == 0 {
		return nil
	}
	if n := len(logical) + r.Autoname; n > r.Max {
		return fmt.Errorf("%s: logical name %q plus Pulumi's %d-character suffix is %d characters, allowed %d (%s)", r.Target, logical, r.Autoname, n, r.Max, r.Source)
	}
	return nil
}
