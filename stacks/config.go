package stacks

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/environments"
)

// Project is the Pulumi project name; config keys live in its namespace.
const Project = "mlplatform"

// Clouds the toolkit builds for.
const (
	CloudAWS   = "aws"
	CloudAzure = "azure"
)

// Settings are the stack's own config (the mlplatform: namespace).
type Settings struct {
	// Environment names environments/<environment>.yaml.
	Environment string
	// Cloud is the cloud this stack builds on.
	Cloud string
	// ExpiresAt is the RFC 3339 expiry of an ephemeral (preview) stack.
	ExpiresAt string
	// EnvironmentFile overrides the environment file's path (fixtures).
	EnvironmentFile string
	// DeployerPrincipalType is what runs the deployment on Azure:
	// ServicePrincipal (default; CI) or User (someone's own az login).
	DeployerPrincipalType string
	// Scope is ScopePlatform (the whole platform) or ScopeNamespace (a pull
	// request's models on the base stack's cluster).
	Scope string
	// PullRequest is the pull request a preview stack serves.
	PullRequest int
	// BaseStack is the fully qualified stack a namespace preview deploys
	// onto ("organization/mlplatform/aws-dev").
	BaseStack string
	// PreviewModels names the models a namespace preview deploys (the ones
	// the pull request adds or changes); empty means every model.
	PreviewModels []string
}

// SettingsFrom reads Settings from a flat "<namespace>:<key>" config map and
// reports every missing or invalid key at once.
func SettingsFrom(values map[string]string) (Settings, error) {
	return settingsFrom(func(key string) string { return values[key] })
}

func settingsFrom(get func(key string) string) (Settings, error) {
	s := Settings{
		Environment:           get(Project + ":environment"),
		Cloud:                 get(Project + ":cloud"),
		ExpiresAt:             get(Project + ":expiresAt"),
		EnvironmentFile:       get(Project + ":environmentFile"),
		DeployerPrincipalType: get(Project + ":deployerPrincipalType"),
		Scope:                 get(Project + ":scope"),
		BaseStack:             get(Project + ":baseStack"),
	}
	for _, m := range strings.Split(get(Project+":previewModels"), ",") {
		if m = strings.TrimSpace(m); m != "" {
			s.PreviewModels = append(s.PreviewModels, m)
		}
	}
	if s.DeployerPrincipalType == "" {
		s.DeployerPrincipalType = "ServicePrincipal"
	}
	var problems []string
	if s.Environment == "" {
		problems = append(problems, fmt.Sprintf("mlplatform:environment is not set; fix: pulumi config set environment <%s>", strings.Join(environments.Names, "|")))
	}
	if s.Cloud != CloudAWS && s.Cloud != CloudAzure {
		problems = append(problems, fmt.Sprintf("mlplatform:cloud = %q: must be aws or azure; fix: pulumi config set cloud <aws|azure>", s.Cloud))
	}
	if s.DeployerPrincipalType != "ServicePrincipal" && s.DeployerPrincipalType != "User" {
		problems = append(problems, fmt.Sprintf("mlplatform:deployerPrincipalType = %q: must be ServicePrincipal or User; fix: pulumi config set deployerPrincipalType User when deploying with your own login", s.DeployerPrincipalType))
	}
	if pr := get(Project + ":pullRequest"); pr != "" {
		n, err := strconv.Atoi(pr)
		if err != nil || n <= 0 {
			problems = append(problems, fmt.Sprintf("mlplatform:pullRequest = %q: must be a pull request number; fix: pulumi config set pullRequest <N>", pr))
		}
		s.PullRequest = n
	}
	switch s.Scope {
	case ScopePlatform:
	case ScopeNamespace:
		if s.PullRequest <= 0 {
			problems = append(problems, "mlplatform:scope = namespace needs mlplatform:pullRequest; fix: pulumi config set pullRequest <N> (mlplat preview up sets it)")
		}
		if s.BaseStack == "" {
			problems = append(problems, "mlplatform:scope = namespace needs mlplatform:baseStack, the stack whose cluster hosts the preview; fix: pulumi config set baseStack organization/mlplatform/<cloud>-dev")
		}
	default:
		problems = append(problems, fmt.Sprintf("mlplatform:scope = %q: must be empty (the whole platform) or namespace; fix: pulumi config rm scope, or set it to namespace", s.Scope))
	}
	if len(problems) > 0 {
		return s, errors.New("stack config: " + strings.Join(problems, "; "))
	}
	return s, nil
}

