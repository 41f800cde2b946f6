package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/previews"
)

// programBinary is where `make program` (and mlplat preview up) writes
// this program's binary.
const programBinary = previews.ProgramBinary

// TestPulumiYAMLRunsThePrebuiltProgram: Pulumi.yaml runs the Go program
// from the binary `make program` builds (runtime.options.binary, which the
// Go language host looks up relative to the project directory), so pulumi
// preview and up do not compile it each time.
func TestPulumiYAMLRunsThePrebuiltProgram(t *testing.T) {
	raw, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Runtime struct {
			Name    string
			Options map[string]string
		}
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		t.Fatal(err)
	}
	if project.Runtime.Name != "go" || project.Runtime.Options["binary"] != programBinary {
		t.Errorf("Pulumi.yaml runtime = %+v, want go with options.binary %s", project.Runtime, programBinary)
	}
}

// TestMakeKeepsTheProgramCurrent: make builds the binary Pulumi.yaml names
// from this directory on every target that runs pulumi, and `make -n`
// shows the go build that does it (the build cache makes it a no-op when
// nothing changed).
func TestMakeKeepsTheProgramCurrent(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	build := regexp.MustCompile(`(?m)^go build -o ` + regexp.QuoteMeta(programBinary) + ` \.$`)
	for _, target := range []string{"program", "build", "preview", "up", "test-integration"} {
		// require-pulumi fails without the CLI; -n prints, -k goes on.
		cmd := exec.Command("make", "-n", "-k", target, "GO=go")
		// Not the outer make's flags when make test runs this.
		cmd.Env = append(os.Environ(), "MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=")
		out, _ := cmd.CombinedOutput()
		if !build.Match(out) {
			t.Errorf("make -n %s does not build %s from the program's directory:\n%s", target, programBinary, out)
		}
	}
}

// TestWorkflowsBuildTheProgramBeforePulumi: every workflow step that runs
// pulumi preview or up comes after a step that builds the program (make
// program or make build), or pulumi would find no binary.
func TestWorkflowsBuildTheProgramBeforePulumi(t *testing.T) {
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	runsPulumi := regexp.MustCompile(`pulumi (preview|up)\b|pulumi "\$\{args\[@\]\}"|mlplat preview up`)
	builds := regexp.MustCompile(`\bmake (program|build)\b`)
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Name, Run string
				}
			}
		}
		if err := yaml.Unmarshal(raw, &wf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for job, j := range wf.Jobs {
			built := false
			for _, s := range j.Steps {
				if builds.MatchString(s.Run) {
					built = true
				}
				if runsPulumi.MatchString(stripComments(s.Run)) {
					checked++
					if !built {
						t.Errorf("%s job %s: step %q runs pulumi before any step builds the program", f, job, s.Name)
					}
				}
			}
		}
	}
	if checked < 3 {
		t.Errorf("found %d steps running pulumi preview or up; want at least the preview, the deploy and the pull-request preview", checked)
	}
}

// stripComments drops shell comments, which mention pulumi commands too.
func stripComments(script string) string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		if i := strings.Index(line, "#"); i >= 0 && strings.TrimSpace(line[:i]) == "" {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
