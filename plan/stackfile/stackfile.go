// Package stackfile reads a Pulumi stack file (stacks/Pulumi.<stack>.yaml)
// as the SDK would receive its config, for everything that runs the program
// offline: `mlplat plan`, `mlplat affected` and the tests. The program itself
// never reads it: under `pulumi up` the engine hands it the config.
//
// What the config may hold is the program's to say: Read takes the project
// namespace and a Check, stacks.CheckConfig, and reports every problem at
// once as an *Error (exit 2).
package stackfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a stack file's config as the SDK receives it.
type Config struct {
	// Values maps "<namespace>:<key>" to the value; secure values hold a
	// Placeholder, since only the pulumi CLI can decrypt them.
	Values map[string]string
	// SecretKeys lists the keys whose values are secure, sorted.
	SecretKeys []string
}

// Check returns the problems of a stack's config, each naming the key, the
// value, the rule and the fix.
type Check func(stack string, values map[string]string, secretKeys []string) []string

// Error lists every problem of a stack's config at once.
type Error struct {
	// Path is the stack file, relative to the project root, or the flag
	// that named it.
	Path     string
	Problems []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %d problems:\n - %s", e.Path, len(e.Problems), strings.Join(e.Problems, "\n - "))
}

// IsError reports whether err is a stack config's problems (exit 2).
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// stackName is what the stack files here are named: a stack name, never a
// path.
var stackName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Read reads stacks/Pulumi.<stack>.yaml under root and checks it. Keys
// without a namespace belong to project, as in the pulumi CLI.
func Read(root, stack, project string, check Check) (Config, error) {
	rel := filepath.Join("stacks", "Pulumi."+stack+".yaml")
	if !stackName.MatchString(stack) {
		return Config{}, &Error{Path: "--stack", Problems: []string{fmt.Sprintf("%q is not a stack name (lowercase letters, digits and '-', as the files under stacks/ are named); stacks here: %s", stack, strings.Join(List(root), ", "))}}
	}
	path := filepath.Join(root, rel)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Config{}, fmt.Errorf("no stack %q: %s does not exist; stacks here: %s", stack, rel, strings.Join(List(root), ", "))
		}
		return Config{}, fmt.Errorf("reading stack %q: %w", stack, err)
	}
	var doc struct {
		Config map[string]interface{} `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, fmt.Errorf("parsing %s: %w", path, err)
	}
	out := Config{Values: map[string]string{}}
	for k, v := range doc.Config {
		if !strings.Contains(k, ":") {
			k = project + ":" + k
		}
		switch val := v.(type) {
		case map[string]interface{}:
			if _, secure := val["secure"]; !secure {
				return Config{}, fmt.Errorf("%s: config %s: structured values are not used by this project", path, k)
			}
			out.Values[k] = Placeholder(k)
			out.SecretKeys = append(out.SecretKeys, k)
		default:
			out.Values[k] = fmt.Sprint(val)
		}
	}
	sort.Strings(out.SecretKeys)
	if problems := check(stack, out.Values, out.SecretKeys); len(problems) > 0 {
		return Config{}, &Error{Path: rel, Problems: problems}
	}
	return out, nil
}

// Placeholder stands in offline for a config value only the pulumi CLI or
// the operator holds.
func Placeholder(key string) string { return "offline-placeholder-for-" + key }

// List returns the stacks with a file under root/stacks, sorted: the
// committed ones and any a preview left behind (see stacks.IsPreviewStack).
func List(root string) []string {
	matches, _ := filepath.Glob(filepath.Join(root, "stacks", "Pulumi.*.yaml"))
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}
