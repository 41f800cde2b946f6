package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	for i, name := range []string{"defect-detector", "fraud-xgb"} {
		if i > 0 {
			want += "\n"
		}
		for _, m := range env.Models {
			if m.Name == name {
				want += stacks.ServingModel(m).Card.Markdown(name)
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
	got := modelCards("aws-dev", []*plan.Resource{isvc})
	want := "## Model cards: stack aws-dev\n\n### bare\n\n**No complete model card** (rule model-card): " +
		"model-card.mlplatform.pangea.ai/intended-use is missing; model-card.mlplatform.pangea.ai/out-of-scope-use is missing; " +
		"model-card.mlplatform.pangea.ai/training-data is missing; model-card.mlplatform.pangea.ai/evaluation is missing; " +
		"model-card.mlplatform.pangea.ai/risk-level is missing; model-card.mlplatform.pangea.ai/fairness-review-date is missing; " +
		"model-card.mlplatform.pangea.ai/fairness-reviewer is missing; model-card.mlplatform.pangea.ai/fairness-review-outcome is missing.\n"
	if got != want {
		t.Errorf("modelCards =\n%s\nwant\n%s", got, want)
	}
	if got := modelCards("aws-dev", nil); got != "## Model cards: stack aws-dev\n\nThe stack serves no models.\n" {
		t.Errorf("no models: %q", got)
	}
	if code, _, stderr := mlplat(t, "models", "--root", "../.."); code != exitUsage || !strings.Contains(stderr, "--stack is required") {
		t.Errorf("no --stack: exit %d, %s", code, stderr)
	}
}
