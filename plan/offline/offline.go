// Package offline builds the offline plan of a stack: it reads the stack's
// file, loads and validates its environment once, runs the program under
// the plan's engine (package plan), judges the recording with the policy
// rules and estimates its cost and deploy time. The result is the document
// `mlplat plan --format json` prints; cmd/mlplat keeps the flags and the
// printing.
package offline

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/stacks"
)

// Plan is the JSON document `mlplat plan --format json` prints.
type Plan struct {
	Stack       string           `json:"stack"`
	Environment string           `json:"environment"`
	Resources   []*plan.Resource `json:"resources"`
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

// Violation is one policy finding.
type Violation struct {
	Policy  string `json:"policy"`
	Level   string `json:"level"`
	URN     string `json:"urn"`
	Message string `json:"message"`
}

// Planned is a plan with what the text view and the tests need beside
// the document.
type Planned struct {
	Doc    Plan
	Cloud  string
	Region string
	Rec    *plan.Recorder
	// Unset are the services' config values the stack file lacks; the
	// plan ran with placeholders for them.
	Unset []string
	// Results are every policy finding, waived ones included.
	Results []rules.Result
	// Env is the stack's validated environment.
	Env *environments.Environment
}

// Stack plans a stack from its config: a committed stack's file, or a
// preview's config built by mlplat preview. envFile, when set, replaces the
// stack's environment file; refs answer StackReferences. An invalid
// environment returns the validator's error untouched, so the caller can
// tell it apart.
func Stack(root, stack, envFile string, cfg stackfile.Config, refs map[string]plan.StackOutputs, now time.Time) (*Planned, error) {
	if envFile != "" {
		abs, err := filepath.Abs(envFile)
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
		if !sec.AppliesTo(settings.Cloud) {
			continue
		}
		key := stacks.Project + ":" + sec.Key
		if _, ok := cfg.Values[key]; ok {
			continue
		}
		cfg.Values[key] = stackfile.Placeholder(key)
		if sec.Secret {
			cfg.SecretKeys = append(cfg.SecretKeys, key)
		}
		unset = append(unset, sec.Command(stack))
		placeholders = append(placeholders, key)
	}
	slices.Sort(placeholders)
	placeholders = slices.Compact(placeholders)
	rec, err := plan.Run(stacks.ProgramFor(env), plan.Options{
		Project: stacks.Project, Stack: stack, Config: cfg.Values, SecretKeys: cfg.SecretKeys,
		StackReferences: refs,
	})
	if err != nil {
		return nil, fmt.Errorf("stack %s: the program failed: %w", stack, err)
	}
	if len(rec.Resources()) == 0 {
		return nil, errors.New("stack " + stack + ": the program registered no resources")
	}
	p := &Planned{Cloud: settings.Cloud, Rec: rec, Unset: unset, Env: env, Doc: Plan{
		Stack: stack, Environment: env.Name, Violations: []Violation{}, Placeholders: placeholders,
	}}
	switch {
	case settings.Cloud == stacks.CloudAzure && env.Azure != nil:
		p.Region = env.Azure.Location
	case env.AWS != nil:
		p.Region = env.AWS.Region
	}
	pol, err := rules.SettingsFor(env, now)
	if err != nil {
		return nil, err
	}
	// A waiver for another stack of the environment is that stack's.
	pol.Stacks = append(CommittedStacks(root), stack)
	p.Results = rules.Evaluate(rules.FromPlan(rec, env.Name, rules.ContextFor(env, now)), rules.All(), pol)
	for _, v := range rules.Violations(p.Results) {
		p.Doc.Violations = append(p.Doc.Violations, Violation{Policy: v.Policy, Level: string(v.Level), URN: v.URN, Message: v.Message})
	}
	p.Doc.Resources = rec.Resources()
	// The catalogue the environment was validated against: the default
	// one with environments/catalog-overrides.yaml laid over it.
	cat := env.Catalog()
	cloud := catalog.AWS
	if settings.Cloud == stacks.CloudAzure {
		cloud = catalog.Azure
	}
	res := rec.Resources()
	p.Doc.Cost = estimate.EstimateCost(cloud, res, cat)
	if p.Doc.DeployTime, err = estimate.EstimateDeployTime(res, cat); err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	return p, nil
}

// ReadStack reads and checks a stack's file: the program's config rules
// (stacks.CheckConfig) over what the file holds.
func ReadStack(root, stack string) (stackfile.Config, error) {
	return stackfile.Read(root, stack, stacks.Project, stacks.CheckConfig)
}

// CommittedStacks returns the stacks committed under stacks/, without the
// previews a hand-run mlplat preview up leaves there.
func CommittedStacks(root string) []string {
	return slices.DeleteFunc(stackfile.List(root), stacks.IsPreviewStack)
}