// LoadEnvironment loads the environment a stack's settings name, relative to
// the project root.
func LoadEnvironment(root string, s Settings, now time.Time) (*environments.Environment, error) {
	path := s.EnvironmentFile
	if path == "" {
		path = filepath.Join("environments", s.Environment+".yaml")
	}
	if !filepath.IsAbs(path) {
		if root == "" {
			return nil, fmt.Errorf("reading environment %q: relative path %s needs the project root", s.Environment, path)
		}
		path = filepath.Join(root, path)
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = path
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading environment %q: %w", s.Environment, err)
	}
	// The catalogue override beside the environment files adds or reprices
	// instance types; validation must know the types it adds.
	cat, err := catalog.LoadForEnvironments(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	return environments.Parse(rel, data, environments.Options{Now: now, Catalog: cat})
}

// ProjectRoot finds the directory holding Pulumi.yaml, from dir upwards.
func ProjectRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no Pulumi.yaml in %s or above it: run from inside the mlplatform checkout", dir)
		}
	}
}

// ConfigKeys are the keys of this project's namespace that the program
// reads; any other mlplatform: key in a stack file is a mistake.
var ConfigKeys = []string{"environment", "cloud", "expiresAt", "environmentFile", "deployerPrincipalType", "scope", "pullRequest",
	"baseStack", "previewModels", "grafanaAdminPassword", "githubAppId", "githubAppInstallationId", "githubAppPrivateKey",
	"mlflowAdminPassword", "mlflowFlaskSecretKey", "mlflowDatabasePassword", "jupyterhubClientSecret"}

// mustBeSecret keys must be set with --secret: in plain text they would sit in
// the repository and in state unencrypted.
var mustBeSecret = map[string]bool{"grafanaAdminPassword": true, "githubAppPrivateKey": true,
	"mlflowAdminPassword": true, "mlflowFlaskSecretKey": true, "mlflowDatabasePassword": true, "jupyterhubClientSecret": true}

// CheckConfig reports, in a stack's config as the plan reads it from the
// stack file (plan/stackfile), unknown keys, plaintext secrets, and a cloud
// or environment other than the one the stack is named for. Preview stacks
// (<cloud>-pr-<N>) run the dev or preview environment on purpose.
func CheckConfig(stack string, values map[string]string, secretKeys []string) []string {
	var problems []string
	secret := map[string]bool{}
	for _, k := range secretKeys {
		secret[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		ns, key, _ := strings.Cut(k, ":")
		if ns != Project {
			continue
		}
		if !slices.Contains(ConfigKeys, key) {
			hint := "the project reads " + strings.Join(ConfigKeys, ", ")
			if s := catalog.ClosestOf(key, ConfigKeys); s != "" {
				hint = "did you mean " + Project + ":" + s + "?"
			}
			problems = append(problems, fmt.Sprintf("%s: unknown key; %s", k, hint))
		}
		if mustBeSecret[key] && !secret[k] {
			problems = append(problems, fmt.Sprintf("%s is in plain text: it must be a secret; fix: pulumi config rm %s --stack %s, then pulumi config set --secret %s <value> --stack %s", k, k, stack, k, stack))
		}
	}
	cloud, env := values[Project+":cloud"], values[Project+":environment"]
	for _, named := range []string{CloudAWS, CloudAzure} {
		rest, ok := strings.CutPrefix(stack, named+"-")
		if !ok {
			continue
		}
		if cloud != named {
			problems = append(problems, fmt.Sprintf("%s:cloud = %q, but stack %s is named for %s; fix: pulumi config set %s:cloud %s --stack %s, or give the stack a name that says %s", Project, cloud, stack, named, Project, named, stack, cloud))
		}
		if slices.Contains(environments.Names, rest) && env != rest && !previewStack.MatchString(stack) {
			problems = append(problems, fmt.Sprintf("%s:environment = %q, but stack %s is named for the %s environment; fix: pulumi config set %s:environment %s --stack %s, or plan the stack named %s-%s", Project, env, stack, rest, Project, rest, stack, named, env))
		}
	}
	return problems
}

var previewStack = regexp.MustCompile(`-pr-[0-9]+(-full)?$`)

// IsPreviewStack reports whether a stack is a pull request's preview
// (<cloud>-pr-<N>, <cloud>-pr-<N>-full), not a committed stack: mlplat
// preview up leaves such stack files under stacks/ when run by hand.
func IsPreviewStack(stack string) bool { return previewStack.MatchString(stack) }
