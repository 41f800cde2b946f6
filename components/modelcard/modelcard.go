// Package modelcard is a served model's card: who owns the model, what it
// is for and not for, what it was trained and evaluated on, its fairness
// review and its risk level. The serving component writes a card onto the
// model's InferenceService as annotations; the model-card policy rule and
// `mlplat models` read it back from there, so what they judge and print is
// what the cluster holds.
//
// The annotation keys are this project's own, under Prefix (a DNS subdomain
// the project owns, as Kubernetes asks of annotation prefixes).
package modelcard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Prefix is the annotations' prefix.
const Prefix = "model-card.mlplatform.pangea.ai/"

// The annotation keys, one per field.
const (
	KeyOwner         = Prefix + "owner"
	KeyIntendedUse   = Prefix + "intended-use"
	KeyOutOfScopeUse = Prefix + "out-of-scope-use"
	KeyTrainingData  = Prefix + "training-data"
	KeyEvaluation    = Prefix + "evaluation"
	KeyRiskLevel     = Prefix + "risk-level"
	KeyReviewDate    = Prefix + "fairness-review-date"
	KeyReviewer      = Prefix + "fairness-reviewer"
	KeyReviewOutcome = Prefix + "fairness-review-outcome"
)

// ReviewDateLayout is how a review's date is written: YYYY-MM-DD.
const ReviewDateLayout = "2006-01-02"

// The risk level and outcome the rules single out.
const (
	RiskHigh          = "high"
	OutcomeApproved   = "approved"
	OutcomeConditions = "approved-with-conditions"
	OutcomeRejected   = "rejected"
)

// Keys are every key a complete card carries, in the order a card reads.
var Keys = []string{KeyOwner, KeyIntendedUse, KeyOutOfScopeUse, KeyTrainingData, KeyEvaluation,
	KeyRiskLevel, KeyReviewDate, KeyReviewer, KeyReviewOutcome}

// RiskLevels and Outcomes are the values a card may hold.
var (
	RiskLevels = []string{"low", "medium", RiskHigh}
	Outcomes   = []string{OutcomeApproved, OutcomeConditions, OutcomeRejected}
)

// Card is a model card.
type Card struct {
	// Owner is who answers for the model: a team or a person, with a way to
	// reach them.
	Owner string
	// IntendedUse and OutOfScopeUse say what the model is for and what it
	// must not be used for.
	IntendedUse, OutOfScopeUse string
	// TrainingData references the data the model was trained on (a dataset
	// URI or a registry version), not the data itself.
	TrainingData string
	// Evaluation are the metrics the model was accepted on, with values.
	Evaluation []Metric
	// RiskLevel is low, medium or high.
	RiskLevel string
	// Review is the latest fairness review.
	Review Review
}

// Metric is one evaluation result.
type Metric struct {
	Name  string  `json:"metric"`
	Value float64 `json:"value"`
	// Dataset is what it was measured on, e.g. a hold-out set's version.
	Dataset string `json:"dataset,omitempty"`
}

// Review is a fairness review.
type Review struct {
	// Date is the day of the review, YYYY-MM-DD.
	Date     string
	Reviewer string
	// Outcome is approved, approved-with-conditions or rejected.
	Outcome string
}

// Annotations are the card as InferenceService annotations. Evaluation is
// one JSON array, in the card's order.
func (c Card) Annotations() map[string]string {
	eval, _ := json.Marshal(c.Evaluation) // plain structs: cannot fail
	return map[string]string{
		KeyOwner: c.Owner, KeyIntendedUse: c.IntendedUse, KeyOutOfScopeUse: c.OutOfScopeUse,
		KeyTrainingData: c.TrainingData, KeyEvaluation: string(eval), KeyRiskLevel: c.RiskLevel,
		KeyReviewDate: c.Review.Date, KeyReviewer: c.Review.Reviewer, KeyReviewOutcome: c.Review.Outcome,
	}
}

// FromAnnotations reads a card back. problems name each key that is
// missing, empty or not readable, with the rule it breaks.
func FromAnnotations(a map[string]string) (c Card, problems []string) {
	for _, k := range Keys {
		if strings.TrimSpace(a[k]) == "" {
			problems = append(problems, k+" is missing")
		}
	}
	c = Card{
		Owner: a[KeyOwner], IntendedUse: a[KeyIntendedUse], OutOfScopeUse: a[KeyOutOfScopeUse],
		TrainingData: a[KeyTrainingData], RiskLevel: a[KeyRiskLevel],
		Review: Review{Date: a[KeyReviewDate], Reviewer: a[KeyReviewer], Outcome: a[KeyReviewOutcome]},
	}
	if v := a[KeyEvaluation]; v != "" {
		if err := json.Unmarshal([]byte(v), &c.Evaluation); err != nil || len(c.Evaluation) == 0 {
			problems = append(problems, KeyEvaluation+" must be a JSON array of {metric, value, dataset} with at least one metric")
		}
	}
	if v := c.RiskLevel; v != "" && !slices.Contains(RiskLevels, v) {
		problems = append(problems, fmt.Sprintf("%s = %q must be one of %s", KeyRiskLevel, v, strings.Join(RiskLevels, ", ")))
	}
	if v := c.Review.Outcome; v != "" && !slices.Contains(Outcomes, v) {
		problems = append(problems, fmt.Sprintf("%s = %q must be one of %s", KeyReviewOutcome, v, strings.Join(Outcomes, ", ")))
	}
	return c, problems
}

// Markdown is the card as a section of a pull-request comment.
func (c Card) Markdown(model string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", model)
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	row := func(k, v string) { fmt.Fprintf(&b, "| %s | %s |\n", k, cell(v)) }
	row("Owner", c.Owner)
	row("Risk level", c.RiskLevel)
	row("Intended use", c.IntendedUse)
	row("Out of scope", c.OutOfScopeUse)
	row("Training data", c.TrainingData)
	row("Fairness review", fmt.Sprintf("%s on %s by %s", c.Review.Outcome, c.Review.Date, c.Review.Reviewer))
	if len(c.Evaluation) > 0 {
		fmt.Fprintf(&b, "\n| metric | value | dataset |\n|---|---|---|\n")
		for _, m := range c.Evaluation {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(m.Name), strconv.FormatFloat(m.Value, 'f', -1, 64), cell(m.Dataset))
		}
	}
	return b.String()
}

// cell keeps a value inside one Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}
