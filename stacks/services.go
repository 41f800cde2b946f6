package stacks

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/gpu"
	"github.com/pangea-ai/mlplatform/environments"
)

// platformServices installs what runs on every cluster, on either cloud,
// through the cluster's Kubernetes provider: the baseline, then the GPU
// services. It grows with the platform-services issue.
func platformServices(ctx *pulumi.Context, env *environments.Environment, k8s *kubernetes.Provider) error {
	base := ctx.Stack()
	concerns, err := baseline.ConcernsFor(env)
	if err != nil {
		return err
	}
	withK8s := pulumi.Provider(k8s)
	b, err := baseline.NewBaseline(ctx, base+"-baseline", &baseline.BaselineArgs{Concerns: concerns}, withK8s)
	if err != nil {
		return err
	}
	timeSlicing := map[string]int{}
	for _, name := range sortedNames(env.NodeGroups) {
		if g := env.NodeGroups[name]; g.GPUSharing != nil {
			timeSlicing[name] = g.GPUSharing.TimeSlicingReplicas
		}
	}
	// ServiceMonitor stays off until the monitoring stack, which brings the
	// ServiceMonitor CRD, is installed first.
	_, err = gpu.NewGPU(ctx, base+"-gpu", &gpu.GPUArgs{
		Namespace: baseline.NamespaceGPU, TimeSlicing: timeSlicing,
		WaitFor: []pulumi.Resource{b.Namespaces[baseline.NamespaceGPU]},
	}, withK8s)
	return err
}
