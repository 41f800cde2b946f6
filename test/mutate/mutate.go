// Package mutate changes the structure of a YAML document as a fuzzer's
// input directs: it deletes, duplicates, swaps and retypes entries. The
// environment loader's and the plan command's fuzz targets share it.
package mutate

import "gopkg.in/yaml.v3"

// The operations Mutate applies.
const (
	Delete = iota
	Duplicate
	Swap
	Retype
	NumOps
)

// Apply reads ops three bytes at a time (operation, first index, second
// index) and applies each to root; at most 20 operations.
func Apply(root *yaml.Node, ops []byte) {
	if len(ops) > 60 {
		ops = ops[:60]
	}
	for i := 0; i+2 < len(ops); i += 3 {
		Mutate(root, ops[i]%NumOps, int(ops[i+1]), int(ops[i+2]))
	}
}

// HasRepeatedKey reports whether any mapping repeats a plain key.
func HasRepeatedKey(n *yaml.Node) bool {
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
		if HasRepeatedKey(c) {
			return true
		}
	}
	return false
}

// Mutate applies one operation at the mapping pair or list item a selects
// (b picks the second one for a swap, the new kind for a retype).
func Mutate(root *yaml.Node, op byte, a, b int) {
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
	case Delete:
		n.Content = append(n.Content[:i:i], n.Content[i+step:]...)
	case Duplicate:
		dup := append([]*yaml.Node{}, n.Content[i:i+step]...)
		n.Content = append(n.Content, dup...)
	case Swap:
		j := ((b / 2) % items) * step
		vi, vj := i+step-1, j+step-1
		n.Content[vi], n.Content[vj] = n.Content[vj], n.Content[vi]
	case Retype:
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
