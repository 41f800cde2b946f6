package filter

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The filter forwards the kept part of each logged request and response to
// TrustyAI's service (trustyai-explainability v0.28.0), which pairs them by
// id and computes the model's drift and fairness metrics. What it sends is
// what the archive keeps, never more: the loggable features and the
// prediction.
//
// TrustyAI takes KServe's logger CloudEvents at "/" (explainability-service
// .../endpoints/consumer/CloudEventConsumer.java: the event's id pairs a
// request with its response, its Inferenceservicename extension names the
// model) and reads the bodies as KServe v2 tensors
// (data/reconcilers/KServeInferencePayloadReconciler.java). One [rows,
// columns] input tensor becomes the columns <name>-0 .. <name>-<k-1>
// (explainability-connectors .../kserve/v2/TensorConverter.java,
// TensorConverterUtils.labelTensors), which the registrar renames to the
// features (POST /info/names); a one-dimensional output tensor becomes one
// column named after the tensor.
const (
	// InputTensor names the forwarded input tensor; its columns are
	// InputTensor-<i>, the i-th loggable feature.
	InputTensor = "X"
	// PredictionColumn names the forwarded output, the column fairness
	// metrics read as the outcome.
	PredictionColumn = "prediction"
	// TrustyAIDatatype is the tensor type of every forwarded value.
	TrustyAIDatatype = "FP64"
)

// Quality turns on forwarding to TrustyAI for a model.
type Quality struct {
	// DecisionThreshold, when set, forwards 1 for a prediction at or above
	// it and 0 below, so that fairness compares decisions, not scores.
	DecisionThreshold *float64 `json:"decisionThreshold,omitempty"`
}

// InputColumn is the column TrustyAI gives the i-th forwarded feature
// before the registrar renames it.
func InputColumn(i int) string { return fmt.Sprintf("%s-%d", InputTensor, i) }

// float64s is a list of numbers that encodes every value with a decimal
// point: TrustyAI reads an FP64 tensor's JSON numbers as doubles, and a bare
// integer such as 1 is not one.
type float64s []float64

func (f float64s) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(formatDouble(x))
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// formatDouble writes x with a decimal point or an exponent.
func formatDouble(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// Tensor is a KServe v2 tensor as TrustyAI reads it.
type Tensor struct {
	Name     string   `json:"name"`
	Shape    []int    `json:"shape"`
	Datatype string   `json:"datatype"`
	Data     float64s `json:"data"`
}

// number reads a JSON value as a number: numbers as they are, booleans as
// 1 and 0. Anything else (a string category, a list) cannot be measured.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// TrustyAIInputs is a kept request's rows as one [rows, loggable] tensor,
// the features in the order Loggable lists them.
func (f ModelFields) TrustyAIInputs(rec Record) (Tensor, error) {
	k := len(f.Loggable)
	if k == 0 {
		return Tensor{}, fmt.Errorf("the model logs no feature")
	}
	if len(rec.Instances) == 0 {
		return Tensor{}, fmt.Errorf("the request kept no rows")
	}
	data := make(float64s, 0, len(rec.Instances)*k)
	for r, row := range rec.Instances {
		for _, name := range f.Loggable {
			v, ok := row[name]
			if !ok {
				return Tensor{}, fmt.Errorf("row %d has no %s", r, name)
			}
			x, ok := number(v)
			if !ok {
				return Tensor{}, fmt.Errorf("row %d: %s is not a number (drift and fairness need numeric features)", r, name)
			}
			data = append(data, x)
		}
	}
	return Tensor{Name: InputTensor, Shape: []int{len(rec.Instances), k}, Datatype: TrustyAIDatatype, Data: data}, nil
}

// TrustyAIOutputs is a kept response's predictions as one tensor of one
// value per row, after the decision threshold. It reads v1 predictions (a
// number per row, or a one-element list) and a v2 response's first output
// ([rows] or [rows, 1]).
func (f ModelFields) TrustyAIOutputs(rec Record) (Tensor, error) {
	var values []any
	switch p := rec.Predictions.(type) {
	case []any:
		if len(p) > 0 {
			if t, ok := p[0].(map[string]any); ok {
				// v2: the first output tensor.
				data, _ := t["data"].([]any)
				shape, _ := t["shape"].([]any)
				if len(shape) == 2 {
					if w, _ := shape[1].(float64); w != 1 {
						return Tensor{}, fmt.Errorf("output %v has shape %v: only one value per row can be measured", t["name"], shape)
					}
				} else if len(shape) != 1 {
					return Tensor{}, fmt.Errorf("output %v has shape %v: only one value per row can be measured", t["name"], shape)
				}
				values = data
				break
			}
		}
		for i, v := range p {
			if l, ok := v.([]any); ok {
				if len(l) != 1 {
					return Tensor{}, fmt.Errorf("prediction %d has %d values: only one value per row can be measured", i, len(l))
				}
				v = l[0]
			}
			values = append(values, v)
		}
	default:
		return Tensor{}, fmt.Errorf("the response kept no predictions")
	}
	if len(values) == 0 {
		return Tensor{}, fmt.Errorf("the response kept no predictions")
	}
	data := make(float64s, 0, len(values))
	for i, v := range values {
		x, ok := number(v)
		if !ok {
			return Tensor{}, fmt.Errorf("prediction %d is not a number", i)
		}
		if f.Quality != nil && f.Quality.DecisionThreshold != nil {
			if x >= *f.Quality.DecisionThreshold {
				x = 1
			} else {
				x = 0
			}
		}
		data = append(data, x)
	}
	return Tensor{Name: PredictionColumn, Shape: []int{len(data)}, Datatype: TrustyAIDatatype, Data: data}, nil
}

// TrustyAIBody is the CloudEvent body forwarded for a kept record: a v2
// request ({"inputs": [...]}) or response ({"outputs": [...]}). A dropped
// record, or one that cannot be measured, is not forwarded: the error says
// why.
func (f ModelFields) TrustyAIBody(rec Record) ([]byte, error) {
	if rec.Dropped != "" {
		return nil, fmt.Errorf("the payload was dropped: %s", rec.Dropped)
	}
	switch rec.Kind {
	case "request":
		t, err := f.TrustyAIInputs(rec)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string][]Tensor{"inputs": {t}})
	case "response":
		t, err := f.TrustyAIOutputs(rec)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string][]Tensor{"outputs": {t}})
	}
	return nil, fmt.Errorf("record kind %q is neither request nor response", rec.Kind)
}

// UnmarshalJSON reads a list of numbers.
func (f *float64s) UnmarshalJSON(b []byte) error {
	var v []float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = v
	return nil
}
