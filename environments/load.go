package environments

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
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
	if line := secondDocument(data); line > 0 {
		ps.add("(document)", fmt.Sprintf("a second YAML document at line %d", line), "an environment file holds one document", "remove the '---' and what follows, or move it to its own file")
	}
	w := &shapeWalker{ps: &ps, budget: maxNodes, onPath: map[*yaml.Node]bool{}}
	w.check(root.Content[0], reflect.TypeOf(Environment{}), "")
	// Problems that leave the document decodable (a repeated key, whose
	// repeat the walker dropped; a second document; an unknown key) are
	// reported together with the rules' problems; any other stops here.
	var env Environment
	if w.fatal || root.Content[0].Decode(&env) != nil {
		if len(ps) == 0 {
			err := root.Content[0].Decode(&env)
			ps.add("(document)", "does not decode", strings.TrimPrefix(err.Error(), "yaml: "), "fix the value at the line named")
		}
		return nil, &Error{File: path, Problems: ps}
	}
	env.applyDefaults()
	if err := Validate(path, &env, opts); err != nil {
		var verr *Error
		if !errors.As(err, &verr) {
			return nil, err
		}
		ps = append(ps, verr.Problems...)
	}
	if len(ps) > 0 {
		return nil, &Error{File: path, Problems: ps}
	}
	env.catalog = opts.Catalog
	return &env, nil
}

// applyDefaults fills in what a file may leave out: MLflow's section and
// sizes, and every model that names
// no explainer gets DefaultExplainer, except a model served over v2 only,
// for which no built-in explainer works (the validator asks for one).
func (e *Environment) applyDefaults() {
	e.applyMLflowDefaults()
	e.applyJupyterHubDefaults()
	for i := range e.Models {
		if e.Models[i].Explainer == nil && !e.Models[i].ServedOverV2Only() {
			e.Models[i].Explainer = DefaultExplainer()
		}
	}
}

// secondDocument returns the line a second YAML document starts at, or 0.
func secondDocument(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first, second yaml.Node
	if dec.Decode(&first) != nil {
		return 0
	}
	if err := dec.Decode(&second); err != nil {
		return 0 // io.EOF, or a broken second document: the first decides
	}
	return max(second.Line, 1)
}

// digits is a whole number as written, before YAML resolves it.
var digits = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

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
	// fatal is set by a problem the document cannot be decoded past (a
	// value of the wrong kind); the rules then do not run.
	fatal bool
}

// mappingPairs returns a mapping's key/value pairs with merge keys (<<)
// expanded, reporting repeated keys and keys that are not plain names. A
// repeated key's later pairs are dropped from the node itself, so the
// document still decodes and the rules can run.
func (w *shapeWalker) mappingPairs(node *yaml.Node, path string) [][2]*yaml.Node {
	var pairs [][2]*yaml.Node
	seen := map[string]int{}
	kept := node.Content[:0:0]
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.ps.add(fmt.Sprintf("%s (line %d)", displayPath(path), k.Line), describe(k)+" as a key", "a key must be a plain name", "write the key as a name")
			w.fatal = true
			continue
		}
		if k.Tag == "!!merge" {
			merged := w.mergeSources(v, join(path, "<<"))
			pairs = append(pairs, merged...)
			kept = append(kept, k, v)
			continue
		}
		if first, ok := seen[k.Value]; ok {
			w.ps.add(fmt.Sprintf("%s (line %d)", join(path, k.Value), k.Line), describe(v), fmt.Sprintf("key %q is given twice (first at line %d); YAML keeps neither reliably", k.Value, first), "keep one of them")
			continue
		}
		seen[k.Value] = k.Line
		pairs = append(pairs, [2]*yaml.Node{k, v})
		kept = append(kept, k, v)
	}
	node.Content = kept
	return pairs
}

// mergeSources are the pairs a merge key brings in: a mapping, an alias of
// one, or a list of those; anything else cannot be merged.
func (w *shapeWalker) mergeSources(v *yaml.Node, path string) [][2]*yaml.Node {
	if v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		var out [][2]*yaml.Node
		for i := 0; i+1 < len(v.Content); i += 2 {
			out = append(out, [2]*yaml.Node{v.Content[i], v.Content[i+1]})
		}
		return out
	case yaml.SequenceNode:
		var out [][2]*yaml.Node
		for _, item := range v.Content {
			out = append(out, w.mergeSources(item, path)...)
		}
		return out
	}
	w.ps.add(fmt.Sprintf("%s (line %d)", path, v.Line), describe(v), "a merge key (<<) takes a mapping, an alias of one, or a list of those", "merge an anchored mapping, or write the keys out")
	w.fatal = true
	return nil
}

func (w *shapeWalker) check(node *yaml.Node, t reflect.Type, path string) {
	ps := w.ps
	checkShape := func(n *yaml.Node, t reflect.Type, p string, _ *problems) { w.check(n, t, p) }
	if w.budget--; w.budget == 0 {
		ps.add(displayPath(path), "(document)", fmt.Sprintf("expands to more than %d values through aliases", maxNodes), "write the values out instead of nesting aliases")
		w.fatal = true
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
			w.fatal = true
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
			w.fatal = true
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
		for _, kv := range w.mappingPairs(node, path) {
			k, v := kv[0], kv[1]
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
			w.fatal = true
			return
		}
		for _, kv := range w.mappingPairs(node, path) {
			checkShape(kv[1], t.Elem(), join(path, kv[0].Value), ps)
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			ps.add(at(), describe(node), "must be a list", "write it as [a, b] or as - items")
			w.fatal = true
			return
		}
		for i, item := range node.Content {
			checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), ps)
		}
	case reflect.Int:
		var n int
		switch {
		case node.Kind == yaml.ScalarNode && digits.MatchString(node.Value) && node.Decode(&n) != nil:
			// YAML resolves an integer too big for 64 bits as a float.
			ps.add(at(), describe(node), "is out of range for a whole number", "write a number this setting can take")
			w.fatal = true
		case node.Kind != yaml.ScalarNode || node.Tag != "!!int":
			ps.add(at(), describe(node), "must be a whole number", "write digits only, without quotes")
			w.fatal = true
		case node.Decode(&n) != nil:
			ps.add(at(), describe(node), "is out of range for a whole number", "write a number this setting can take")
			w.fatal = true
		}
	case reflect.String:
		var s string
		switch {
		case node.Kind != yaml.ScalarNode:
			ps.add(at(), describe(node), "must be a single value", "write it as one string")
			w.fatal = true
		case node.Decode(&s) != nil:
			// A tag the value cannot carry, such as !!int on a number
			// too big for 64 bits.
			ps.add(at(), describe(node), "does not read as text with its tag "+node.Tag, "quote the value and drop the tag")
			w.fatal = true
		}
	case reflect.Float64:
		var f float64
		if node.Kind != yaml.ScalarNode || node.Decode(&f) != nil {
			ps.add(at(), describe(node), "must be a number", "write digits, with a decimal point if needed, without quotes")
			w.fatal = true
		}
	case reflect.Bool:
		if node.Kind != yaml.ScalarNode || node.Tag != "!!bool" {
			ps.add(at(), describe(node), "must be true or false", "write true or false")
			w.fatal = true
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
