package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
)

func runModels(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("models", "models --stack <name> [--environment-file <path>]", stderr)
	var f planFlags
	f.register(fs, "stack whose models to print, e.g. aws-prod (required)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	if f.stack == "" {
		return flagExit(fs, fmt.Errorf("mlplat models: --stack is required"), stderr)
	}
	p, err := buildPlan(f, time.Now())
	if err != nil {
		return failed(stderr, err)
	}
	fmt.Fprint(stdout, modelCards(f.stack, p.Rec.ByType(tokens.K8sKServeInferenceService)))
	return exitOK
}

// modelCards prints the model cards the stack's InferenceServices carry, as
// Markdown for a pull-request comment: read back from the annotations the
// cluster will hold, so a card missing or incomplete there shows here.
func modelCards(stack string, services []*plan.Resource) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Model cards: stack %s\n\n", stack)
	if len(services) == 0 {
		b.WriteString("The stack serves no models.\n")
		return b.String()
	}
	sort.Slice(services, func(i, j int) bool {
		return services[i].InString("metadata.name") < services[j].InString("metadata.name")
	})
	for i, r := range services {
		if i > 0 {
			b.WriteString("\n")
		}
		name := r.InString("metadata.name")
		card, problems := modelcard.FromAnnotations(r.StringMap("metadata.annotations"))
		if len(problems) > 0 {
			fmt.Fprintf(&b, "### %s\n\n**No complete model card** (rule model-card): %s.\n", name, strings.Join(problems, "; "))
			continue
		}
		b.WriteString(card.Markdown(name))
	}
	return b.String()
}
