package stacks

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
)

// TestStackConfigIsCheckedLikeAnEnvironmentFile: a stack file's mistakes
// are reported together, each with its fix, before anything is planned.
func TestStackConfigIsCheckedLikeAnEnvironmentFile(t *testing.T) {
	cases := map[string]struct {
		stack, file string
		want        string
	}{
		"the wrong environment under a stack": {"aws-dev", "config:\n  mlplatform:environment: prod\n  mlplatform:cloud: aws\n",
			"stacks/Pulumi.aws-dev.yaml: 1 problems:\n - mlplatform:environment = \"prod\", but stack aws-dev is named for the dev environment; fix: pulumi config set mlplatform:environment dev --stack aws-dev, or plan the stack named aws-prod"},
		"the wrong cloud": {"azure-staging", "config:\n  mlplatform:environment: staging\n  mlplatform:cloud: aws\n",
			"stacks/Pulumi.azure-staging.yaml: 1 problems:\n - mlplatform:cloud = \"aws\", but stack azure-staging is named for azure; fix: pulumi config set mlplatform:cloud azure --stack azure-staging, or give the stack a name that says aws"},
		"a misspelt key, a plaintext secret and no namespace": {"aws-prod", "config:\n  mlplatform:environment: prod\n  mlplatform:cloud: aws\n  enviroment: prod\n  mlplatform:grafanaAdminPassword: hunter2\n",
			"stacks/Pulumi.aws-prod.yaml: 2 problems:\n - mlplatform:enviroment: unknown key; did you mean mlplatform:environment?\n - mlplatform:grafanaAdminPassword is in plain text: it must be a secret; fix: pulumi config rm mlplatform:grafanaAdminPassword --stack aws-prod, then pulumi config set --secret mlplatform:grafanaAdminPassword <value> --stack aws-prod"},
		"a key nothing is close to": {"aws-dev", "config:\n  mlplatform:environment: dev\n  mlplatform:cloud: aws\n  mlplatform:replicas: 3\n",
			"stacks/Pulumi.aws-dev.yaml: 1 problems:\n - mlplatform:replicas: unknown key; the project reads environment, cloud, expiresAt, environmentFile, deployerPrincipalType, scope, pullRequest, baseStack, previewModels, grafanaAdminPassword, githubAppId, githubAppInstallationId, githubAppPrivateKey, mlflowAdminPassword, mlflowFlaskSecretKey, mlflowDatabasePassword, jupyterhubClientSecret"},
		"a path instead of a stack name": {"x/../../../evil", "",
			"--stack: 1 problems:\n - \"x/../../../evil\" is not a stack name (lowercase letters, digits and '-', as the files under stacks/ are named); stacks here: aws-dev"},
		"a preview stack runs dev on purpose": {"aws-pr-42", "config:\n  mlplatform:environment: dev\n  mlplatform:cloud: aws\n  mlplatform:pullRequest: 42\n", ""},
		"a secret set as a secret":            {"aws-dev", "config:\n  mlplatform:environment: dev\n  mlplatform:cloud: aws\n  mlplatform:grafanaAdminPassword:\n    secure: v1:abc\n", ""},
		"other namespaces are the providers'": {"aws-dev", "config:\n  mlplatform:environment: dev\n  mlplatform:cloud: aws\n  aws:region: us-east-1\n", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.MkdirAll(filepath.Join(root, "stacks"), 0o755); err != nil {
				t.Fatal(err)
			}
			// One committed stack, for the "stacks here" list.
			if err := os.WriteFile(filepath.Join(root, "stacks", "Pulumi.aws-dev.yaml"), []byte("config:\n  mlplatform:environment: dev\n  mlplatform:cloud: aws\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(root, "stacks", "Pulumi."+tc.stack+".yaml"), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := readStack(root, tc.stack)
			got := ""
			if err != nil {
				got = err.Error()
				if !stackfile.IsError(err) {
					t.Errorf("%v is not a ConfigError (exit 2)", err)
				}
			}
			if got != tc.want {
				t.Errorf("readStack() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestServiceSecretsAreKnownAndSecure: every value ServiceSecrets asks an
// operator for is a key the stack file may hold, and each secret one must
// be set with --secret.
func TestServiceSecretsAreKnownAndSecure(t *testing.T) {
	env, err := environments.Load(root, "prod", environments.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ServiceSecrets(env) {
		if !slices.Contains(ConfigKeys, s.Key) {
			t.Errorf("%s is asked for but is not in ConfigKeys: a stack file holding it would be refused", s.Key)
		}
		if s.Secret != mustBeSecret[s.Key] {
			t.Errorf("%s: Secret = %v but mustBeSecret = %v", s.Key, s.Secret, mustBeSecret[s.Key])
		}
	}
}
