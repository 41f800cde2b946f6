// Package imports holds the project's import rules, in the spirit of
// cluster-api's import restrictions: dependencies point one way,
// cmd → stacks → components, and the product links no test code. `make
// verify` (part of `make test`) runs them.
package imports
