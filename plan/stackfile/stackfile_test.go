package stackfile

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func writeStacks(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "stacks"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, "stacks", "Pulumi."+name+".yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func noProblems(string, map[string]string, []string) []string { return nil }

// Keys without a namespace are the project's; secure values are
// placeholders, listed as secret keys; the check sees what the SDK would.
func TestRead(t *testing.T) {
	root := writeStacks(t, map[string]string{"aws-dev": "config:\n  environment: dev\n  aws:region: us-east-1\n  p:zeta:\n    secure: v1:x\n  p:alpha:\n    secure: v1:y\n  replicas: 3\n"})
	var seen map[string]string
	cfg, err := Read(root, "aws-dev", "p", func(stack string, values map[string]string, secrets []string) []string {
		seen = values
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Values: map[string]string{
			"p:environment": "dev", "aws:region": "us-east-1", "p:replicas": "3",
			"p:zeta": "offline-placeholder-for-p:zeta", "p:alpha": "offline-placeholder-for-p:alpha",
		},
		SecretKeys: []string{"p:alpha", "p:zeta"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Read() = %#v\nwant %#v", cfg, want)
	}
	if !reflect.DeepEqual(seen, want.Values) {
		t.Errorf("the check saw %v", seen)
	}
}

func TestReadErrors(t *testing.T) {
	root := writeStacks(t, map[string]string{
		"aws-dev":   "config:\n  p:thing:\n    nested: 1\n",
		"aws-prod":  "config: [\n",
		"aws-pr-42": "config: {}\n",
	})
	if _, err := Read(root, "aws-dev", "p", noProblems); err == nil || err.Error() != filepath.Join(root, "stacks", "Pulumi.aws-dev.yaml")+": config p:thing: structured values are not used by this project" {
		t.Errorf("structured value: %v", err)
	}
	if _, err := Read(root, "aws-prod", "p", noProblems); err == nil || IsError(err) {
		t.Errorf("broken YAML: %v, want a parse error that is not a config Error", err)
	}
	if _, err := Read(root, "azure-dev", "p", noProblems); err == nil || err.Error() != `no stack "azure-dev": stacks/Pulumi.azure-dev.yaml does not exist; stacks here: aws-dev, aws-pr-42, aws-prod` {
		t.Errorf("missing stack: %v", err)
	}
	_, err := Read(root, "aws-pr-42", "p", func(stack string, _ map[string]string, _ []string) []string {
		return []string{"first " + stack, "second"}
	})
	if !IsError(err) || err.Error() != "stacks/Pulumi.aws-pr-42.yaml: 2 problems:\n - first aws-pr-42\n - second" {
		t.Errorf("check problems: %v", err)
	}
}

func TestList(t *testing.T) {
	root := writeStacks(t, map[string]string{"b": "", "a": "", "aws-pr-1": ""})
	if got := List(root); !slices.Equal(got, []string{"a", "aws-pr-1", "b"}) {
		t.Errorf("List() = %v", got)
	}
	if got := List(t.TempDir()); len(got) != 0 {
		t.Errorf("List(empty) = %v", got)
	}
}
