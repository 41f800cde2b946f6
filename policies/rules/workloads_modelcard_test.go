package rules

import (
	"time"

	"testing"

	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/plan/props"
)

func TestModelCard(t *testing.T) {
	card := func(edit func(a map[string]string)) *Resource {
		a := modelcard.Card{
			Owner: "fraud-ml", IntendedUse: "triage", OutOfScopeUse: "credit", TrainingData: "s3://d/v3",
			Evaluation: []modelcard.Metric{{Name: "auc", Value: 0.94}}, RiskLevel: "high",
			Review: modelcard.Review{Date: "2026-06-01", Reviewer: "board", Outcome: modelcard.OutcomeApproved},
		}.Annotations()
		if edit != nil {
			edit(a)
		}
		ann := map[string]interface{}{"serving.kserve.io/deploymentMode": "Standard"}
		for k, v := range a {
			ann[k] = v
		}
		return res(wlInferenceService, "fraud-xgb", map[string]interface{}{"metadata": map[string]interface{}{"name": "fraud-xgb", "annotations": ann}})
	}
	at := func(now time.Time, maxAge time.Duration, r ...*Resource) *Stack {
		s := stackOf("prod", r...)
		s.Context = StackContext{Now: now, FairnessReviewMaxAge: maxAge}
		return s
	}
	june1 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	on := `InferenceService "fraud-xgb" `
	runRule(t, "model-card", []ruleCase{
		{name: "a complete card, reviewed 180 days ago", stack: at(june1.AddDate(0, 0, 180), 0, card(nil))},
		{name: "a high-risk review one day past the default", stack: at(june1.AddDate(0, 0, 181), 0, card(nil)),
			want: []string{on + "is high-risk and its fairness review of 2026-06-01 is 181 days old; high-risk models need one at most 180 days old; fix: review the model again and update models[].card.fairnessReview"}},
		{name: "the environment's own limit", stack: at(june1.AddDate(0, 0, 31), 30*24*time.Hour, card(nil)),
			want: []string{on + "is high-risk and its fairness review of 2026-06-01 is 31 days old; high-risk models need one at most 30 days old; fix: review the model again and update models[].card.fairnessReview"}},
		{name: "an old review of a medium-risk model", stack: at(june1.AddDate(2, 0, 0), 0, card(func(a map[string]string) { a[modelcard.KeyRiskLevel] = "medium" }))},
		{name: "a rejected model", stack: at(june1, 0, card(func(a map[string]string) { a[modelcard.KeyReviewOutcome] = modelcard.OutcomeRejected })),
			want: []string{`InferenceService "fraud-xgb": the fairness review of 2026-06-01 by board rejected the model: it must not serve; fix: address the review's findings and record a new review`}},
		{name: "no card", stack: at(june1, 0, res(wlInferenceService, "fraud-xgb", map[string]interface{}{"metadata": map[string]interface{}{"name": "fraud-xgb"}})),
			want: []string{on + "must carry a complete model card: " +
				"model-card.mlplatform.pangea.ai/owner is missing; model-card.mlplatform.pangea.ai/intended-use is missing; model-card.mlplatform.pangea.ai/out-of-scope-use is missing; " +
				"model-card.mlplatform.pangea.ai/training-data is missing; model-card.mlplatform.pangea.ai/evaluation is missing; model-card.mlplatform.pangea.ai/risk-level is missing; " +
				"model-card.mlplatform.pangea.ai/fairness-review-date is missing; model-card.mlplatform.pangea.ai/fairness-reviewer is missing; model-card.mlplatform.pangea.ai/fairness-review-outcome is missing; " +
				"fix: set models[].card in the environment file (docs/workflows/add-a-model.md)"}},
		{name: "a bad review date", stack: at(june1, 0, card(func(a map[string]string) { a[modelcard.KeyReviewDate] = "June" })),
			want: []string{`InferenceService "fraud-xgb": model-card.mlplatform.pangea.ai/fairness-review-date = "June" is not a date YYYY-MM-DD; fix: record the review's day`}},
		{name: "annotations not known yet", stack: at(june1, 0, res(wlInferenceService, "fraud-xgb", map[string]interface{}{"metadata": map[string]interface{}{"name": "fraud-xgb", "annotations": props.Unknown{}}})),
			want: []string{`unverifiable: InferenceService "fraud-xgb": cannot verify during preview: metadata.annotations is not known until the resource is created`}},
	})
}
