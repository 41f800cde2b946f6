// Package payloadfilter holds the serving component and the payload filter
// together: what the component writes into the filter's ConfigMap, the
// filter reads strictly and filters by.
package payloadfilter

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
)

// TestServingWritesWhatTheFilterReads holds the serving component's
// ConfigMap and this program's configuration together: what the component
// writes, the filter reads strictly and filters by.
func TestServingWritesWhatTheFilterReads(t *testing.T) {
	text, err := serving.PayloadFilterConfig("serving", []serving.Model{
		{Name: "fraud", Payloads: &serving.Payloads{Features: []string{"amount", "postcode"}, Loggable: []string{"amount"}}},
		{Name: "vision", Payloads: &serving.Payloads{Features: []string{"data"}}},
		{Name: "silent"},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, text, 0o600)
	cfg, err := filter.ReadConfig(path)
	if err != nil {
		t.Fatalf("the filter refuses the serving component's configuration: %v\n%s", err, text)
	}
	rec := cfg.Filter(filter.LogRequest{ReqType: filter.TypeRequest, ID: "1", Namespace: "serving", InferenceService: "fraud", Bytes: []byte(`{"instances": [[3.5, "AB1 2CD"]]}`)})
	if want := []map[string]any{{"amount": 3.5}}; !reflect.DeepEqual(rec.Instances, want) {
		t.Errorf("fraud: %+v, want instances %v", rec, want)
	}
	rec = cfg.Filter(filter.LogRequest{ReqType: filter.TypeRequest, ID: "2", Namespace: "serving", InferenceService: "vision", Bytes: []byte(`{"instances": [{"data": "aW1hZ2U="}]}`)})
	if want := []map[string]any{{}}; rec.Dropped != "" || !reflect.DeepEqual(rec.Instances, want) {
		t.Errorf("vision: %+v, want one empty instance (nothing of the image kept)", rec)
	}
	if _, listed := cfg.Models["serving/silent"]; listed {
		t.Error("a model without Payloads is configured")
	}
}

// TestServingWritesWhatTheRegistrarReads holds the registrar's ConfigMap
// and the filter's quality settings to what the programs read strictly:
// the registrar schedules the declared requests, and the filter forwards
// decisions after the declared threshold.
func TestServingWritesWhatTheRegistrarReads(t *testing.T) {
	half := 0.5
	models := []serving.Model{
		{Name: "fraud", Payloads: &serving.Payloads{Features: []string{"amount", "postcode", "age_band"}, Loggable: []string{"amount", "age_band"},
			Quality: &serving.Quality{Reference: "reference.json", DriftThreshold: 0.01, Fairness: &serving.Fairness{
				ProtectedAttribute: "age_band", Privileged: 2, Unprivileged: 4, Favorable: 0, DecisionThreshold: &half, SPDLimit: 0.1, DIRLow: 0.8, DIRHigh: 1.25}}}},
		{Name: "vision", Payloads: &serving.Payloads{Features: []string{"data"}}},
	}
	text, err := serving.RegistrarConfig(models)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "registrar.json"), text, 0o600)
	reg, err := filter.ReadRegistrarConfig(filepath.Join(dir, "registrar.json"))
	if err != nil {
		t.Fatalf("the registrar refuses the serving component's configuration: %v\n%s", err, text)
	}
	if len(reg.Models) != 1 || reg.BatchSize != serving.TrustyAIBatchSize {
		t.Fatalf("registrar config %+v: want fraud only, batch %d", reg, serving.TrustyAIBatchSize)
	}
	var names []string
	for _, r := range reg.Models[0].Requests(reg.BatchSize) {
		names = append(names, r.Name)
	}
	if want := []string{"mlplatform-spd", "mlplatform-dir", "mlplatform-meanshift"}; !reflect.DeepEqual(names, want) {
		t.Errorf("requests %v, want %v", names, want)
	}
	// The rules alert on the request names the registrar gives.
	for _, r := range serving.QualityRules("serving", models).Rules {
		if r.Alert != "" && r.Alert != "ModelQualityDataLost" && !strings.Contains(r.Expr, `requestName="`+filter.RequestPrefix) {
			t.Errorf("alert %s does not read the registrar's requests: %s", r.Alert, r.Expr)
		}
	}
	ftext, err := serving.PayloadFilterConfig("serving", models)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), ftext, 0o600)
	cfg, err := filter.ReadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatalf("the filter refuses: %v\n%s", err, ftext)
	}
	fields := cfg.Models["serving/fraud"]
	body, err := fields.TrustyAIBody(cfg.Filter(filter.LogRequest{ReqType: filter.TypeResponse, ID: "1", Namespace: "serving", InferenceService: "fraud", Bytes: []byte(`{"predictions": [0.7, 0.2]}`)}))
	if err != nil || string(body) != `{"outputs":[{"name":"prediction","shape":[2],"datatype":"FP64","data":[1.0,0.0]}]}` {
		t.Errorf("forwarded %s %v: want decisions after the 0.5 threshold", body, err)
	}
	if cfg.Models["serving/vision"].Quality != nil {
		t.Error("an unmeasured model forwards")
	}
}
