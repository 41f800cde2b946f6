package charts

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/utilities"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ReleaseTimeoutSeconds bounds how long a release may take to become ready.
const ReleaseTimeoutSeconds = 900

// Release is one Helm release, the Kubernetes provider's
// kubernetes:helm.sh/v3:Release resource.
//
// The toolkit registers it itself rather than through the SDK's helm/v3
// package: that package imports the SDK's yaml package, which imports every
// generated Kubernetes API package (57 more), and compiling them was 42% of
// the CPU of a cold build of mlplat (docs/build-and-plan-cost.md). The
// provider sees the same type token and the same inputs either way
// (TestReleaseInputsMatchTheSDK).
type Release struct {
	pulumi.CustomResourceState

	// Name is the release's name in the cluster.
	Name pulumi.StringPtrOutput `pulumi:"name"`
	// Namespace is where the release is installed.
	Namespace pulumi.StringPtrOutput `pulumi:"namespace"`
	// Version is the installed chart version.
	Version pulumi.StringPtrOutput `pulumi:"version"`
}

// releaseInputs are the provider's input properties the toolkit sets, named
// as the provider's schema names them (pulumi-kubernetes v4.33.0,
// sdk/go/kubernetes/helm/v3/release.go, releaseArgs).
type releaseInputs struct {
	Name           string                 `pulumi:"name"`
	Chart          string                 `pulumi:"chart"`
	Version        string                 `pulumi:"version"`
	Namespace      string                 `pulumi:"namespace"`
	Values         map[string]interface{} `pulumi:"values"`
	RepositoryOpts map[string]interface{} `pulumi:"repositoryOpts"`
	Atomic         bool                   `pulumi:"atomic"`
	CleanupOnFail  bool                   `pulumi:"cleanupOnFail"`
	MaxHistory     int                    `pulumi:"maxHistory"`
	Timeout        int                    `pulumi:"timeout"`
	// Compat is what the SDK's own NewRelease always sends ("true").
	Compat string `pulumi:"compat"`
}

// releaseArgs are releaseInputs as Pulumi inputs, so values may carry
// outputs of other resources.
type releaseArgs struct {
	Name           pulumi.StringInput
	Chart          pulumi.StringInput
	Version        pulumi.StringInput
	Namespace      pulumi.StringInput
	Values         pulumi.MapInput
	RepositoryOpts pulumi.MapInput
	Atomic         pulumi.BoolInput
	CleanupOnFail  pulumi.BoolInput
	MaxHistory     pulumi.IntInput
	Timeout        pulumi.IntInput
	Compat         pulumi.StringInput
}

func (releaseArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*releaseInputs)(nil)).Elem()
}

// Install installs a pinned chart as one Helm Release into an existing
// namespace. A Release is one object to Pulumi, so large charts deploy fast
// (the chart's own objects are not expanded into Pulumi resources); a failed
// install or upgrade rolls back (atomic) and cleans up after itself.
func Install(ctx *pulumi.Context, name string, c Chart, releaseName, namespace string, values map[string]interface{}, opts ...pulumi.ResourceOption) (*Release, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	args := &releaseArgs{
		Name:          pulumi.String(releaseName),
		Chart:         pulumi.String(c.Name),
		Version:       pulumi.String(c.Version),
		Namespace:     pulumi.String(namespace),
		Values:        pulumi.ToMap(values),
		Atomic:        pulumi.Bool(true),
		CleanupOnFail: pulumi.Bool(true),
		MaxHistory:    pulumi.Int(5),
		Timeout:       pulumi.Int(ReleaseTimeoutSeconds),
		Compat:        pulumi.String("true"),
	}
	if !strings.HasPrefix(c.Name, "oci://") {
		args.RepositoryOpts = pulumi.Map{"repo": pulumi.String(c.Repo)}
	}
	// The provider plugin's version, as the SDK's constructors pin it.
	opts = utilities.PkgResourceDefaultOpts(opts)
	var r Release
	if err := ctx.RegisterResource(tokens.K8sHelmV3Release, name, args, &r, opts...); err != nil {
		return nil, fmt.Errorf("installing chart %s %s as %q: %w", c.Name, c.Version, releaseName, err)
	}
	return &r, nil
}
