// Package stacks is the Pulumi program: it reads the stack's config, loads and
// validates the environment file, builds the tag set and composes the
// components for the stack's cloud. It stays thin: config to args to
// constructors to exports. Stack config files (Pulumi.<stack>.yaml) live
// beside this file (Pulumi.yaml's stackConfigDir).
package stacks
