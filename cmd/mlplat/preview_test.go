package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/previews"
)

// fakeBackend records what mlplat asks of the backend. It stands in for
// the Automation API, which needs the pulumi CLI: these tests check mlplat's
// side (which stacks, which config), not Pulumi's.
type fakeBackend struct {
	list      []previews.Summary
	upStack   string
	upConfig  map[string]previews.Value
	destroyed []string
}

func (f *fakeBackend) Up(_ context.Context, stack string, cfg map[string]previews.Value, _ io.Writer) (map[string]interface{}, error) {
	f.upStack, f.upConfig = stack, cfg
	return map[string]interface{}{"namespace": "pr-42", "expiresAt": cfg["mlplatform:expiresAt"].Value}, nil
}

func (f *fakeBackend) Destroy(_ context.Context, stack string, _ io.Writer) error {
	f.destroyed = append(f.destroyed, stack)
	return nil
}

func (f *fakeBackend) List(context.Context) ([]previews.Summary, error) { return f.list, nil }

func withBackend(t *testing.T, b *fakeBackend) {
	t.Helper()
	old := newPreviewBackend
	newPreviewBackend = func(root, org string) (previews.Backend, error) { return b, nil }
	t.Cleanup(func() { newPreviewBackend = old })
}

func TestPreviewUpWithoutTheCLIShowsThePlanAndStops(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, out, stderr := mlplat(t, "preview", "up", "--pr", "42", "--root", "../..")
	if code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Preview stack aws-pr-42 (pull request 42, namespace scope, expires ",
		"Plan for stack aws-pr-42 (environment dev, aws us-east-1): 33 resources",
		"kubernetes:serving.kserve.io/v1beta1:InferenceService  aws-pr-42-model-fraud-xgb",
		"Policies: 46 rules, 0 mandatory violations",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if want := "mlplat preview up: the offline plan above is what would be deployed, but deploying needs the pulumi CLI: " + previews.ErrNoCLI.Error() + "\n"; stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	for _, cmd := range []string{"list", "reap"} {
		code, _, stderr := mlplat(t, "preview", cmd, "--root", "../..")
		if code != exitFailed || stderr != "mlplat preview "+cmd+": "+previews.ErrNoCLI.Error()+"\n" {
			t.Errorf("%s: exit %d, stderr %q", cmd, code, stderr)
		}
	}
}

func TestPreviewUpDeploysWithTheStackConfig(t *testing.T) {
	b := &fakeBackend{}
	withBackend(t, b)
	t.Setenv("MLPLAT_PULUMI_ORG", "acme")
	before := time.Now()
	code, out, stderr := mlplat(t, "preview", "up", "--pr", "42", "--ttl", "24h", "--root", "../..")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b.upStack != "aws-pr-42" {
		t.Errorf("deployed stack %q", b.upStack)
	}
	at, err := time.Parse(time.RFC3339, b.upConfig["mlplatform:expiresAt"].Value)
	if err != nil || at.Before(before.Add(24*time.Hour).Add(-time.Second)) || at.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("expiresAt %q is not 24h from now", b.upConfig["mlplatform:expiresAt"].Value)
	}
	delete(b.upConfig, "mlplatform:expiresAt")
	want := map[string]previews.Value{
		"mlplatform:cloud": {Value: "aws"}, "mlplatform:environment": {Value: "dev"}, "mlplatform:pullRequest": {Value: "42"},
		"aws:region": {Value: "us-east-1"}, "mlplatform:scope": {Value: "namespace"}, "mlplatform:baseStack": {Value: "acme/mlplatform/aws-dev"},
	}
	if !reflect.DeepEqual(b.upConfig, want) {
		t.Errorf("config:\n%v\nwant:\n%v", b.upConfig, want)
	}
	if !strings.Contains(out, "preview stack aws-pr-42 is up:\n  expiresAt: \"") || !strings.Contains(out, "  namespace: \"pr-42\"\n") {
		t.Errorf("outputs not shown:\n%s", out[strings.LastIndex(out, "preview stack"):])
	}
}

