package upstream

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// ChartValues are the values one chart version documents: its values.yaml,
// its values.schema.json where it ships one, and each bundled subchart's
// under the subchart's name (or alias), as Helm passes them down.
type ChartValues struct {
	Chart, Version string
	values         map[string]interface{}
	schema         *Schema
	// subSchemas are the subcharts' schemas, by the key they sit under.
	subSchemas map[string]*Schema
}

// Values reads a chart version's documented values.
func (f *Facts) Values(chart, version string) (*ChartValues, error) {
	dir := f.ChartDir(chart, version)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%s %s: %w (looked in %s)", chart, version, ErrMissing, dir)
	}
	cv := &ChartValues{Chart: chart, Version: version, subSchemas: map[string]*Schema{}}
	var err error
	if cv.values, err = readYAMLMap(filepath.Join(dir, "values.yaml")); err != nil {
		return nil, err
	}
	if cv.schema, err = readSchema(filepath.Join(dir, "values.schema.json")); err != nil {
		return nil, err
	}
	deps, err := dependencies(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	for name, key := range deps {
		sub := filepath.Join(dir, "subcharts", name)
		if _, err := os.Stat(sub); err != nil {
			continue // a dependency the facts do not hold (checked by the caller's rules)
		}
		sv, err := readYAMLMap(filepath.Join(sub, "values.yaml"))
		if err != nil {
			return nil, err
		}
		own, _ := cv.values[key].(map[string]interface{})
		cv.values[key] = mergeKeys(sv, own)
		if s, err := readSchema(filepath.Join(sub, "values.schema.json")); err != nil {
			return nil, err
		} else if s != nil {
			cv.subSchemas[key] = s
		}
	}
	return cv, nil
}

// dependencies maps each dependency's chart name to the key its values sit
// under in the parent (its alias, or its name).
func dependencies(chartYAML string) (map[string]string, error) {
	b, err := os.ReadFile(chartYAML)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var doc struct {
		Dependencies []struct{ Name, Alias string } `yaml:"dependencies"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", chartYAML, err)
	}
	out := map[string]string{}
	for _, d := range doc.Dependencies {
		key := d.Name
		if d.Alias != "" {
			key = d.Alias
		}
		out[d.Name] = key
	}
	return out, nil
}

func readYAMLMap(path string) (map[string]interface{}, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]interface{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

// mergeKeys is the union of two value trees' keys (b's scalars win): a key
// either one documents exists.
func mergeKeys(a, b map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		am, aok := out[k].(map[string]interface{})
		bm, bok := v.(map[string]interface{})
		if aok && bok {
			out[k] = mergeKeys(am, bm)
			continue
		}
		if _, exists := out[k]; !exists || v != nil {
			out[k] = v
		}
	}
	return out
}

// Free declares a values path below which the chart takes any key: a map
// the chart passes through whole (labels, node selectors, config files).
// Proof names the chart file that shows it.
type Free struct {
	Path  string
	Proof string
}

// CRDField declares a values path the chart copies into a custom resource's
// field: everything below it is checked against that field's schema in the
// CRD the facts hold. Proof names the chart template that copies it.
type CRDField struct {
	Path string
	// CRD is the definition's name (<plural>.<group>), Version the served
	// version, Field the dotted field path (spec.remoteWrite).
	CRD, Version, Field string
	// Chart and ChartVersion name where the CRD comes from, when not the
	// chart itself.
	Chart, ChartVersion string
	Proof               string
}

// Rules are what the checker knows beyond values.yaml, for one chart.
type Rules struct {
	Free []Free
	CRDs []CRDField
}

// Problem is one key path that the chart does not know.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Check walks given (the values the toolkit passes) and reports every key
// path the chart version does not document, with the nearest real key.
func (cv *ChartValues) Check(f *Facts, given map[string]interface{}, rules Rules) []Problem {
	c := checker{facts: f, cv: cv, rules: rules}
	c.walk(nil, given, cv.values, cv.schema)
	sort.Slice(c.problems, func(i, j int) bool { return c.problems[i].Path < c.problems[j].Path })
	return c.problems
}

type checker struct {
	facts    *Facts
	cv       *ChartValues
	rules    Rules
	problems []Problem
}

func (c *checker) walk(path []string, given map[string]interface{}, vals interface{}, schema *Schema) {
	valMap, _ := vals.(map[string]interface{})
	for _, k := range sortedKeys(given) {
		p := append(append([]string{}, path...), k)
		dotted := strings.Join(p, ".")
		childVals, inValues := valMap[k]
		childSchema := schema.Child(k)
		if len(path) == 0 {
			if s, ok := c.cv.subSchemas[k]; ok {
				childSchema = s
			}
		}
		if _, ok := c.free(dotted); ok {
			continue
		}
		if cf, ok := c.crdField(dotted); ok {
			c.checkCRD(dotted, given[k], cf)
			continue
		}
		if !inValues && childSchema == nil {
			c.problems = append(c.problems, Problem{dotted, fmt.Sprintf("no such key in %s %s's values.yaml or values.schema.json; nearest real key: %s",
				c.cv.Chart, c.cv.Version, nearest(path, k, valMap, schema))})
			continue
		}
		if sub, ok := given[k].(map[string]interface{}); ok {
			c.walk(p, sub, childVals, childSchema)
		}
	}
}

func (c *checker) free(path string) (Free, bool) {
	for _, f := range c.rules.Free {
		if f.Path == path {
			return f, true
		}
	}
	return Free{}, false
}

func (c *checker) crdField(path string) (CRDField, bool) {
	for _, f := range c.rules.CRDs {
		if f.Path == path {
			return f, true
		}
	}
	return CRDField{}, false
}

func (c *checker) checkCRD(path string, given interface{}, cf CRDField) {
	chart, version := cf.Chart, cf.ChartVersion
	if chart == "" {
		chart, version = c.cv.Chart, c.cv.Version
	}
	crds, err := c.facts.LoadCRDs(chart, version)
	if err != nil {
		c.problems = append(c.problems, Problem{path, fmt.Sprintf("cannot check against %s: %v", cf.CRD, err)})
		return
	}
	s, err := crds.FieldSchema(cf.CRD, cf.Version, cf.Field)
	if err != nil {
		c.problems = append(c.problems, Problem{path, err.Error()})
		return
	}
	for _, p := range s.Validate(given) {
		c.problems = append(c.problems, Problem{joinPath(path, p.Path), p.Message + " (" + cf.CRD + " " + cf.Version + " " + cf.Field + ")"})
	}
}

func joinPath(a, b string) string {
	switch {
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// nearest names the documented key closest to k among its would-be
// siblings, as a full path.
func nearest(parent []string, k string, vals map[string]interface{}, schema *Schema) string {
	cands := map[string]bool{}
	for c := range vals {
		cands[c] = true
	}
	for _, c := range schema.PropertyNames() {
		cands[c] = true
	}
	names := make([]string, 0, len(cands))
	for c := range cands {
		names = append(names, c)
	}
	sort.Strings(names)
	best := catalog.Nearest(k, names)
	if best == "" {
		return "(none: " + strings.Join(parent, ".") + " documents no keys)"
	}
	return strings.Join(append(append([]string{}, parent...), best), ".")
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readSchema reads a values.schema.json; nil when the chart ships none.
func readSchema(path string) (*Schema, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var root map[string]interface{}
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &Schema{node: root, root: root}, nil
}
