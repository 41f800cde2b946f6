package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/test/upstream"
)

// EnvPrometheusTools names the directory holding promtool and promql-names,
// built by `make prometheus-tools` from test/tools/prometheus.
const EnvPrometheusTools = "MLPLAT_PROMETHEUS_TOOLS"

// prometheusTool returns the path of a tool built from Prometheus's module.
// Without it the test is skipped with the reason, or fails under `make test`
// (MLPLAT_REQUIRE_UPSTREAM=1), which builds it.
func prometheusTool(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv(EnvPrometheusTools)
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); dir == "" || err != nil {
		msg := fmt.Sprintf("%s not found: set %s to the directory `make prometheus-tools` builds (make test does)", name, EnvPrometheusTools)
		if os.Getenv(upstream.EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// ruleManifests are the PrometheusRule objects of a rendered stack.
func ruleManifests(r *Rendered) []map[string]interface{} {
	var out []map[string]interface{}
	for _, o := range r.Objects {
		if str(o.Manifest["kind"]) == "PrometheusRule" {
			out = append(out, o.Manifest)
		}
	}
	return out
}

// ruleGroups are the groups of the PrometheusRules, as a rules file holds them.
func ruleGroups(manifests []map[string]interface{}) []interface{} {
	var groups []interface{}
	for _, m := range manifests {
		groups = append(groups, list(mapOf(m["spec"])["groups"])...)
	}
	return groups
}

type expression struct {
	ID   string `json:"id"`
	Expr string `json:"expr"`
}

type parsed struct {
	ID      string   `json:"id"`
	Metrics []string `json:"metrics"`
	Error   string   `json:"error"`
}

var labelValues = regexp.MustCompile(`^label_values\((.+),\s*[A-Za-z_][A-Za-z0-9_]*\)$`)

// expressions are every dashboard query and every rule of every committed
// stack. Grafana's label_values(q, label) is its own syntax: q is PromQL.
func expressions(t *testing.T) []expression {
	var out []expression
	for _, d := range monitoring.Dashboards() {
		for _, v := range d.Variables {
			q := v.Query
			if m := labelValues.FindStringSubmatch(q); m != nil {
				q = m[1]
			}
			out = append(out, expression{fmt.Sprintf("dashboard %s variable %s", d.UID, v.Name), q})
		}
		for _, p := range d.Panels {
			for i, tg := range p.Targets {
				out = append(out, expression{fmt.Sprintf("dashboard %s panel %q query %d", d.UID, p.Title, i), tg.Expr})
			}
		}
	}
	stacks := renderedStacks(t)
	for _, name := range sortedStacks(stacks) {
		for _, g := range ruleGroups(ruleManifests(stacks[name])) {
			gm := mapOf(g)
			for _, r := range list(gm["rules"]) {
				rm := mapOf(r)
				out = append(out, expression{fmt.Sprintf("stack %s rule %s/%s%s", name, str(gm["name"]), str(rm["alert"]), str(rm["record"])), str(rm["expr"])})
			}
		}
	}
	return out
}

func sortedStacks(m map[string]*Rendered) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func parseAll(t *testing.T, exprs []expression) []parsed {
	t.Helper()
	in, err := json.Marshal(exprs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prometheusTool(t, "promql-names"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("promql-names: %v\n%s", err, stderr.String())
	}
	var res []parsed
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestExpressionsParseAndReadCataloguedMetrics parses every dashboard query
// and rule expression with Prometheus's parser, and holds every metric they
// read against the catalogue (monitoring.Catalogue) or the platform's own
// recording rules: a metric no exporter emits at the pinned version makes a
// panel empty and an alert silent.
func TestExpressionsParseAndReadCataloguedMetrics(t *testing.T) {
	exprs := expressions(t)
	known := map[string]string{}
	for _, m := range monitoring.Catalogue {
		for _, s := range m.Series() {
			known[s] = m.Exporter + " " + m.Version
		}
	}
	stacks := renderedStacks(t)
	for _, name := range sortedStacks(stacks) {
		for _, g := range ruleGroups(ruleManifests(stacks[name])) {
			for _, r := range list(mapOf(g)["rules"]) {
				if rec := str(mapOf(r)["record"]); rec != "" {
					known[rec] = "recording rule"
				}
			}
		}
	}
	for _, p := range parseAll(t, exprs) {
		if p.Error != "" {
			t.Errorf("%s: %s", p.ID, p.Error)
		}
		for _, m := range p.Metrics {
			if _, ok := known[m]; !ok {
				t.Errorf("%s reads %s, which is not in the metric catalogue (components/k8s/monitoring/metrics.go): add it with the exporter and the upstream file that emits it, or fix the name", p.ID, m)
			}
		}
	}
}

// TestCatalogueFindsUnknownMetrics shows the catalogue check failing on a
// metric no exporter emits and on an expression that does not parse.
func TestCatalogueFindsUnknownMetrics(t *testing.T) {
	res := parseAll(t, []expression{
		{"renamed", `avg by (Hostname) (DCGM_FI_DEV_GPU_UTILIZATION)`},
		{"broken", `sum by (le (rate(request_predict_seconds_bucket[5m]))`},
	})
	if got := strings.Join(res[0].Metrics, ","); got != "DCGM_FI_DEV_GPU_UTILIZATION" {
		t.Errorf("metrics of the renamed query = %q", got)
	}
	for _, m := range monitoring.Catalogue {
		if m.Name == "DCGM_FI_DEV_GPU_UTILIZATION" {
			t.Error("the catalogue lists a DCGM field the exporter does not emit")
		}
	}
	if res[1].Error == "" {
		t.Error("a query with unbalanced parentheses parsed")
	}
}

// TestDCGMCatalogueMatchesTheExporter holds the catalogue's DCGM fields
// against the exporter's default counters at the pinned version.
func TestDCGMCatalogueMatchesTheExporter(t *testing.T) {
	facts := upstream.Require(t, root)
	path, err := facts.Metrics("dcgm-exporter-4.8.2-default-counters.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment, r.FieldsPerRecord, r.TrimLeadingSpace = '#', -1, true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	emitted := map[string]string{}
	for _, row := range rows {
		if len(row) >= 2 {
			emitted[strings.TrimSpace(row[0])] = strings.TrimSpace(row[1])
		}
	}
	for _, m := range monitoring.Catalogue {
		if !strings.HasPrefix(m.Name, "DCGM_") {
			continue
		}
		if typ, ok := emitted[m.Name]; !ok {
			t.Errorf("%s is not among dcgm-exporter 4.8.2's default counters (%s)", m.Name, path)
		} else if typ != m.Type {
			t.Errorf("%s is a %s in dcgm-exporter 4.8.2, the catalogue says %s", m.Name, typ, m.Type)
		}
	}
}

// TestAlertsFireAndStaySilent runs promtool test rules on every committed
// stack's alerting and recording rules, with input series shaped as the
// exporters emit them (names and labels from the catalogue's sources): for
// each alert one case over the stack's threshold that fires and one at or
// under it that stays silent. promtool check rules first validates every
// rule as written, annotations' templates included; the copies the unit
// tests load drop the annotations, which the cases do not assert.
func TestAlertsFireAndStaySilent(t *testing.T) {
	promtool := prometheusTool(t, "promtool")
	stacks := renderedStacks(t)
	for _, name := range sortedStacks(stacks) {
		t.Run(name, func(t *testing.T) {
			p, err := buildPlan(planFlags{stack: name, root: root}, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			a := p.Env.Monitoring.Alerts
			th := monitoring.Thresholds{ServingP95LatencyMs: a.ServingP95LatencyMs, ServingErrorRatePercent: a.ServingErrorRatePercent,
				GPUTemperatureC: a.GPUTemperatureC, RunnerBacklog: a.RunnerBacklog}
			dir := t.TempDir()
			groups := ruleGroups(ruleManifests(stacks[name]))
			writeTestYAML(t, filepath.Join(dir, "rules.yaml"), map[string]interface{}{"groups": groups})
			if out, err := exec.Command(promtool, "check", "rules", filepath.Join(dir, "rules.yaml")).CombinedOutput(); err != nil {
				t.Fatalf("promtool check rules: %v\n%s", err, out)
			}
			writeTestYAML(t, filepath.Join(dir, "rules-under-test.yaml"), map[string]interface{}{"groups": withoutAnnotations(groups)})
			triton := tritonCases(th, p.Env)
			if len(triton) != 2 {
				t.Errorf("%s serves no pytorch model on Triton, so Triton's latency rule goes untested", name)
			}
			cases := append(alertCases(th, firstModel(p.Env)), triton...)
			if m := firstModel(p.Env); m.Monitoring != nil && m.Monitoring.Fairness != nil && m.Monitoring.Reference != "" {
				cases = append(cases, qualityCases(m)...)
			} else {
				t.Errorf("%s: the first model declares no drift and fairness, so the model-quality alerts go untested", name)
			}
			writeTestYAML(t, filepath.Join(dir, "tests.yaml"), map[string]interface{}{
				"rule_files": []string{"rules-under-test.yaml"}, "evaluation_interval": "1m", "tests": cases,
			})
			if out, err := exec.Command(promtool, "test", "rules", filepath.Join(dir, "tests.yaml")).CombinedOutput(); err != nil {
				t.Fatalf("promtool test rules (%d cases): %v\n%s", len(cases), err, out)
			}
		})
	}
}

func writeTestYAML(t *testing.T, path string, v interface{}) {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func withoutAnnotations(groups []interface{}) []interface{} {
	var out []interface{}
	for _, g := range groups {
		gm := mapOf(g)
		var rules []interface{}
		for _, r := range list(gm["rules"]) {
			rm := map[string]interface{}{}
			for k, v := range mapOf(r) {
				if k != "annotations" {
					rm[k] = v
				}
			}
			rules = append(rules, rm)
		}
		out = append(out, map[string]interface{}{"name": gm["name"], "rules": rules})
	}
	return out
}
