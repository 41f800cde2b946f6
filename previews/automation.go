package previews

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// Automation runs previews with the Pulumi Automation API and the local
// program at Root, against the backend the environment names
// (PULUMI_BACKEND_URL, or the pulumi login).
type Automation struct {
	// Root is the project root (the directory holding Pulumi.yaml).
	Root string
	// Org is the organization preview stacks live in ("organization" on a
	// self-managed backend).
	Org string
}

// NewAutomation returns the Automation backend, or ErrNoCLI when the pulumi
// CLI is not on PATH.
func NewAutomation(root, org string) (*Automation, error) {
	if _, err := exec.LookPath("pulumi"); err != nil {
		return nil, ErrNoCLI
	}
	return &Automation{Root: root, Org: org}, nil
}

// Up creates or selects the stack, sets its config and deploys it.
func (a *Automation) Up(ctx context.Context, stack string, cfg map[string]Value, progress io.Writer) (map[string]interface{}, error) {
	fq := FullyQualified(a.Org, stack)
	if err := a.buildProgram(ctx); err != nil {
		return nil, err
	}
	s, err := auto.UpsertStackLocalSource(ctx, fq, a.Root)
	if err != nil {
		return nil, fmt.Errorf("creating preview stack %s: %w", fq, err)
	}
	all := auto.ConfigMap{}
	for k, v := range cfg {
		all[k] = auto.ConfigValue{Value: v.Value, Secret: v.Secret}
	}
	if err := s.SetAllConfig(ctx, all); err != nil {
		return nil, fmt.Errorf("setting the config of %s: %w", fq, err)
	}
	res, err := s.Up(ctx, optup.ProgressStreams(progress))
	if err != nil {
		return nil, fmt.Errorf("pulumi up of %s: %w", fq, err)
	}
	out := map[string]interface{}{}
	for k, v := range res.Outputs {
		if v.Secret {
			out[k] = "[secret]"
			continue
		}
		out[k] = v.Value
	}
	return out, nil
}

// ProgramBinary is the Pulumi program's prebuilt binary, relative to the
// project root, as Pulumi.yaml's runtime.options.binary names it.
const ProgramBinary = "bin/mlplatform"

// buildProgram builds the program's binary from the checkout before a
// deployment, as make program does: Pulumi.yaml runs the binary, so a
// stale one would deploy an older program. A no-op build takes seconds,
// from the build cache.
func (a *Automation) buildProgram(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags=-w", "-o", ProgramBinary, ".")
	cmd.Dir = a.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the Pulumi program (%s) in %s: %w\n%s", ProgramBinary, a.Root, err, out)
	}
	return nil
}

// Destroy destroys the stack's resources, then removes the stack.
func (a *Automation) Destroy(ctx context.Context, stack string, progress io.Writer) error {
	fq := FullyQualified(a.Org, stack)
	s, err := auto.SelectStackLocalSource(ctx, fq, a.Root)
	if err != nil {
		return fmt.Errorf("selecting preview stack %s: %w", fq, err)
	}
	if _, err := s.Destroy(ctx, optdestroy.ProgressStreams(progress), optdestroy.Remove()); err != nil {
		return fmt.Errorf("pulumi destroy of %s: %w", fq, err)
	}
	return nil
}

// List returns the backend's preview stacks with their expiresAt output.
func (a *Automation) List(ctx context.Context) ([]Summary, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(a.Root))
	if err != nil {
		return nil, fmt.Errorf("opening the workspace at %s: %w", a.Root, err)
	}
	stacks, err := ws.ListStacks(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing stacks: %w", err)
	}
	var out []Summary
	for _, st := range stacks {
		info, ok := ParseStackName(st.Name)
		if !ok {
			continue
		}
		s := Summary{Name: path.Base(st.Name), Info: info, Resources: -1}
		if st.ResourceCount != nil {
			s.Resources = *st.ResourceCount
		}
		outputs, err := ws.StackOutputs(ctx, FullyQualified(a.Org, s.Name))
		if err != nil {
			s.Problem = fmt.Sprintf("reading its outputs: %v", err)
		} else {
			plain := map[string]interface{}{}
			for k, v := range outputs {
				plain[k] = v.Value
			}
			s.ExpiresAt, s.Problem = ParseExpiry(plain)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
