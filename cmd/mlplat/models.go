package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/modelcard"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/policies/rules"
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
	fmt.Fprint(stdout, modelCards(f.stack, p.Rec.ByType(tokens.K8sKServeInferenceService), payloadPlan(p.Rec.Resources())))
	return exitOK
}

// modelCards prints the model cards the stack's InferenceServices carry, as
// Markdown for a pull-request comment: read back from the annotations the
// cluster will hold, so a card missing or incomplete there shows here.
func modelCards(stack string, services []*plan.Resource, payloads payloadFacts) string {
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
		b.WriteString(payloads.section(r))
	}
	return b.String()
}

// payloadFacts are what the plan says about payload logging: each model's
// declared features (the payload filter's ConfigMap) and each folder's
// retention (the lifecycle rules), keyed by "<namespace>/<model>" and by
// folder.
type payloadFacts struct {
	fields    map[string]serving.PayloadFilterModel
	retention map[string]int
	// quality are the registrar's entries and limits are the recorded
	// model-quality limits, by "<namespace>/<model>" (and record name).
	quality map[string]serving.RegistrarModel
	limits  map[string]map[string]string
}

// payloadPlan reads payloadFacts from a plan's resources.
func payloadPlan(all []*plan.Resource) payloadFacts {
	pf := payloadFacts{fields: map[string]serving.PayloadFilterModel{}, retention: map[string]int{},
		quality: map[string]serving.RegistrarModel{}, limits: map[string]map[string]string{}}
	for _, r := range all {
		switch r.Type {
		case tokens.K8sPrometheusRule:
			for _, g := range list(r.In("spec.groups")) {
				for _, rule := range list(mapOf(g)["rules"]) {
					rm := mapOf(rule)
					rec, expr := str(rm["record"]), str(rm["expr"])
					l := mapOf(rm["labels"])
					if !strings.HasPrefix(expr, "vector(") || l["model"] == nil {
						continue
					}
					key := fmt.Sprint(l["namespace"]) + "/" + fmt.Sprint(l["model"])
					if pf.limits[key] == nil {
						pf.limits[key] = map[string]string{}
					}
					pf.limits[key][rec] = strings.TrimSuffix(strings.TrimPrefix(expr, "vector("), ")")
				}
			}
		case tokens.K8sConfigMap:
			if r.InString("metadata.name") == serving.QualityRegistrarName {
				var cfg struct {
					Models []serving.RegistrarModel `json:"models"`
				}
				if json.Unmarshal([]byte(r.StringMap("data")["config.json"]), &cfg) == nil {
					for _, m := range cfg.Models {
						pf.quality[r.InString("metadata.namespace")+"/"+m.Model] = m
					}
				}
				continue
			}
			if r.InString("metadata.name") != serving.PayloadFilterName {
				continue
			}
			data := r.StringMap("data")
			var cfg struct {
				Models map[string]serving.PayloadFilterModel `json:"models"`
			}
			if json.Unmarshal([]byte(data["config.json"]), &cfg) == nil {
				for k, v := range cfg.Models {
					pf.fields[k] = v
				}
			}
		case tokens.AWSS3BucketLifecycleConfigurationV2, tokens.AzureStorageManagementPolicy:
			for prefix, days := range rules.LifecycleExpiry(r.Type, r.Inputs) {
				if r.Type == tokens.AzureStorageManagementPolicy {
					// <container>/<folder>: the folder is what the logger's
					// url and the model name give.
					_, prefix, _ = strings.Cut(prefix, "/")
				}
				pf.retention[prefix] = days
			}
		}
	}
	return pf
}

// section is a model's payload logging as a reviewer needs it: what is
// kept, what never is, where, and for how long.
func (pf payloadFacts) section(isvc *plan.Resource) string {
	name, ns := isvc.InString("metadata.name"), isvc.InString("metadata.namespace")
	var b strings.Builder
	b.WriteString("\n**Payload logging**")
	if isvc.In("spec.predictor.logger") == nil {
		b.WriteString(": off; its requests and responses are not kept.\n")
		return b.String()
	}
	folder := serving.PayloadPrefix(ns, name)
	fields, declared := pf.fields[ns+"/"+name]
	kept, never := "none (predictions only)", "none"
	if declared {
		if len(fields.Loggable) > 0 {
			kept = strings.Join(fields.Loggable, ", ")
		}
		var rest []string
		for _, f := range fields.Features {
			if !slices.Contains(fields.Loggable, f) {
				rest = append(rest, f)
			}
		}
		if len(rest) > 0 {
			never = strings.Join(rest, ", ")
		}
	} else {
		kept, never = "not declared to the payload filter: nothing is kept", "every field"
	}
	retention := "none: kept forever (rule payload-retention)"
	if d, ok := pf.retention[folder]; ok {
		retention = fmt.Sprintf("%d days", d)
	}
	b.WriteString("\n\n| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Kept | %s |\n| Never kept | %s |\n| Folder | `%s` in the artifact store |\n| Retention | %s |\n", kept, never, folder, retention)
	b.WriteString(pf.qualitySection(ns, name))
	return b.String()
}

// qualitySection is a model's drift and fairness metrics as a reviewer
// needs them: what is compared, and where the alerts fire, read back from
// the registrar's configuration and the recorded limits.
func (pf payloadFacts) qualitySection(ns, name string) string {
	q, ok := pf.quality[ns+"/"+name]
	if !ok {
		return "\n**Drift and fairness**: not measured.\n"
	}
	limits := pf.limits[ns+"/"+name]
	limit := func(record string) string {
		if v, ok := limits[record]; ok {
			return v
		}
		return "no limit recorded (no alert)"
	}
	var b strings.Builder
	b.WriteString("\n**Drift and fairness** (TrustyAI, dashboard mlplatform / Model quality)\n\n| | |\n|---|---|\n")
	if q.Drift != nil {
		fmt.Fprintf(&b, "| Drift | %s against the reference dataset; alert when a p-value stays under %s for an hour |\n",
			strings.Join(q.Loggable, ", "), limit(monitoring.DriftThresholdRecord))
	} else {
		b.WriteString("| Drift | not measured (no reference) |\n")
	}
	if f := q.Fairness; f != nil {
		outcome := "prediction"
		if fq := pf.fields[ns+"/"+name].Quality; fq != nil && fq.DecisionThreshold != nil {
			outcome = fmt.Sprintf("decision (1 when the score is at least %g, else 0)", *fq.DecisionThreshold)
		}
		fmt.Fprintf(&b, "| Fairness | %s: privileged %g, unprivileged %g; favourable %s %g; alert when \\|SPD\\| > %s or DIR outside [%s, %s] for 30 minutes |\n",
			f.ProtectedAttribute, f.Privileged, f.Unprivileged, outcome, f.Favorable, limit(monitoring.SPDLimitRecord), limit(monitoring.DIRLowRecord), limit(monitoring.DIRHighRecord))
	} else {
		b.WriteString("| Fairness | not measured |\n")
	}
	return b.String()
}
