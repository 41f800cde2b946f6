// Package tags holds the one tag set every resource of a stack carries (the
// environment's required tags, managed-by=pulumi, the stack name, and for
// ephemeral (preview) stacks an expires-at timestamp; stacks.BuildTags
// builds it from the environment file) and its keys.
//
// On AWS the provider's defaultTags carries the set to every resource that takes
// tags; what default tags do not reach (Auto Scaling group tags, launch-template
// tag specifications) is given the set explicitly by the component that owns
// it. Taggable lists which resource types take tags, so tests and policies can
// prove that none is missed.
package tags
