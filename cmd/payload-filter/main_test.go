package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

var testConfig = filter.Config{Models: map[string]filter.ModelFields{
	"models/fraud": {Features: []string{"amount", "merchant", "customer_id", "age_band"}, Loggable: []string{"amount", "merchant", "age_band"}},
}}

func request(body string) filter.LogRequest {
	return filter.LogRequest{Bytes: []byte(body), ReqType: filter.TypeRequest, ID: "req-1", Namespace: "models", InferenceService: "fraud", Component: "predictor",
		OccurrenceTime: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
}

// TestMarshalEndpoint posts a batch as KServe's agent does (a JSON array
// of records whose bytes are base64) and reads back JSON Lines with the
// extension header the agent names the object by.
func TestMarshalEndpoint(t *testing.T) {
	srv := httptest.NewServer(newServer(testConfig).routes())
	defer srv.Close()
	resp1 := request(`{"predictions": [0.91]}`)
	resp1.ReqType = filter.TypeResponse
	batch, _ := json.Marshal([]filter.LogRequest{request(`{"instances": [[12.5, "m-7", "c-991", "30-39"]]}`), resp1, request(`nonsense`)})
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
