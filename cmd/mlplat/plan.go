package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/stacks"
)

// Plan is the JSON document `mlplat plan --format json` prints.
type Plan struct {
	Stack       string        `json:"stack"`
	Environment string        `json:"environment"`
	Resources   []PlannedItem `json:"resources"`
	// Violations are policy findings: {"policy", "level", "urn", "message"}.
	Violations []Violation `json:"violations"`
	// Cost is the running-cost estimate by component.
	Cost estimate.Cost `json:"cost"`
	// DeployTime is the deploy-time model: the critical path of a first
	// pulumi up and its length.
	DeployTime estimate.DeployTime `json:"deployTime"`
	// Placeholders are the config keys the plan ran with a stand-in for:
	// values only the operator holds, which the stack does not set yet, and
	// secure values only the pulumi CLI can decrypt. Empty when none.
	Placeholders []string `json:"placeholders"`
}

// PlannedItem is one resource of a plan.
type PlannedItem struct {
	URN       string                 `json:"urn"`
	Type      string                 `json:"type"`
	Name      string                 `json:"name"`
	Parent    string                 `json:"parent"`
	Inputs    map[string]interface{} `json:"inputs"`
	Protect   bool                   `json:"protect"`
	DependsOn []string               `json:"dependsOn"`
	Provider  string                 `json:"provider"`
}

// Violation is one policy finding.
type Violation struct {
	Policy  string `json:"policy"`
	Level   string `json:"level"`
	URN     string `json:"urn"`
	Message string `json:"message"`
}

type planFlags struct {
	stack, format, envFile, root string
	// diffAgainst is an earlier JSON plan to print the Markdown delta against.
	diffAgainst string
}

func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan", "plan --stack <name> [--format text|json] [--environment-file <path>] [--diff-against <old.json> [--diff-other-stack]]", stderr)
	var f planFlags
	fs.StringVar(&f.stack, "stack", "", "stack to plan, e.g. aws-dev (required)")
	fs.StringVar(&f.format, "format", "text", "output format: text or json")
	fs.StringVar(&f.envFile, "environment-file", "", "use this environment file instead of the stack's")
	fs.StringVar(&f.root, "root", "", "project root (default: the checkout around the current directory)")
	fs.StringVar(&f.diffAgainst, "diff-against", "", "print a Markdown delta (resources, cost, policies) against this earlier `plan.json` instead of the text plan")
	otherStack := fs.Bool("diff-other-stack", false, "with --diff-against: allow the earlier plan to be of another stack")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	if f.stack == "" || (f.format != "text" && f.format != "json") {
		return flagExit(fs, fmt.Errorf("mlplat plan: --stack is required and --format is text or json"), stderr)
	}
	if f.diffAgainst != "" && f.format == "json" {
		fmt.Fprintln(stderr, "mlplat plan: --diff-against prints Markdown; drop --format json")
		return exitUsage
	}
	var old Plan
	if f.diffAgainst != "" {
		var err error
		if old, err = readPlanFile(f.diffAgainst); err != nil {
			return failed(stderr, err)
		}
		if old.Stack != f.stack && !*otherStack {
			fmt.Fprintf(stderr, "mlplat plan: --diff-against %s is a plan of stack %q, not %q: the delta would compare two stacks; plan the same stack, or add --diff-other-stack to compare them on purpose\n", f.diffAgainst, old.Stack, f.stack)
			return exitUsage
		}
	}
	pl, err := buildPlan(f, time.Now())
	if err != nil {
		return failed(stderr, err)
	}
	// A mandatory policy violation fails the plan, as it fails pulumi
	// preview with the policy pack.
	code := exitOK
	if rules.HasMandatory(pl.results) {
		code = exitFailed
	}
	if f.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(pl.doc); err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		return code
	}
	if f.diffAgainst != "" {
		fmt.Fprint(stdout, diffMarkdown(old, pl.doc))
		return code
	}
	writeText(stdout, pl)
	writeCostTable(stdout, pl.doc.Cost)
	writeDeployTime(stdout, pl.doc.DeployTime)
	writePolicyReport(stdout, pl.results)
	if len(pl.unset) > 0 {
		fmt.Fprintf(stderr, "note: the plan used placeholders for config this stack does not set yet; before pulumi up, run:\n")
		for _, c := range pl.unset {
			fmt.Fprintf(stderr, "  %s\n", c)
		}
	}
	return code
}

// planned is a plan with what the text view needs beside the document.
type planned struct {
	doc    Plan
	cloud  string
	region string
	rec    *plan.Recorder
	// unset are the services' config values the stack file lacks; the
	// plan ran with placeholders for them.
	unset []string
	// results are every policy finding, waived ones included.
	results []rules.Result
	// env is the stack's validated environment.
	env *environments.Environment
}

