package main

import (
	"fmt"
	"io"

	"github.com/pangea-ai/mlplatform/plan/estimate"
)

// writeDeployTime prints the deploy-time model: the estimated first deploy,
// and the chain of resources that decides it.
func writeDeployTime(w io.Writer, dt estimate.DeployTime) {
	fmt.Fprintf(w, "\nDeploy time (first pulumi up, reference durations as of %s): about %s on the critical path; %s if run one resource at a time\n",
		dt.DurationsAsOf, minutes(dt.TotalSeconds), minutes(dt.SerialSeconds))
	for _, s := range dt.CriticalPath {
		if s.Seconds == 0 {
			continue
		}
		fmt.Fprintf(w, "  %6s  +%-6s %s  %s  (%s)\n", clock(s.StartSeconds), clock(s.Seconds), s.Type, s.Name, s.Source)
	}
}

// minutes renders seconds as "17 min" (or "45 s" under a minute).
func minutes(s int) string {
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d min", (s+30)/60)
}

// clock renders seconds as m:ss.
func clock(s int) string {
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
