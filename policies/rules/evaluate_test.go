package rules

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/plan/props"
)

var evalNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// A prod stack whose KMS key skips rotation and whose launch template's
// tags are unknown (a preview): one mandatory and one unverifiable finding.
func evalStack() *Stack {
	key := res("aws:kms/key:Key", "aws-prod-data", map[string]interface{}{"enableKeyRotation": false, "deletionWindowInDays": 30.0})
	lt := res(encLaunchTemplate, "aws-prod-gpu", map[string]interface{}{"tagSpecifications": props.Unknown{}})
	return stackOf("prod", key, lt)
}

func evalRules(t *testing.T) []Rule {
	var out []Rule
	for _, id := range []string{"kms-key-hygiene", "node-tag-propagation"} {
		r, err := ByID(id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestEvaluateLevelsAndUnknowns(t *testing.T) {
	got := Evaluate(evalStack(), evalRules(t), Settings{Environment: "prod", Now: evalNow})
	want := []Result{
		{Policy: "kms-key-hygiene", Level: Mandatory, URN: "urn:pulumi:test::mlplatform::aws:kms/key:Key::aws-prod-data",
			Message: `Key "aws-prod-data" must enable key rotation (enableKeyRotation)`},
		// A value unknown during preview is advisory, never a pass.
		{Policy: "node-tag-propagation", Level: Advisory, URN: "urn:pulumi:test::mlplatform::aws:ec2/launchTemplate:LaunchTemplate::aws-prod-gpu",
			Message: `LaunchTemplate "aws-prod-gpu": cannot verify during preview: tagSpecifications is not known until the resource is created`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results = %+v\nwant %+v", got, want)
	}
	if !HasMandatory(got) {
		t.Error("a mandatory violation must fail")
	}
}

func TestWaivers(t *testing.T) {
	waiver := Waiver{Rule: "kms-key-hygiene", Resource: "aws-prod-data", Reason: "key imported from the old account, rotated by hand", Expires: evalNow.AddDate(0, 0, 30)}
	got := Evaluate(evalStack(), evalRules(t), Settings{Environment: "prod", Now: evalNow, Waivers: []Waiver{waiver}})
	if got[0].Waived != waiver.Reason || HasMandatory(got) {
		t.Errorf("a live waiver must cover the finding: %+v", got)
	}
	if n := len(Violations(got)); n != 1 {
		t.Errorf("%d violations after the waiver, want the advisory one", n)
	}
	// The waiver holds through its last day; then it is itself a violation,
	// beside the finding it no longer covers.
	waiver.Expires = evalNow.AddDate(0, 0, -2)
	got = Evaluate(evalStack(), evalRules(t), Settings{Environment: "prod", Now: evalNow, Waivers: []Waiver{waiver}})
	v := Violations(got)
	expired := `the waiver of kms-key-hygiene for "aws-prod-data" expired on 2026-11-22 (reason was: key imported from the old account, rotated by hand); fix: remove the waiver if the resource now complies, correct the resource, or renew the waiver with a new expiry date after review`
	if len(v) != 3 || v[1].Level != Mandatory || v[0].Message != `Key "aws-prod-data" must enable key rotation (enableKeyRotation)` || v[1].Message != expired {
		t.Errorf("expired waiver: %+v", v)
	}
	// Expired is expired even when the resource has since been fixed.
	fixed := evalStack()
	for _, r := range fixed.Resources {
		if r.Name == "aws-prod-data" {
			r.Inputs["enableKeyRotation"] = true
		}
	}
	got = Evaluate(fixed, evalRules(t), Settings{Environment: "prod", Now: evalNow, Waivers: []Waiver{waiver}})
	if v := Violations(got); len(v) != 2 || v[0].Level != Mandatory || v[0].Message != expired {
		t.Errorf("an expired waiver on a compliant resource: %+v", v)
	}
}

func TestWaiversNamingNothing(t *testing.T) {
	live := evalNow.AddDate(0, 0, 30)
	cases := map[string]struct {
		resource string
		want     string
	}{
		"a misspelt resource of this stack": {"aws-prod-dta",
			`policies.waivers[0] names "aws-prod-dta", which stack aws-prod does not create: it waives nothing; fix: give the resource's name as the plan lists it, or remove the waiver`},
		"a name that is no stack's": {"aws-prd-data",
			`policies.waivers[0] names "aws-prd-data", which stack aws-prod does not create: it waives nothing; fix: give the resource's name as the plan lists it, or remove the waiver`},
		"a resource of the environment's other stack": {"azure-prod-data", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := Waiver{Rule: "kms-key-hygiene", Resource: tc.resource, Reason: "r", Expires: live}
			got := Evaluate(evalStack(), evalRules(t), Settings{Environment: "prod", Now: evalNow, Waivers: []Waiver{w}, Stacks: []string{"aws-prod", "azure-prod"}})
			var msgs []string
			for _, r := range Violations(got) {
				if strings.HasPrefix(r.Message, "policies.waivers") {
					msgs = append(msgs, r.Message)
				}
			}
			if strings.Join(msgs, "\n") != tc.want {
				t.Errorf("waiver findings = %q, want %q", msgs, tc.want)
			}
		})
	}
}

func TestSettingsCheck(t *testing.T) {
	rules := All()
	ok := Settings{Environment: "dev", Levels: map[string]Level{"storage-cmk": Advisory, "k8s-labels": Mandatory}}
	if err := ok.Check(rules); err != nil {
		t.Errorf("dev may lower a ◐ rule and raise an advisory one: %v", err)
	}
	bad := Settings{Environment: "prod",
		Levels:  map[string]Level{"storage-cmk": Disabled, "no-such-rule": Advisory},
		Waivers: []Waiver{{Rule: "kms-key-hygiene", Resource: "*"}}}
	err := bad.Check(rules)
	want := `policy settings of environment prod:
  policies.levels.no-such-rule: no rule has this id; fix: use one of the ids in docs/policies.md
  policies.levels.storage-cmk = disabled: prod never lowers or disables a rule; fix: remove the override, or waive the one resource with a reason and an expiry date
  policies.waivers[0].resource = "*": a waiver names one resource; fix: give the resource's name from the plan
  policies.waivers[0].reason is empty: a waiver says why; fix: add the reason a reviewer accepted
  policies.waivers[0].expires is missing: a waiver ends; fix: add a date (YYYY-MM-DD)`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	fixed := Settings{Environment: "staging", Levels: map[string]Level{"kms-key-hygiene": Advisory, "storage-cmk": Advisory}}
	if err := fixed.Check(rules); err == nil || !strings.Contains(err.Error(), "kms-key-hygiene is mandatory in every environment") ||
		!strings.Contains(err.Error(), "only dev and preview may lower storage-cmk") {
		t.Errorf("staging lowering rules: %v", err)
	}
}

// Every rule carries the metadata the docs and the pack need.
func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		switch {
		case seen[r.ID]:
			t.Errorf("duplicate rule %s", r.ID)
		case !strings.HasPrefix(r.Description, "Checks whether "):
			t.Errorf("%s: description %q must start \"Checks whether \"", r.ID, r.Description)
		case r.Resources == "" || r.Mirrors == "" || r.Category == "" || r.Check == nil:
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
		seen[r.ID] = true
	}
}
