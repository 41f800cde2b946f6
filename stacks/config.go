package stacks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

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

// StackConfig is a stack file's config as the SDK receives it.
type StackConfig struct {
	// Values maps "<namespace>:<key>" to the value; secure values hold a
	// placeholder, since only the pulumi CLI can decrypt them.
	Values map[string]string
	// SecretKeys lists the keys whose values are secure.
	SecretKeys []string
}

// ReadStackConfig reads stacks/Pulumi.<stack>.yaml. Keys without a namespace
// belong to the project, as in the pulumi CLI.
func ReadStackConfig(root, stack string) (StackConfig, error) {
	path := filepath.Join(root, "stacks", "Pulumi."+stack+".yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return StackConfig{}, fmt.Errorf("no stack %q: %s does not exist; stacks here: %s", stack, filepath.Join("stacks", "Pulumi."+stack+".yaml"), strings.Join(ListStacks(root), ", "))
		}
		return StackConfig{}, fmt.Errorf("reading stack %q: %w", stack, err)
	}
	var doc struct {
		Config map[string]interface{} `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return StackConfig{}, fmt.Errorf("parsing %s: %w", path, err)
	}
	out := StackConfig{Values: map[string]string{}}
	for k, v := range doc.Config {
		if !strings.Contains(k, ":") {
			k = Project + ":" + k
		}
		switch val := v.(type) {
		case map[string]interface{}:
			if _, secure := val["secure"]; !secure {
				return StackConfig{}, fmt.Errorf("%s: config %s: structured values are not used by this project", path, k)
			}
			out.Values[k] = Placeholder(k)
			out.SecretKeys = append(out.SecretKeys, k)
		default:
			out.Values[k] = fmt.Sprint(val)
		}
	}
	sort.Strings(out.SecretKeys)
	return out, nil
}

// Placeholder stands in offline for a config value only the pulumi CLI or
// the operator holds.
func Placeholder(key string) string { return "offline-placeholder-for-" + key }

var previewStack = regexp.MustCompile(`-pr-[0-9]+(-full)?$`)

// ListStacks returns the committed stacks: those with a config file under
// stacks/, except pull-request previews'.
func ListStacks(root string) []string {
	matches, _ := filepath.Glob(filepath.Join(root, "stacks", "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml")
		// mlplat preview up leaves its stacks' files here when run by hand;
		// they are not committed stacks.
		if previewStack.MatchString(name) {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
