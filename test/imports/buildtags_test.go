package imports

import (
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vettedTags are the build tags `make vet-integration` compiles, each with
// the only directory allowed to use it: the target vets just these
// directories with their tag, so a tagged file anywhere else would go
// unvetted.
var vettedTags = map[string]string{
	"integration": "test/integration",
	"cluster":     "test/cluster",
}

// TestOnlyTaggedPackagesCarryBuildTags keeps `make vet-integration`'s short
// package list whole: every file that names one of the project's build tags
// sits in that tag's directory, and no file names a tag the Makefile does
// not vet.
func TestOnlyTaggedPackagesCarryBuildTags(t *testing.T) {
	root := "../.."
	seen := 0
	err := WalkGoFiles(root, func(path, rel string) error {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(line, "package ") {
				break
			}
			if !constraint.IsGoBuild(line) {
				continue
			}
			expr, err := constraint.Parse(line)
			if err != nil {
				t.Errorf("%s: %q: %v", rel, line, err)
				continue
			}
			expr.Eval(func(tag string) bool {
				dir, ours := vettedTags[tag]
				switch {
				case ours && !under(filepath.ToSlash(filepath.Dir(rel)), dir):
					t.Errorf("%s: build tag %q outside %s: make vet-integration vets that tag only there; move the file or add its directory to the vet-integration target and to vettedTags", rel, tag, dir)
				case ours:
					seen++
				case !knownTag(tag):
					t.Errorf("%s: build tag %q is not vetted by any make target: add it to vet-integration and to vettedTags", rel, tag)
				}
				return false
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("found no file with the integration or cluster tag: the walk missed the module")
	}
}

// knownTag says whether tag is one the go command sets itself (an OS, an
// architecture, a compiler, a release, cgo), which go vet ./... already
// covers for this platform.
func knownTag(tag string) bool {
	switch tag {
	case "linux", "darwin", "windows", "amd64", "arm64", "gc", "gccgo", "cgo", "unix", "ignore":
		return true
	}
	return strings.HasPrefix(tag, "go1.")
}