// buildPlan validates the stack's environment, then runs the program under
// the plan. An invalid environment returns the validator's error
// untouched, so the caller can tell it apart.
func buildPlan(f planFlags, now time.Time) (*planned, error) {
	root, err := projectRoot(f.root)
	if err != nil {
		return nil, err
	}
	cfg, err := stacks.ReadStackConfig(root, f.stack)
	if err != nil {
		return nil, err
	}
	return planConfig(root, f.stack, f.envFile, cfg, nil, now)
}

// planConfig plans a stack from its config: a committed stack's file, or a
// preview's config built by mlplat preview. refs answer StackReferences.
func planConfig(root, stack, envFile string, cfg stacks.StackConfig, refs map[string]plan.StackOutputs, now time.Time) (*planned, error) {
	f := planFlags{stack: stack, envFile: envFile, root: root}
	if f.envFile != "" {
		abs, err := filepath.Abs(f.envFile)
		if err != nil {
			return nil, err
		}
		cfg.Values[stacks.Project+":environmentFile"] = abs
	} else if p := cfg.Values[stacks.Project+":environmentFile"]; p != "" && !filepath.IsAbs(p) {
		cfg.Values[stacks.Project+":environmentFile"] = filepath.Join(root, p)
	}
	settings, err := stacks.SettingsFrom(cfg.Values)
	if err != nil {
		return nil, err
	}
	if settings.EnvironmentFile == "" {
		// The program runs with the checkout as its root wherever mlplat runs.
		settings.EnvironmentFile = filepath.Join(root, "environments", settings.Environment+".yaml")
		cfg.Values[stacks.Project+":environmentFile"] = settings.EnvironmentFile
	}
	env, err := stacks.LoadEnvironment(root, settings, now)
	if err != nil {
		return nil, err
	}
	// Values only the operator holds (passwords, the GitHub App) are set
	// with the pulumi CLI, not committed: plan runs with placeholders.
	var unset []string
	placeholders := append([]string{}, cfg.SecretKeys...)
	for _, sec := range stacks.ServiceSecrets(env) {
		key := stacks.Project + ":" + sec.Key
		if _, ok := cfg.Values[key]; ok {
			continue
		}
		cfg.Values[key] = stacks.Placeholder(key)
		if sec.Secret {
			cfg.SecretKeys = append(cfg.SecretKeys, key)
		}
		unset = append(unset, sec.Command(f.stack))
		placeholders = append(placeholders, key)
	}
	slices.Sort(placeholders)
	placeholders = slices.Compact(placeholders)
	rec, err := plan.Run(stacks.ProgramFor(env), plan.Options{
		Project: stacks.Project, Stack: f.stack, Config: cfg.Values, SecretKeys: cfg.SecretKeys,
		StackReferences: refs,
	})
	if err != nil {
		return nil, fmt.Errorf("stack %s: the program failed: %w", f.stack, err)
	}
	if len(rec.Resources()) == 0 {
		return nil, errors.New("stack " + f.stack + ": the program registered no resources")
	}
	p := &planned{cloud: settings.Cloud, rec: rec, unset: unset, env: env, doc: Plan{
		Stack: f.stack, Environment: env.Name, Violations: []Violation{}, Placeholders: placeholders,
	}}
	switch {
	case settings.Cloud == stacks.CloudAzure && env.Azure != nil:
		p.region = env.Azure.Location
	case env.AWS != nil:
		p.region = env.AWS.Region
	}
	pol, err := rules.SettingsFor(env, now)
	if err != nil {
		return nil, err
	}
	// A waiver for another stack of the environment is that stack's.
	pol.Stacks = append(stacks.ListStacks(root), f.stack)
	p.results = rules.Evaluate(rec.PolicyStack(env.Name, rules.ContextFor(env, now)), rules.All(), pol)
	for _, v := range rules.Violations(p.results) {
		p.doc.Violations = append(p.doc.Violations, Violation{Policy: v.Policy, Level: string(v.Level), URN: v.URN, Message: v.Message})
	}
	for _, r := range rec.Resources() {
		deps := r.DependsOn
		if deps == nil {
			deps = []string{}
		}
		p.doc.Resources = append(p.doc.Resources, PlannedItem{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Inputs: plan.Plain(r.Inputs),
			Protect: r.Protect, DependsOn: deps, Provider: r.Provider,
		})
	}
	// The catalogue the environment was validated against: the default
	// one with environments/catalog-overrides.yaml laid over it.
	cat := env.Catalog()
	cloud := catalog.AWS
	if settings.Cloud == stacks.CloudAzure {
		cloud = catalog.Azure
	}
	res := estimateResources(rec)
	p.doc.Cost = estimate.EstimateCost(cloud, res, cat)
	if p.doc.DeployTime, err = estimate.EstimateDeployTime(res, cat); err != nil {
		return nil, fmt.Errorf("stack %s: %w", f.stack, err)
	}
	return p, nil
}

// failed prints err and returns the exit code: 2 for an invalid environment
// file, 1 for anything else.
func failed(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, err)
	if environments.IsValidationError(err) || stacks.IsConfigError(err) {
		return exitInvalid
	}
	return exitFailed
}
