package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/test/mutate"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

// fuzzStacks are the stacks FuzzPlan plans, with the environment each reads.
var fuzzStacks = []struct{ stack, env string }{
	{"aws-dev", "dev"}, {"azure-dev", "dev"}, {"aws-staging", "staging"}, {"azure-prod", "prod"},
}

// problemLine is one problem of an exit-2 message: a path, a value, the
// rule and the fix.
var problemLine = regexp.MustCompile(`^ - [A-Za-z0-9_.\[\]/<>-]+( \(line [0-9]+\))? = .+: .+; fix: .+$`)

// FuzzPlan changes the structure of a committed environment file as the
// fuzz input directs (test/mutate), plans a stack with it through the
// command line, and holds the command to its contract:
//   - it never panics;
//   - exit 2 lists problems, each naming a path, a value, a rule and a fix;
//   - exit 1 happens only for mandatory policy violations the JSON plan
//     reports: a program that fails on a file the validator accepted is a
//     problem the validator should have caught;
//   - a plan it produces gives no cloud or Kubernetes object a name its
//     target refuses or another object's name (recorder.NameProblems), and
//     no node group a size its cloud refuses.
//
// The seeds live in testdata/fuzz/FuzzPlan; make fuzz runs it for FUZZTIME.
func FuzzPlan(f *testing.F) {
	f.Add(uint8(0), []byte{mutate.Retype, 20, 0})
	f.Add(uint8(1), []byte{mutate.Swap, 33, 12})
	f.Add(uint8(2), []byte{mutate.Delete, 51, 1, mutate.Duplicate, 9, 0})
	f.Fuzz(checkPlanMutation)
}

// TestPlanRandomMutations holds the command to FuzzPlan's contract for a
// fixed set of pseudo-random mutations on every make test: coverage-guided
// fuzzing needs an instrumented build of this package, which takes too long
// for every run (make fuzz-plan does that).
func TestPlanRandomMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2026))
	for i := range 200 {
		ops := make([]byte, 3*(1+rng.IntN(2)))
		for j := range ops {
			ops[j] = byte(rng.UintN(256))
		}
		which := uint8(rng.UintN(uint(len(fuzzStacks))))
		t.Run(fmt.Sprintf("%d-%x-%x", i, which, ops), func(t *testing.T) { checkPlanMutation(t, which, ops) })
	}
}

// checkPlanMutation is FuzzPlan's property for one input.
func checkPlanMutation(t *testing.T, which uint8, ops []byte) {
	s := fuzzStacks[int(which)%len(fuzzStacks)]
	src, err := os.ReadFile(filepath.Join(root, "environments", s.env+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	mutate.Apply(&doc, ops)
	data, err := yaml.Marshal(&doc)
	if err != nil {
		return // a mutation yaml cannot write is not an input
	}
	// The file keeps its name: an environment's name must match it.
	file := filepath.Join(t.TempDir(), s.env+".yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"plan", "--stack", s.stack, "--root", root, "--format", "json", "--environment-file", file}, &stdout, &stderr)
	switch code {
	case exitInvalid:
		lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
		if len(lines) < 2 || !strings.Contains(lines[0], "problem") {
			t.Fatalf("exit 2 without a problem list:\n%s", stderr.String())
		}
		for _, l := range lines[1:] {
			if !problemLine.MatchString(l) {
				t.Fatalf("exit 2 with a problem that names no path, value, rule or fix: %q\nfile:\n%s", l, data)
			}
		}
		return
	case exitFailed:
		var doc struct {
			Violations []struct {
				Enforcement string `json:"enforcement"`
			} `json:"violations"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatalf("exit 1 on an environment the validator accepted (a problem it should have caught):\n%s\nfile:\n%s", stderr.String(), data)
		}
		mandatory := false
		for _, v := range doc.Violations {
			mandatory = mandatory || v.Enforcement == "mandatory"
		}
		if !mandatory {
			t.Fatalf("exit 1 without a mandatory violation:\n%s", stderr.String())
		}
	case exitOK:
	default:
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	p, err := buildPlan(planFlags{stack: s.stack, root: root, envFile: file}, fixedNow)
	if err != nil {
		t.Fatalf("planned once, failed the second time: %v", err)
	}
	problems := p.Rec.NameProblems()
	problems = append(problems, sizeProblems(p.Rec)...)
	if len(problems) > 0 {
		t.Fatalf("a plan the command passed (exit %d) has problems the validator should have caught:\n%s\nfile:\n%s", code, strings.Join(problems, "\n"), data)
	}
}

// sizeProblems reads the node groups and pools a plan creates as the cloud
// would: EKS scaling min <= desired <= max with max >= 1, AKS counts of
// 0 to 1000 with min <= max.
func sizeProblems(rec *recorder.Recorder) []string {
	var out []string
	num := func(r *recorder.Resource, path string) (float64, bool) {
		v, ok := r.In(path).(float64)
		return v, ok
	}
	for _, r := range rec.ByType("aws:eks/nodeGroup:NodeGroup") {
		lo, _ := num(r, "scalingConfig.minSize")
		want, _ := num(r, "scalingConfig.desiredSize")
		hi, _ := num(r, "scalingConfig.maxSize")
		if hi < 1 || lo > want || want > hi {
			out = append(out, fmt.Sprintf("%s: EKS scaling min/desired/max %v/%v/%v", r.Name, lo, want, hi))
		}
	}
	for _, r := range rec.Resources() {
		if !strings.HasSuffix(r.Type, ":AgentPool") && !strings.HasSuffix(r.Type, ":ManagedCluster") {
			continue
		}
		for _, path := range []string{"count", "minCount", "maxCount"} {
			if v, ok := num(r, path); ok && (v < 0 || v > 1000) {
				out = append(out, r.Name+": AKS "+path+" out of 0..1000")
			}
		}
	}
	return out
}
