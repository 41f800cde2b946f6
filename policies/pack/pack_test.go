package pack

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/pangea-ai/mlplatform/plan/props"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/stacks"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

// manager collects what the policies report.
type manager struct{ got []string }

func (m *manager) ReportViolation(message, urn string) { m.got = append(m.got, urn+": "+message) }

var now = func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }

// run validates resources with every policy of a level.
func run(t *testing.T, p policyx.PolicyPack, level policyx.EnforcementLevel, resources []policyx.AnalyzerResource) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, pol := range p.Policies() {
		sp, ok := pol.(policyx.StackValidationPolicy)
		if !ok || pol.EnforcementLevel() != level {
			continue
		}
		m := &manager{}
		if err := sp.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: resources}); err != nil {
			t.Fatalf("%s: %v", pol.Name(), err)
		}
		if len(m.got) > 0 {
			out[pol.Name()] = m.got
		}
	}
	return out
}

func TestPackShape(t *testing.T) {
	p, err := New(Options{Root: "../..", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(p.Policies()), 2*len(rules.All()); got != want {
		t.Errorf("%d policies, want %d (a mandatory and an advisory one per rule)", got, want)
	}
	for i, pol := range p.Policies() {
		want := policyx.EnforcementLevelMandatory
		if i%2 == 1 {
			want = policyx.EnforcementLevelAdvisory
		}
		if pol.EnforcementLevel() != want {
			t.Errorf("%s: level %v, want %v", pol.Name(), pol.EnforcementLevel(), want)
		}
	}
}

// The committed aws-prod stack, as the engine sends it to a stack policy
// (each resource's full properties: inputs and outputs), passes every
// mandatory policy of the pack.
func TestCommittedStackPassesThePack(t *testing.T) {
	cfg, err := stackfile.Read("../..", "aws-prod", stacks.Project, stacks.CheckConfig)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"grafanaAdminPassword": "p", "githubAppId": "1", "githubAppInstallationId": "2", "githubAppPrivateKey": "k",
		"mlflowAdminPassword": "admin-password", "mlflowFlaskSecretKey": "flask", "jupyterhubClientSecret": "oauth"} {
		cfg.Values[stacks.Project+":"+k] = v
	}
	rec, err := recorder.Run(stacks.Program, recorder.Options{Project: stacks.Project, Stack: "aws-prod", Config: cfg.Values, SecretKeys: cfg.SecretKeys})
	if err != nil {
		t.Fatal(err)
	}
	var in []policyx.AnalyzerResource
	for _, r := range rec.Resources() {
		if !r.Custom {
			continue
		}
		ar := policyx.AnalyzerResource{Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Properties: props.ToPropertyMap(r.State), Options: pulumi.ResourceOptions{Protect: r.Protect},
			Dependencies: r.DependsOn}
		if p := rec.ByURN(r.Provider); p != nil {
			ar.Provider = policyx.AnalyzerProviderResource{Type: p.Type, Name: p.Name, URN: p.URN, Properties: props.ToPropertyMap(p.Inputs)}
		}
		in = append(in, ar)
	}
	p, err := New(Options{Root: "../..", Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if got := run(t, p, policyx.EnforcementLevelMandatory, in); len(got) != 0 {
		t.Errorf("mandatory violations in aws-prod: %v", got)
	}
	if env := EnvironmentOf(viewOf(in)); env != "prod" {
		t.Errorf("environment read from tags = %q", env)
	}
}

func viewOf(in []policyx.AnalyzerResource) *rules.Stack {
	st, _ := Options{Root: "../..", Now: now}.view(in)
	return st
}

// A non-compliant resource fails its mandatory policy; a computed value is
// reported by the advisory one, never a crash and never a pass.
func TestFindingsAndComputedValues(t *testing.T) {
	tags := property.NewMap(map[string]property.Value{
		"environment": property.New("dev"), "owner": property.New("ml-platform@pangea.ai"), "cost-center": property.New("cc-4821"),
		"project": property.New("mlplatform"), "data-classification": property.New("internal"), "managed-by": property.New("pulumi"),
	})
	key := policyx.AnalyzerResource{Type: "aws:kms/key:Key", Name: "k", URN: "urn:pulumi:dev::mlplatform::aws:kms/key:Key::k",
		Properties: property.NewMap(map[string]property.Value{
			"enableKeyRotation": property.New(false), "deletionWindowInDays": property.New(30.0), "tags": property.New(tags),
		})}
	lt := policyx.AnalyzerResource{Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "lt", URN: "urn:pulumi:dev::mlplatform::aws:ec2/launchTemplate:LaunchTemplate::lt",
		Properties: property.NewMap(map[string]property.Value{
			"blockDeviceMappings": property.New(property.Computed), "tagSpecifications": property.New(property.Computed), "tags": property.New(tags),
		})}
	p, err := New(Options{Root: "../..", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	in := []policyx.AnalyzerResource{key, lt}
	mandatory := run(t, p, policyx.EnforcementLevelMandatory, in)
	if got := fmt.Sprint(mandatory); got != `map[kms-key-hygiene:[urn:pulumi:dev::mlplatform::aws:kms/key:Key::k: Key "k" must enable key rotation (enableKeyRotation)]]` {
		t.Errorf("mandatory = %s", got)
	}
	advisory := run(t, p, policyx.EnforcementLevelAdvisory, in)
	want := `urn:pulumi:dev::mlplatform::aws:ec2/launchTemplate:LaunchTemplate::lt: LaunchTemplate "lt": cannot verify during preview: blockDeviceMappings is not known until the resource is created`
	if got := advisory["aws-node-volumes-encrypted-advisory"]; len(got) != 1 || got[0] != want {
		t.Errorf("advisory aws-node-volumes-encrypted = %v, want [%s]", got, want)
	}
}
