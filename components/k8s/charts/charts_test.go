package charts

import "testing"

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
