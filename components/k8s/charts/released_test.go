package charts

import (
	"fmt"

	"github.com/pangea-ai/mlplatform/test/upstream"
)

// CheckReleased reports a pin whose version upstream never released.
func CheckReleased(c Chart, releases map[string]upstream.Release) error {
	name := c.ShortName()
	r, ok := releases[name]
	if h, under := historyUnder[name]; !ok && under {
		r, ok = releases[h]
	}
	if !ok {
		return fmt.Errorf("chart %s: no release history in the upstream facts; add the chart to releases.yaml (or to make upstream) before pinning it", c.ShortName())
	}
	if r.Released(c.Version) {
		return nil
	}
	below, above := r.Neighbours(c.Version)
	return fmt.Errorf("chart %s: version %s was never released upstream (released around it: %s and %s); pin a version listed in releases.yaml", c.ShortName(), c.Version, or(below, "none"), or(above, "none"))
}

// historyUnder names charts whose release history releases.yaml keeps
// under another chart of the same repository: kserve/kserve releases
// kserve-runtime-configs (charts/kserve-runtime-configs, present from tag
// v0.17.0) by the same tags as kserve-resources, and the upstream facts
// hold its v0.20.0 values (shared/upstream/charts/kserve-runtime-configs).
var historyUnder = map[string]string{"kserve-runtime-configs": "kserve-resources"}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
