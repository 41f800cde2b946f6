package previews

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/stacks"
)

// Config is the stack config of a preview: its environment (dev for a
// namespace preview, preview for a full one), cloud, region, pull request,
// expiry, and for a namespace preview the base stack. A full preview also
// takes the values only operators hold (the Grafana password, the GitHub
// App) from the environment variables EnvVar names, as secrets where they
// are secret; every missing one is reported at once.
func Config(r Request, env *environments.Environment, org string, now time.Time, getenv func(string) string) (map[string]Value, error) {
	p := stacks.Project + ":"
	cfg := map[string]Value{
		p + "cloud":       {Value: r.Cloud},
		p + "environment": {Value: env.Name},
		p + "pullRequest": {Value: strconv.Itoa(r.PR)},
		p + "expiresAt":   {Value: now.Add(r.TTL).UTC().Truncate(time.Second).Format(time.RFC3339)},
	}
	switch r.Cloud {
	case stacks.CloudAWS:
		if env.AWS == nil {
			return nil, fmt.Errorf("environments/%s.yaml has no aws section: a %s preview on aws has nothing to build", env.Name, r.Scope)
		}
		cfg["aws:region"] = Value{Value: env.AWS.Region}
	case stacks.CloudAzure:
		if env.Azure == nil {
			return nil, fmt.Errorf("environments/%s.yaml has no azure section: a %s preview on azure has nothing to build", env.Name, r.Scope)
		}
		cfg["azure-native:location"] = Value{Value: env.Azure.Location}
	}
	if r.Scope == Namespace {
		cfg[p+"scope"] = Value{Value: stacks.ScopeNamespace}
		cfg[p+"baseStack"] = Value{Value: FullyQualified(org, r.BaseStack())}
		if len(r.Models) > 0 {
			cfg[p+"previewModels"] = Value{Value: strings.Join(r.Models, ",")}
		}
		return cfg, nil
	}
	var missing []string
	for _, s := range stacks.ServiceSecrets(env) {
		if !s.AppliesTo(r.Cloud) {
			continue
		}
		v := getenv(EnvVar(s.Key))
		if v == "" {
			missing = append(missing, fmt.Sprintf("%s (%s)", EnvVar(s.Key), s.Why))
			continue
		}
		cfg[p+s.Key] = Value{Value: v, Secret: s.Secret}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("a full preview needs the values only operators hold; set these environment variables: %s", strings.Join(missing, ", "))
	}
	return cfg, nil
}

// EnvVar is the environment variable a full preview reads a config key
// from: grafanaAdminPassword → MLPLAT_GRAFANA_ADMIN_PASSWORD.
func EnvVar(key string) string {
	var b strings.Builder
	b.WriteString("MLPLAT_")
	for i, c := range key {
		if unicode.IsUpper(c) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	return b.String()
}

// FullyQualified names a stack in an organization: org/mlplatform/stack.
func FullyQualified(org, stack string) string { return org + "/" + Project + "/" + stack }
