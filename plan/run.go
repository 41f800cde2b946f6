package plan

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Options describe one recorded run.
type Options struct {
	// Project and Stack name the run; URNs are built from them.
	Project, Stack string
	// Config holds "<namespace>:<key>" values, as a stack file would.
	Config map[string]string
	// SecretKeys lists the Config keys that are secrets.
	SecretKeys []string
	// Preview runs as `pulumi preview` does: computed outputs stay unknown and
	// Apply callbacks on them never run.
	Preview bool
	// World is the fake account; zero means DefaultWorld.
	World World
	// StackReferences answer StackReferences, by the referenced stack's
	// fully qualified name; a reference to a stack not listed fails.
	StackReferences map[string]StackOutputs
}

// StackOutputs are the outputs a referenced stack answers with.
type StackOutputs struct {
	Values map[string]interface{}
	// Secrets names the outputs that are secrets.
	Secrets []string
}

// Run executes program under the recorder and returns what it registered.
// The recording is complete when Run returns, whether or not the program
// failed; the error is the program's.
func Run(program pulumi.RunFunc, o Options) (*Recorder, error) {
	if o.World == (World{}) {
		o.World = DefaultWorld
	}
	rec := New(o.Project, o.Stack, o.World, o.Preview)
	rec.stackRefs = o.StackReferences
	err := pulumi.RunErr(program, pulumi.WithMocks(o.Project, o.Stack, rec), func(info *pulumi.RunInfo) {
		info.Config = o.Config
		info.ConfigSecretKeys = o.SecretKeys
		info.DryRun = o.Preview
	})
	return rec, unwrap(err)
}

// unwrap returns the program's own error when RunErr wrapped exactly one in
// its multierror, so callers see the message the program wrote.
func unwrap(err error) error {
	var multi interface{ WrappedErrors() []error }
	if errors.As(err, &multi) {
		if errs := multi.WrappedErrors(); len(errs) == 1 {
			return errs[0]
		}
	}
	return err
}
