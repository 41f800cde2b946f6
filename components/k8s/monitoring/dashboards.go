package monitoring

import (
	"encoding/json"
	"fmt"
)

// Dashboard is one Grafana dashboard the platform provisions. The JSON is
// generated from this description, so every query lives in Go where tests
// can read it, and the dashboards stay the project's own work.
type Dashboard struct {
	// UID is stable across deploys, so links and bookmarks survive.
	UID   string
	Title string
	// Variables are template variables filled from a label's values, in
	// order: each may use the ones before it in its query.
	Variables []Variable
	Panels    []Panel
}

// Variable is a dashboard template variable.
type Variable struct {
	Name  string
	Label string
	// Query is a Grafana label_values() query.
	Query string
}

// Panel is one time-series panel.
type Panel struct {
	Title string
	// Unit is a Grafana unit: percent, bytes, s, reqps, celsius, short.
	Unit    string
	Targets []Target
}

// Target is one PromQL query and its legend.
type Target struct {
	Expr   string
	Legend string
}

// JSON renders the dashboard in Grafana's dashboard model: a datasource
// variable first, then the label variables, then panels two to a row.
func (d Dashboard) JSON() (string, error) {
	vars := []interface{}{map[string]interface{}{
		"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
	}}
	for _, v := range d.Variables {
		vars = append(vars, map[string]interface{}{
			"name": v.Name, "label": v.Label, "type": "query",
			"datasource": datasource,
			"query":      map[string]interface{}{"query": v.Query, "refId": v.Name},
			"definition": v.Query,
			"refresh":    2, // on time-range change, so scaled-up nodes and new models appear
			"includeAll": true, "multi": true, "allValue": ".*",
			"current": map[string]interface{}{"text": "All", "value": "$__all"},
			"sort":    1,
		})
	}
	panels := make([]interface{}, 0, len(d.Panels))
	for i, p := range d.Panels {
		targets := make([]interface{}, 0, len(p.Targets))
		for j, t := range p.Targets {
			targets = append(targets, map[string]interface{}{
				"datasource": datasource, "expr": t.Expr, "legendFormat": t.Legend,
				"refId": string(rune('A' + j)),
			})
		}
		panels = append(panels, map[string]interface{}{
			"id": i + 1, "type": "timeseries", "title": p.Title, "datasource": datasource,
			"gridPos":     map[string]interface{}{"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
			"fieldConfig": map[string]interface{}{"defaults": map[string]interface{}{"unit": p.Unit}, "overrides": []interface{}{}},
			"options": map[string]interface{}{
				"legend":  map[string]interface{}{"displayMode": "table", "placement": "bottom", "calcs": []string{"mean", "max"}},
				"tooltip": map[string]interface{}{"mode": "multi", "sort": "desc"},
			},
			"targets": targets,
		})
	}
	doc := map[string]interface{}{
		"uid": d.UID, "title": d.Title, "tags": []string{"mlplatform"},
		"schemaVersion": 39, "editable": false, "timezone": "utc", "refresh": "30s",
		"time":       map[string]interface{}{"from": "now-6h", "to": "now"},
		"templating": map[string]interface{}{"list": vars},
		"panels":     panels,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", fmt.Errorf("rendering dashboard %s: %w", d.UID, err)
	}
	return string(b), nil
}

var datasource = map[string]interface{}{"type": "prometheus", "uid": "${datasource}"}
