package filter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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

func TestReadConfigNamesEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"models": {"fraud": {"features": [], "loggable": ["email"]}}}`), 0o600)
	_, err := ReadConfig(path)
	want := `models.fraud.features: empty; the model's input features are required; models.fraud.loggable: "email" is not one of the features; models.fraud: the key must be <namespace>/<inference service>`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error = %v, want it to end with %s", err, want)
	}
	os.WriteFile(path, []byte(`{"models": {}, "extra": true}`), 0o600)
	if _, err := ReadConfig(path); err == nil || !strings.Contains(err.Error(), `unknown field "extra"`) {
		t.Errorf("an unknown key: error = %v", err)
	}
}
