package upstream

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// EnvDir names the variable that points at a facts directory explicitly.
const EnvDir = "MLPLAT_UPSTREAM"

// EnvRequire, when set to 1, turns a missing facts directory from a skip
// into a failure: `make test` sets it, so CI can never pass without the
// upstream checks having run.
const EnvRequire = "MLPLAT_REQUIRE_UPSTREAM"

// Facts is one directory of upstream facts, laid out as shared/upstream:
// releases.yaml, charts/<chart>/<version>/{Chart.yaml,values.yaml,
// values.schema.json,crds.yaml,subcharts/<name>/...} and metrics/.
type Facts struct {
	// Dir is the directory's absolute path.
	Dir string
}

// Candidates are the places Locate looks, in order: $MLPLAT_UPSTREAM, the
// shared/upstream beside the checkout (how CI here lays it out), and
// .cache/upstream inside the checkout (what `make upstream` fetches from the
// upstream repositories on a machine without shared/).
func Candidates(root string) []string {
	var out []string
	if d := os.Getenv(EnvDir); d != "" {
		out = append(out, d)
	}
	return append(out, filepath.Join(root, "..", "shared", "upstream"), filepath.Join(root, ".cache", "upstream"))
}

// Locate finds the facts directory for the checkout at root. Its error names
// every place it looked and how to provide the facts.
func Locate(root string) (*Facts, error) {
	cands := Candidates(root)
	for i, d := range cands {
		if _, err := os.Stat(filepath.Join(d, "releases.yaml")); err == nil {
			abs, err := filepath.Abs(d)
			if err != nil {
				return nil, err
			}
			return &Facts{Dir: abs}, nil
		} else if i == 0 && os.Getenv(EnvDir) != "" {
			// An explicit directory that holds nothing is a mistake, not a
			// reason to look elsewhere.
			return nil, fmt.Errorf("%s=%s holds no releases.yaml: point it at a directory laid out like shared/upstream", EnvDir, d)
		}
	}
	return nil, fmt.Errorf("no upstream facts: none of %s holds releases.yaml; run `make upstream` to fetch the pinned charts' facts into .cache/upstream, or set %s", strings.Join(cands, ", "), EnvDir)
}

// Require returns the facts for the checkout at root. Without them the test
// is skipped with the reason, or fails when MLPLAT_REQUIRE_UPSTREAM=1 (as
// under `make test`): never a silent pass.
func Require(t testing.TB, root string) *Facts {
	t.Helper()
	f, err := Locate(root)
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return f
}

// Release is one chart's release history as releases.yaml records it.
type Release struct {
	Name             string `yaml:"name"`
	InstalledFrom    string `yaml:"installedFrom"`
	SourceRepository string `yaml:"sourceRepository"`
	SourceSnapshot   string `yaml:"sourceSnapshot"`
	Newest           string `yaml:"newest"`
	// Versions are "<version> (<date>)" entries.
	Versions []string `yaml:"versions"`
}

// Released reports whether version is one of the chart's releases.
func (r Release) Released(version string) bool {
	for _, v := range r.Versions {
		if strings.Fields(v)[0] == version {
			return true
		}
	}
	return false
}

// Neighbours are the released versions just below and above version, for
// an error that tells what was released instead.
func (r Release) Neighbours(version string) (below, above string) {
	want, ok := parseSemver(version)
	if !ok {
		return "", ""
	}
	var bv, av semver
	for _, e := range r.Versions {
		v := strings.Fields(e)[0]
		s, ok := parseSemver(v)
		if !ok {
			continue
		}
		if s.less(want) && (below == "" || bv.less(s)) {
			below, bv = v, s
		}
		if want.less(s) && (above == "" || s.less(av)) {
			above, av = v, s
		}
	}
	return below, above
}

// Releases reads releases.yaml, by chart name.
func (f *Facts) Releases() (map[string]Release, error) {
	b, err := os.ReadFile(filepath.Join(f.Dir, "releases.yaml"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Charts []Release `yaml:"charts"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(f.Dir, "releases.yaml"), err)
	}
	out := map[string]Release{}
	for _, c := range doc.Charts {
		out[c.Name] = c
	}
	return out, nil
}

// ChartDir is where one chart version's facts are.
func (f *Facts) ChartDir(chart, version string) string {
	return filepath.Join(f.Dir, "charts", chart, version)
}

// ErrMissing marks facts the directory does not hold.
var ErrMissing = errors.New("not in the upstream facts")

// CRDs returns the path of the CustomResourceDefinitions a chart version
// installs, or ErrMissing when the facts hold none for it.
func (f *Facts) CRDs(chart, version string) (string, error) {
	p := filepath.Join(f.ChartDir(chart, version), "crds.yaml")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s %s: crds.yaml: %w", chart, version, ErrMissing)
	}
	return p, nil
}

// Metrics returns the path of a file under metrics/.
func (f *Facts) Metrics(name string) (string, error) {
	p := filepath.Join(f.Dir, "metrics", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("metrics/%s: %w", name, ErrMissing)
	}
	return p, nil
}

// ChartNames lists the charts the facts hold some version of.
func (f *Facts) ChartNames() []string {
	entries, _ := os.ReadDir(filepath.Join(f.Dir, "charts"))
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
