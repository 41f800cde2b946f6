// Command promql-names parses PromQL expressions with Prometheus's own
// parser and prints, for each, the metric names it selects, or the parse
// error. Input on stdin: a JSON array of {"id", "expr"}. Output on stdout:
// a JSON array of {"id", "metrics", "error"}. The project's tests use it to
// check every dashboard and rule expression and to hold each metric they
// read against the metric catalogue.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type in struct {
	ID   string `json:"id"`
	Expr string `json:"expr"`
}

type out struct {
	ID      string   `json:"id"`
	Metrics []string `json:"metrics"`
	Error   string   `json:"error,omitempty"`
}

func main() {
	var exprs []in
	if err := json.NewDecoder(os.Stdin).Decode(&exprs); err != nil {
		fmt.Fprintln(os.Stderr, "promql-names: reading input:", err)
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	results := make([]out, 0, len(exprs))
	for _, e := range exprs {
		r := out{ID: e.ID, Metrics: []string{}}
		expr, err := p.ParseExpr(e.Expr)
		if err != nil {
			r.Error = err.Error()
			results = append(results, r)
			continue
		}
		seen := map[string]bool{}
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			vs, ok := node.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
			if name == "" {
				r.Error = "a selector without a metric name: the catalogue cannot check it"
			} else {
				seen[name] = true
			}
			return nil
		})
		for n := range seen {
			r.Metrics = append(r.Metrics, n)
		}
		sort.Strings(r.Metrics)
		results = append(results, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "promql-names:", err)
		os.Exit(1)
	}
}
