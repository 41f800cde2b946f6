package upstream

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// Schema is one node of a JSON schema: a chart's values.schema.json or a
// CRD's openAPIV3Schema. References ($ref to the same document) and
// allOf/anyOf/oneOf are followed when looking up a property.
type Schema struct {
	node, root map[string]interface{}
	// any accepts every value (additionalProperties: true,
	// x-kubernetes-preserve-unknown-fields).
	any bool
}

var anything = &Schema{any: true}

// resolved follows $ref until a node without one.
func (s *Schema) resolved() map[string]interface{} {
	n := s.node
	for i := 0; i < 32 && n != nil; i++ {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		n = pointer(s.root, ref)
	}
	return n
}

// pointer resolves a local JSON pointer (#/$defs/x).
func pointer(root map[string]interface{}, ref string) map[string]interface{} {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	var cur interface{} = root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(map[string]interface{})
	return m
}

// branches are the node and the nodes its allOf/anyOf/oneOf combine.
func (s *Schema) branches() []*Schema {
	n := s.resolved()
	if n == nil {
		return nil
	}
	out := []*Schema{{node: n, root: s.root}}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		list, _ := n[k].([]interface{})
		for _, b := range list {
			if bm, ok := b.(map[string]interface{}); ok {
				out = append(out, (&Schema{node: bm, root: s.root}).branches()...)
			}
		}
	}
	return out
}

// Child is the schema of property k, anything when the node admits any
// key, or nil when k is not allowed (or s is nil).
func (s *Schema) Child(k string) *Schema {
	if s == nil {
		return nil
	}
	if s.any {
		return anything
	}
	var extra *Schema
	for _, b := range s.branches() {
		if b.node["x-kubernetes-preserve-unknown-fields"] == true {
			extra = anything
		}
		if props, ok := b.node["properties"].(map[string]interface{}); ok {
			if p, ok := props[k].(map[string]interface{}); ok {
				return &Schema{node: p, root: s.root}
			}
		}
		switch ap := b.node["additionalProperties"].(type) {
		case bool:
			if ap {
				extra = anything
			}
		case map[string]interface{}:
			extra = &Schema{node: ap, root: s.root}
		}
		if pp, ok := b.node["patternProperties"].(map[string]interface{}); ok && len(pp) > 0 && extra == nil {
			extra = anything
		}
	}
	return extra
}

// PropertyNames are the properties the node names.
func (s *Schema) PropertyNames() []string {
	if s == nil || s.any {
		return nil
	}
	var out []string
	for _, b := range s.branches() {
		if props, ok := b.node["properties"].(map[string]interface{}); ok {
			for k := range props {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (s *Schema) items() *Schema {
	if s == nil || s.any {
		return anything
	}
	for _, b := range s.branches() {
		if it, ok := b.node["items"].(map[string]interface{}); ok {
			return &Schema{node: it, root: s.root}
		}
	}
	return anything
}

func (s *Schema) types() []string {
	var out []string
	for _, b := range s.branches() {
		switch t := b.node["type"].(type) {
		case string:
			out = append(out, t)
		case []interface{}:
			for _, x := range t {
				if xs, ok := x.(string); ok {
					out = append(out, xs)
				}
			}
		}
		if b.node["x-kubernetes-int-or-string"] == true {
			out = append(out, "integer", "string")
		}
	}
	return out
}

// Validate reports every key of v the schema does not allow and every value
// of the wrong type, with paths relative to s.
func (s *Schema) Validate(v interface{}) []Problem {
	var out []Problem
	s.validate("", v, &out)
	return out
}

func (s *Schema) validate(path string, v interface{}, out *[]Problem) {
	if s == nil || s.any {
		return
	}
	if t := s.types(); len(t) > 0 && !typeMatches(t, v) {
		*out = append(*out, Problem{path, fmt.Sprintf("%v is %s, want %s", v, typeOf(v), strings.Join(t, " or "))})
		return
	}
	switch val := v.(type) {
	case map[string]interface{}:
		for _, k := range sortedKeys(val) {
			child := s.Child(k)
			p := joinPath(path, k)
			if path == "" {
				p = k
			}
			if child == nil {
				near := "(none)"
				if names := s.PropertyNames(); len(names) > 0 {
					near = catalog.Nearest(k, names)
				}
				*out = append(*out, Problem{p, "unknown field; nearest: " + near})
				continue
			}
			child.validate(p, val[k], out)
		}
	case []interface{}:
		it := s.items()
		for i, x := range val {
			it.validate(fmt.Sprintf("%s[%d]", path, i), x, out)
		}
	}
}

func typeOf(v interface{}) string {
	switch x := v.(type) {
	case map[string]interface{}:
		return "object"
	case []interface{}:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int64:
		return "integer"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func typeMatches(want []string, v interface{}) bool {
	got := typeOf(v)
	for _, w := range want {
		if w == got || (w == "number" && got == "integer") || got == "null" {
			return true
		}
	}
	return false
}
