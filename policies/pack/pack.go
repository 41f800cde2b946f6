// Package pack serves the policy rules as a Pulumi policy pack, on the
// SDK's experimental policyx package (pinned with the SDK in go.mod).
//
// Each rule becomes two stack policies: "<id>" (mandatory) reports the
// findings that are mandatory in the stack's environment, "<id>-advisory"
// the rest, including values a preview cannot know yet. The environment is
// read from the resources' environment tag, and its levels and waivers from
// environments/<env>.yaml under the project root.
package pack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/props"
	"github.com/pangea-ai/mlplatform/policies/rules"
)

// Name and Version identify the pack.
const (
	Name    = "mlplatform"
	Version = "0.1.0"
)

// Options configure the pack.
type Options struct {
	// Root is the project root holding environments/ (default: the parent
	// of the pack directory, where pulumi runs it).
	Root string
	// Now is the evaluation time (default: time.Now).
	Now func() time.Time
	// Log receives notes (settings not found); nil discards them.
	Log func(string)
}

// New builds the policy pack.
func New(o Options) (policyx.PolicyPack, error) {
	if o.Root == "" {
		o.Root = ".."
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = func(string) {}
	}
	var policies []policyx.Policy
	for _, r := range rules.All() {
		for _, lvl := range []rules.Level{rules.Mandatory, rules.Advisory} {
			rule, lvl := r, lvl
			name, el := rule.ID, policyx.EnforcementLevelMandatory
			if lvl == rules.Advisory {
				name, el = rule.ID+"-advisory", policyx.EnforcementLevelAdvisory
			}
			policies = append(policies, policyx.NewStackValidationPolicy(name, policyx.StackValidationPolicyArgs{
				Description: rule.Description,
				// Set on every policy: the pack-level level is ignored.
				EnforcementLevel: el,
				ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
					st, settings := o.view(args.Resources)
					for _, res := range rules.Violations(rules.Evaluate(st, []rules.Rule{rule}, settings)) {
						if res.Level == lvl {
							args.Manager.ReportViolation(res.Message, res.URN)
						}
					}
					return nil
				},
			}))
		}
	}
	return policyx.NewPolicyPack(Name, semver.MustParse(Version), policyx.EnforcementLevelMandatory, policies)
}

// view turns the engine's resources into the rules' stack and reads the
// environment's settings.
func (o Options) view(in []policyx.AnalyzerResource) (*rules.Stack, rules.Settings) {
	now := o.Now()
	st := &rules.Stack{}
	for _, r := range in {
		deps := append([]string{}, r.Dependencies...)
		var inputDeps map[string][]string
		for _, k := range sortedKeys(r.PropertyDependencies) {
			deps = append(deps, r.PropertyDependencies[k]...)
			if inputDeps == nil {
				inputDeps = map[string][]string{}
			}
			inputDeps[k] = r.PropertyDependencies[k]
		}
		st.Resources = append(st.Resources, &rules.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Inputs: props.FromPropertyMap(r.Properties), Protect: r.Options.Protect,
			ProviderInputs: props.FromPropertyMap(r.Provider.Properties), DependsOn: deps, InputDeps: inputDeps,
		})
	}
	st.Environment = EnvironmentOf(st)
	settings := rules.Settings{Environment: st.Environment, Now: now}
	st.Context = rules.StackContext{Now: now}
	path := filepath.Join(o.Root, "environments", st.Environment+".yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		o.Log(fmt.Sprintf("mlplatform policies: %v; using the default levels of environment %s, no waivers", err, st.Environment))
		return st, settings
	}
	cat, err := catalog.LoadForEnvironments(filepath.Dir(path))
	if err != nil {
		o.Log(fmt.Sprintf("mlplatform policies: %v; using the default catalogue", err))
		cat = catalog.Default()
	}
	env, err := environments.Parse(path, data, environments.Options{Now: now, Catalog: cat})
	if err != nil {
		o.Log(fmt.Sprintf("mlplatform policies: %v; using the default levels of environment %s, no waivers", err, st.Environment))
		return st, settings
	}
	if s, err := rules.SettingsFor(env, now); err == nil {
		settings = s
	} else {
		o.Log(fmt.Sprintf("mlplatform policies: %v; using the default levels", err))
	}
	st.Context = rules.ContextFor(env, now)
	return st, settings
}

// EnvironmentOf reads the stack's environment from its resources'
// environment tag (resource tags or the AWS provider's default tags). A
// stack without one is judged as prod, the strictest.
func EnvironmentOf(st *rules.Stack) string {
	for _, r := range st.Resources {
		for _, src := range []interface{}{r.Inputs, r.ProviderInputs} {
			for _, path := range []string{"tags.environment", "defaultTags.tags.environment"} {
				if v, ok := props.Lookup(src, path); ok {
					if s, ok := props.Unwrap(v).(string); ok && s != "" {
						return s
					}
				}
			}
		}
	}
	return "prod"
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
