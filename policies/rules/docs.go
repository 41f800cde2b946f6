package rules

import (
	"fmt"
	"strings"
)

// Environments are the environments whose levels the docs list.
var Environments = []string{"dev", "preview", "staging", "prod"}

// Markdown renders docs/policies.md from the rules' metadata.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Policies

<!-- Generated from policies/rules by "make docs"; do not edit by hand. -->

Every rule is plain Go in ` + "`policies/rules`" + ` and runs in three places: the Pulumi
policy pack (` + "`pulumi preview --policy-pack policies`" + `), ` + "`mlplat plan`" + ` (the
` + "`violations`" + ` of its JSON, a report in text mode, exit 1 on any mandatory
violation), and the tests. A value a preview cannot know yet is reported as
"cannot verify during preview" at advisory level.

## Levels and waivers

The level of a rule in each environment is below. An environment file may
change it under ` + "`policies.levels`" + `: prod never lowers or disables a rule; dev
and preview may lower the rules marked ◐ in the catalogue (levels shown
"mandatory ◐"); any environment may raise an advisory rule. One resource is
exempted from one rule by a waiver with a reason and a last day. An expired
waiver is itself a mandatory violation, even when the resource now complies
(remove or renew it); so is a waiver that names no resource of the stack its
name claims (a waiver whose resource starts with another stack's name is that
stack's):

` + "```yaml" + `
policies:
  levels:
    storage-cmk: advisory          # dev or preview only
  waivers:
    - rule: pss-restricted
      resource: aws-dev-baseline-gpu   # the name the plan lists
      reason: the device plugin mounts host paths
      expires: "2027-02-28"
` + "```" + `

In the pack each rule is two policies: ` + "`<id>`" + ` (mandatory) and ` + "`<id>-advisory`" + `.
`)
	rules := All()
	fmt.Fprintf(&b, "\n%d rules.\n", len(rules))
	var cat Category
	for _, r := range rules {
		if r.Category != cat {
			cat = r.Category
			fmt.Fprintf(&b, "\n## %s\n\n| id | checks | resources | %s | mirrors |\n|---|---|---|%s---|\n",
				cat, strings.Join(Environments, " | "), strings.Repeat("---|", len(Environments)))
		}
		var levels []string
		for _, env := range Environments {
			l := string(r.DefaultLevel(env))
			if r.Kind == Lowerable && (env == "dev" || env == "preview") {
				l += " ◐"
			}
			levels = append(levels, l)
		}
		desc := strings.TrimPrefix(r.Description, "Checks whether ")
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, esc(desc), esc(r.Resources), strings.Join(levels, " | "), esc(r.Mirrors))
	}
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
