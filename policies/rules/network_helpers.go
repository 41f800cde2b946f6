package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// Shared helpers.

// netAzure returns the stack's azure-native resources of a module and type
// in any API version: ("containerservice", "ManagedCluster") matches both
// azure-native:containerservice:ManagedCluster and
// azure-native:containerservice/v20240902preview:ManagedCluster.
func netAzure(s *Stack, module, typ string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		parts := strings.Split(r.Type, ":")
		if len(parts) == 3 && parts[0] == "azure-native" && strings.Split(parts[1], "/")[0] == module && parts[2] == typ {
			out = append(out, r)
		}
	}
	return out
}

// netIs describes an input for a message: `x is true`, `x is "optional"`,
// `x is not set`.
func netIs(r *Resource, path string) string {
	v, set := r.Get(path)
	if !set || v == nil {
		return path + " is not set"
	}
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%s is %q", path, s)
	}
	b, _ := json.Marshal(v)
	return path + " is " + string(b)
}

// netOpenCIDR reports whether a CIDR lets the whole internet in.
func netOpenCIDR(cidr string) bool {
	c := strings.TrimSpace(cidr)
	return c == "0.0.0.0/0" || c == "::/0"
}

// netRefersTo reports whether child's input at key names parent. When both
// names are known (parent's at parentKey), same compares them; otherwise (an
// autonamed parent, or a reference unknown during preview) the dependency
// the engine records from the input decides.
func netRefersTo(child *Resource, key string, parent *Resource, parentKey string, same func(ref, name string) bool) bool {
	ref := child.Str(key)
	name := ""
	if parentKey != "" {
		name = parent.Str(parentKey)
	}
	if ref != "" && name != "" {
		return same(ref, name)
	}
	return slices.Contains(child.DependsOn, parent.URN)
}

// netCompanions returns the candidates that refer to parent through their
// input key, and the first candidate whose reference is unknown and that
// could be parent's (it depends on no other resource of parent's type).
func netCompanions(s *Stack, parent *Resource, key, parentKey string, same func(ref, name string) bool, candidates []*Resource) (found []*Resource, maybe *Resource) {
	for _, c := range candidates {
		if netRefersTo(c, key, parent, parentKey, same) {
			found = append(found, c)
			continue
		}
		if maybe == nil && c.IsUnknown(key) && !netDependsOnOther(s, c, parent) {
			maybe = c
		}
	}
	return found, maybe
}

func netDependsOnOther(s *Stack, c, parent *Resource) bool {
	for _, u := range c.DependsOn {
		if d := s.ByURN(u); d != nil && d.Type == parent.Type && d.URN != parent.URN {
			return true
		}
	}
	return false
}

func netDependsOnType(s *Stack, r *Resource, typ string) bool {
	for _, u := range r.DependsOn {
		if d := s.ByURN(u); d != nil && d.Type == typ {
			return true
		}
	}
	return false
}

// netCannotMatch reports that parent's companion cannot be told apart
// during preview, because the companion's reference to it is unknown.
func netCannotMatch(parent, companion *Resource, key string) Finding {
	return CannotVerify(parent, fmt.Sprintf("the %s of %s", key, Subject(companion)))
}

// netStatement is one statement of an IAM or resource policy document.
type netStatement struct {
	Sid       string
	Effect    string
	Principal interface{}
	Action    interface{}
	Resource  interface{}
	Condition map[string]map[string]interface{}
}

// where names a statement in a message: `policy Statement[1] "PublicRead"`.
func (st netStatement) where(path string, i int) string {
	w := fmt.Sprintf("%s Statement[%d]", path, i)
	if st.Sid != "" {
		w += fmt.Sprintf(" %q", st.Sid)
	}
	return w
}

// pinned returns a condition key's values under StringEquals and
// StringLike (a wildcard in a StringLike value fails the callers' patterns).
func (st netStatement) pinned(key string) []string {
	var values []string
	for _, op := range []string{"StringEquals", "StringLike"} {
		values = append(values, netList(st.Condition[op][key])...)
	}
	return values
}

// netPolicyAt parses the policy document at path (a JSON string, or a map
// when a program passes the document as an object). The finding is set when
// the document is unknown, missing or not valid JSON.
func netPolicyAt(r *Resource, path string) ([]netStatement, *Finding) {
	v, set := r.Get(path)
	if props.HasUnknown(v) {
		f := CannotVerify(r, path)
		return nil, &f
	}
	text, ok := v.(string)
	if !ok && set && v != nil {
		b, _ := json.Marshal(v)
		text = string(b)
	}
	if text == "" {
		return nil, nil
	}
	var doc struct{ Statement json.RawMessage }
	err := json.Unmarshal([]byte(text), &doc)
	var stmts []netStatement
	if err == nil && len(doc.Statement) > 0 {
		// Statement is a list, or a single statement object.
		if err = json.Unmarshal(doc.Statement, &stmts); err != nil {
			var one netStatement
			if err = json.Unmarshal(doc.Statement, &one); err == nil {
				stmts = []netStatement{one}
			}
		}
	}
	if err != nil {
		f := Violation(r, "%s must hold a valid JSON policy document in %s (%v)", Subject(r), path, err)
		return nil, &f
	}
	return stmts, nil
}

// netAnyPrincipal reports whether a policy principal is everyone: "*" or
// {"AWS": "*"}.
func netAnyPrincipal(p interface{}) bool {
	if s, ok := p.(string); ok {
		return s == "*"
	}
	m, _ := p.(map[string]interface{})
	return slices.Contains(netList(m["AWS"]), "*")
}

// netList reads a policy field that is a string or a list of strings.
func netList(v interface{}) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return props.Strings(v)
}
