package plan

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
	types "github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Resource is one planned resource: what the program registered, as the
// plan document prints it (the JSON fields), the estimators price it and the
// policy view is built from it, plus what the recording knows beside.
type Resource struct {
	URN    string `json:"urn"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	// Inputs are the resolved inputs as plain values (package props):
	// secrets wrapped in props.Secret, unknowns props.Unknown. JSON prints
	// them as "[secret]" and "[unknown]".
	Inputs  map[string]any `json:"inputs"`
	Protect bool           `json:"protect"`
	// DependsOn lists the URNs the engine orders this resource after: explicit
	// DependsOn plus the resources its inputs came from. Never nil.
	DependsOn []string `json:"dependsOn"`
	// Provider is the provider's URN ("" for components).
	Provider string `json:"provider"`

	// Custom is false for component resources.
	Custom bool `json:"-"`
	// State is what the mock returned as the resource's outputs, as plain
	// values.
	State          map[string]any `json:"-"`
	ID             string         `json:"-"`
	RetainOnDelete bool           `json:"-"`
	IgnoreChanges  []string       `json:"-"`
	Aliases        int            `json:"-"`
}

// IsProvider reports whether the resource is a provider instance.
func (r *Resource) IsProvider() bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

// Invoke is one data-source call the program made.
type Invoke struct {
	Token    string
	Args     resource.PropertyMap
	Provider string
}

// Recorder implements pulumi.MockResourceMonitor and keeps what it saw.
type Recorder struct {
	project, stack string
	preview        bool
	world          World
	stackRefs      map[string]StackOutputs

	mu        sync.Mutex
	resources map[string]*Resource
	invokes   []Invoke
}

// World is the fake AWS account and Azure subscription the mocks answer from.
type World struct {
	AccountID string
	Region    string

	SubscriptionID string
	TenantID       string
	// Location is the Azure region.
	Location string
}

// DefaultWorld is what mocks answer with unless told otherwise.
var DefaultWorld = World{
	AccountID: "123456789012", Region: "us-east-1",
	SubscriptionID: "00000000-1111-2222-3333-444444444444", TenantID: "55555555-6666-7777-8888-999999999999", Location: "eastus",
}

// New returns a recorder for one program run.
func New(project, stack string, world World, preview bool) *Recorder {
	return &Recorder{project: project, stack: stack, world: world, preview: preview, resources: map[string]*Resource{}}
}

// NewResource records a registration and returns plausible outputs.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	req := args.RegisterRPC
	urn := r.urn(req.GetParent(), args.TypeToken, args.Name)
	// The mock monitor decodes inputs without unknowns; decode the request
	// again keeping them, so a value unknown during preview reads as unknown
	// rather than as absent.
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), plugin.MarshalOptions{
		KeepUnknowns: true, KeepSecrets: true, KeepResources: true,
	})
	if err != nil {
		return "", nil, fmt.Errorf("decoding inputs of %s: %w", urn, err)
	}
	rec := &Resource{
		URN:            urn,
		Type:           args.TypeToken,
		Name:           args.Name,
		Parent:         req.GetParent(),
		Custom:         args.Custom,
		Inputs:         props.FromResourcePropertyMap(inputs),
		Protect:        req.GetProtect(),
		RetainOnDelete: req.GetRetainOnDelete(),
		DependsOn:      dedupe(req.GetDependencies()),
		Provider:       providerURN(args.Provider),
		IgnoreChanges:  req.GetIgnoreChanges(),
		Aliases:        len(req.GetAliases()) + len(req.GetAliasURNs()),
	}
	id, state := "", resource.PropertyMap{}
	switch {
	case args.TypeToken == types.PulumiStackReference:
		// A StackReference is read, not registered: its name is its ID.
		ref, ok := r.stackRefs[args.Name]
		if !ok {
			return "", nil, fmt.Errorf("stack reference %s: the recorder was given no outputs for that stack", args.Name)
		}
		secrets := []interface{}{}
		for _, s := range ref.Secrets {
			secrets = append(secrets, s)
		}
		rec.Inputs = map[string]any{"name": args.Name}
		rec.Custom = true // a read custom resource; the mock does not say so
		id, state = args.Name, resource.NewPropertyMapFromMap(map[string]interface{}{
			"name": args.Name, "outputs": ref.Values, "secretOutputNames": secrets,
		})
	case args.Custom:
		// The provider names what the program left unnamed, and refuses,
		// in preview as in update, a logical name too long for the suffix.
		for _, f := range names.ByType[rec.Type] {
			if _, named := inputs[resource.PropertyKey(f.Key)]; !named {
				if err := f.CheckAutonamed(rec.Name); err != nil {
					return "", nil, fmt.Errorf("%s: %w", urn, err)
				}
			}
		}
		id, state = outputs(r.world, rec, inputs, r.preview)
	}
	rec.ID, rec.State = id, props.FromResourcePropertyMap(state)

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.resources[urn]; dup {
		return "", nil, fmt.Errorf("duplicate resource URN %s", urn)
	}
	r.resources[urn] = rec
	return id, state, nil
}

// Call answers an invoke.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes = append(r.invokes, Invoke{Token: args.Token, Args: args.Args, Provider: providerURN(args.Provider)})
	r.mu.Unlock()
	return invoke(r.world, args.Token, args.Args)
}

func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), parentType, tokens.Type(typ), name))
}

// Stack returns the stack name the recording ran as.
func (r *Recorder) Stack() string { return r.stack }

// Resources returns every recorded resource, sorted by URN.
func (r *Recorder) Resources() []*Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Resource, 0, len(r.resources))
	for _, res := range r.resources {
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Invokes returns the invokes in the order they were made.
func (r *Recorder) Invokes() []Invoke {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Invoke(nil), r.invokes...)
}

// ByURN returns the resource with the URN, or nil.
func (r *Recorder) ByURN(urn string) *Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resources[urn]
}

// ByType returns the resources of a type, sorted by URN.
func (r *Recorder) ByType(typ string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources() {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Named returns the one resource with the type and name, or an error naming
// what was found instead.
func (r *Recorder) Named(typ, name string) (*Resource, error) {
	var names []string
	for _, res := range r.ByType(typ) {
		if res.Name == name {
			return res, nil
		}
		names = append(names, res.Name)
	}
	return nil, fmt.Errorf("no %s named %q; recorded: %v", typ, name, names)
}

// Children returns the direct children of a resource, sorted by URN.
func (r *Recorder) Children(parentURN string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources() {
		if res.Parent == parentURN {
			out = append(out, res)
		}
	}
	return out
}

// providerURN strips the id from a provider reference "urn::id".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
