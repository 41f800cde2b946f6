package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// newFlagSet is a command's flag set: errors and usage go to stderr, and
// -h prints synopsis then the flags.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: mlplat %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// errHelp means the command printed its help: exit 0.
var errHelp = errors.New("help printed")

// parseFlags parses a command's flags strictly. -h or --help prints the
// command's help on stdout and returns errHelp. A flag given twice (the
// flag package would keep the last silently) and a stray argument are
// errors that name the flag or the argument, as is anything the flag
// package refuses.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return errHelp
		}
	}
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		return fmt.Errorf("mlplat %s: %v", fs.Name(), err)
	}
	seen := map[string]int{}
	for _, a := range args[:len(args)-fs.NArg()] {
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if fs.Lookup(name) != nil {
			seen[name]++
		}
	}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(seen)) {
		if seen[name] > 1 {
			problems = append(problems, fmt.Sprintf("--%s is given %d times; give it once", name, seen[name]))
		}
	}
	for _, a := range fs.Args() {
		problems = append(problems, fmt.Sprintf("unexpected argument %q: this command takes only flags", a))
	}
	if len(problems) > 0 {
		return fmt.Errorf("mlplat %s: %s", fs.Name(), strings.Join(problems, "; "))
	}
	return nil
}

// flagExit turns a parseFlags error into the exit code, printing the
// error and the command's usage on stderr.
func flagExit(fs *flag.FlagSet, err error, stderr io.Writer) int {
	if errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "%v\n\n", err)
	fs.SetOutput(stderr)
	fs.Usage()
	return exitUsage
}
