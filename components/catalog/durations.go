package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// Durations are the reference provisioning times of the deploy-time model:
// how long creating one resource of a type takes, measured from public apply
// logs and issue reports. They are estimates for comparing plans and finding
// the critical path, not promises.
type Durations struct {
	// AsOf is when the figures were gathered (YYYY-MM).
	AsOf string `yaml:"asOf"`
	// DefaultSeconds is the time of a custom resource whose type is not listed.
	DefaultSeconds int `yaml:"defaultSeconds"`
	// Types lists the times per resource type.
	Types []Duration `yaml:"types"`
}

// Duration is the reference time of one resource type.
type Duration struct {
	// Type is the resource type token. For azure-native, the API-version
	// segment is ignored when matching ("azure-native:containerservice:AgentPool"
	// matches ".../v20240902preview:AgentPool").
	Type string `yaml:"type"`
	// Chart narrows a Helm release entry to one chart, and a generic ARM
	// resource entry to one kind ("Microsoft.Monitor/accounts"); empty
	// matches any.
	Chart string `yaml:"chart,omitempty"`
	// Seconds is the time to create the resource (a node group or pool with
	// no nodes to start).
	Seconds int `yaml:"seconds"`
	// WithNodesSeconds is the time of a node group or pool that starts nodes
	// and waits for them; 0 means the same as Seconds.
	WithNodesSeconds int `yaml:"withNodesSeconds,omitempty"`
	// WithStandbySeconds is the time of a database created with a standby
	// (RDS Multi-AZ, Azure zone-redundant HA); 0 means the same as Seconds.
	WithStandbySeconds int `yaml:"withStandbySeconds,omitempty"`
	// Source says where the figure comes from ("measured" figures cite the
	// catalogue guide; "estimate" ones are this project's judgement).
	Source string `yaml:"source"`
}

func (d *Durations) check() error {
	var problems []string
	seen := map[string]bool{}
	for i, t := range d.Types {
		key := t.Type + "|" + t.Chart
		switch {
		case t.Type == "":
			problems = append(problems, fmt.Sprintf("durations.types[%d]: type is empty", i))
		case seen[key]:
			problems = append(problems, fmt.Sprintf("durations.types[%d]: %s%s is listed twice", i, t.Type, chartSuffix(t.Chart)))
		}
		seen[key] = true
		if t.Seconds < 0 || t.WithNodesSeconds < 0 || t.WithStandbySeconds < 0 {
			problems = append(problems, fmt.Sprintf("durations.types[%d] (%s): seconds must not be negative", i, t.Type))
		}
	}
	if d.DefaultSeconds < 0 {
		problems = append(problems, "durations.defaultSeconds must not be negative")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

func chartSuffix(chart string) string {
	if chart == "" {
		return ""
	}
	return " (chart " + chart + ")"
}

// azureVersion is the API-version segment of an azure-native type token.
var azureVersion = regexp.MustCompile(`^(azure-native:[^:/]+)/v[0-9a-z]+:`)

// NormalizeType drops the API-version segment of an azure-native type token,
// so one entry covers every version the program uses.
func NormalizeType(typ string) string { return azureVersion.ReplaceAllString(typ, "$1:") }

// DurationOf returns the reference seconds to create one resource of typ (for
// a Helm release, of chart; slower for a node group or pool that waits for
// nodes, or a database that keeps a standby), the figure's source, and
// whether the catalogue lists the type; an unlisted type takes
// DefaultSeconds.
func (c *Catalog) DurationOf(typ, chart string, slower bool) (seconds int, source string, listed bool) {
	typ = NormalizeType(typ)
	var match *Duration
	for i := range c.Durations.Types {
		d := &c.Durations.Types[i]
		if d.Type != typ {
			continue
		}
		if d.Chart == chart {
			match = d
			break
		}
		if d.Chart == "" && match == nil {
			match = d
		}
	}
	if match == nil {
		return c.Durations.DefaultSeconds, "", false
	}
	if slower && match.WithNodesSeconds > 0 {
		return match.WithNodesSeconds, match.Source, true
	}
	if slower && match.WithStandbySeconds > 0 {
		return match.WithStandbySeconds, match.Source, true
	}
	return match.Seconds, match.Source, true
}
