package names

import (
	"fmt"
	"slices"
	"strings"
)

// Markdown renders docs/components/names.md: every target, its limits and
// where they are documented, and which resource types name through it.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Names

<!-- Generated from components/names by: make docs. Do not edit. -->

Every name the toolkit gives a cloud or Kubernetes object is made by
` + "`components/names`" + `, which knows each target's rule. A name that fits is used
as it is; a longer one is cut and ends in ` + "`-`" + ` and 8 hex characters of the
SHA-256 of the whole name (no ` + "`-`" + ` for targets of letters and digits only).
The same input always gives the same name, and names that differ anywhere
stay different.

Where Pulumi names a resource itself (IAM roles and policies, S3 buckets,
launch templates, security groups), it appends ` + "`-`" + ` and 7 random characters to
the logical name, and refuses to create a name longer than the provider's
maximum (pulumi sdk ` + "`go/common/resource/resource_id.go`" + ` NewUniqueName). The
toolkit shortens such logical names so the finished name fits the cloud's
limit, which for several types is lower than the provider's.

Adopting this scheme renamed nothing that could already be deployed: every
name of the committed stacks was already within its limits and is unchanged.
A name that was over its limit could never be created.

Kubernetes object names carry the names people type (a model is addressed
as ` + "`<model>.serving`" + `), so they are not shortened: ` + "`environments/`" + ` refuses model
and runner set names over 40 characters, which leaves room for the
suffixes the toolkit and KServe add (` + "`-explainer`, `-predictor`" + `, ...).

` + "`stacks` TestEveryNameMeetsItsTarget" + ` checks every name of every committed stack,
and of every environment under a 63-character stack name with 40-character
model and runner names, against the rules below, and that no two objects of
one type share a scope and a name.

## Rules

| target | length | characters | source | used for |
|---|---|---|---|---|
`)
	used := map[string][]string{}
	for typ, fields := range ByType {
		for _, f := range fields {
			used[f.Target] = append(used[f.Target], "`"+typ+"` "+f.Key)
		}
	}
	var rules []Rule
	seen := map[string]bool{}
	for _, fields := range ByType {
		for _, f := range fields {
			if !seen[f.Target] {
				seen[f.Target] = true
				rules = append(rules, f.Rule)
			}
		}
	}
	for _, r := range []Rule{HelmRelease, DNSLabel, DNS1035Label, DNSSubdomain, LabelValue} {
		rules = append(rules, r)
	}
	used[HelmRelease.Target] = []string{"Helm releases"}
	used[DNSLabel.Target] = []string{"Namespaces"}
	used[DNS1035Label.Target] = []string{"Services"}
	used[DNSSubdomain.Target] = []string{"other Kubernetes objects"}
	used[LabelValue.Target] = []string{"label values"}
	slices.SortFunc(rules, func(a, b Rule) int { return strings.Compare(a.Target, b.Target) })
	for _, r := range rules {
		chars := r.Shape
		if len(r.Forbid) > 0 {
			chars += "; never " + strings.Join(r.Forbid, ", ")
		}
		slices.Sort(used[r.Target])
		fmt.Fprintf(&b, "| %s | %d–%d | %s | %s | %s |\n", r.Target, r.Min, r.Max, escape(chars), r.Source, strings.Join(used[r.Target], "<br>"))
	}
	return b.String()
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
