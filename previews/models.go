package previews

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/environments"
)

// ChangedModels returns the models of an environment file's head version
// that its base version lacks or defines differently: what a pull request
// adds or changes, and so what its namespace preview serves. base is nil
// when the file is new. Both versions are read as written (no validation,
// no defaults), so only the pull request's own edits count.
func ChangedModels(base, head []byte) ([]string, error) {
	read := func(which string, data []byte) (map[string]environments.Model, []string, error) {
		var doc struct {
			Models []environments.Model `yaml:"models"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, nil, fmt.Errorf("reading the models of the %s version: %w", which, err)
		}
		byName := map[string]environments.Model{}
		var order []string
		for _, m := range doc.Models {
			byName[m.Name] = m
			order = append(order, m.Name)
		}
		return byName, order, nil
	}
	before, _, err := read("base", base)
	if err != nil {
		return nil, err
	}
	after, order, err := read("head", head)
	if err != nil {
		return nil, err
	}
	changed := []string{}
	for _, name := range order {
		if old, ok := before[name]; !ok || !reflect.DeepEqual(old, after[name]) {
			changed = append(changed, name)
		}
	}
	return changed, nil
}
