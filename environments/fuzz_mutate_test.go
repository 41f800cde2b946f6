package environments

import (
	"errors"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// mutation ops the structural fuzzer applies to a committed environment.
const (
	opDelete = iota
	opDuplicate
	opSwap
	opRetype
	numOps
)

// FuzzMutate changes the structure of a committed environment file (deletes
// a key or list item, duplicates one, swaps two values, retypes a value)
// as the fuzz input directs, and holds the loader to its contract: it never
// panics; it returns an environment or an error, never both; every problem
// names a path; a repeated key is always a problem; and an environment it
// accepts passes validation again unchanged. The seeds live in
// testdata/fuzz/FuzzMutate.
func FuzzMutate(f *testing.F) {
	var docs [][]byte
	for _, name := range []string{"dev", "staging", "prod", "preview"} {
		b, err := os.ReadFile(name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		docs = append(docs, b)
	}
	f.Add(uint8(0), []byte{opDuplicate, 7, 0})
	f.Add(uint8(2), []byte{opDelete, 40, 0, opRetype, 12, 3})
	f.Add(uint8(1), []byte{opSwap, 30, 90})
	f.Fuzz(func(t *testing.T, which uint8, ops []byte) {
		if len(ops) > 60 {
			ops = ops[:60]
		}
		src := docs[int(which)%len(docs)]
		var root yaml.Node
		if err := yaml.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		for i := 0; i+2 < len(ops); i += 3 {
			mutate(&root, ops[i]%numOps, int(ops[i+1]), int(ops[i+2]))
		}
		duplicated := hasRepeatedKey(&root)
		data, err := yaml.Marshal(&root)
		if err != nil {
			return // a mutation yaml cannot write is not an input
		}
		name := []string{"dev", "staging", "prod", "preview"}[int(which)%len(docs)]
		env, err := Parse("environments/"+name+".yaml", data, opts())
		if (env == nil) == (err == nil) {
			t.Fatalf("Parse must return exactly one of environment and error: %v, %v", env, err)
		}
		if err != nil {
			var verr *Error
			if !errors.As(err, &verr) {
				t.Fatalf("a problem in the file must be an *Error (exit 2), got %T: %v", err, err)
			}
			for _, p := range verr.Problems {
				if p.Path == "" || p.Rule == "" {
					t.Fatalf("a problem without a path or rule: %+v", p)
				}
			}
			return
		}
		if duplicated {
			t.Fatalf("a repeated key was accepted:\n%s", data)
		}
		if err := Validate("environments/"+name+".yaml", env, opts()); err != nil {
			t.Fatalf("an accepted environment fails validation again: %v", err)
		}
	})
}

// hasRepeatedKey reports whether any mapping repeats a plain key.
func hasRepeatedKey(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" && k.Value != "<<" {
				if seen[k.Value] {
					return true
				}
				seen[k.Value] = true
			}
		}
	}
	for _, c := range n.Content {
		if hasRepeatedKey(c) {
			return true
		}
	}
	return false
}

// mutate applies one operation at the mapping pair or list item a selects
// (b picks the second one for a swap, the new kind for a retype).
func mutate(root *yaml.Node, op byte, a, b int) {
	var slots []*yaml.Node // mappings and sequences, in document order
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			slots = append(slots, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	if len(slots) == 0 {
		return
	}
	n := slots[a%len(slots)]
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	items := len(n.Content) / step
	if items == 0 {
		return
	}
	i := (b % items) * step
	switch op {
	case opDelete:
		n.Content = append(n.Content[:i:i], n.Content[i+step:]...)
	case opDuplicate:
		dup := append([]*yaml.Node{}, n.Content[i:i+step]...)
		n.Content = append(n.Content, dup...)
	case opSwap:
		j := ((b / 2) % items) * step
		vi, vj := i+step-1, j+step-1
		n.Content[vi], n.Content[vj] = n.Content[vj], n.Content[vi]
	case opRetype:
		v := n.Content[i+step-1]
		switch b % 4 {
		case 0:
			*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "99999999999999999999"}
		case 1:
			*v = yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "x"}}}
		case 2:
			*v = yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "x"}, {Kind: yaml.ScalarNode, Value: "y"}}}
		default:
			*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "retyped"}
		}
	}
}
