package charts

import (
	"fmt"
	"strings"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ReleaseTimeoutSeconds bounds how long a release may take to become ready.
const ReleaseTimeoutSeconds = 900

// Install installs a pinned chart as one Helm Release into an existing
// namespace. A Release is one object to Pulumi, so large charts deploy fast
// (the chart's own objects are not expanded into Pulumi resources); a failed
// install or upgrade rolls back (atomic) and cleans up after itself.
func Install(ctx *pulumi.Context, name string, c Chart, releaseName, namespace string, values map[string]interface{}, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	args := &helmv3.ReleaseArgs{
		Name:          pulumi.String(releaseName),
		Chart:         pulumi.String(c.Name),
		Version:       pulumi.String(c.Version),
		Namespace:     pulumi.String(namespace),
		Values:        pulumi.ToMap(values),
		Atomic:        pulumi.Bool(true),
		CleanupOnFail: pulumi.Bool(true),
		MaxHistory:    pulumi.Int(5),
		Timeout:       pulumi.Int(ReleaseTimeoutSeconds),
	}
	if !strings.HasPrefix(c.Name, "oci://") {
		args.RepositoryOpts = helmv3.RepositoryOptsArgs{Repo: pulumi.String(c.Repo)}
	}
	r, err := helmv3.NewRelease(ctx, name, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("installing chart %s %s as %q: %w", c.Name, c.Version, releaseName, err)
	}
	return r, nil
}
