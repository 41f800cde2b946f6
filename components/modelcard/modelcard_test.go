package modelcard

import (
	"reflect"
	"testing"
)

func card() Card {
	return Card{
		Owner: "fraud-ml | risk", IntendedUse: "Scores\ntransactions", OutOfScopeUse: "credit", TrainingData: "s3://d/v3",
		Evaluation: []Metric{{Name: "auc", Value: 0.94, Dataset: "holdout"}, {Name: "f1", Value: 0.8}},
		RiskLevel:  "high", Review: Review{Date: "2026-11-16", Reviewer: "board", Outcome: OutcomeConditions},
	}
}

func TestAnnotationsRoundTrip(t *testing.T) {
	a := card().Annotations()
	if got := a[KeyEvaluation]; got != `[{"metric":"auc","value":0.94,"dataset":"holdout"},{"metric":"f1","value":0.8}]` {
		t.Errorf("evaluation annotation = %s", got)
	}
	if len(a) != len(Keys) {
		t.Errorf("%d annotations, want one per key (%d)", len(a), len(Keys))
	}
	back, problems := FromAnnotations(a)
	if len(problems) != 0 || !reflect.DeepEqual(back, card()) {
		t.Errorf("FromAnnotations = %#v, %v", back, problems)
	}
}

func TestFromAnnotationsNamesEveryProblem(t *testing.T) {
	a := card().Annotations()
	delete(a, KeyOwner)
	a[KeyReviewer] = "  "
	a[KeyEvaluation] = "[]"
	a[KeyRiskLevel] = "extreme"
	a[KeyReviewOutcome] = "fine"
	_, problems := FromAnnotations(a)
	want := []string{
		KeyOwner + " is missing",
		KeyReviewer + " is missing",
		KeyEvaluation + " must be a JSON array of {metric, value, dataset} with at least one metric",
		KeyRiskLevel + ` = "extreme" must be one of low, medium, high`,
		KeyReviewOutcome + ` = "fine" must be one of approved, approved-with-conditions, rejected`,
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems =\n%q\nwant\n%q", problems, want)
	}
	if _, problems := FromAnnotations(nil); len(problems) != len(Keys) {
		t.Errorf("no annotations: %d problems, want %d", len(problems), len(Keys))
	}
}

func TestMarkdown(t *testing.T) {
	want := "### fraud-xgb\n\n| | |\n|---|---|\n" +
		"| Owner | fraud-ml \\| risk |\n| Risk level | high |\n| Intended use | Scores transactions |\n" +
		"| Out of scope | credit |\n| Training data | s3://d/v3 |\n" +
		"| Fairness review | approved-with-conditions on 2026-11-16 by board |\n\n" +
		"| metric | value | dataset |\n|---|---|---|\n| auc | 0.94 | holdout |\n| f1 | 0.8 |  |\n"
	if got := card().Markdown("fraud-xgb"); got != want {
		t.Errorf("Markdown =\n%s\nwant\n%s", got, want)
	}
}
