// Package environments loads and validates the environment files under
// environments/: one YAML document per environment (dev, staging, prod,
// preview) that describes the platform once for every cloud.
//
// Decoding is strict: an unknown key is a problem, reported with a did-you-mean.
// Validate reports every problem of a file at once, each with its path, the bad
// value, the rule it breaks and the fix, so one run of `mlplat plan` shows all
// that is wrong with a pull request's change.
package environments
