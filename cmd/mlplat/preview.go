package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/offline"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/previews"
	"github.com/pangea-ai/mlplatform/stacks"
)

const previewUsage = `usage: mlplat preview <command> [flags]

  up --pr <N> [--scope namespace|full] [--cloud aws|azure] [--ttl 48h]
     [--models a,b | --changed-since <git-ref>]
        Show the preview stack's offline plan, then deploy it (pulumi CLI).
        A namespace preview serves every model of environments/dev.yaml, or
        those named, or those the branch adds or changes since git-ref.
  destroy --pr <N>
        Destroy and remove every preview stack of the pull request.
  list
        List preview stacks with their pull request, scope and expiry.
  reap [--dry-run]
        Destroy and remove every preview stack whose expiry has passed.

Stacks live in organization $MLPLAT_PULUMI_ORG (default "organization", as a
self-managed backend names it); the backend is the pulumi CLI's
(PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE).
`

// newPreviewBackend returns the backend previews run on; tests replace it.
var newPreviewBackend = func(root, org string) (previews.Backend, error) {
	return previews.NewAutomation(root, org)
}

func runPreview(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, previewUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, previewUsage)
		return exitOK
	case "up", "destroy", "list", "reap":
	default:
		fmt.Fprintf(stderr, "mlplat preview: unknown command %q\n\n%s", args[0], previewUsage)
		return exitUsage
	}
	fs := newFlagSet("preview "+args[0], "preview "+args[0]+" [flags] (mlplat preview --help lists the commands)", stderr)
	pr := fs.Int("pr", 0, "pull request number")
	scope := fs.String("scope", string(previews.Namespace), "namespace (the PR's models on the dev cluster) or full (a whole platform)")
	cloud := fs.String("cloud", "aws", "aws or azure")
	ttl := fs.Duration("ttl", previews.DefaultTTL, "how long the preview lives (at most environments/preview.yaml ephemeral.maxTTL)")
	dryRun := fs.Bool("dry-run", false, "reap: list what would be destroyed, destroy nothing")
	models := fs.String("models", "", "up: comma-separated models of dev.yaml to preview (default: every model)")
	changedSince := fs.String("changed-since", "", "up: preview only the models dev.yaml adds or changes since this git ref (the PR's base)")
	rootFlag := fs.String("root", "", "project root (default: the checkout around the current directory)")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	var bad []string
	if *pr < 0 {
		bad = append(bad, fmt.Sprintf("--pr %d: must be a pull request's number (1 or more)", *pr))
	}
	if *ttl <= 0 {
		bad = append(bad, fmt.Sprintf("--ttl %s: must be positive, e.g. 48h", *ttl))
	}
	if len(bad) > 0 {
		return flagExit(fs, fmt.Errorf("mlplat preview %s: %s", args[0], strings.Join(bad, "; ")), stderr)
	}
	root, err := projectRoot(*rootFlag)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	org := os.Getenv("MLPLAT_PULUMI_ORG")
	if org == "" {
		org = "organization"
	}
	ctx := context.Background()
	now := time.Now()
	if args[0] == "up" {
		req := previews.Request{PR: *pr, Scope: previews.Scope(*scope), Cloud: *cloud, TTL: *ttl}
		switch {
		case *models != "" && *changedSince != "":
			fmt.Fprintln(stderr, "mlplat preview up: --models and --changed-since both pick the models; give one")
			return exitUsage
		case *models != "":
			for _, m := range strings.Split(*models, ",") {
				if m = strings.TrimSpace(m); m != "" {
					req.Models = append(req.Models, m)
				}
			}
		case *changedSince != "":
			changed, err := modelsChangedSince(root, *changedSince)
			if err != nil {
				return failed(stderr, fmt.Errorf("mlplat preview up: %w", err))
			}
			if len(changed) == 0 {
				fmt.Fprintf(stdout, "no model in environments/dev.yaml is added or changed since %s: nothing to preview\n", *changedSince)
				return exitOK
			}
			fmt.Fprintf(stdout, "models added or changed since %s: %s\n", *changedSince, strings.Join(changed, ", "))
			req.Models = changed
		}
		return previewUp(ctx, req, root, org, now, stdout, stderr)
	}
	if args[0] == "destroy" && *pr <= 0 {
		fmt.Fprintf(stderr, "mlplat preview destroy: --pr %d: must be the pull request's number\n", *pr)
		return exitUsage
	}
	b, err := newPreviewBackend(root, org)
	if err != nil {
		return failed(stderr, fmt.Errorf("mlplat preview %s: %w", args[0], err))
	}
	list, err := b.List(ctx)
	if err != nil {
		return failed(stderr, err)
	}
	switch args[0] {
	case "destroy":
		mine := previews.ForPR(list, *pr)
		if len(mine) == 0 {
			fmt.Fprintf(stdout, "no preview stacks for pull request %d\n", *pr)
			return exitOK
		}
		if err := previews.DestroyAll(ctx, b, mine, stdout); err != nil {
			return failed(stderr, err)
		}
		fmt.Fprintf(stdout, "destroyed and removed %d preview stacks of pull request %d\n", len(mine), *pr)
		return exitOK
	case "list":
		writePreviewList(stdout, list, now)
		return exitOK
	}
	// reap: destroy what has expired, never what cannot be read.
	expired, unknown := previews.Expired(list, now)
	for _, s := range unknown {
		fmt.Fprintf(stderr, "warning: %s: expiry unknown (%s); not destroyed: check it and run mlplat preview destroy --pr %d if it is stale\n", s.Name, s.Problem, s.PR)
	}
	if len(expired) == 0 {
		fmt.Fprintf(stdout, "no expired preview stacks (%d listed)\n", len(list))
		return exitOK
	}
	if *dryRun {
		for _, s := range expired {
			fmt.Fprintf(stdout, "would destroy %s (pull request %d, expired %s)\n", s.Name, s.PR, s.ExpiresAt.Format(time.RFC3339))
		}
		return exitOK
	}
	if err := previews.DestroyAll(ctx, b, expired, stdout); err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(stdout, "reaped %d expired preview stacks\n", len(expired))
	return exitOK
}

