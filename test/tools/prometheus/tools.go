//go:build tools

// Package tools pins promtool, which `make test` builds from this module
// into .cache/tools/<key>/promtool for the alerting-rule unit tests.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
