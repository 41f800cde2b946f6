package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsRefuseWhatTheyCannotDoWell: -h on every command and
// subcommand prints its help and exits 0; repeated flags, stray arguments,
// out-of-range numbers and unknown flags are refused with the flag named.
func TestCommandsRefuseWhatTheyCannotDoWell(t *testing.T) {
	cases := map[string]struct {
		args       []string
		code       int
		stdout     string // prefix
		stderrLine string // first line of stderr
	}{
		"mlplat --help":          {[]string{"--help"}, exitOK, "mlplat: the mlplatform toolkit's command line", ""},
		"plan -h":                {[]string{"plan", "-h"}, exitOK, "usage: mlplat plan --stack <name>", ""},
		"render --help":          {[]string{"render", "--help"}, exitOK, "usage: mlplat render --stack <name> --out <dir>", ""},
		"affected -help":         {[]string{"affected", "-help"}, exitOK, "usage: mlplat affected --changed", ""},
		"preview --help":         {[]string{"preview", "--help"}, exitOK, "usage: mlplat preview <command> [flags]", ""},
		"preview up --help":      {[]string{"preview", "up", "--help"}, exitOK, "usage: mlplat preview up [flags]", ""},
		"preview reap -h":        {[]string{"preview", "reap", "-h"}, exitOK, "usage: mlplat preview reap [flags]", ""},
		"a flag given twice":     {[]string{"plan", "--stack", "aws-dev", "--stack=aws-prod"}, exitUsage, "", "mlplat plan: --stack is given 2 times; give it once"},
		"a stray argument":       {[]string{"plan", "--stack", "aws-dev", "aws-prod"}, exitUsage, "", `mlplat plan: unexpected argument "aws-prod": this command takes only flags`},
		"an unknown flag":        {[]string{"render", "--stack", "aws-dev", "--output", "x"}, exitUsage, "", "mlplat render: flag provided but not defined: -output"},
		"a bad format":           {[]string{"plan", "--stack", "aws-dev", "--format", "yaml"}, exitUsage, "", "mlplat plan: --stack is required and --format is text or json"},
		"a negative PR":          {[]string{"preview", "up", "--pr", "-3"}, exitUsage, "", "mlplat preview up: --pr -3: must be a pull request's number (1 or more)"},
		"a TTL that has passed":  {[]string{"preview", "up", "--pr", "3", "--ttl", "-1h"}, exitUsage, "", "mlplat preview up: --ttl -1h0m0s: must be positive, e.g. 48h"},
		"a number that is not":   {[]string{"preview", "destroy", "--pr", "twelve"}, exitUsage, "", `mlplat preview destroy: invalid value "twelve" for flag -pr: parse error`},
		"an unknown subcommand":  {[]string{"preview", "down"}, exitUsage, "", `mlplat preview: unknown command "down"`},
		"affected without input": {[]string{"affected"}, exitUsage, "", "mlplat affected: --changed is required"},
		"a path for a stack":     {[]string{"plan", "--stack", "x/../../../evil", "--root", root}, exitInvalid, "", "--stack: 1 problems:"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := mlplat(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if !strings.HasPrefix(stdout, tc.stdout) {
				t.Errorf("stdout = %q, want it to start with %q", headLine(stdout), tc.stdout)
			}
			if got := headLine(stderr); got != tc.stderrLine {
				t.Errorf("stderr starts %q, want %q", got, tc.stderrLine)
			}
		})
	}
}

func headLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestRenderReplacesAnEarlierRenderAndRefusesOtherDirectories: an object
// the stack no longer has must not survive a re-render, and a directory
// holding anything else is never written into.
func TestRenderReplacesAnEarlierRenderAndRefusesOtherDirectories(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "999-deployment-serving-retired-model.yaml")
	if err := os.WriteFile(stale, []byte("kind: Deployment\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := mlplat(t, "render", "--stack", "aws-dev", "--out", dir, "--root", root); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the earlier render's %s survived the re-render", filepath.Base(stale))
	}
	if _, err := os.Stat(filepath.Join(dir, "helm-releases.yaml")); err != nil {
		t.Errorf("the new render is missing: %v", err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.md"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mlplat(t, "render", "--stack", "aws-dev", "--out", other, "--root", root)
	want := "mlplat render: --out " + other + " holds what mlplat render did not write (notes.md); render into a new directory or an earlier render's"
	if code != exitFailed || headLine(stderr) != want {
		t.Errorf("exit %d, stderr %q; want %d, %q", code, headLine(stderr), exitFailed, want)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 1 {
		t.Errorf("the refused directory now holds %d entries, want only notes.md", len(entries))
	}
}

// TestDiffAgainstAnotherStackIsRefusedUnlessAsked.
func TestDiffAgainstAnotherStackIsRefusedUnlessAsked(t *testing.T) {
	old := filepath.Join(t.TempDir(), "base.json")
	code, out, stderr := mlplat(t, "plan", "--stack", "aws-staging", "--format", "json", "--root", root)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if err := os.WriteFile(old, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = mlplat(t, "plan", "--stack", "aws-dev", "--diff-against", old, "--root", root)
	want := "mlplat plan: --diff-against " + old + ` is a plan of stack "aws-staging", not "aws-dev": the delta would compare two stacks; plan the same stack, or add --diff-other-stack to compare them on purpose`
	if code != exitUsage || headLine(stderr) != want {
		t.Errorf("exit %d, stderr %q; want %d, %q", code, headLine(stderr), exitUsage, want)
	}
	if code, out, stderr = mlplat(t, "plan", "--stack", "aws-dev", "--diff-against", old, "--diff-other-stack", "--root", root); code != exitOK || !strings.Contains(out, "aws-dev") {
		t.Errorf("with --diff-other-stack: exit %d, stderr %s", code, stderr)
	}
}
