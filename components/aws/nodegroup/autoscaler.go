package nodegroup

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Cluster Autoscaler reads these tag prefixes on an Auto Scaling group to
// build a node template when the group has no node to look at.
const (
	caLabelPrefix    = "k8s.io/cluster-autoscaler/node-template/label/"
	caTaintPrefix    = "k8s.io/cluster-autoscaler/node-template/taint/"
	caResourcePrefix = "k8s.io/cluster-autoscaler/node-template/resources/"
)

// ASGTag is one tag for the group's Auto Scaling group.
type ASGTag struct{ Key, Value string }

// ASGTags returns every tag the Auto Scaling group needs, sorted by key: the
// stack's tag set (not propagated at launch: the launch template tags
// instances) and the autoscaler's node template.
func ASGTags(a *NodeGroupArgs) []ASGTag {
	var out []ASGTag
	for _, k := range a.Tags.Keys() {
		out = append(out, ASGTag{k, a.Tags[k]})
	}
	for k, v := range a.allLabels() {
		out = append(out, ASGTag{caLabelPrefix + k, v})
	}
	for _, t := range a.allTaints() {
		out = append(out, ASGTag{caTaintPrefix + t.Key, t.Value + ":" + t.Effect})
	}
	if a.GPU {
		out = append(out, ASGTag{caResourcePrefix + GPUResource, fmt.Sprint(a.GPUsPerNode)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

var unsafeNameChars = regexp.MustCompile(`[^A-Za-z0-9-]+`)

func autoscalerTags(ctx *pulumi.Context, name string, asg pulumi.StringOutput, a *NodeGroupArgs, parent pulumi.ResourceOption) error {
	for _, t := range ASGTags(a) {
		resName := fmt.Sprintf("%s-asg-%s", name, unsafeNameChars.ReplaceAllString(t.Key, "-"))
		if _, err := autoscaling.NewTag(ctx, resName, &autoscaling.TagArgs{
			AutoscalingGroupName: asg,
			Tag: autoscaling.TagTagArgs{
				Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), PropagateAtLaunch: pulumi.Bool(false),
			},
		}, parent); err != nil {
			return fmt.Errorf("tagging Auto Scaling group of %q with %s: %w", name, t.Key, err)
		}
	}
	return nil
}
