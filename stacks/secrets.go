package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pangea-ai/mlplatform/environments"
)

// ServiceSecret is a config value the platform services need and no file in
// the repository holds: each operator sets it per stack with the pulumi CLI.
type ServiceSecret struct {
	// Key is the config key, in this project's namespace.
	Key string
	// Secret values are set with --secret and stay encrypted in state.
	Secret bool
	// Why says what needs it.
	Why string
}

// ServiceSecrets are the values an environment's services need: Grafana's
// admin password when it has monitoring, the GitHub App when it has runners.
func ServiceSecrets(env *environments.Environment) []ServiceSecret {
	var out []ServiceSecret
	if env.Monitoring != nil {
		out = append(out, ServiceSecret{Key: "grafanaAdminPassword", Secret: true, Why: "Grafana's admin password"})
	}
	if len(env.Runners) > 0 {
		out = append(out,
			ServiceSecret{Key: "githubAppId", Why: "the GitHub App the runner scale sets authenticate as"},
			ServiceSecret{Key: "githubAppInstallationId", Why: "the GitHub App's installation on the organisation"},
			ServiceSecret{Key: "githubAppPrivateKey", Secret: true, Why: "the GitHub App's private key (PEM)"},
		)
	}
	return out
}

// Command is how an operator sets the value.
func (s ServiceSecret) Command(stack string) string {
	flag := ""
	if s.Secret {
		flag = "--secret "
	}
	return fmt.Sprintf("pulumi config set %s%s:%s <value> --stack %s", flag, Project, s.Key, stack)
}

// serviceSecrets reads every value the environment's services need, as
// Pulumi secrets, and reports all missing ones at once.
func serviceSecrets(ctx *pulumi.Context, env *environments.Environment) (map[string]pulumi.StringOutput, error) {
	out := map[string]pulumi.StringOutput{}
	var missing []string
	for _, s := range ServiceSecrets(env) {
		v, err := config.TrySecret(ctx, Project+":"+s.Key)
		if err != nil {
			missing = append(missing, fmt.Sprintf("  %s (%s): %s", Project+":"+s.Key, s.Why, s.Command(ctx.Stack())))
			continue
		}
		out[s.Key] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("stack %s is missing config the platform services need; set each before pulumi up:\n%s", ctx.Stack(), strings.Join(missing, "\n"))
	}
	return out, nil
}
