package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/offline"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
	"github.com/pangea-ai/mlplatform/policies/rules"
)

// register adds the flags every command that plans a stack takes: --stack
// (described by stackHelp), --environment-file and --root.
func (f *planFlags) register(fs *flag.FlagSet, stackHelp string) {
	fs.StringVar(&f.stack, "stack", "", stackHelp)
	fs.StringVar(&f.envFile, "environment-file", "", "use this environment file instead of the stack's")
	fs.StringVar(&f.root, "root", "", "project root (default: the checkout around the current directory)")
}

type planFlags struct {
	stack, format, envFile, root string
	// diffAgainst is an earlier JSON plan to print the Markdown delta against.
	diffAgainst string
}

func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan", "plan --stack <name> [--format text|json] [--environment-file <path>] [--diff-against <old.json> [--diff-other-stack]]", stderr)
	var f planFlags
	f.register(fs, "stack to plan, e.g. aws-dev (required)")
	fs.StringVar(&f.format, "format", "text", "output format: text or json")
	fs.StringVar(&f.diffAgainst, "diff-against", "", "print a Markdown delta (resources, cost, policies) against this earlier `plan.json` instead of the text plan")
	otherStack := fs.Bool("diff-other-stack", false, "with --diff-against: allow the earlier plan to be of another stack")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	if f.stack == "" || (f.format != "text" && f.format != "json") {
		return flagExit(fs, fmt.Errorf("mlplat plan: --stack is required and --format is text or json"), stderr)
	}
	if f.diffAgainst != "" && f.format == "json" {
		fmt.Fprintln(stderr, "mlplat plan: --diff-against prints Markdown; drop --format json")
		return exitUsage
	}
	var old offline.Plan
	if f.diffAgainst != "" {
		var err error
		if old, err = readPlanFile(f.diffAgainst); err != nil {
			return failed(stderr, err)
		}
		if old.Stack != f.stack && !*otherStack {
			fmt.Fprintf(stderr, "mlplat plan: --diff-against %s is a plan of stack %q, not %q: the delta would compare two stacks; plan the same stack, or add --diff-other-stack to compare them on purpose\n", f.diffAgainst, old.Stack, f.stack)
			return exitUsage
		}
	}
	pl, err := buildPlan(f, time.Now())
	if err != nil {
		return failed(stderr, err)
	}
	// A mandatory policy violation fails the plan, as it fails pulumi
	// preview with the policy pack.
	code := exitOK
	if rules.HasMandatory(pl.Results) {
		code = exitFailed
	}
	if f.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(pl.Doc); err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		return code
	}
	if f.diffAgainst != "" {
		fmt.Fprint(stdout, diffMarkdown(old, pl.Doc))
		return code
	}
	writeText(stdout, pl)
	writeCostTable(stdout, pl.Doc.Cost)
	writeDeployTime(stdout, pl.Doc.DeployTime)
	writePolicyReport(stdout, pl.Results)
	if len(pl.Unset) > 0 {
		fmt.Fprintf(stderr, "note: the plan used placeholders for config this stack does not set yet; before pulumi up, run:\n")
		for _, c := range pl.Unset {
			fmt.Fprintf(stderr, "  %s\n", c)
		}
	}
	return code
}

// buildPlan plans the stack the flags name, from its committed file.
func buildPlan(f planFlags, now time.Time) (*offline.Planned, error) {
	root, err := projectRoot(f.root)
	if err != nil {
		return nil, err
	}
	cfg, err := offline.ReadStack(root, f.stack)
	if err != nil {
		return nil, err
	}
	return offline.Stack(root, f.stack, f.envFile, cfg, nil, now)
}

// failed prints err and returns the exit code: 2 for an invalid environment
// file, 1 for anything else.
func failed(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, err)
	if environments.IsValidationError(err) || stackfile.IsError(err) {
		return exitInvalid
	}
	return exitFailed
}
