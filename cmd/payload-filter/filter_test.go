package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/serving"
)

var testConfig = Config{Models: map[string]ModelFields{
	"models/fraud": {Features: []string{"amount", "merchant", "customer_id", "age_band"}, Loggable: []string{"amount", "merchant", "age_band"}},
}}

func request(body string) LogRequest {
	return LogRequest{Bytes: []byte(body), ReqType: TypeRequest, ID: "req-1", Namespace: "models", InferenceService: "fraud", Component: "predictor",
		OccurrenceTime: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
}

// TestFilterKeepsOnlyLoggableFeatures covers every payload shape the filter
// reads: customer_id is declared but not loggable, so it never survives.
func TestFilterKeepsOnlyLoggableFeatures(t *testing.T) {
	want := []map[string]any{
		{"amount": 12.5, "merchant": "m-7", "age_band": "30-39"},
		{"amount": 3.0, "merchant": "m-1", "age_band": "60+"},
	}
	for _, tc := range []struct{ name, body string }{
		{"v1 rows in feature order", `{"instances": [[12.5, "m-7", "c-991", "30-39"], [3.0, "m-1", "c-12", "60+"]]}`},
		{"v1 objects by name", `{"instances": [{"amount": 12.5, "merchant": "m-7", "customer_id": "c-991", "age_band": "30-39"}, {"amount": 3.0, "merchant": "m-1", "customer_id": "c-12", "age_band": "60+"}]}`},
		{"v2 one tensor per feature", `{"inputs": [
			{"name": "amount", "shape": [2], "datatype": "FP64", "data": [12.5, 3.0]},
			{"name": "merchant", "shape": [2], "datatype": "BYTES", "data": ["m-7", "m-1"]},
			{"name": "customer_id", "shape": [2], "datatype": "BYTES", "data": ["c-991", "c-12"]},
			{"name": "age_band", "shape": [2], "datatype": "BYTES", "data": ["30-39", "60+"]}]}`},
		{"v2 one [rows, features] tensor", `{"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "BYTES", "data": [12.5, "m-7", "c-991", "30-39", 3.0, "m-1", "c-12", "60+"]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := testConfig.Filter(request(tc.body))
			if rec.Dropped != "" {
				t.Fatalf("dropped: %s", rec.Dropped)
			}
			if !reflect.DeepEqual(rec.Instances, want) {
				t.Errorf("instances = %v, want %v", rec.Instances, want)
			}
			line, _ := json.Marshal(rec)
			if strings.Contains(string(line), "c-991") || strings.Contains(string(line), "customer_id") {
				t.Errorf("the record keeps a field the model does not declare loggable: %s", line)
			}
			if rec.Kind != "request" || rec.ID != "req-1" || rec.Model != "fraud" || rec.Namespace != "models" {
				t.Errorf("identifiers = %+v", rec)
			}
		})
	}
}

// TestFilterDropsWhatItCannotRead: a payload that does not match the
// declaration leaves a record with its identifiers and a reason, and no
// data at all.
func TestFilterDropsWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  LogRequest
		why  string
	}{
		{"not JSON", request(`amount=12.5&customer_id=c-991`), "payload is not a JSON object"},
		{"too few values", request(`{"instances": [[12.5, "m-7", "c-991"]]}`), "instance 0: has 3 values, the model declares 4 features"},
		{"undeclared field", request(`{"instances": [{"amount": 1, "email": "a@example.com"}]}`), `instance 0: names "email", which is not a declared feature`},
		{"undeclared v2 input", request(`{"inputs": [{"name": "amount", "shape": [1], "data": [1]}, {"name": "email", "shape": [1], "data": ["a@example.com"]}]}`), `input "email" is not a declared feature`},
		{"v2 tensor of the wrong width", request(`{"inputs": [{"name": "x", "shape": [1, 3], "data": [1, 2, 3]}]}`), `input "x" has shape [1 3], not [rows, 4] over the declared features`},
		{"neither protocol", request(`{"data": {"ndarray": [[1, 2, 3, 4]]}}`), "request has neither instances (v1) nor inputs (v2)"},
		{"unknown model", func() LogRequest {
			r := request(`{"instances": [[1, 2, 3, 4]]}`)
			r.InferenceService = "other"
			return r
		}(), "model declares no loggable fields"},
		{"unknown type", func() LogRequest { r := request(`{"instances": [[1, 2, 3, 4]]}`); r.ReqType = "x.y"; return r }(),
			`record type "x.y" is neither org.kubeflow.serving.inference.request nor org.kubeflow.serving.inference.response`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := testConfig.Filter(tc.req)
			if rec.Dropped != tc.why {
				t.Errorf("dropped = %q, want %q", rec.Dropped, tc.why)
			}
			if rec.Instances != nil || rec.Predictions != nil {
				t.Errorf("a dropped record keeps data: %+v", rec)
			}
			if rec.ID != "req-1" {
				t.Errorf("id = %q: a dropped record must still pair with its response", rec.ID)
			}
		})
	}
}

func TestFilterKeepsPredictions(t *testing.T) {
	for body, want := range map[string]any{
		`{"predictions": [0.91, 0.02], "model_name": "fraud"}`:                                               []any{0.91, 0.02},
		`{"model_name": "fraud", "outputs": [{"name": "p", "shape": [2], "data": [0.91, 0.02]}], "id": "x"}`: []any{map[string]any{"name": "p", "shape": []any{2.0}, "data": []any{0.91, 0.02}}},
	} {
		r := request(body)
		r.ReqType = TypeResponse
		rec := testConfig.Filter(r)
		if rec.Kind != "response" || rec.Dropped != "" || !reflect.DeepEqual(rec.Predictions, want) {
			t.Errorf("%s: got %+v, want predictions %v", body, rec, want)
		}
	}
}

// TestMarshalEndpoint posts a batch as KServe's agent does (a JSON array
// of records whose bytes are base64) and reads back JSON Lines with the
// extension header the agent names the object by.
func TestMarshalEndpoint(t *testing.T) {
	srv := httptest.NewServer(newServer(testConfig).routes())
	defer srv.Close()
	resp1 := request(`{"predictions": [0.91]}`)
	resp1.ReqType = TypeResponse
	batch, _ := json.Marshal([]LogRequest{request(`{"instances": [[12.5, "m-7", "c-991", "30-39"]]}`), resp1, request(`nonsense`)})
	if !strings.Contains(string(batch), `"bytes":"eyJpbnN0YW5jZXMi`) {
		t.Fatalf("the batch does not carry bytes as base64, as the agent sends them: %s", batch)
	}
	res, err := http.Post(srv.URL+"/marshal", "application/json", bytes.NewReader(batch))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get(ExtensionHeader) != "jsonl" {
		t.Fatalf("status %d, %s %q: %s", res.StatusCode, ExtensionHeader, res.Header.Get(ExtensionHeader), body.String())
	}
	lines := strings.Split(strings.TrimSpace(body.String()), "\n")
	want := []string{
		`{"id":"req-1","kind":"request","time":"2026-12-05T10:00:00Z","namespace":"models","model":"fraud","component":"predictor","instances":[{"age_band":"30-39","amount":12.5,"merchant":"m-7"}]}`,
		`{"id":"req-1","kind":"response","time":"2026-12-05T10:00:00Z","namespace":"models","model":"fraud","component":"predictor","predictions":[0.91]}`,
		`{"id":"req-1","kind":"request","time":"2026-12-05T10:00:00Z","namespace":"models","model":"fraud","component":"predictor","dropped":"payload is not a JSON object"}`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	m, _ := http.Get(srv.URL + "/metrics")
	var metrics bytes.Buffer
	metrics.ReadFrom(m.Body)
	m.Body.Close()
	for _, s := range []string{
		`payload_filter_records_total{namespace="models",model="fraud",kind="request",outcome="dropped"} 1`,
		`payload_filter_records_total{namespace="models",model="fraud",kind="request",outcome="kept"} 1`,
		`payload_filter_records_total{namespace="models",model="fraud",kind="response",outcome="kept"} 1`,
	} {
		if !strings.Contains(metrics.String(), s) {
			t.Errorf("metrics lack %s:\n%s", s, metrics.String())
		}
	}
	bad, _ := http.Post(srv.URL+"/marshal", "application/json", strings.NewReader(`{"not": "a list"}`))
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("a body that is not a list: status %d, want 400", bad.StatusCode)
	}
}

func TestReadConfigNamesEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"models": {"fraud": {"features": [], "loggable": ["email"]}}}`), 0o600)
	_, err := readConfig(path)
	want := `models.fraud.features: empty; the model's input features are required; models.fraud.loggable: "email" is not one of the features; models.fraud: the key must be <namespace>/<inference service>`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error = %v, want it to end with %s", err, want)
	}
	os.WriteFile(path, []byte(`{"models": {}, "extra": true}`), 0o600)
	if _, err := readConfig(path); err == nil || !strings.Contains(err.Error(), `unknown field "extra"`) {
		t.Errorf("an unknown key: error = %v", err)
	}
}

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
	cfg, err := readConfig(path)
	if err != nil {
		t.Fatalf("the filter refuses the serving component's configuration: %v\n%s", err, text)
	}
	rec := cfg.Filter(LogRequest{ReqType: TypeRequest, ID: "1", Namespace: "serving", InferenceService: "fraud", Bytes: []byte(`{"instances": [[3.5, "AB1 2CD"]]}`)})
	if want := []map[string]any{{"amount": 3.5}}; !reflect.DeepEqual(rec.Instances, want) {
		t.Errorf("fraud: %+v, want instances %v", rec, want)
	}
	rec = cfg.Filter(LogRequest{ReqType: TypeRequest, ID: "2", Namespace: "serving", InferenceService: "vision", Bytes: []byte(`{"instances": [{"data": "aW1hZ2U="}]}`)})
	if want := []map[string]any{{}}; rec.Dropped != "" || !reflect.DeepEqual(rec.Instances, want) {
		t.Errorf("vision: %+v, want one empty instance (nothing of the image kept)", rec)
	}
	if _, listed := cfg.Models["serving/silent"]; listed {
		t.Error("a model without Payloads is configured")
	}
}
