package previews

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Scope is how much a preview stands up.
type Scope string

// The preview scopes.
const (
	// Namespace deploys the pull request's models and explainers into
	// namespace pr-<N> on the shared dev cluster.
	Namespace Scope = "namespace"
	// Full stands up a whole platform from environments/preview.yaml.
	Full Scope = "full"
)

// DefaultTTL is how long a preview lives unless asked otherwise.
const DefaultTTL = 48 * time.Hour

// Project is the Pulumi project of the preview stacks.
const Project = "mlplatform"

// Request is one `mlplat preview up`.
type Request struct {
	PR    int
	Scope Scope
	Cloud string
	TTL   time.Duration
	// Models limits a namespace preview to these models (the ones the pull
	// request adds or changes); empty means every model of dev.yaml.
	Models []string
}

// Validate reports every problem with the request at once; maxTTL is the
// preview environment's ephemeral.maxTTL.
func (r Request) Validate(maxTTL time.Duration) error {
	var problems []string
	if r.PR <= 0 {
		problems = append(problems, fmt.Sprintf("--pr %d: must be the pull request's number (1 or more)", r.PR))
	}
	if r.Scope != Namespace && r.Scope != Full {
		problems = append(problems, fmt.Sprintf("--scope %q: must be namespace (the PR's models on the dev cluster) or full (a whole platform)", r.Scope))
	}
	if r.Cloud != "aws" && r.Cloud != "azure" {
		problems = append(problems, fmt.Sprintf("--cloud %q: must be aws or azure", r.Cloud))
	}
	if len(r.Models) > 0 && r.Scope == Full {
		problems = append(problems, "--models or --changed-since: a full preview stands up every model; pick the models only with --scope namespace")
	}
	if r.TTL <= 0 || r.TTL > maxTTL {
		problems = append(problems, fmt.Sprintf("--ttl %s: must be above 0 and at most %s (environments/preview.yaml ephemeral.maxTTL)", r.TTL, maxTTL))
	}
	if len(problems) > 0 {
		return fmt.Errorf("mlplat preview up: %d problems:\n - %s", len(problems), strings.Join(problems, "\n - "))
	}
	return nil
}

// StackName is the preview stack of a request: <cloud>-pr-<N> for the
// namespace scope, <cloud>-pr-<N>-full for a whole platform.
func (r Request) StackName() string {
	name := fmt.Sprintf("%s-pr-%d", r.Cloud, r.PR)
	if r.Scope == Full {
		name += "-full"
	}
	return name
}

// BaseStack is the stack whose cluster hosts a namespace preview.
func (r Request) BaseStack() string { return r.Cloud + "-dev" }

var stackName = regexp.MustCompile(`^(?:[^/]+/[^/]+/)?(aws|azure)-pr-([1-9][0-9]*)(-full)?$`)

// Info is what a preview stack's name says about it.
type Info struct {
	Cloud string
	PR    int
	Scope Scope
}

// ParseStackName reads a (possibly fully qualified) stack name; ok is false
// for a stack that is not a preview.
func ParseStackName(name string) (Info, bool) {
	m := stackName.FindStringSubmatch(name)
	if m == nil {
		return Info{}, false
	}
	pr, _ := strconv.Atoi(m[2])
	scope := Namespace
	if m[3] != "" {
		scope = Full
	}
	return Info{Cloud: m[1], PR: pr, Scope: scope}, true
}

// Value is one config value of a preview stack.
type Value struct {
	Value  string
	Secret bool
}

// Summary is one preview stack as the backend lists it.
type Summary struct {
	// Name is the stack's short name (aws-pr-42).
	Name string
	Info
	// ExpiresAt is the stack's expiresAt output; zero when unknown (never
	// deployed, or an output that does not parse).
	ExpiresAt time.Time
	// Problem says why the expiry is unknown.
	Problem string
	// Resources is the stack's resource count, -1 when unknown.
	Resources int
}

// Backend runs preview stacks. Automation is the real one.
type Backend interface {
	// Up creates or updates the stack with cfg and deploys it.
	Up(ctx context.Context, stack string, cfg map[string]Value, progress io.Writer) (map[string]interface{}, error)
	// Destroy destroys the stack's resources and then removes the stack.
	Destroy(ctx context.Context, stack string, progress io.Writer) error
	// List returns the preview stacks with their expiry.
	List(ctx context.Context) ([]Summary, error)
}

// ErrNoCLI is returned when the pulumi CLI is missing.
var ErrNoCLI = errors.New("the pulumi CLI is not installed (mlplat preview runs pulumi through the Automation API); fix: install it (https://www.pulumi.com/docs/install/, the same version as the SDK, 3.263.0), log in to the team's backend (export PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE, or pulumi login), then retry")

// Expired splits the listed previews into those whose expiry has passed
// and those whose expiry cannot be read (reported, never destroyed).
func Expired(list []Summary, now time.Time) (expired, unknown []Summary) {
	for _, s := range list {
		switch {
		case s.ExpiresAt.IsZero():
			unknown = append(unknown, s)
		case !s.ExpiresAt.After(now):
			expired = append(expired, s)
		}
	}
	return expired, unknown
}

// ForPR returns the listed previews of one pull request.
func ForPR(list []Summary, pr int) []Summary {
	var out []Summary
	for _, s := range list {
		if s.PR == pr {
			out = append(out, s)
		}
	}
	return out
}

// DestroyAll destroys and removes each stack in turn, reporting every
// failure at the end rather than stopping at the first.
func DestroyAll(ctx context.Context, b Backend, list []Summary, progress io.Writer) error {
	var failed []string
	for _, s := range list {
		fmt.Fprintf(progress, "destroying preview stack %s (pull request %d, %s scope)\n", s.Name, s.PR, s.Scope)
		if err := b.Destroy(ctx, s.Name, progress); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", s.Name, err))
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		return fmt.Errorf("destroying %d of %d preview stacks failed; rerun, or destroy by hand with pulumi destroy --remove:\n - %s", len(failed), len(list), strings.Join(failed, "\n - "))
	}
	return nil
}

// ParseExpiry reads a stack's expiresAt output.
func ParseExpiry(outputs map[string]interface{}) (time.Time, string) {
	v, ok := outputs["expiresAt"]
	if !ok {
		return time.Time{}, "the stack has no expiresAt output (never deployed, or deployed by an older mlplat)"
	}
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("expiresAt output %q is not an RFC 3339 time", v)
	}
	return at, ""
}
