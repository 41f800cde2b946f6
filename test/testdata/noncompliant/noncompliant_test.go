package noncompliant

import (
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

// now is the fixed evaluation time: it decides which Kubernetes versions
// are supported and whether expires-at tags have passed.
var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// maxTTL makes the stack ephemeral. ephemeral-expiry only runs when the
// stack context has a maximum lifetime (rules.ContextFor sets one for an
// environment with an ephemeral section); a real prod environment has none,
// so the fixture sets it by hand to make that rule fire beside the prod-only
// ones.
const maxTTL = 72 * time.Hour

// evaluate runs the program under the mock recorder and evaluates every
// rule over the recording as a prod stack.
func evaluate(t *testing.T) []rules.Result {
	t.Helper()
	rec, err := recorder.Run(Program, recorder.Options{Project: "mlplatform", Stack: "noncompliant"})
	if err != nil {
		t.Fatalf("running the program: %v", err)
	}
	stack := rules.FromPlan(rec, "prod", rules.StackContext{Now: now, MaxTTL: maxTTL})
	return rules.Evaluate(stack, rules.All(), rules.Settings{Environment: "prod", Now: now})
}

func TestEveryRuleFires(t *testing.T) {
	results := evaluate(t)
	fired := map[string]int{}
	for _, r := range results {
		fired[r.Policy]++
	}
	var silent []string
	for _, r := range rules.All() {
		if fired[r.ID] == 0 {
			silent = append(silent, r.ID)
		}
	}
	if len(silent) > 0 {
		t.Errorf("%d of %d rules never fired on the non-compliant environment: %s", len(silent), len(rules.All()), strings.Join(silent, ", "))
	}
	if !rules.HasMandatory(results) {
		t.Error("no mandatory result: a prod stack this broken must fail")
	}
	// The program runs as an update, so every value is known: nothing may
	// be reported as unverifiable instead of as a violation.
	for _, r := range results {
		if strings.Contains(r.Message, "cannot verify during preview") {
			t.Errorf("%s: unverifiable finding in a recording with every value known: %s", r.Policy, r.Message)
		}
	}
	for _, id := range rules.SortedKeys(fired) {
		t.Logf("%-26s %3d", id, fired[id])
	}
	t.Logf("%d results from %d rules", len(results), len(fired))
}

// Spot checks: exact messages and levels of a few findings.
func TestMessages(t *testing.T) {
	results := evaluate(t)
	for _, want := range []rules.Result{
		{Policy: "kms-key-hygiene", Level: rules.Mandatory,
			URN:     "urn:pulumi:noncompliant::mlplatform::aws:kms/key:Key::data",
			Message: `Key "data" must enable key rotation (enableKeyRotation)`},
		{Policy: "s3-sse-kms", Level: rules.Mandatory,
			URN:     "urn:pulumi:noncompliant::mlplatform::aws:s3/bucketV2:BucketV2::datasets",
			Message: `BucketV2 "datasets" must have a server-side encryption configuration with aws:kms and a customer-managed key (none found)`},
		// A prod-only rule is mandatory in prod.
		{Policy: "protect-stateful", Level: rules.Mandatory,
			URN:     "urn:pulumi:noncompliant::mlplatform::aws:eks/cluster:Cluster::eks",
			Message: `Cluster "eks" must be protected (protect: true) in prod, so that no update deletes or replaces it`},
		{Policy: "ephemeral-expiry", Level: rules.Mandatory,
			URN:     "urn:pulumi:noncompliant::mlplatform::azure-native:resources:ResourceGroup::rg",
			Message: `ResourceGroup "rg" must carry expires-at as RFC 3339 (it is "end of sprint")`},
	} {
		if !contains(results, want) {
			t.Errorf("missing result %+v; %s reported:\n  %s", want, want.Policy, strings.Join(messagesOf(results, want.Policy), "\n  "))
		}
	}
}

func contains(results []rules.Result, want rules.Result) bool {
	for _, r := range results {
		if r == want {
			return true
		}
	}
	return false
}

func messagesOf(results []rules.Result, policy string) []string {
	var out []string
	for _, r := range results {
		if r.Policy == policy {
			out = append(out, string(r.Level)+" "+r.URN+": "+r.Message)
		}
	}
	return out
}
