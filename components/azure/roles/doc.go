// Package roles names the Azure built-in roles the toolkit assigns and
// creates role assignments for them. The ids are the built-in role definition
// GUIDs from the Azure RBAC built-in roles reference; they are the same in
// every tenant.
package roles
