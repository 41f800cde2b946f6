package filter

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// TrustyAI keeps its scheduled metric requests in memory only (v0.28.0
// explainability-service .../prometheus/PrometheusScheduler.java), so they
// are gone after every restart. The registrar (payload-filter register),
// beside TrustyAI in its pod, holds them to the environment file's
// declaration: it names each model's columns and schedules every metric
// request that is missing, again and again.

// ReferenceTag tags the reference rows the reference job uploads; drift is
// measured against the rows with this tag. It avoids the prefix TrustyAI
// reserves for itself (validators/generic/GenericValidationUtils.java
// validateNewDataTag).
const ReferenceTag = "TRAINING"

// RequestPrefix starts the name of every metric request the registrar
// schedules; TrustyAI exports it as the requestName label.
const RequestPrefix = "mlplatform-"

// Metric request endpoints and the metricName TrustyAI gives each
// (endpoints/metrics/fairness/group/GroupStatisticalParityDifferenceEndpoint
// .java, DisparateImpactRatioEndpoint.java, drift/MeanshiftEndpoint.java;
// BaseEndpoint.java POST /request). Each is exported as trustyai_<metric
// name, lowered> (prometheus/PrometheusPublisher.java).
var MetricPaths = map[string]string{
	"SPD":       "/metrics/group/fairness/spd/request",
	"DIR":       "/metrics/group/fairness/dir/request",
	"MEANSHIFT": "/metrics/drift/meanshift/request",
}

// RegistrarConfig is the registrar's configuration, one entry per model
// with drift or fairness metrics. The serving component writes it into a
// ConfigMap (serving.QualityConfig has the same JSON shape).
type RegistrarConfig struct {
	Models []ModelQuality `json:"models"`
	// BatchSize is how many of the latest rows each metric reads.
	BatchSize int `json:"batchSize"`
}

// ModelQuality is one model's metrics.
type ModelQuality struct {
	// Model is the InferenceService's name, TrustyAI's model id.
	Model string `json:"model"`
	// Loggable are the forwarded features in order: column i is
	// InputColumn(i).
	Loggable []string `json:"loggable"`
	// Drift, when set, schedules the meanshift test against the reference.
	Drift *DriftRequest `json:"drift,omitempty"`
	// Fairness, when set, schedules SPD and DIR.
	Fairness *FairnessRequest `json:"fairness,omitempty"`
}

// DriftRequest is a model's drift metric.
type DriftRequest struct {
	// Threshold is the p-value under which a feature has drifted.
	Threshold float64 `json:"threshold"`
}

// FairnessRequest is a model's group-fairness metrics.
type FairnessRequest struct {
	ProtectedAttribute string  `json:"protectedAttribute"`
	Privileged         float64 `json:"privileged"`
	Unprivileged       float64 `json:"unprivileged"`
	Favorable          float64 `json:"favorable"`
	SPDLimit           float64 `json:"spdLimit"`
	DIRLow             float64 `json:"dirLow"`
}

// ReadRegistrarConfig reads the registrar's configuration strictly and
// checks it.
func ReadRegistrarConfig(path string) (RegistrarConfig, error) {
	var cfg RegistrarConfig
	if err := readStrict(path, &cfg); err != nil {
		return cfg, err
	}
	var problems []string
	if cfg.BatchSize < 1 {
		problems = append(problems, fmt.Sprintf("batchSize: %d; at least 1 row", cfg.BatchSize))
	}
	for i, m := range cfg.Models {
		if m.Model == "" || len(m.Loggable) == 0 {
			problems = append(problems, fmt.Sprintf("models[%d]: model and loggable are required", i))
		}
		if m.Fairness != nil && !slices.Contains(m.Loggable, m.Fairness.ProtectedAttribute) {
			problems = append(problems, fmt.Sprintf("models[%d].fairness.protectedAttribute: %q is not loggable", i, m.Fairness.ProtectedAttribute))
		}
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("%s: %s", path, strings.Join(problems, "; "))
	}
	return cfg, nil
}

// NameMapping is the body of POST /info/names: the forwarded columns
// renamed to the model's features (payloads/service/NameMapping.java).
func (m ModelQuality) NameMapping() map[string]any {
	in := map[string]string{}
	for i, name := range m.Loggable {
		in[InputColumn(i)] = name
	}
	return map[string]any{"modelId": m.Model, "inputMapping": in, "outputMapping": map[string]string{}}
}

// MetricRequest is one metric request to schedule.
type MetricRequest struct {
	// Metric is SPD, DIR or MEANSHIFT; Path is its endpoint.
	Metric, Path string
	// Name is the request's requestName.
	Name string
	// Body is the JSON body.
	Body []byte
}

// double is a number TrustyAI reads as a double (see float64s).
func double(x float64) json.RawMessage { return json.RawMessage(formatDouble(x)) }

