package upstream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// CRDSet is the CustomResourceDefinitions one chart version installs.
type CRDSet struct {
	// Path is the crds.yaml they were read from.
	Path   string
	byName map[string]map[string]interface{}
}

var crdCache sync.Map // path → *CRDSet

// LoadCRDs reads a chart version's crds.yaml (cached per process: the
// files run to megabytes).
func (f *Facts) LoadCRDs(chart, version string) (*CRDSet, error) {
	path, err := f.CRDs(chart, version)
	if err != nil {
		return nil, err
	}
	if s, ok := crdCache.Load(path); ok {
		return s.(*CRDSet), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	set := &CRDSet{Path: path, byName: map[string]map[string]interface{}{}}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc map[string]interface{}
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", path, err)
		}
		if doc["kind"] != "CustomResourceDefinition" {
			continue
		}
		meta, _ := doc["metadata"].(map[string]interface{})
		name, _ := meta["name"].(string)
		set.byName[name] = doc
	}
	crdCache.Store(path, set)
	return set, nil
}

// Names lists the CRDs by name.
func (s *CRDSet) Names() []string {
	return sortedKeys(toAny(s.byName))
}

// Kinds maps each CRD's kind to its group and served versions.
func (s *CRDSet) Kinds() map[string]GroupVersions {
	out := map[string]GroupVersions{}
	for _, doc := range s.byName {
		spec, _ := doc["spec"].(map[string]interface{})
		names, _ := spec["names"].(map[string]interface{})
		kind, _ := names["kind"].(string)
		gv := GroupVersions{Group: str(spec["group"])}
		for _, v := range list(spec["versions"]) {
			vm, _ := v.(map[string]interface{})
			if vm["served"] == true {
				gv.Versions = append(gv.Versions, str(vm["name"]))
			}
		}
		out[kind] = gv
	}
	return out
}

// GroupVersions are a kind's API group and the versions it serves.
type GroupVersions struct {
	Group    string
	Versions []string
}

// FieldSchema is the schema of a dotted field (spec.remoteWrite) of a CRD
// version.
func (s *CRDSet) FieldSchema(crd, version, field string) (*Schema, error) {
	doc, ok := s.byName[crd]
	if !ok {
		return nil, fmt.Errorf("no CRD %s in %s", crd, s.Path)
	}
	spec, _ := doc["spec"].(map[string]interface{})
	for _, v := range list(spec["versions"]) {
		vm, _ := v.(map[string]interface{})
		if str(vm["name"]) != version {
			continue
		}
		schemaDoc, _ := vm["schema"].(map[string]interface{})
		root, _ := schemaDoc["openAPIV3Schema"].(map[string]interface{})
		sch := &Schema{node: root, root: root}
		for _, part := range strings.Split(field, ".") {
			if sch = sch.Child(part); sch == nil {
				return nil, fmt.Errorf("CRD %s %s has no field %s", crd, version, field)
			}
		}
		return sch, nil
	}
	return nil, fmt.Errorf("CRD %s serves no version %s", crd, version)
}

func toAny[V any](m map[string]V) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func str(v interface{}) string { s, _ := v.(string); return s }
