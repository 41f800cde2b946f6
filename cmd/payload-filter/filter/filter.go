// Package filter is the payload filter's logic: what of a logged request or
// response the archive may keep. cmd/payload-filter serves it; it uses the
// standard library only, so its fuzzing builds fast.
package filter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Package filter is the payload filter's logic: what of a logged request
// or response the archive may keep (cmd/payload-filter serves it).
// Config says, per model, which of its input features may be kept. The
// serving component writes it into a ConfigMap (serving.PayloadFilterConfig
// has the same JSON shape; TestServingWritesWhatTheFilterReads holds the two
// together).
type Config struct {
	// Models is keyed by "<namespace>/<inference service>".
	Models map[string]ModelFields `json:"models"`
}

// ModelFields are one model's input features, in the order its input
// carries them (the columns of a v1 instance, of a v2 input tensor), and
// the subset that may be logged.
type ModelFields struct {
	Features []string `json:"features"`
	Loggable []string `json:"loggable"`
	// Quality, when set, forwards the kept records to TrustyAI for drift
	// and fairness metrics.
	Quality *Quality `json:"quality,omitempty"`
}

// LogRequest is the part of KServe's logger record the filter reads: the
// agent posts a JSON array of them to its marshaller (kserve v0.20.0
// pkg/logger/types.go LogRequest; pkg/logger/marshaller_http.go).
type LogRequest struct {
	// Bytes is the request or response body (base64 in JSON, as Go
	// marshals a []byte).
	Bytes            []byte    `json:"bytes,omitempty"`
	ContentType      string    `json:"contentType,omitempty"`
	ReqType          string    `json:"reqType,omitempty"`
	ID               string    `json:"id,omitempty"`
	InferenceService string    `json:"inferenceService,omitempty"`
	Namespace        string    `json:"namespace,omitempty"`
	Component        string    `json:"component,omitempty"`
	Endpoint         string    `json:"endpoint,omitempty"`
	OccurrenceTime   time.Time `json:"occurrenceTime"`
}

// CloudEvent types of the logger's records (kserve v0.20.0
// pkg/logger/worker.go CEInferenceRequest, CEInferenceResponse).
const (
	TypeRequest  = "org.kubeflow.serving.inference.request"
	TypeResponse = "org.kubeflow.serving.inference.response"
)

// Record is what the archive keeps of one logged request or response: the
// declared features of a request, the predictions of a response, and the
// identifiers that pair them. Nothing else of the payload is kept.
type Record struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Time      time.Time `json:"time"`
	Namespace string    `json:"namespace"`
	Model     string    `json:"model"`
	Component string    `json:"component,omitempty"`
	// Instances are the request's rows, each holding only loggable
	// features by name.
	Instances []map[string]any `json:"instances,omitempty"`
	// Predictions are the response's predictions (v1) or outputs (v2).
	Predictions any `json:"predictions,omitempty"`
	// Dropped says why the payload was left out: the record stays, so a
	// request and its response still pair, but carries no data.
	Dropped string `json:"dropped,omitempty"`
}

// Filter turns one logged request or response into a Record that holds only
// what the model declares loggable. A payload it cannot read field by field
// is dropped, never passed through.
func (c Config) Filter(r LogRequest) Record {
	rec := Record{ID: r.ID, Time: r.OccurrenceTime, Namespace: r.Namespace, Model: r.InferenceService, Component: r.Component}
	switch r.ReqType {
	case TypeRequest:
		rec.Kind = "request"
	case TypeResponse:
		rec.Kind = "response"
	default:
		rec.Kind = "unknown"
		rec.Dropped = fmt.Sprintf("record type %q is neither %s nor %s", r.ReqType, TypeRequest, TypeResponse)
		return rec
	}
	fields, ok := c.Models[r.Namespace+"/"+r.InferenceService]
	if !ok {
		rec.Dropped = "model declares no loggable fields"
		return rec
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.Bytes, &body); err != nil {
		rec.Dropped = "payload is not a JSON object"
		return rec
	}
	var err error
	if rec.Kind == "response" {
		rec.Predictions, err = predictions(body)
	} else {
		rec.Instances, err = fields.instances(body)
	}
	if err != nil {
		rec.Instances, rec.Predictions = nil, nil
		rec.Dropped = err.Error()
	}
	return rec
}

