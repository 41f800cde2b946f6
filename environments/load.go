package environments

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// Options tune validation.
type Options struct {
	// Now is the date support windows are judged against; zero means time.Now().
	Now time.Time
	// Catalog is the instance catalogue; nil means catalog.Default().
	Catalog *catalog.Catalog
}

// LoadFile reads, decodes and validates one environment file. A file that
// cannot be read is a plain error; anything wrong inside it is an *Error that
// lists every problem.
func LoadFile(path string, opts Options) (*Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading environment file: %w", err)
	}
	return Parse(path, data, opts)
}

// Load reads environments/<name>.yaml below the project root.
func Load(root, name string, opts Options) (*Environment, error) {
	return LoadFile(filepath.Join(root, "environments", name+".yaml"), opts)
}

// Parse decodes and validates an environment document. path names the file in
// messages; its base name (without .yaml) is the name the document must carry.
func Parse(path string, data []byte, opts Options) (*Environment, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{File: path, Problems: []Problem{{
			Path: "(document)", Value: "not YAML", Rule: strings.TrimPrefix(err.Error(), "yaml: "),
			Fix: "fix the YAML syntax at the line named",
		}}}
	}
	if root.Kind == 0 || len(root.Content) == 0 || root.Content[0].Kind == yaml.ScalarNode && root.Content[0].Tag == "!!null" {
		return nil, &Error{File: path, Problems: []Problem{{
			Path: "(document)", Value: "empty", Rule: "an environment file describes one environment",
			Fix: "start from environments/dev.yaml",
		}}}
	}
	var ps problems
	w := &shapeWalker{ps: &ps, budget: maxNodes, onPath: map[*yaml.Node]bool{}}
	w.check(root.Content[0], reflect.TypeOf(Environment{}), "")
	if len(ps) > 0 {
		return nil, &Error{File: path, Problems: ps}
	}
	var env Environment
	if err := root.Content[0].Decode(&env); err != nil {
		// checkShape accepts only documents that decode; reaching here is a bug.
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	if err := Validate(path, &env, opts); err != nil {
		return nil, err
	}
	env.catalog = opts.Catalog
	return &env, nil
}

// maxNodes bounds how many YAML nodes one document may expand to through
// aliases; a real environment file has a few hundred.
const maxNodes = 100000

// shapeWalker walks a YAML node against the Go type it decodes into and
// reports unknown keys (with a did-you-mean) and values of the wrong kind,
// each with its path, so that strict decoding fails with the same kind of
// message as every other rule. Aliases are followed, but an alias inside its
// own anchor and documents that expand past maxNodes are problems, not hangs.
type shapeWalker struct {
	ps     *problems
	budget int
	onPath map[*yaml.Node]bool
}

func (w *shapeWalker) check(node *yaml.Node, t reflect.Type, path string) {
	ps := w.ps
	checkShape := func(n *yaml.Node, t reflect.Type, p string, _ *problems) { w.check(n, t, p) }
	if w.budget--; w.budget == 0 {
		ps.add(displayPath(path), "(document)", fmt.Sprintf("expands to more than %d values through aliases", maxNodes), "write the values out instead of nesting aliases")
	}
	if w.budget <= 0 {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if node.Kind == yaml.AliasNode {
		if w.onPath[node.Alias] {
			ps.add(displayPath(path), "*"+node.Value, "an alias may not refer to a value that contains it", "remove the alias")
			return
		}
		node = node.Alias
	}
	w.onPath[node] = true
	defer delete(w.onPath, node)
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return // an empty value decodes to the zero value
	}
	at := func() string { return fmt.Sprintf("%s (line %d)", displayPath(path), node.Line) }
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			ps.add(at(), describe(node), "must be a mapping of keys", "write it as key: value lines")
			return
		}
		fields := map[string]reflect.StructField{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if !f.IsExported() || key == "-" {
				continue
			}
			fields[key] = f
			names = append(names, key)
		}
		sort.Strings(names)
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, v := node.Content[i], node.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				fix := "remove it; known keys here: " + strings.Join(names, ", ")
				if s := catalog.ClosestOf(k.Value, names); s != "" {
					fix = fmt.Sprintf("did you mean %q?", s)
				}
				ps.add(fmt.Sprintf("%s (line %d)", join(path, k.Value), k.Line), describe(v), "unknown key", fix)
				continue
			}
			checkShape(v, f.Type, join(path, k.Value), ps)
		}
	case reflect.Map:
		if node.Kind != yaml.MappingNode {
			ps.add(at(), describe(node), "must be a mapping", "write it as name: value lines")
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			checkShape(node.Content[i+1], t.Elem(), join(path, node.Content[i].Value), ps)
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			ps.add(at(), describe(node), "must be a list", "write it as [a, b] or as - items")
			return
		}
		for i, item := range node.Content {
			checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), ps)
		}
	case reflect.Int:
		if node.Kind != yaml.ScalarNode || node.Tag != "!!int" {
			ps.add(at(), describe(node), "must be a whole number", "write digits only, without quotes")
		}
	case reflect.String:
		if node.Kind != yaml.ScalarNode {
			ps.add(at(), describe(node), "must be a single value", "write it as one string")
		}
	case reflect.Bool:
		if node.Kind != yaml.ScalarNode || node.Tag != "!!bool" {
			ps.add(at(), describe(node), "must be true or false", "write true or false")
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func displayPath(path string) string {
	if path == "" {
		return "(document)"
	}
	return path
}

// IsValidationError reports whether err lists problems in an environment file
// (as opposed to failing to read it).
func IsValidationError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
