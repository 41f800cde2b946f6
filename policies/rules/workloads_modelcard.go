package rules

import (
	"math"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// model-card

func wlCheckModelCards(s *Stack) []Finding {
	maxAge := s.Context.FairnessReviewMaxAge
	if maxAge == 0 {
		maxAge = environments.DefaultFairnessReviewMaxAgeDays * 24 * time.Hour
	}
	var out []Finding
	for _, r := range s.ByType(wlInferenceService) {
		v, _ := r.Get("metadata.annotations")
		annotations, unknown := props.StringMap(v)
		if unknown {
			out = append(out, CannotVerify(r, "metadata.annotations"))
			continue
		}
		card, problems := modelcard.FromAnnotations(annotations)
		if len(problems) > 0 {
			out = append(out, Violation(r, "%s must carry a complete model card: %s; fix: set models[].card in the environment file (docs/workflows/add-a-model.md)",
				Subject(r), strings.Join(problems, "; ")))
			continue
		}
		if card.Review.Outcome == modelcard.OutcomeRejected {
			out = append(out, Violation(r, "%s: the fairness review of %s by %s rejected the model: it must not serve; fix: address the review's findings and record a new review",
				Subject(r), card.Review.Date, card.Review.Reviewer))
		}
		if card.RiskLevel != modelcard.RiskHigh {
			continue
		}
		day, err := time.Parse(modelcard.ReviewDateLayout, card.Review.Date)
		if err != nil {
			out = append(out, Violation(r, "%s: %s = %q is not a date YYYY-MM-DD; fix: record the review's day", Subject(r), modelcard.KeyReviewDate, card.Review.Date))
			continue
		}
		if age := s.Context.Now.Sub(day); age > maxAge {
			out = append(out, Violation(r, "%s is high-risk and its fairness review of %s is %d days old; high-risk models need one at most %d days old; fix: review the model again and update models[].card.fairnessReview",
				Subject(r), card.Review.Date, int(math.Floor(age.Hours()/24)), int(maxAge.Hours()/24)))
		}
	}
	return out
}
