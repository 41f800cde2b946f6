package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
	exitUsage   = 64
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `mlplat: the mlplatform toolkit's command line

Commands:
  plan --stack <name> [--format text|json] [--environment-file <path>]
        Show every resource a stack would create, offline, without credentials.
        --diff-against <old.json> prints the resource, cost and policy delta
        as Markdown (a PR comment) instead; the old plan must be of the same
        stack unless --diff-other-stack.
  render --stack <name> --out <dir> [--environment-file <path>]
        Write every Kubernetes object the stack creates as YAML, one file per
        object in apply order, and its Helm releases to helm-releases.yaml,
        replacing an earlier render in <dir>.
  models --stack <name> [--environment-file <path>]
        Print the model cards of the stack's models as Markdown (a PR comment).
  preview up|destroy|list|reap [--pr <N>] [--scope namespace|full] [--cloud aws|azure] [--ttl 48h]
        Pull-request preview stacks (deploying needs the pulumi CLI).
  promote --env <name> --model <name> (--version <n> | --alias <name>) [--from mlflow]
        Point the model's storageUri in environments/<env>.yaml at a version
        in the MLflow registry ($MLFLOW_TRACKING_URI, with the user in
        $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD); the pull
        request with the change is the deploy.
  affected --changed <file>
        Print the JSON list of stacks the changed paths (one per line) affect.

Run 'mlplat <command> -h' for a command's flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "plan":
		return runPlan(args[1:], stdout, stderr)
	case "render":
		return runRender(args[1:], stdout, stderr)
	case "models":
		return runModels(args[1:], stdout, stderr)
	case "preview":
		return runPreview(args[1:], stdout, stderr)
	case "affected":
		return runAffected(args[1:], stdout, stderr)
	case "promote":
		return runPromote(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "mlplat: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
