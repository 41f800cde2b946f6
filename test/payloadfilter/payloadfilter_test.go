// Package payloadfilter holds the serving component and the payload filter
// together: what the component writes into the filter's ConfigMap, the
// filter reads strictly and filters by.
package payloadfilter

import (
	"os"
	"path/filepath"
	"reflect"
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
