// Package charts pins every Helm chart the platform services install: the
// repository, the chart and the exact version, with where the version was
// checked. Components take their chart from here, so an upgrade is one
// reviewed change to this file.
package charts
