package environments

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestValidateRejectsModelCards breaks one rule of a model card per case
// (testNow is 2026-11-23) and asserts the whole message.
func TestValidateRejectsModelCards(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"no owner": {
			mutate: func(e *Environment) { e.Models[0].Card.Owner = "  " },
			want:   `models[0].card.owner = <missing>: required in a model card; fix: name the team or person who answers for the model, e.g. "fraud-ml (fraud-ml@pangea.ai)"`,
		},
		"an essay for an intended use": {
			mutate: func(e *Environment) { e.Models[1].Card.IntendedUse = strings.Repeat("x", 501) },
			want:   `models[1].card.intendedUse = 501 characters: must be at most 500 characters (it is shown in pull requests and kept as an annotation); fix: shorten it and link a longer document`,
		},
		"no evaluation": {
			mutate: func(e *Environment) { e.Models[1].Card.Evaluation = nil },
			want:   `models[1].card.evaluation = <missing>: a model card needs the metrics the model was accepted on; fix: add e.g. {metric: auc, value: 0.94, dataset: holdout-2026-10}`,
		},
		"a metric with a space": {
			mutate: func(e *Environment) { e.Models[0].Card.Evaluation[1].Metric = "recall at 0.5" },
			want:   `models[0].card.evaluation[1].metric = "recall at 0.5": must be a metric name (letters, digits, _ . - @, at most 63); fix: write e.g. auc, recall@0.5 or f1`,
		},
		"a metric that is not a number": {
			mutate: func(e *Environment) { e.Models[0].Card.Evaluation[0].Value = math.NaN() },
			want:   `models[0].card.evaluation[0].value = NaN: must be a finite number; fix: write the value the model scored`,
		},
		"an unknown risk level": {
			mutate: func(e *Environment) { e.Models[0].Card.RiskLevel = "severe" },
			want:   `models[0].card.riskLevel = "severe": must be one of low, medium, high; fix: set the risk level the model's review assigned`,
		},
		"a review in the future": {
			mutate: func(e *Environment) { e.Models[0].Card.FairnessReview.Date = "2026-12-24" },
			want:   `models[0].card.fairnessReview.date = "2026-12-24": is in the future; fix: set the day the review took place`,
		},
		"a review date in another format": {
			mutate: func(e *Environment) { e.Models[0].Card.FairnessReview.Date = "16/11/2026" },
			want:   `models[0].card.fairnessReview.date = "16/11/2026": must be a date YYYY-MM-DD; fix: set the day of the latest fairness review`,
		},
		"no reviewer": {
			mutate: func(e *Environment) { e.Models[1].Card.FairnessReview.Reviewer = "" },
			want:   `models[1].card.fairnessReview.reviewer = <missing>: required in a model card; fix: name who reviewed the model's fairness`,
		},
		"an unknown outcome": {
			mutate: func(e *Environment) { e.Models[1].Card.FairnessReview.Outcome = "ok" },
			want:   `models[1].card.fairnessReview.outcome = "ok": must be one of approved, approved-with-conditions, rejected; fix: record the review's outcome`,
		},
		"a negative review age limit": {
			mutate: func(e *Environment) { e.Policies = &Policies{FairnessReviewMaxAgeDays: -1} },
			want:   `policies.fairnessReviewMaxAgeDays = -1: must be 1 to 3650 days, or 0 for the default; fix: use 180`,
		},
	})
}

