package stacks

import (
	"fmt"
	"strings"
	"unicode"

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
	// Cloud, when set, is the only cloud whose stacks need it.
	Cloud string
}

// AppliesTo reports whether a stack on cloud needs the value.
func (s ServiceSecret) AppliesTo(cloud string) bool { return s.Cloud == "" || s.Cloud == cloud }

// ServiceSecrets are the values an environment's services need: Grafana's
// admin password when it has monitoring, the GitHub App when it has runners.
func ServiceSecrets(env *environments.Environment) []ServiceSecret {
	var out []ServiceSecret
	if env.Monitoring != nil {
		out = append(out, ServiceSecret{Key: "grafanaAdminPassword", Secret: true, Why: "Grafana's admin password"})
	}
	if env.MLflowOn() {
		out = append(out,
			ServiceSecret{Key: "mlflowAdminPassword", Secret: true, Why: "MLflow's bootstrap administrator password (at least 12 characters)"},
			ServiceSecret{Key: "mlflowFlaskSecretKey", Secret: true, Why: "the key MLflow signs its CSRF tokens with, shared by every replica"},
		)
		if env.Azure != nil {
			// RDS makes and rotates its own; Azure's flexible server takes
			// the administrator password it is given.
			out = append(out, ServiceSecret{Key: "mlflowDatabasePassword", Secret: true, Cloud: CloudAzure,
				Why: "the MLflow database administrator's password (16 or more characters, three of upper, lower, digit, symbol), kept in Key Vault"})
		}
	}
	if j := env.JupyterHub; j != nil {
		provider := "GitHub OAuth app's"
		if j.Auth.Entra != nil {
			provider = "Entra app registration's"
		}
		out = append(out, ServiceSecret{Key: "jupyterhubClientSecret", Secret: true, Why: "the JupyterHub " + provider + " client secret"})
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
func serviceSecrets(ctx *pulumi.Context, env *environments.Environment, cloud string) (map[string]pulumi.StringOutput, error) {
	out := map[string]pulumi.StringOutput{}
	var missing []string
	for _, s := range ServiceSecrets(env) {
		if !s.AppliesTo(cloud) {
			continue
		}
		v, err := config.TrySecret(ctx, Project+":"+s.Key)
		if err != nil {
			missing = append(missing, fmt.Sprintf("  %s (%s): %s", Project+":"+s.Key, s.Why, s.Command(ctx.Stack())))
			continue
		}
		out[s.Key] = v
		if rule := weakPassword(s.Key, config.Get(ctx, Project+":"+s.Key)); rule != "" {
			missing = append(missing, fmt.Sprintf("  %s (%s): %s; %s", Project+":"+s.Key, s.Why, rule, s.Command(ctx.Stack())))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("stack %s is missing config the platform services need; set each before pulumi up:\n%s", ctx.Stack(), strings.Join(missing, "\n"))
	}
	return out, nil
}

// weakPassword returns the rule a password breaks, or "". MLflow refuses
// to bootstrap an admin with fewer than 12 characters or its old default
// (mlflow PR 25751); Azure's flexible server wants three character classes
// of upper, lower, digit and symbol, and the toolkit asks 16 characters of
// a database password nobody types.
func weakPassword(key, pw string) string {
	switch key {
	case "mlflowAdminPassword":
		if len(pw) < 12 || pw == "password1234" {
			return "must be at least 12 characters and not MLflow's old default"
		}
	case "mlflowDatabasePassword":
		classes := 0
		for _, f := range []func(rune) bool{unicode.IsUpper, unicode.IsLower, unicode.IsDigit, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }} {
			if strings.IndexFunc(pw, f) >= 0 {
				classes++
			}
		}
		if len(pw) < 16 || classes < 3 {
			return "must be at least 16 characters of at least three of upper case, lower case, digits and symbols"
		}
	}
	return ""
}