// previewUp validates the request, prints the preview's offline plan and,
// when the plan passes the mandatory policies, deploys it.
func previewUp(ctx context.Context, r previews.Request, root, org string, now time.Time, stdout, stderr io.Writer) int {
	cat, err := catalog.LoadForEnvironments(filepath.Join(root, "environments"))
	if err != nil {
		return failed(stderr, err)
	}
	previewEnv, err := environments.Load(root, "preview", environments.Options{Now: now, Catalog: cat})
	if err != nil {
		return failed(stderr, err)
	}
	maxTTL, _ := time.ParseDuration(previewEnv.Ephemeral.MaxTTL)
	if err := r.Validate(maxTTL); err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	env := previewEnv
	if r.Scope == previews.Namespace {
		if env, err = environments.Load(root, "dev", environments.Options{Now: now, Catalog: cat}); err != nil {
			return failed(stderr, err)
		}
	}
	cfg, err := previews.Config(r, env, org, now, os.Getenv)
	if err != nil {
		return failed(stderr, fmt.Errorf("mlplat preview up: %w", err))
	}
	p, err := offline.Stack(root, r.StackName(), "", offlineConfig(cfg), offlineReferences(r, org), now)
	if err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(stdout, "Preview stack %s (pull request %d, %s scope, expires %s)\n\n", r.StackName(), r.PR, r.Scope, cfg[stacks.Project+":expiresAt"].Value)
	writeText(stdout, p)
	writeCostTable(stdout, p.Doc.Cost)
	writeDeployTime(stdout, p.Doc.DeployTime)
	writePolicyReport(stdout, p.Results)
	if rules.HasMandatory(p.Results) {
		fmt.Fprintln(stderr, "mlplat preview up: the preview breaks mandatory policies (above); fix them before deploying")
		return exitFailed
	}
	b, err := newPreviewBackend(root, org)
	if err != nil {
		fmt.Fprintf(stderr, "mlplat preview up: the offline plan above is what would be deployed, but deploying needs the pulumi CLI: %v\n", err)
		return exitFailed
	}
	outputs, err := b.Up(ctx, r.StackName(), cfg, stdout)
	if err != nil {
		return failed(stderr, err)
	}
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(stdout, "\npreview stack %s is up:\n", r.StackName())
	for _, k := range keys {
		v, _ := json.Marshal(outputs[k])
		fmt.Fprintf(stdout, "  %s: %s\n", k, v)
	}
	return exitOK
}

