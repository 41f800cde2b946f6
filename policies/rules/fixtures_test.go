package rules

import (
	"reflect"
	"strings"
	"testing"
)

// res builds a fixture resource: type, name, inputs. Its URN follows
// Pulumi's shape so messages and waivers can name it.
func res(typ, name string, inputs map[string]interface{}) *Resource {
	if inputs == nil {
		inputs = map[string]interface{}{}
	}
	return &Resource{Type: typ, Name: name, URN: "urn:pulumi:test::mlplatform::" + typ + "::" + name, Inputs: inputs}
}

// stackOf builds a fixture stack of an environment.
func stackOf(env string, rs ...*Resource) *Stack {
	return &Stack{Name: "aws-" + env, Environment: env, Resources: rs}
}

// ruleCase is one fixture of a table test: the stack and the exact
// messages the rule must report (none for a passing fixture).
type ruleCase struct {
	name  string
	stack *Stack
	want  []string
}

// runRule runs a rule's table and compares messages exactly, in order;
// findings about unknown values are prefixed "unverifiable: ".
func runRule(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	r, err := ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range r.Check(c.stack) {
				m := f.Message
				if f.Unverifiable {
					m = "unverifiable: " + m
				}
				got = append(got, m)
			}
			if len(got) == 0 && len(c.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s findings:\n  %s\nwant:\n  %s", id, strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}