// A model that names no explainer gets TrustyAI's; type none opts out, and
// an explainer that does not run is neither sized nor placed.
func TestDefaultExplainer(t *testing.T) {
	data, err := os.ReadFile("dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "    explainer:                # LIME and SHAP attributions (TrustyAI)\n      type: trustyai\n      method: all\n      resources: {cpu: 500m, memory: 1Gi}\n", "", 1)
	src = strings.Replace(src, "      type: custom\n      image: explainers/defect-gradcam:1.0.0\n      resources: {cpu: \"1\", memory: 2Gi}\n", "      type: none\n", 1)
	env, err := Parse("environments/dev.yaml", []byte(src), opts())
	if err != nil {
		t.Fatal(err)
	}
	if got := env.Models[0].Explainer; !reflect.DeepEqual(got, DefaultExplainer()) || !env.Models[0].HasExplainer() {
		t.Errorf("fraud-xgb explainer = %+v, want the default %+v", got, DefaultExplainer())
	}
	if env.Models[1].HasExplainer() {
		t.Errorf("defect-detector has explainer %+v, want none", env.Models[1].Explainer)
	}
}

// TestValidateRejectsModelMonitoring breaks one rule of a model's
// monitoring block per case and asserts the whole message.
func TestValidateRejectsModelMonitoring(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"no features": {
			mutate: func(e *Environment) {
				e.Models[0].Monitoring.Features, e.Models[0].Monitoring.Loggable, e.Models[0].Monitoring.Fairness = nil, nil, nil
			},
			want: `models[0].monitoring.features = <missing>: must list the model's input features, in the order its input carries them; fix: list them, e.g. [amount, merchant_category, country]`,
		},
		"a feature with a space": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Features[5] = "customer postcode" },
			want:   `models[0].monitoring.features[5] = "customer postcode": must be a feature name: a letter or _, then letters, digits, _ . or -, at most 63; fix: use the name the model's input gives the column`,
		},
		"a feature twice": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Features[5] = "amount" },
			want:   `models[0].monitoring.features[5] = "amount": appears twice; fix: name each feature once`,
		},
		"an undeclared loggable field": {
			mutate: func(e *Environment) { e.Models[1].Monitoring.Loggable = []string{"email"} },
			want:   `models[1].monitoring.loggable[0] = "email": is not one of the model's features; fix: list only names from features`,
		},
		"no retention": {
			mutate: func(e *Environment) { e.Models[1].Monitoring.PayloadRetentionDays = 0 },
			want:   `models[1].monitoring.payloadRetentionDays = 0: must be 1 to 3650: logged payloads are deleted after it; fix: set the retention your data-protection review agreed, e.g. 30`,
		},
		"a reference outside the model's folder": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Reference = "../datasets/ref.json" },
			want:   `models[0].monitoring.reference = "../datasets/ref.json": must be a file's path inside the model's storageUri folder: the reference is read with the model's own read-only identity; fix: write it relative to storageUri, e.g. "reference.json"`,
		},
		"drift and fairness without monitoring": {
			mutate: func(e *Environment) { e.Monitoring, e.JupyterHub = nil, nil },
			want:   `models[0].monitoring.reference = set: drift and fairness need the monitoring section: TrustyAI keeps its data on the encrypted storage class it creates, and the alerts run in its Prometheus; fix: add a monitoring section (see docs/environments.md), or remove reference and fairness`,
		},
		"a Triton model without an explainer": {
			mutate: func(e *Environment) { e.Models[1].Explainer = nil },
			want:   `models[1].explainer = <missing>: a model served by Triton (v2 protocol only; pytorch's runtime) has no default explainer: TrustyAI's and ART's call the predictor over v1; fix: declare type: custom with an explainer image that calls the predictor over v2 (e.g. Captum attributions), or type: none`,
		},
		"ART beside Triton": {
			mutate: func(e *Environment) {
				e.Models[1].Explainer = &Explainer{Type: "art", ARTAttack: "SquareAttack", Resources: Resources{CPU: "1", Memory: "2Gi"}}
			},
			want: `models[1].explainer.type = "art": calls the predictor over the v1 protocol, which Triton (pytorch's runtime) does not speak; fix: declare type: custom with an explainer image that calls the predictor over v2, or type: none`,
		},
		"a drift threshold without a reference": {
			mutate: func(e *Environment) {
				e.Models[0].Monitoring.Reference = ""
				e.Models[0].Monitoring.DriftThreshold = 0.05
			},
			want: `models[0].monitoring.driftThreshold = 0.05: needs a reference: drift is measured against it; fix: name the reference dataset in reference, or remove driftThreshold`,
		},
		"a drift threshold that is not a p-value": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.DriftThreshold = 5 },
			want:   `models[0].monitoring.driftThreshold = 5: must be a p-value between 0 and 1 (exclusive): a feature whose meanshift test falls below it has drifted; fix: use 0.05, TrustyAI's default, or remove it`,
		},
		"a protected attribute that is not logged": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.ProtectedAttribute = "customer_postcode" },
			want:   `models[0].monitoring.fairness.protectedAttribute = "customer_postcode": must be one of loggable: the metrics are computed from the logged features; fix: name a loggable feature, or make the attribute loggable after your data-protection review`,
		},
		"one group twice": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.Unprivileged = 2 },
			want:   `models[0].monitoring.fairness.unprivileged = 2: equals privileged: the metrics compare two different groups; fix: write the unprivileged group's value of customer_age_band`,
		},
		"a favourable score beside a decision threshold": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.Favorable = 0.2 },
			want:   `models[0].monitoring.fairness.favorable = 0.2: must be 0 or 1 with a decisionThreshold: the decision is 1 at or above the threshold, else 0; fix: write 1 if a high score benefits the person, else 0`,
		},
		"a non-finite group value": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.Privileged = math.Inf(1) },
			want:   `models[0].monitoring.fairness.privileged = +Inf: must be a finite number; fix: write the value the feature or prediction takes`,
		},
		"an SPD limit of 1": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.SPDLimit = 1 },
			want:   `models[0].monitoring.fairness.spdLimit = 1: must be between 0 and 1 (exclusive): statistical parity difference lies in [-1, 1]; fix: use 0.1, TrustyAI's default, or remove it`,
		},
		"a DIR range that excludes parity": {
			mutate: func(e *Environment) { e.Models[0].Monitoring.Fairness.DIRRange = []float64{1.1, 1.3} },
			want:   `models[0].monitoring.fairness.dirRange = [1.1 1.3]: must be [low, high] with 0 < low < 1 < high: a ratio of 1 is parity; fix: use [0.8, 1.25] (the four-fifths rule both ways) or remove it for TrustyAI's [0.8, 1.2]`,
		},
	})
}
