package filter

import (
	"encoding/json"
	"strings"
	"testing"
)

func fraudFields() ModelFields {
	half := 0.5
	return ModelFields{
		Features: []string{"amount", "postcode", "card_present", "age_band"},
		Loggable: []string{"amount", "card_present", "age_band"},
		Quality:  &Quality{DecisionThreshold: &half},
	}
}

func cfgOf(f ModelFields) Config { return Config{Models: map[string]ModelFields{"serving/fraud": f}} }

func logged(kind, body string) LogRequest {
	t := TypeRequest
	if kind == "response" {
		t = TypeResponse
	}
	return LogRequest{ReqType: t, ID: "id-1", Namespace: "serving", InferenceService: "fraud", Bytes: []byte(body)}
}

// TestTrustyAIBodies: what TrustyAI receives is the kept record as one v2
// tensor, loggable features in declared order, every value a double, the
// postcode never; the prediction after the decision threshold.
func TestTrustyAIBodies(t *testing.T) {
	f := fraudFields()
	for name, c := range map[string]struct {
		kind, body, want, err string
	}{
		"v1 rows": {"request", `{"instances": [[12, "AB1", true, 2], [3.5, "CD2", false, 4]]}`,
			`{"inputs":[{"name":"X","shape":[2,3],"datatype":"FP64","data":[12.0,1.0,2.0,3.5,0.0,4.0]}]}`, ""},
		"v1 objects": {"request", `{"instances": [{"age_band": 4, "amount": 1e3, "postcode": "AB1", "card_present": 1}]}`,
			`{"inputs":[{"name":"X","shape":[1,3],"datatype":"FP64","data":[1000.0,1.0,4.0]}]}`, ""},
		"v2 one tensor": {"request", `{"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": [7, "AB1", 0, 3]}]}`,
			`{"inputs":[{"name":"X","shape":[1,3],"datatype":"FP64","data":[7.0,0.0,3.0]}]}`, ""},
		"v1 scores over the threshold": {"response", `{"predictions": [0.91, 0.5, 0.2]}`,
			`{"outputs":[{"name":"prediction","shape":[3],"datatype":"FP64","data":[1.0,1.0,0.0]}]}`, ""},
		"v2 output [rows, 1]": {"response", `{"outputs": [{"name": "predict", "shape": [2, 1], "datatype": "FP32", "data": [0.1, 0.7]}]}`,
			`{"outputs":[{"name":"prediction","shape":[2],"datatype":"FP64","data":[0.0,1.0]}]}`, ""},
		"a category as text": {"request", `{"instances": [{"age_band": "65+", "amount": 1, "postcode": "AB1", "card_present": 1}]}`,
			"", "row 0: age_band is not a number (drift and fairness need numeric features)"},
		"a row missing a feature": {"request", `{"instances": [{"amount": 1, "postcode": "AB1", "card_present": 1}]}`,
			"", "row 0 has no age_band"},
		"class probabilities": {"response", `{"predictions": [[0.2, 0.8]]}`,
			"", "prediction 0 has 2 values: only one value per row can be measured"},
		"a dropped payload": {"request", `{"instances": [[1, 2]]}`,
			"", "the payload was dropped: instance 0: has 2 values, the model declares 4 features"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := cfgOf(f).Filter(logged(c.kind, c.body))
			got, err := f.TrustyAIBody(rec)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("body\n got %s\nwant %s", got, c.want)
			}
		})
	}
	// Without a decision threshold the score passes as it is.
	f.Quality = &Quality{}
	got, err := f.TrustyAIBody(cfgOf(f).Filter(logged("response", `{"predictions": [0.91, 1]}`)))
	if err != nil || string(got) != `{"outputs":[{"name":"prediction","shape":[2],"datatype":"FP64","data":[0.91,1.0]}]}` {
		t.Errorf("scores: %s %v", got, err)
	}
}

