package environments

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with an environment file.
type Problem struct {
	// Path is where in the file, e.g. "nodeGroups.gpu.minSize".
	Path string
	// Value is the offending value as written, or "<missing>".
	Value string
	// Rule is the rule the value breaks.
	Rule string
	// Fix says how to make it right.
	Fix string
}

// String renders the problem as "path = value: rule; fix: fix".
func (p Problem) String() string {
	return fmt.Sprintf("%s = %s: %s; fix: %s", p.Path, p.Value, p.Rule, p.Fix)
}

// Error lists every problem found in one file.
type Error struct {
	// File is the path of the environment file.
	File string
	// Problems are in the order the file is read.
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "%s: %d %s:", e.File, len(e.Problems), noun)
	for _, p := range e.Problems {
		b.WriteString("\n - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects Problems as validation walks a file.
type problems []Problem

func (ps *problems) add(path, value, rule, fix string) {
	*ps = append(*ps, Problem{Path: path, Value: value, Rule: rule, Fix: fix})
}

// missing is the Value shown for a required field that is absent.
const missing = "<missing>"

// q quotes a string value for a message; an empty one reads as missing.
func q(s string) string {
	if s == "" {
		return missing
	}
	return fmt.Sprintf("%q", s)
}

// n renders an integer value for a message.
func n(i int) string { return fmt.Sprint(i) }

// fl renders a number for a message.
func fl(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
