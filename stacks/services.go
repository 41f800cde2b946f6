package stacks

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/environments"
)

// platformServices installs what runs on every cluster, on either cloud,
// through the cluster's Kubernetes provider. It grows with the
// platform-services issue: the baseline comes first.
func platformServices(ctx *pulumi.Context, env *environments.Environment, k8s *kubernetes.Provider) error {
	concerns, err := baseline.ConcernsFor(env)
	if err != nil {
		return err
	}
	_, err = baseline.NewBaseline(ctx, ctx.Stack()+"-baseline", &baseline.BaselineArgs{Concerns: concerns}, pulumi.Provider(k8s))
	return err
}
