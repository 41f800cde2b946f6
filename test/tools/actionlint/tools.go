//go:build tools

// Package actionlint pins github.com/rhysd/actionlint for `make lint-workflows`,
// which builds its command from this module into .cache/tools/<key>/. It is a
// module of its own so actionlint's dependencies stay out of the project's.
package actionlint

import _ "github.com/rhysd/actionlint/cmd/actionlint"
