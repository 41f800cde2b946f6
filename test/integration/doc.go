// Package integration holds the tests that deploy real stacks. They are built
// only with the integration tag (go test -tags integration ./test/integration)
// and skip, saying why, without the pulumi CLI, the aws CLI, AWS credentials or
// the runner's egress CIDR. Nothing in `make test` runs them; `make test`
// compiles them (go vet -tags integration) so they cannot rot.
package integration
