package recorder

import (
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// The engine's types, as the tests name them.
type (
	Recorder     = plan.Recorder
	Resource     = plan.Resource
	Options      = plan.Options
	StackOutputs = plan.StackOutputs
	World        = plan.World
	Invoke       = plan.Invoke
)

// The engine's functions and values, as the tests name them.
var (
	Run          = plan.Run
	DefaultWorld = plan.DefaultWorld
)

// Placeholders the engine shows for unknown and secret values.
const (
	UnknownPlaceholder = props.UnknownPlaceholder
	SecretPlaceholder  = props.SecretPlaceholder
)
