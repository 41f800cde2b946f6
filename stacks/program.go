package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// Main runs the program under the pulumi CLI; the root main.go calls it.
func Main() { pulumi.Run(Program) }

// Program is the Pulumi program for every stack.
func Program(ctx *pulumi.Context) error {
	s, err := settingsFrom(func(key string) string { return config.Get(ctx, key) })
	if err != nil {
		return err
	}
	root := ""
	if !filepath.IsAbs(s.EnvironmentFile) {
		cwd, err := os.Getwd()
		if err != nil {
			return err
		}
		if root, err = ProjectRoot(cwd); err != nil {
			return err
		}
	}
	now := time.Now()
	env, err := LoadEnvironment(root, s, now)
	if err != nil {
		return err
	}
	return program(ctx, s, env, now)
}

// ProgramFor is the program for an environment already loaded and
// validated: mlplat plan loads the stack's environment once, for its own
// report and for the program, instead of once each.
func ProgramFor(env *environments.Environment) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		s, err := settingsFrom(func(key string) string { return config.Get(ctx, key) })
		if err != nil {
			return err
		}
		return program(ctx, s, env, time.Now())
	}
}

// program builds the stack from its settings and environment.
func program(ctx *pulumi.Context, s Settings, env *environments.Environment, now time.Time) error {
	if s.Scope == ScopeNamespace {
		if (s.Cloud == CloudAWS && env.AWS == nil) || (s.Cloud == CloudAzure && env.Azure == nil) {
			return fmt.Errorf("environment %s has no %s section, so a %s namespace preview has nothing to deploy onto; fix: preview on the cloud the environment has", env.Name, s.Cloud, s.Cloud)
		}
		return NamespacePreview(ctx, env, s, now)
	}
	tagSet, err := BuildTags(env, ctx.Stack(), s.ExpiresAt, now)
	if err != nil {
		return err
	}
	if at := tagSet[tags.ExpiresAt]; at != "" {
		// Preview stacks say when they expire; mlplat preview reap reads it.
		ctx.Export("expiresAt", pulumi.String(at))
		if s.PullRequest > 0 {
			ctx.Export("pullRequest", pulumi.Int(s.PullRequest))
		}
	}
	switch s.Cloud {
	case CloudAWS:
		if env.AWS == nil {
			return fmt.Errorf("environment %s has no aws section, so stack %s (cloud aws) has nothing to build; fix: add aws: to environments/%s.yaml", env.Name, ctx.Stack(), env.Name)
		}
		if r := config.Get(ctx, "aws:region"); r != "" && r != env.AWS.Region {
			return fmt.Errorf("stack config aws:region = %q but environments/%s.yaml says aws.region = %q; fix: make them agree (the environment file decides the region)", r, env.Name, env.AWS.Region)
		}
		return AWS(ctx, env, tagSet)
	case CloudAzure:
		if env.Azure == nil {
			return fmt.Errorf("environment %s has no azure section, so stack %s (cloud azure) has nothing to build; fix: add azure: to environments/%s.yaml", env.Name, ctx.Stack(), env.Name)
		}
		if l := config.Get(ctx, "azure-native:location"); l != "" && l != env.Azure.Location {
			return fmt.Errorf("stack config azure-native:location = %q but environments/%s.yaml says azure.location = %q; fix: make them agree (the environment file decides the location)", l, env.Name, env.Azure.Location)
		}
		return Azure(ctx, env, tagSet, s)
	}
	return fmt.Errorf("cloud %q is not supported", s.Cloud)
}