// modelsChangedSince returns the models environments/dev.yaml adds or
// changes between git ref and the working tree.
func modelsChangedSince(root, ref string) ([]string, error) {
	head, err := os.ReadFile(filepath.Join(root, "environments", "dev.yaml"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("git", "-C", root, "show", ref+":environments/dev.yaml")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	base, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(errOut.String())
		// A ref without the file: every model is new.
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			base = nil
		} else {
			return nil, fmt.Errorf("reading environments/dev.yaml at %s: %s (fetch the ref first, e.g. git fetch origin main)", ref, firstLine(msg, err))
		}
	}
	return previews.ChangedModels(base, head)
}

func firstLine(msg string, err error) string {
	if msg == "" {
		return err.Error()
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return msg[:i]
	}
	return msg
}

// offlineConfig turns a preview's config into what the offline plan runs
// with; secrets stay secrets.
func offlineConfig(cfg map[string]previews.Value) stackfile.Config {
	out := stackfile.Config{Values: map[string]string{}}
	for k, v := range cfg {
		out.Values[k] = v.Value
		if v.Secret {
			out.SecretKeys = append(out.SecretKeys, k)
		}
	}
	sort.Strings(out.SecretKeys)
	return out
}

// offlineReferences answer a namespace preview's StackReference offline:
// the base stack's outputs are placeholders named after the stack and key,
// since only the backend holds the real ones.
func offlineReferences(r previews.Request, org string) map[string]plan.StackOutputs {
	if r.Scope != previews.Namespace {
		return nil
	}
	fq := previews.FullyQualified(org, r.BaseStack())
	values := map[string]interface{}{}
	for _, k := range []string{"kubeconfig", "oidcIssuerUrl", "artifactBucket"} {
		values[k] = stackfile.Placeholder(r.BaseStack() + ":" + k)
	}
	// ARNs keep their shape so policies that read them can.
	values["oidcProviderArn"] = "arn:aws:iam::123456789012:oidc-provider/" + stackfile.Placeholder(r.BaseStack()+":oidcIssuerUrl")
	values["artifactBucketArn"] = "arn:aws:s3:::" + stackfile.Placeholder(r.BaseStack()+":artifactBucket")
	values["dataKeyArn"] = "arn:aws:kms:us-east-1:123456789012:key/" + stackfile.Placeholder(r.BaseStack()+":dataKeyArn")
	return map[string]plan.StackOutputs{fq: {Values: values, Secrets: []string{"kubeconfig"}}}
}

func writePreviewList(w io.Writer, list []previews.Summary, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no preview stacks")
		return
	}
	fmt.Fprintf(w, "%-22s %5s  %-9s  %-5s  %-20s  %s\n", "stack", "PR", "scope", "cloud", "expires", "state")
	for _, s := range list {
		expires, state := "unknown", "expiry unknown: "+s.Problem
		if !s.ExpiresAt.IsZero() {
			expires = s.ExpiresAt.UTC().Format(time.RFC3339)
			state = "live, " + s.ExpiresAt.Sub(now).Round(time.Minute).String() + " left"
			if !s.ExpiresAt.After(now) {
				state = "EXPIRED: mlplat preview reap removes it"
			}
		}
		fmt.Fprintf(w, "%-22s %5d  %-9s  %-5s  %-20s  %s\n", s.Name, s.PR, s.Scope, s.Cloud, expires, state)
	}
}

// projectRoot is --root, or the checkout around the working directory.
func projectRoot(flagRoot string) (string, error) {
	if flagRoot != "" {
		return filepath.Abs(flagRoot)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return stacks.ProjectRoot(cwd)
}
