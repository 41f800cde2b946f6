package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/stacks"
)

// The cards mlplat models prints are the environment's, read back from the
// InferenceServices' annotations: every model of the stack, in name order.
func TestModelsPrintsTheEnvironmentsCards(t *testing.T) {
	env, err := environments.LoadFile(filepath.Join("../../environments", "prod.yaml"), environments.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	want := "## Model cards: stack aws-prod\n\n"
	payloads := map[string]string{
		"defect-detector": "\n**Payload logging**\n\n| | |\n|---|---|\n| Kept | none (predictions only) |\n| Never kept | data |\n" +
			"| Folder | `payloads/serving/defect-detector/` in the artifact store |\n| Retention | 90 days |\n" +
			"\n**Drift and fairness**: not measured.\n",
		"fraud-xgb": "\n**Payload logging**\n\n| | |\n|---|---|\n| Kept | amount, merchant_category, hour_of_day, card_present, customer_age_band |\n" +
			"| Never kept | customer_postcode |\n| Folder | `payloads/serving/fraud-xgb/` in the artifact store |\n| Retention | 90 days |\n" +
			"\n**Drift and fairness** (TrustyAI, dashboard mlplatform / Model quality)\n\n| | |\n|---|---|\n" +
			"| Drift | amount, merchant_category, hour_of_day, card_present, customer_age_band against the reference dataset; alert when a p-value stays under 0.01 for an hour |\n" +
			"| Fairness | customer_age_band: privileged 2, unprivileged 4; favourable decision (1 when the score is at least 0.5, else 0) 0; alert when \\|SPD\\| > 0.1 or DIR outside [0.8, 1.25] for 30 minutes |\n",
	}
	for i, name := range []string{"defect-detector", "fraud-xgb"} {
		if i > 0 {
			want += "\n"
		}
		for _, m := range env.Models {
			if m.Name == name {
				want += stacks.ServingModel(m).Card.Markdown(name) + payloads[name]
			}
		}
	}
	code, out, stderr := mlplat(t, "models", "--stack", "aws-prod", "--root", "../..")
	if code != exitOK || out != want {
		t.Errorf("exit %d, stderr %q, output:\n%s\nwant:\n%s", code, stderr, out, want)
	}
	if !strings.Contains(want, "| Risk level | high |") {
		t.Errorf("the expected cards lack fraud-xgb's risk level: %s", want)
	}
}

func TestModelsFlagsACardMissingFromTheCluster(t *testing.T) {
	isvc := &plan.Resource{Inputs: map[string]any{"metadata": map[string]any{"name": "bare", "annotations": map[string]any{
		"model-card.mlplatform.pangea.ai/owner": "ml-team",
	}}}}
	got := modelCards("aws-dev", []*plan.Resource{isvc}, payloadFacts{})
	want := "## Model cards: stack aws-dev\n\n### bare\n\n**No complete model card** (rule model-card): " +
		"model-card.mlplatform.pangea.ai/intended-use is missing; model-card.mlplatform.pangea.ai/out-of-scope-use is missing; " +
		"model-card.mlplatform.pangea.ai/training-data is missing; model-card.mlplatform.pangea.ai/evaluation is missing; " +
		"model-card.mlplatform.pangea.ai/risk-level is missing; model-card.mlplatform.pangea.ai/fairness-review-date is missing; " +
		"model-card.mlplatform.pangea.ai/fairness-reviewer is missing; model-card.mlplatform.pangea.ai/fairness-review-outcome is missing.\n"
	if got != want {
		t.Errorf("modelCards =\n%s\nwant\n%s", got, want)
	}
	if got := modelCards("aws-dev", nil, payloadFacts{}); got != "## Model cards: stack aws-dev\n\nThe stack serves no models.\n" {
		t.Errorf("no models: %q", got)
	}
	if code, _, stderr := mlplat(t, "models", "--root", "../.."); code != exitUsage || !strings.Contains(stderr, "--stack is required") {
		t.Errorf("no --stack: exit %d, %s", code, stderr)
	}
}

// A logging model whose folder has no lifecycle rule, or that the filter
// does not know, says so: what a privacy reviewer must not miss.
func TestModelsShowsWhatIsKeptAndForHowLong(t *testing.T) {
	isvc := func(logger any) *plan.Resource {
		predictor := map[string]any{}
		if logger != nil {
			predictor["logger"] = logger
		}
		return &plan.Resource{Inputs: map[string]any{"metadata": map[string]any{"name": "churn", "namespace": "serving"}, "spec": map[string]any{"predictor": predictor}}}
	}
	known := payloadFacts{fields: map[string]serving.PayloadFilterModel{"serving/churn": {Features: []string{"plan", "postcode"}, Loggable: []string{"plan"}}}, retention: map[string]int{}}
	for _, tc := range []struct {
		name string
		r    *plan.Resource
		pf   payloadFacts
		want string
	}{
		{"not logged", isvc(nil), known, "\n**Payload logging**: off; its requests and responses are not kept.\n"},
		{"no retention", isvc(map[string]any{"mode": "all"}), known, "\n**Payload logging**\n\n| | |\n|---|---|\n| Kept | plan |\n| Never kept | postcode |\n" +
			"| Folder | `payloads/serving/churn/` in the artifact store |\n| Retention | none: kept forever (rule payload-retention) |\n" +
			"\n**Drift and fairness**: not measured.\n"},
		{"unknown to the filter", isvc(map[string]any{"mode": "all"}), payloadFacts{retention: map[string]int{"payloads/serving/churn/": 30}},
			"\n**Payload logging**\n\n| | |\n|---|---|\n| Kept | not declared to the payload filter: nothing is kept |\n| Never kept | every field |\n" +
				"| Folder | `payloads/serving/churn/` in the artifact store |\n| Retention | 30 days |\n" +
				"\n**Drift and fairness**: not measured.\n"},
		{"measured, its limits not recorded", isvc(map[string]any{"mode": "all"}), payloadFacts{
			fields:    known.fields,
			retention: map[string]int{"payloads/serving/churn/": 30},
			quality: map[string]serving.RegistrarModel{"serving/churn": {Model: "churn", Loggable: []string{"plan"},
				Fairness: &serving.RegistrarFairness{ProtectedAttribute: "plan", Privileged: 1, Unprivileged: 2, Favorable: 1}}},
			limits: map[string]map[string]string{"serving/churn": {monitoring.SPDLimitRecord: "0.05"}},
		}, "\n**Payload logging**\n\n| | |\n|---|---|\n| Kept | plan |\n| Never kept | postcode |\n" +
			"| Folder | `payloads/serving/churn/` in the artifact store |\n| Retention | 30 days |\n" +
			"\n**Drift and fairness** (TrustyAI, dashboard mlplatform / Model quality)\n\n| | |\n|---|---|\n| Drift | not measured (no reference) |\n" +
			"| Fairness | plan: privileged 1, unprivileged 2; favourable prediction 1; alert when \\|SPD\\| > 0.05 or DIR outside [no limit recorded (no alert), no limit recorded (no alert)] for 30 minutes |\n"},
	} {
		if got := tc.pf.section(tc.r); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}
