package charts

import (
	"testing"

	"github.com/pangea-ai/mlplatform/test/upstream"
)

func TestEveryChartIsPinned(t *testing.T) {
	for _, c := range All() {
		if err := c.Check(); err != nil {
			t.Error(err)
		}
	}
}

func TestCheckRejects(t *testing.T) {
	cases := map[string]struct {
		c    Chart
		want string
	}{
		"range":         {Chart{Repo: "https://x", Name: "a", Version: "~1.2"}, `chart a: version "~1.2" is not an exact version`},
		"latest":        {Chart{Repo: "https://x", Name: "a", Version: "latest"}, `chart a: version "latest" is not an exact version`},
		"oci with repo": {Chart{Repo: "https://x", Name: "oci://ghcr.io/a", Version: "1.0.0"}, `chart oci://ghcr.io/a: an OCI chart takes no repository`},
		"plain http":    {Chart{Repo: "http://x", Name: "a", Version: "1.0.0"}, `chart a: repository "http://x" must be https`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := tc.c.Check(); err == nil || err.Error() != tc.want {
				t.Errorf("Check() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestPinsAreReleased checks every pin against the releases upstream
// tagged (shared/upstream/releases.yaml, or what `make upstream` fetched):
// a version nobody released fails the first pulumi up of every stack.
func TestPinsAreReleased(t *testing.T) {
	facts := upstream.Require(t, "../../..")
	releases, err := facts.Releases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range All() {
		if err := CheckReleased(c, releases); err != nil {
			t.Error(err)
		}
	}
}

// TestCheckReleasedRejects shows the check failing on the defect it exists
// for: kube-prometheus-stack 81.4.5, which was pinned and never released.
func TestCheckReleasedRejects(t *testing.T) {
	releases := map[string]upstream.Release{"kube-prometheus-stack": {
		Name:     "kube-prometheus-stack",
		Versions: []string{"81.4.2 (2026-01-30)", "81.4.3 (2026-02-01)", "81.5.0 (2026-02-03)"},
	}}
	cases := map[string]struct {
		c    Chart
		want string
	}{
		"never released": {Chart{Repo: "https://x", Name: "kube-prometheus-stack", Version: "81.4.5"},
			`chart kube-prometheus-stack: version 81.4.5 was never released upstream (released around it: 81.4.3 and 81.5.0); pin a version listed in releases.yaml`},
		"unknown chart": {Chart{Name: "oci://ghcr.io/x/charts/mystery", Version: "1.0.0"},
			`chart mystery: no release history in the upstream facts; add the chart to releases.yaml (or to make upstream) before pinning it`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := CheckReleased(tc.c, releases); err == nil || err.Error() != tc.want {
				t.Errorf("CheckReleased() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := CheckReleased(Chart{Repo: "https://x", Name: "kube-prometheus-stack", Version: "81.4.3"}, releases); err != nil {
		t.Errorf("a released version was refused: %v", err)
	}
}
