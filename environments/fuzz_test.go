package environments

import (
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the loader: it may reject them, but it
// must never panic. Run longer with: go test -fuzz=FuzzParse ./environments
func FuzzParse(f *testing.F) {
	for _, name := range Names {
		data, err := os.ReadFile(name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: dev\nnodeGroups:\n  a: {aws: {instanceTypes: [1, {x: y}]}}\n"))
	f.Add([]byte("aws: &a\n  network: *a\n"))
	f.Add([]byte("tags: [1, 2]\ncluster: ~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := Parse("environments/dev.yaml", data, opts())
		if (env == nil) == (err == nil) {
			t.Fatalf("Parse must return exactly one of environment and error: %v, %v", env, err)
		}
	})
}
