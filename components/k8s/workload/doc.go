// Package workload holds the vocabulary the serving and runner components
// and the environment files share about a container: what it requests.
// It imports no other package of this project, so both sides may use it.
package workload