// predictions reads a v1 response's predictions or a v2 response's outputs.
func predictions(body map[string]json.RawMessage) (any, error) {
	for _, key := range []string{"predictions", "outputs"} {
		if raw, ok := body[key]; ok {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("%s is not JSON", key)
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("response has neither predictions (v1) nor outputs (v2)")
}

// instances reads a v1 request's instances (rows of values in feature
// order, or objects by feature name) or a v2 request's inputs (one tensor
// per feature, by name, or one [rows, features] tensor), keeping loggable
// features only.
func (f ModelFields) instances(body map[string]json.RawMessage) ([]map[string]any, error) {
	if raw, ok := body["instances"]; ok {
		var rows []any
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, fmt.Errorf("instances is not a list")
		}
		out := make([]map[string]any, 0, len(rows))
		for i, row := range rows {
			kept, err := f.row(row)
			if err != nil {
				return nil, fmt.Errorf("instance %d: %v", i, err)
			}
			out = append(out, kept)
		}
		return out, nil
	}
	if raw, ok := body["inputs"]; ok {
		var inputs []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Data  []any  `json:"data"`
		}
		if err := json.Unmarshal(raw, &inputs); err != nil {
			return nil, fmt.Errorf("inputs is not a list of tensors")
		}
		if len(inputs) == 1 && !slices.Contains(f.Features, inputs[0].Name) {
			in := inputs[0]
			// The row count comes from the data, never from the shape
			// alone: a shape's product can overflow to the data's length.
			k := len(f.Features)
			if len(in.Shape) != 2 || k == 0 || in.Shape[1] != k || len(in.Data)%k != 0 || in.Shape[0] != len(in.Data)/k {
				return nil, fmt.Errorf("input %q has shape %v, not [rows, %d] over the declared features", in.Name, in.Shape, k)
			}
			rows := len(in.Data) / k
			out := make([]map[string]any, 0, rows)
			for r := 0; r < rows; r++ {
				kept, err := f.row(in.Data[r*in.Shape[1] : (r+1)*in.Shape[1]])
				if err != nil {
					return nil, err
				}
				out = append(out, kept)
			}
			return out, nil
		}
		rows := -1
		byName := map[string][]any{}
		for _, in := range inputs {
			if !slices.Contains(f.Features, in.Name) {
				return nil, fmt.Errorf("input %q is not a declared feature", in.Name)
			}
			if rows >= 0 && len(in.Data) != rows {
				return nil, fmt.Errorf("inputs hold different numbers of rows")
			}
			rows = len(in.Data)
			if slices.Contains(f.Loggable, in.Name) {
				byName[in.Name] = in.Data
			}
		}
		out := make([]map[string]any, 0, max(rows, 0))
		for r := 0; r < rows; r++ {
			kept := map[string]any{}
			for name, data := range byName {
				kept[name] = data[r]
			}
			out = append(out, kept)
		}
		return out, nil
	}
	return nil, fmt.Errorf("request has neither instances (v1) nor inputs (v2)")
}

// row keeps the loggable features of one row: a list in feature order or an
// object by feature name. A row naming an undeclared feature is refused:
// the declaration is out of date, and guessing would keep too much or too
// little.
func (f ModelFields) row(row any) (map[string]any, error) {
	kept := map[string]any{}
	switch v := row.(type) {
	case []any:
		if len(v) != len(f.Features) {
			return nil, fmt.Errorf("has %d values, the model declares %d features", len(v), len(f.Features))
		}
		for i, name := range f.Features {
			if slices.Contains(f.Loggable, name) {
				kept[name] = v[i]
			}
		}
	case map[string]any:
		for name, value := range v {
			if !slices.Contains(f.Features, name) {
				return nil, fmt.Errorf("names %q, which is not a declared feature", name)
			}
			if slices.Contains(f.Loggable, name) {
				kept[name] = value
			}
		}
	default:
		return nil, fmt.Errorf("is neither a list of values nor an object of features")
	}
	return kept, nil
}

// Check reports every problem of the configuration at once.
func (c Config) Check() error {
	var problems []string
	for key, m := range c.Models {
		if ns, name, ok := strings.Cut(key, "/"); !ok || ns == "" || name == "" {
			problems = append(problems, fmt.Sprintf("models.%s: the key must be <namespace>/<inference service>", key))
		}
		if len(m.Features) == 0 {
			problems = append(problems, fmt.Sprintf("models.%s.features: empty; the model's input features are required", key))
		}
		for _, l := range m.Loggable {
			if !slices.Contains(m.Features, l) {
				problems = append(problems, fmt.Sprintf("models.%s.loggable: %q is not one of the features", key, l))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// ReadConfig reads the configuration file strictly (no unknown key) and
// checks it.
func ReadConfig(path string) (Config, error) {
	var cfg Config
	if err := readStrict(path, &cfg); err != nil {
		return cfg, err
	}
	if err := cfg.Check(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// readStrict decodes the JSON file at path into v, refusing unknown keys.
func readStrict(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