// Requests are the model's metric requests (payloads/metrics/fairness/group/
// GroupMetricRequest.java: protectedAttribute, privilegedAttribute,
// unprivilegedAttribute, outcomeName, favorableOutcome, thresholdDelta;
// drift/DriftMetricRequest.java: referenceTag, thresholdDelta;
// BaseMetricRequest.java: modelId, requestName, batchSize). Group values
// are written as doubles, the type of the forwarded columns, which
// TrustyAI checks them against (GenericValidationUtils.java
// validateFeatureColumnType).
func (m ModelQuality) Requests(batchSize int) []MetricRequest {
	var out []MetricRequest
	add := func(metric string, body map[string]any) {
		name := RequestPrefix + strings.ToLower(metric)
		body["modelId"], body["requestName"], body["batchSize"] = m.Model, name, batchSize
		b, _ := json.Marshal(body)
		out = append(out, MetricRequest{Metric: metric, Path: MetricPaths[metric], Name: name, Body: b})
	}
	if f := m.Fairness; f != nil {
		for _, metric := range []string{"SPD", "DIR"} {
			delta := f.SPDLimit
			if metric == "DIR" {
				// DIR is fair within 1±delta; to the millionth, so
				// 1-0.8 reads 0.2.
				delta = math.Round((1-f.DIRLow)*1e6) / 1e6
			}
			add(metric, map[string]any{
				"protectedAttribute": f.ProtectedAttribute, "privilegedAttribute": double(f.Privileged),
				"unprivilegedAttribute": double(f.Unprivileged), "outcomeName": PredictionColumn,
				"favorableOutcome": double(f.Favorable), "thresholdDelta": delta,
			})
		}
	}
	if d := m.Drift; d != nil {
		add("MEANSHIFT", map[string]any{"referenceTag": ReferenceTag, "thresholdDelta": d.Threshold})
	}
	return out
}

// ScheduleList is GET /metrics/all/requests (payloads/scheduler/
// ScheduleList.java, ScheduleRequest.java).
type ScheduleList struct {
	Requests []struct {
		ID      string `json:"id"`
		Request struct {
			ModelID     string `json:"modelId"`
			RequestName string `json:"requestName"`
			MetricName  string `json:"metricName"`
		} `json:"request"`
	} `json:"requests"`
}

// Pending is a metric request of one model that TrustyAI has not
// scheduled.
type Pending struct {
	Model string
	MetricRequest
}

// Missing are the requests of cfg that the scheduled list lacks, matched by
// model, metric and request name.
func (cfg RegistrarConfig) Missing(scheduled ScheduleList) []Pending {
	have := map[[3]string]bool{}
	for _, r := range scheduled.Requests {
		have[[3]string{r.Request.ModelID, r.Request.MetricName, r.Request.RequestName}] = true
	}
	var out []Pending
	for _, m := range cfg.Models {
		for _, r := range m.Requests(cfg.BatchSize) {
			if !have[[3]string{m.Model, r.Metric, r.Name}] {
				out = append(out, Pending{m.Model, r})
			}
		}
	}
	return out
}

// ReferenceUpload is the body of POST /data/upload for a model's reference
// dataset (payloads/data/upload/ModelInferJointPayload.java: model_name,
// data_tag, request.inputs, response.outputs). The reference file is one
// JSON object holding a request's instances (v1) or inputs (v2) over all
// the model's features and the model's predictions (v1) or outputs (v2)
// for them; only the loggable features are uploaded, as the forwarded
// traffic carries them.
func (f ModelFields) ReferenceUpload(model string, raw []byte) ([]byte, int, error) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, 0, fmt.Errorf("the reference is not a JSON object: %v", err)
	}
	rows, err := f.instances(body)
	if err != nil {
		return nil, 0, fmt.Errorf("the reference's rows: %v", err)
	}
	preds, err := predictions(body)
	if err != nil {
		return nil, 0, fmt.Errorf("the reference's predictions: %v", err)
	}
	in, err := f.TrustyAIInputs(Record{Kind: "request", Instances: rows})
	if err != nil {
		return nil, 0, fmt.Errorf("the reference's rows: %v", err)
	}
	out, err := f.TrustyAIOutputs(Record{Kind: "response", Predictions: preds})
	if err != nil {
		return nil, 0, fmt.Errorf("the reference's predictions: %v", err)
	}
	if out.Shape[0] != in.Shape[0] {
		return nil, 0, fmt.Errorf("the reference has %d rows and %d predictions", in.Shape[0], out.Shape[0])
	}
	b, err := json.Marshal(map[string]any{
		"model_name": model, "data_tag": ReferenceTag,
		"request":  map[string][]Tensor{"inputs": {in}},
		"response": map[string][]Tensor{"outputs": {out}},
	})
	return b, in.Shape[0], err
}
