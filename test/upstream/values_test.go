package upstream

import (
	"strings"
	"testing"
)

// TestCheckFindsUnknownValues feeds the checker the kinds of defect it
// exists for, against the real charts' facts, and asserts the exact
// message: the key path and the nearest real key.
func TestCheckFindsUnknownValues(t *testing.T) {
	facts := Require(t, "../..")
	cases := map[string]struct {
		chart, version string
		given          map[string]interface{}
		want           []string
	}{
		"typo in a documented key": {"kube-prometheus-stack", "88.5.3",
			m("prometheus", m("prometheusSpec", m("retentionSiz", "90GB"))),
			[]string{"prometheus.prometheusSpec.retentionSiz: no such key in kube-prometheus-stack 88.5.3's values.yaml or values.schema.json; nearest real key: prometheus.prometheusSpec.retentionSize"}},
		"typo under a bundled subchart": {"kube-prometheus-stack", "88.5.3",
			m("grafana", m("persistance", m("enabled", false))),
			[]string{"grafana.persistance: no such key in kube-prometheus-stack 88.5.3's values.yaml or values.schema.json; nearest real key: grafana.persistence"}},
		"unknown field in a subtree copied into a custom resource": {"kube-prometheus-stack", "88.5.3",
			m("prometheus", m("prometheusSpec", m("remoteWrite", []interface{}{m("url", "https://x", "azureAd", m("sdkk", m("tenantId", "t")))}))),
			[]string{"prometheus.prometheusSpec.remoteWrite[0].azureAd.sdkk: unknown field; nearest: sdk (prometheuses.monitoring.coreos.com v1 spec.remoteWrite)"}},
		"wrong type in a custom resource field": {"kube-prometheus-stack", "88.5.3",
			m("prometheus", m("prometheusSpec", m("storageSpec", m("volumeClaimTemplate", m("spec", m("accessModes", "ReadWriteOnce")))))),
			[]string{"prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.accessModes: ReadWriteOnce is string, want array (prometheuses.monitoring.coreos.com v1 spec.storage)"}},
		"key only the schema knows, and one it refuses": {"cert-manager", "v1.21.1",
			m("global", m("priorityClassName", "p", "priorityClasName", "p")),
			[]string{"global.priorityClasName: no such key in cert-manager v1.21.1's values.yaml or values.schema.json; nearest real key: global.priorityClassName"}},
		"a free map takes any key": {"dcgm-exporter", "4.8.2",
			m("nodeSelector", m("nvidia.com/gpu.present", "true")), nil},
		"a key values.yaml has only as a comment is unknown unless declared": {"gha-runner-scale-set", "0.14.2",
			m("minWorkers", 1), []string{"minWorkers: no such key in gha-runner-scale-set 0.14.2's values.yaml or values.schema.json; nearest real key: template"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cv, err := facts.Values(tc.chart, tc.version)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range cv.Check(facts, tc.given, ChartRules[tc.chart]) {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Check() =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestEveryRuleNamesItsProofAndAPathUpstreamHasNot(t *testing.T) {
	facts := Require(t, "../..")
	for chart, rules := range ChartRules {
		for _, f := range rules.Free {
			if f.Proof == "" {
				t.Errorf("%s: free path %s names no chart file that proves it", chart, f.Path)
			}
		}
		for _, c := range rules.CRDs {
			if c.Proof == "" {
				t.Errorf("%s: %s names no chart file that proves it", chart, c.Path)
			}
			src, ver := c.Chart, c.ChartVersion
			if src == "" {
				continue // the chart's own CRDs: checked when a release uses the path
			}
			set, err := facts.LoadCRDs(src, ver)
			if err != nil {
				t.Errorf("%s: %s: %v", chart, c.Path, err)
				continue
			}
			if _, err := set.FieldSchema(c.CRD, c.Version, c.Field); err != nil {
				t.Errorf("%s: %s: %v", chart, c.Path, err)
			}
		}
	}
}

func m(kv ...interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}
