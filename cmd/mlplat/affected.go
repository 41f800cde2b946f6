package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/offline"
	"github.com/pangea-ai/mlplatform/stacks"
)

// runAffected prints the stacks a change affects, for CI to plan.
func runAffected(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("affected", "affected --changed <file|-> (paths from git diff --name-only)", stderr)
	changed := fs.String("changed", "", "file listing the changed paths, one per line (- for stdin)")
	rootFlag := fs.String("root", "", "project root (default: the checkout around the current directory)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	if *changed == "" {
		return flagExit(fs, fmt.Errorf("mlplat affected: --changed is required"), stderr)
	}
	root, err := projectRoot(*rootFlag)
	if err != nil {
		return failed(stderr, err)
	}
	in := io.Reader(os.Stdin)
	if *changed != "-" {
		f, err := os.Open(*changed)
		if err != nil {
			return failed(stderr, fmt.Errorf("reading the changed paths: %w", err))
		}
		defer f.Close()
		in = f
	}
	var paths []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" {
			paths = append(paths, p)
		}
	}
	envOf := map[string]string{}
	for _, s := range offline.CommittedStacks(root) {
		cfg, err := offline.ReadStack(root, s)
		if err != nil {
			return failed(stderr, err)
		}
		envOf[s] = cfg.Values[stacks.Project+":environment"]
	}
	out := affected(paths, envOf)
	data, _ := json.Marshal(out)
	fmt.Fprintln(stdout, string(data))
	return exitOK
}

// affected maps changed paths to the committed stacks they can change:
// an environment file its stacks, a stack file its stack, and the program,
// its components, policies, the plan's engine and estimates, the catalogue
// override or the module files every stack. Docs, tests, CI files and the preview environment change no
// committed stack.
func affected(paths []string, envOf map[string]string) []string {
	set := map[string]bool{}
	all := func() {
		for s := range envOf {
			set[s] = true
		}
	}
	for _, p := range paths {
		dir, file := path.Split(p)
		switch {
		case p == "environments/catalog-overrides.yaml":
			all()
		case dir == "environments/" && strings.HasSuffix(file, ".yaml"):
			env := strings.TrimSuffix(file, ".yaml")
			for s, e := range envOf {
				if e == env {
					set[s] = true
				}
			}
		case dir == "stacks/" && strings.HasPrefix(file, "Pulumi.") && strings.HasSuffix(file, ".yaml"):
			if s := strings.TrimSuffix(strings.TrimPrefix(file, "Pulumi."), ".yaml"); envOf[s] != "" {
				set[s] = true
			}
		case p == "go.mod", p == "go.sum", p == "Pulumi.yaml", p == "main.go",
			strings.HasPrefix(p, "components/"), strings.HasPrefix(p, "policies/"),
			strings.HasPrefix(p, "environments/") && strings.HasSuffix(p, ".go"),
			strings.HasPrefix(p, "stacks/") && strings.HasSuffix(p, ".go"),
			// The plan's engine and estimates: every stack's plan, cost and
			// deploy time.
			strings.HasPrefix(p, "plan/") && strings.HasSuffix(p, ".go"):
			all()
		}
	}
	out := []string{}
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