func TestPreviewDestroyAndReap(t *testing.T) {
	now := time.Now()
	live := previews.Summary{Name: "aws-pr-7", Info: previews.Info{Cloud: "aws", PR: 7, Scope: previews.Namespace}, ExpiresAt: now.Add(time.Hour)}
	liveFull := previews.Summary{Name: "azure-pr-7-full", Info: previews.Info{Cloud: "azure", PR: 7, Scope: previews.Full}, ExpiresAt: now.Add(-time.Hour)}
	other := previews.Summary{Name: "aws-pr-8", Info: previews.Info{Cloud: "aws", PR: 8, Scope: previews.Namespace}, ExpiresAt: now.Add(-time.Minute)}
	unknown := previews.Summary{Name: "aws-pr-9", Info: previews.Info{Cloud: "aws", PR: 9, Scope: previews.Namespace}, Problem: "the stack has no expiresAt output"}
	list := []previews.Summary{live, liveFull, other, unknown}

	b := &fakeBackend{list: list}
	withBackend(t, b)
	code, out, _ := mlplat(t, "preview", "destroy", "--pr", "7", "--root", "../..")
	if code != exitOK || !reflect.DeepEqual(b.destroyed, []string{"aws-pr-7", "azure-pr-7-full"}) {
		t.Errorf("destroy --pr 7: exit %d, destroyed %v", code, b.destroyed)
	}
	if !strings.HasSuffix(out, "destroyed and removed 2 preview stacks of pull request 7\n") {
		t.Errorf("destroy output:\n%s", out)
	}

	b.destroyed = nil
	code, out, stderr := mlplat(t, "preview", "reap", "--dry-run", "--root", "../..")
	if code != exitOK || b.destroyed != nil || !strings.Contains(out, "would destroy azure-pr-7-full (pull request 7, expired ") || !strings.Contains(out, "would destroy aws-pr-8") {
		t.Errorf("reap --dry-run: exit %d, destroyed %v, out:\n%s", code, b.destroyed, out)
	}
	code, _, stderr = mlplat(t, "preview", "reap", "--root", "../..")
	if code != exitOK || !reflect.DeepEqual(b.destroyed, []string{"azure-pr-7-full", "aws-pr-8"}) {
		t.Errorf("reap: exit %d, destroyed %v", code, b.destroyed)
	}
	if want := "warning: aws-pr-9: expiry unknown (the stack has no expiresAt output); not destroyed: check it and run mlplat preview destroy --pr 9 if it is stale\n"; stderr != want {
		t.Errorf("reap stderr %q", stderr)
	}

	code, out, _ = mlplat(t, "preview", "list", "--root", "../..")
	if code != exitOK || !strings.Contains(out, "aws-pr-8                   8  namespace  aws    ") || !strings.Contains(out, "EXPIRED: mlplat preview reap removes it") ||
		!strings.Contains(out, "expiry unknown: the stack has no expiresAt output") {
		t.Errorf("list:\n%s", out)
	}
}

func TestPreviewUsageErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no command":      {[]string{"preview"}, "usage: mlplat preview <command> [flags]\n"},
		"unknown command": {[]string{"preview", "apply", "--root", "../.."}, "mlplat preview: unknown command \"apply\"\n"},
		"destroy without a PR": {[]string{"preview", "destroy", "--root", "../.."},
			"mlplat preview destroy: --pr 0: must be the pull request's number\n"},
		"bad request": {[]string{"preview", "up", "--pr", "3", "--scope", "cluster", "--ttl", "96h", "--root", "../.."},
			"mlplat preview up: 2 problems:\n - --scope \"cluster\": must be namespace (the PR's models on the dev cluster) or full (a whole platform)\n - --ttl 96h0m0s: must be above 0 and at most 72h0m0s (environments/preview.yaml ephemeral.maxTTL)\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := mlplat(t, tc.args...)
			if code != exitUsage || !strings.HasPrefix(stderr, tc.want) {
				t.Errorf("exit %d stderr %q, want prefix %q", code, stderr, tc.want)
			}
		})
	}
}

func TestAffected(t *testing.T) {
	envOf := map[string]string{"aws-dev": "dev", "azure-dev": "dev", "aws-prod": "prod", "azure-prod": "prod", "aws-staging": "staging"}
	all := []string{"aws-dev", "aws-prod", "aws-staging", "azure-dev", "azure-prod"}
	cases := map[string]struct {
		paths []string
		want  []string
	}{
		"an environment file":               {[]string{"environments/prod.yaml"}, []string{"aws-prod", "azure-prod"}},
		"a stack file":                      {[]string{"stacks/Pulumi.azure-dev.yaml"}, []string{"azure-dev"}},
		"a component":                       {[]string{"components/aws/eks/cluster.go"}, all},
		"the program":                       {[]string{"stacks/aws.go"}, all},
		"a policy":                          {[]string{"policies/rules/tagging.go"}, all},
		"the plan's cost estimate":          {[]string{"plan/estimate/cost.go"}, all},
		"the catalogue override":            {[]string{"environments/catalog-overrides.yaml"}, all},
		"docs, tests, CI and previews only": {[]string{"docs/runbooks/drift.md", "README.md", ".github/workflows/nightly.yml", "test/cluster/harness.go", "environments/preview.yaml", "environments/catalog-overrides.example.yaml"}, []string{}},
		"a preview stack's file":            {[]string{"stacks/Pulumi.aws-pr-4.yaml"}, []string{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := affected(tc.paths, envOf); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("affected = %v, want %v", got, tc.want)
			}
		})
	}
	code, out, stderr := mlplat(t, "affected", "--changed", "../../test/testdata/changed-paths.txt", "--root", "../..")
	if code != exitOK || out != "[\"aws-dev\",\"azure-dev\"]\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// modelsChangedSince reads the base version with git: a temporary
// repository with a committed dev.yaml and an edit in the working tree.
func TestModelsChangedSince(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(doc string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "environments"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "environments", "dev.yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("models:\n  - {name: a, format: sklearn, storageUri: a/v1}\n  - {name: b, format: sklearn, storageUri: b/v1}\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	write("models:\n  - {name: a, format: sklearn, storageUri: a/v2}\n  - {name: b, format: sklearn, storageUri: b/v1}\n  - {name: c, format: sklearn, storageUri: c/v1}\n")
	got, err := modelsChangedSince(dir, "HEAD")
	if err != nil || !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Errorf("changed since HEAD = %v, %v; want [a c]", got, err)
	}
	if _, err := modelsChangedSince(dir, "no-such-ref"); err == nil || !strings.Contains(err.Error(), "reading environments/dev.yaml at no-such-ref: fatal: ") {
		t.Errorf("an unknown ref: %v", err)
	}
}
