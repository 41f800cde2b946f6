package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/names"
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
		cfg, err := ReadStackConfig(root, stack)
		if err != nil {
			t.Fatal(err)
		}
		withServiceSecrets(&cfg)
		runs = append(runs, run{stack: stack, cfg: cfg.Values})
	}
	for _, stack := range committedStacks(t) {
		cfg, err := ReadStackConfig(root, stack)
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
			for _, problem := range nameProblems(rec) {
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

// nameProblems checks every named object rec holds.
func nameProblems(rec *recorder.Recorder) []string {
	var problems []string
	seen, unruled := map[string]string{}, map[string]bool{}
	claim := func(key, urn string) {
		if first, ok := seen[key]; ok {
			problems = append(problems, fmt.Sprintf("%s is named twice: %s and %s", key, first, urn))
		}
		seen[key] = urn
	}
	for _, res := range rec.Resources() {
		switch {
		case !res.Custom || res.IsProvider() || res.Type == "pulumi:pulumi:StackReference":
		case strings.HasPrefix(res.Type, "kubernetes:"):
			problems = append(problems, kubernetesNameProblems(res, claim)...)
		default:
			fields, ok := names.ByType[res.Type]
			if !ok {
				if !names.Unnamed[res.Type] && !unruled[res.Type] {
					unruled[res.Type] = true
					problems = append(problems, fmt.Sprintf("%s: no naming rule for this type; add it to names.ByType, or to names.Unnamed if the cloud names it", res.Type))
				}
				continue
			}
			// A name is unique within its scope: the resource group and
			// parent resource for Azure, the account and region for AWS.
			scope := res.InString("resourceGroupName")
			for _, k := range []string{"resourceName", "accountName", "vaultName", "virtualNetworkName", "privateZoneName", "privateEndpointName", "clusterName"} {
				if s := res.InString(k); s != "" && !slices.ContainsFunc(fields, func(f names.Field) bool { return f.Key == k }) {
					scope += "/" + s
				}
			}
			for _, f := range fields {
				name, _ := res.Out(f.Key).(string)
				if name == "" {
					problems = append(problems, fmt.Sprintf("%s %s: no %s", res.Type, res.Name, f.Key))
					continue
				}
				if err := f.Check(name); err != nil {
					problems = append(problems, fmt.Sprintf("%s %s: %v", res.Type, res.Name, err))
				}
				claim(fmt.Sprintf("%s %s %s/%s", res.Type, f.Key, scope, name), res.URN)
			}
		}
	}
	return problems
}

// kubernetesNameProblems checks a Kubernetes object's name against its
// kind's rule and its label values, and claims its kind, namespace and name.
func kubernetesNameProblems(res *recorder.Resource, claim func(key, urn string)) []string {
	var problems []string
	kind := res.Type[strings.LastIndex(res.Type, ":")+1:]
	if res.Type == "kubernetes:helm.sh/v3:Release" {
		name := res.InString("name")
		if err := names.HelmRelease.Check(name); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", res.Name, err))
		}
		claim(fmt.Sprintf("Helm release %s/%s", res.InString("namespace"), name), res.URN)
		return problems
	}
	name := res.InString("metadata.name")
	if name == "" {
		problems = append(problems, fmt.Sprintf("%s %s: no metadata.name: Pulumi would add a random suffix, and nothing could address the object", kind, res.Name))
		return problems
	}
	if err := names.ForKind(kind).Check(name); err != nil {
		problems = append(problems, fmt.Sprintf("%s %s: %v", kind, res.Name, err))
	}
	for k, v := range res.StringMap("metadata.labels") {
		if err := names.LabelValue.Check(v); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: label %s: %v", kind, res.Name, k, err))
		}
	}
	claim(fmt.Sprintf("%s %s %s/%s", strings.TrimPrefix(res.Type[:strings.LastIndex(res.Type, ":")], "kubernetes:"), kind, res.InString("metadata.namespace"), name), res.URN)
	return problems
}
