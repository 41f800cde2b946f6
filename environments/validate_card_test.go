package environments

import (
	"math"
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
