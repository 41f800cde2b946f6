package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

// Names at the limits the environment files allow: 40-character model and
// runner names that differ only in their last character, so that a name
// shortened without a hash would collide.
var (
	longModelA  = "m" + strings.Repeat("o", 38) + "a"
	longModelB  = "m" + strings.Repeat("o", 38) + "b"
	longRunnerA = "r" + strings.Repeat("u", 38) + "a"
	longRunnerB = "r" + strings.Repeat("u", 38) + "b"
)

// longEnvironment writes env's file with its models and runner sets renamed
// to the longest names validation allows.
func longEnvironment(t *testing.T, env string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "environments", env+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for old, long := range map[string]string{"fraud-xgb": longModelA, "defect-detector": longModelB, "cpu-runners": longRunnerA, "gpu-runners": longRunnerB} {
		if !strings.Contains(text, "- name: "+old+"\n") {
			t.Fatalf("environments/%s.yaml has no entry named %s to lengthen", env, old)
		}
		text = strings.ReplaceAll(text, "- name: "+old+"\n", "- name: "+long+"\n")
	}
	path := filepath.Join(t.TempDir(), env+".yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// longStack is a stack name of the most characters a stack name may have.
func longStack(prefix string) string {
	return prefix + strings.Repeat("x", 63-len(prefix))
}

// TestEveryNameMeetsItsTarget runs every committed stack, and every
// environment under a 63-character stack name with 40-character model and
// runner names, and checks each name the program gives a cloud or
// Kubernetes object against that target's rule (components/names), and that
// no two objects of one kind share a scope and a name. A run whose logical
// name leaves no room for Pulumi's random suffix fails in the recorder, as
// it would in the engine.
//
// What this does not prove: that the clouds enforce exactly the documented
// rules (names.Rule.Source says where each is documented), nor that a
// globally unique name (S3, storage account, registry, Key Vault) is free.
func TestEveryNameMeetsItsTarget(t *testing.T) {
	type run struct {
		stack string
		cfg   map[string]string
		refs  map[string]recorder.StackOutputs
	}
	var runs []run
	for _, stack := range committedStacks(t) {
		cfg, err := readStack(root, stack)
		if err != nil {
			t.Fatal(err)
		}
		withServiceSecrets(&cfg)
		runs = append(runs, run{stack: stack, cfg: cfg.Values})
	}
	for _, stack := range committedStacks(t) {
		cfg, err := readStack(root, stack)
		if err != nil {
			t.Fatal(err)
		}
		withServiceSecrets(&cfg)
		env := cfg.Values[Project+":environment"]
		cfg.Values[Project+":environmentFile"] = longEnvironment(t, env)
		runs = append(runs, run{stack: longStack(stack + "-"), cfg: cfg.Values})
	}
	for _, cloud := range []string{CloudAWS, CloudAzure} {
		// The longest preview stack: the largest pull request number a
		// 32-bit counter gives.
		cfg := map[string]string{
			Project + ":environment": "dev", Project + ":cloud": cloud, Project + ":scope": ScopeNamespace,
			Project + ":pullRequest": "2147483647", Project + ":baseStack": "organization/mlplatform/" + cloud + "-dev",
			Project + ":expiresAt":       time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
			Project + ":environmentFile": longEnvironment(t, "dev"),
		}
		runs = append(runs, run{stack: cloud + "-pr-2147483647", cfg: cfg, refs: devOutputs})
	}
	for _, r := range runs {
		t.Run(r.stack, func(t *testing.T) {
			rec, err := recorder.Run(Program, recorder.Options{Project: Project, Stack: r.stack, Config: r.cfg,
				SecretKeys: []string{Project + ":grafanaAdminPassword", Project + ":githubAppPrivateKey"}, StackReferences: r.refs})
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range rec.NameProblems() {
				t.Error(problem)
			}
			if strings.HasPrefix(r.stack, "aws-staging-x") {
				// The case: a 40-character model's IAM role.
				roles := 0
				for _, res := range rec.ByType("aws:iam/role:Role") {
					if strings.Contains(res.Parent, "::"+r.stack+"-model-") {
						roles++
					}
				}
				if roles != 2 {
					t.Errorf("%d model IAM roles, want 2 (one per long model)", roles)
				}
			}
		})
	}
}
