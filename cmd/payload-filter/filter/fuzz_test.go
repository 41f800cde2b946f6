package filter

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzFilter feeds the filter arbitrary payloads and requires what the
// archive relies on: it never panics; a kept request's instances name only
// loggable features; a dropped record carries no data and says why; the
// record always keeps the id that pairs it with its response; what would be
// forwarded to TrustyAI is JSON over the loggable columns only.
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{
		`{"instances": [[12.5, "m-7", "c-991", "30-39"]]}`,
		`{"instances": [{"amount": 1, "customer_id": "c-1"}]}`,
		`{"inputs": [{"name": "input-0", "shape": [1, 4], "data": [1, 2, 3, 4]}]}`,
		`{"inputs": [{"name": "amount", "shape": [1], "data": [1]}, {"name": "customer_id", "shape": [1], "data": ["c"]}]}`,
		`{"inputs": [{"name": "x", "shape": [3, 4], "data": [1]}]}`,
		`{"inputs": [{"name": "x", "shape": [-1, 4], "data": []}]}`,
		`{"predictions": [1]}`, `[]`, `null`, `{"instances": {}}`,
		// A row count whose product with the width overflows to the data's length.
		`{"inputs": [{"name": "x", "shape": [4611686018427387904, 4], "data": []}]}`,
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, isRequest bool) {
		r := request(string(body))
		if !isRequest {
			r.ReqType = TypeResponse
		}
		rec := testConfig.Filter(r)
		if rec.ID != "req-1" {
			t.Fatalf("id = %q", rec.ID)
		}
		if rec.Dropped != "" && (rec.Instances != nil || rec.Predictions != nil) {
			t.Fatalf("a dropped record keeps data: %+v", rec)
		}
		if rec.Dropped == "" && isRequest && rec.Instances == nil {
			t.Fatalf("a kept request has no instances: %+v", rec)
		}
		loggable := testConfig.Models["models/fraud"].Loggable
		for _, row := range rec.Instances {
			for k := range row {
				if !slices.Contains(loggable, k) {
					t.Fatalf("kept %q, which is not loggable, from %s", k, body)
				}
			}
		}
		if _, err := json.Marshal(rec); err != nil {
			t.Fatalf("the record does not marshal: %v", err)
		}
		// What TrustyAI would receive is valid JSON over loggable columns
		// only, or nothing.
		fields := testConfig.Models["models/fraud"]
		if out, err := fields.TrustyAIBody(rec); err == nil {
			var v struct {
				Inputs, Outputs []Tensor
			}
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("the forwarded body is not JSON: %v\n%s", err, out)
			}
			for _, tensor := range v.Inputs {
				if len(tensor.Shape) != 2 || tensor.Shape[1] != len(fields.Loggable) || len(tensor.Data) != tensor.Shape[0]*tensor.Shape[1] {
					t.Fatalf("forwarded input %+v is not [rows, loggable]", tensor)
				}
			}
		}
	})
}