// TestRegistrarRequests: the registrar names X-i after the i-th loggable
// feature and schedules SPD, DIR and meanshift with the environment's
// values, written as TrustyAI reads them.
func TestRegistrarRequests(t *testing.T) {
	m := ModelQuality{Model: "fraud", Loggable: []string{"amount", "age_band"},
		Drift:    &DriftRequest{Threshold: 0.01},
		Fairness: &FairnessRequest{ProtectedAttribute: "age_band", Privileged: 2, Unprivileged: 4, Favorable: 0, SPDLimit: 0.1, DIRLow: 0.8}}
	names, _ := json.Marshal(m.NameMapping())
	if want := `{"inputMapping":{"X-0":"amount","X-1":"age_band"},"modelId":"fraud","outputMapping":{}}`; string(names) != want {
		t.Errorf("names = %s, want %s", names, want)
	}
	want := map[string]string{
		"SPD /metrics/group/fairness/spd/request mlplatform-spd":          `{"batchSize":5000,"favorableOutcome":0.0,"modelId":"fraud","outcomeName":"prediction","privilegedAttribute":2.0,"protectedAttribute":"age_band","requestName":"mlplatform-spd","thresholdDelta":0.1,"unprivilegedAttribute":4.0}`,
		"DIR /metrics/group/fairness/dir/request mlplatform-dir":          `{"batchSize":5000,"favorableOutcome":0.0,"modelId":"fraud","outcomeName":"prediction","privilegedAttribute":2.0,"protectedAttribute":"age_band","requestName":"mlplatform-dir","thresholdDelta":0.2,"unprivilegedAttribute":4.0}`,
		"MEANSHIFT /metrics/drift/meanshift/request mlplatform-meanshift": `{"batchSize":5000,"modelId":"fraud","referenceTag":"TRAINING","requestName":"mlplatform-meanshift","thresholdDelta":0.01}`,
	}
	got := m.Requests(5000)
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for _, r := range got {
		key := r.Metric + " " + r.Path + " " + r.Name
		if want[key] != string(r.Body) {
			t.Errorf("%s:\n got %s\nwant %s", key, r.Body, want[key])
		}
	}
	// Missing: what TrustyAI lists already is not scheduled again.
	var list ScheduleList
	json.Unmarshal([]byte(`{"requests": [{"id": "5b1c", "request": {"modelId": "fraud", "requestName": "mlplatform-spd", "metricName": "SPD"}},
		{"id": "77aa", "request": {"modelId": "other", "requestName": "mlplatform-dir", "metricName": "DIR"}}]}`), &list)
	var missing []string
	for _, r := range (RegistrarConfig{Models: []ModelQuality{m}, BatchSize: 5000}).Missing(list) {
		missing = append(missing, r.Model+"/"+r.Name)
	}
	if strings.Join(missing, ",") != "fraud/mlplatform-dir,fraud/mlplatform-meanshift" {
		t.Errorf("missing = %v", missing)
	}
}

// TestReferenceUpload: the reference file is a request and its answers over
// all the features; what is uploaded is the loggable columns and the
// decisions, tagged TRAINING.
func TestReferenceUpload(t *testing.T) {
	f := fraudFields()
	body, rows, err := f.ReferenceUpload("fraud", []byte(`{"instances": [[10, "AB1", true, 2], [20, "CD2", false, 4]], "predictions": [0.7, 0.1]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"data_tag":"TRAINING","model_name":"fraud","request":{"inputs":[{"name":"X","shape":[2,3],"datatype":"FP64","data":[10.0,1.0,2.0,20.0,0.0,4.0]}]},"response":{"outputs":[{"name":"prediction","shape":[2],"datatype":"FP64","data":[1.0,0.0]}]}}`
	if rows != 2 || string(body) != want {
		t.Errorf("%d rows\n got %s\nwant %s", rows, body, want)
	}
	for name, c := range map[string]struct{ file, err string }{
		"not JSON":            {`amount,age_band`, "the reference is not a JSON object: invalid character 'a' looking for beginning of value"},
		"fewer answers":       {`{"instances": [[10, "AB1", true, 2], [20, "CD2", false, 4]], "predictions": [0.7]}`, "the reference has 2 rows and 1 predictions"},
		"an undeclared field": {`{"instances": [{"amount": 1, "email": "a@b"}], "predictions": [0]}`, `the reference's rows: instance 0: names "email", which is not a declared feature`},
		"no predictions":      {`{"instances": [[10, "AB1", true, 2]]}`, "the reference's predictions: response has neither predictions (v1) nor outputs (v2)"},
	} {
		if _, _, err := f.ReferenceUpload("fraud", []byte(c.file)); err == nil || err.Error() != c.err {
			t.Errorf("%s: error = %v, want %q", name, err, c.err)
		}
	}
}
