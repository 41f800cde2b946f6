// Package upstream reads facts from the third-party projects the toolkit
// installs, as their sources hold them at the pinned release tags: which
// chart versions were released, each chart's values.yaml and values
// schema, and the CustomResourceDefinitions each chart installs. Tests use
// it to check the toolkit's pins, Helm values and custom resources against
// what upstream really ships, instead of against what someone remembered.
//
// The facts live in a directory laid out like shared/upstream (see
// Locate). This package only reads them; nothing here is copied into the
// project.
package upstream
