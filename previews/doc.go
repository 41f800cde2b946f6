// Package previews manages pull-request preview stacks: their names, their
// config, their expiry, and the up, destroy, list and reap operations.
//
// A preview is either namespace-scoped (the pull request's models in
// namespace pr-<N> on the shared dev cluster) or full (a whole platform from
// environments/preview.yaml). Every preview expires: its stack exports
// expiresAt and its resources carry expires-at, and Reap destroys and removes
// the stacks whose time has passed.
//
// The operations run through a Backend. Automation is the real one: the
// Pulumi Automation API with the local program, which needs the pulumi CLI.
package previews
