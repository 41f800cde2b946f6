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
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "mlplat: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
