package environments

import (
	"errors"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/test/mutate"
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
	f.Add(uint8(0), []byte{mutate.Duplicate, 7, 0})
	f.Add(uint8(2), []byte{mutate.Delete, 40, 0, mutate.Retype, 12, 3})
	f.Add(uint8(1), []byte{mutate.Swap, 30, 90})
	f.Fuzz(func(t *testing.T, which uint8, ops []byte) {
		src := docs[int(which)%len(docs)]
		var root yaml.Node
		if err := yaml.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		mutate.Apply(&root, ops)
		duplicated := mutate.HasRepeatedKey(&root)
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
