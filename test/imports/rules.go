package imports

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Module is this project's module path.
const Module = "github.com/pangea-ai/mlplatform"

// Vocabulary are the packages under components/ that name what the
// environment files and the components share (instance catalogue, node
// labels and taints, container requests); they import neither side, so
// environments may use them.
var Vocabulary = []string{"components/catalog", "components/nodes", "components/k8s/workload", "components/modelcard"}

// Pending are imports of test code by the product that a named change is
// to remove ("<dir> -> <import>": why and which issue); each is allowed
// until then, and an entry that no longer occurs fails, so the list only
// shrinks. Empty since the plan's engine moved from test/recorder to plan/.
var Pending = map[string]string{}

// Import is one import of one file.
type Import struct {
	// File is the path from the module root; Dir its directory.
	File, Dir string
	// Test says whether the file is a _test.go file.
	Test bool
	// Path is the imported path, relative to the module for its own
	// packages ("environments"), else as written ("testing").
	Path string
	// Own says whether Path is one of this module's packages.
	Own bool
}

// Scan reads the imports of every Go file of the module at root, leaving
// out other modules (directories with their own go.mod), testdata and
// hidden directories.
func Scan(root string) ([]Import, error) {
	var out []Import
	fset := token.NewFileSet()
	err := WalkGoFiles(root, func(path, rel string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("reading the imports of %s: %w", rel, err)
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			own := p == Module || strings.HasPrefix(p, Module+"/")
			if own {
				p = strings.TrimPrefix(strings.TrimPrefix(p, Module), "/")
			}
			out = append(out, Import{File: rel, Dir: filepath.ToSlash(filepath.Dir(rel)), Test: strings.HasSuffix(rel, "_test.go"), Path: p, Own: own})
		}
		return nil
	})
	return out, err
}

// WalkGoFiles calls fn with the path and the slash-separated path from root
// of every Go file of the module at root, leaving out other modules
// (directories with their own go.mod), testdata, bin, out and hidden
// directories.
func WalkGoFiles(root string, fn func(path, rel string) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "out") {
				return filepath.SkipDir
			}
			if rel != "." {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			return nil
		}
		return fn(path, rel)
	})
}

func under(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// Violations applies the rules to imports and returns one line per broken
// rule, naming the file, the import and the rule.
func Violations(imports []Import) []string {
	var out []string
	pendingSeen := map[string]bool{}
	bad := func(im Import, rule string) {
		out = append(out, fmt.Sprintf("%s imports %s: %s", im.File, im.Path, rule))
	}
	for _, im := range imports {
		product := !im.Test && !under(im.Dir, "test")
		switch {
		case under(im.Dir, "components") && im.Own && slices.ContainsFunc([]string{"environments", "stacks", "policies", "cmd", "plan", "previews"}, func(d string) bool { return under(im.Path, d) }):
			bad(im, "components take their own args and never import the environment file, the program, the policies, the plan or the commands")
		case under(im.Dir, "environments") && im.Own && under(im.Path, "components") && !slices.Contains(Vocabulary, im.Path):
			bad(im, "environments may use the shared vocabulary ("+strings.Join(Vocabulary, ", ")+") and no component")
		case under(im.Dir, "stacks") && im.Own && (under(im.Path, "cmd") || under(im.Path, "previews") || under(im.Path, "plan") && !im.Test):
			bad(im, "the program never imports the commands, the offline plan or the preview lifecycle (its tests may run it under the plan)")
		case under(im.Dir, "policies") && !im.Test && im.Own && (under(im.Path, "stacks") || under(im.Path, "cmd")):
			bad(im, "policies judge resources; they never import the program or the commands (their tests may plan a stack to judge)")
		case product && im.Path == "testing":
			bad(im, "product code never links the testing package; test helpers live under test/ or in _test.go files")
		case product && im.Own && under(im.Path, "test"):
			key := im.Dir + " -> " + im.Path
			if _, ok := Pending[key]; ok {
				pendingSeen[key] = true
				continue
			}
			bad(im, "product code never imports test code")
		}
	}
	for key, why := range Pending {
		if !pendingSeen[key] {
			out = append(out, fmt.Sprintf("%s no longer occurs: remove it from imports.Pending (%s)", key, why))
		}
	}
	slices.Sort(out)
	return out
}
