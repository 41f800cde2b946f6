package nodegroup

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

var testTags = tags.Set{"environment": "dev", "owner": "ml@pangea.ai", "managed-by": "pulumi"}

func gpuArgs() *NodeGroupArgs {
	return &NodeGroupArgs{
		ClusterName: pulumi.String("mlplatform-test"), GroupName: "gpu",
		SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		GPU:       true, GPUsPerNode: 1, GPUModel: "A10G",
		InstanceTypes: []string{"g5.xlarge"}, AMIType: "AL2023_x86_64_NVIDIA", CapacityType: "SPOT",
		MinSize: 0, MaxSize: 2, DesiredSize: 0, DiskSizeGiB: 100,
		Labels:          map[string]string{"team": "ml"},
		VolumeKMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/vol"),
		Tags:            testTags,
	}
}

func record(t *testing.T, a *NodeGroupArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewNodeGroup(ctx, "ng", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestGPUGroup(t *testing.T) {
	rec := record(t, gpuArgs())
	comp, _ := rec.Named(NodeGroupType, "ng")
	for _, r := range rec.Resources() {
		if r != comp && r.Parent != comp.URN {
			t.Errorf("%s not parented to the node group", r.URN)
		}
	}
	ng, _ := rec.Named("aws:eks/nodeGroup:NodeGroup", "ng")
	wantLabels := map[string]string{
		"team": "ml", LabelNodeGroup: "gpu", LabelKind: "gpu", LabelGPUPresent: "true", LabelAccelerator: "nvidia-a10g",
	}
	if got := ng.StringMap("labels"); !reflect.DeepEqual(got, wantLabels) {
		t.Errorf("labels = %v, want %v", got, wantLabels)
	}
	wantTaints := []interface{}{map[string]interface{}{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}}
	if got := ng.In("taints"); !reflect.DeepEqual(got, wantTaints) {
		t.Errorf("taints = %v, want %v", got, wantTaints)
	}
	for path, want := range map[string]interface{}{
		"amiType": "AL2023_x86_64_NVIDIA", "capacityType": "SPOT", "nodeGroupName": "gpu",
		"scalingConfig.minSize": 0.0, "scalingConfig.maxSize": 2.0, "scalingConfig.desiredSize": 0.0,
		"instanceTypes": []interface{}{"g5.xlarge"}, "diskSize": nil, "nodeRepairConfig.enabled": true,
		"launchTemplate.version": "1",
	} {
		if got := ng.In(path); !reflect.DeepEqual(got, want) {
			t.Errorf("node group %s = %#v, want %#v", path, got, want)
		}
	}
	if !reflect.DeepEqual(ng.IgnoreChanges, []string{"scalingConfig.desiredSize"}) {
		t.Errorf("ignoreChanges = %v: the autoscaler must own desiredSize", ng.IgnoreChanges)
	}
	lt, _ := rec.Named("aws:ec2/launchTemplate:LaunchTemplate", "ng")
	if ng.InString("launchTemplate.id") != lt.ID {
		t.Errorf("node group uses launch template %v, want %s", ng.In("launchTemplate.id"), lt.ID)
	}
}

func TestLaunchTemplateHardening(t *testing.T) {
	rec := record(t, gpuArgs())
	lt, _ := rec.Named("aws:ec2/launchTemplate:LaunchTemplate", "ng")
	for path, want := range map[string]interface{}{
		"metadataOptions.httpTokens":              "required",
		"metadataOptions.httpPutResponseHopLimit": 1.0,
		"metadataOptions.httpEndpoint":            "enabled",
		"blockDeviceMappings[0].deviceName":       "/dev/xvda",
		"blockDeviceMappings[0].ebs.volumeType":   "gp3",
		"blockDeviceMappings[0].ebs.encrypted":    "true",
		"blockDeviceMappings[0].ebs.kmsKeyId":     "arn:aws:kms:us-east-1:123456789012:key/vol",
		"blockDeviceMappings[0].ebs.volumeSize":   100.0,
		"blockDeviceMappings[1]":                  nil,
	} {
		if got := lt.In(path); !reflect.DeepEqual(got, want) {
			t.Errorf("launch template %s = %#v, want %#v", path, got, want)
		}
	}
	specs := lt.In("tagSpecifications").([]interface{})
	var types []string
	for _, s := range specs {
		spec := s.(map[string]interface{})
		types = append(types, spec["resourceType"].(string))
		want := map[string]interface{}{"environment": "dev", "owner": "ml@pangea.ai", "managed-by": "pulumi", "Name": "ng"}
		if !reflect.DeepEqual(spec["tags"], want) {
			t.Errorf("%s tags = %v, want %v", spec["resourceType"], spec["tags"], want)
		}
	}
	if !reflect.DeepEqual(types, TaggedResourceTypes) {
		t.Errorf("tag specifications for %v, want %v", types, TaggedResourceTypes)
	}
}

func TestBottlerocketEncryptsOSAndDataVolumes(t *testing.T) {
	a := gpuArgs()
	a.AMIType, a.Bottlerocket = "BOTTLEROCKET_x86_64_NVIDIA", true
	lt, _ := record(t, a).Named("aws:ec2/launchTemplate:LaunchTemplate", "ng")
	for i, want := range []struct {
		device string
		size   float64
	}{{"/dev/xvda", 4}, {"/dev/xvdb", 100}} {
		m := lt.In("blockDeviceMappings").([]interface{})[i].(map[string]interface{})
		ebs := m["ebs"].(map[string]interface{})
		if m["deviceName"] != want.device || ebs["volumeSize"] != want.size || ebs["encrypted"] != "true" {
			t.Errorf("volume %d = %v, want %s of %v GiB encrypted", i, m, want.device, want.size)
		}
	}
}

func TestAutoScalingGroupTags(t *testing.T) {
	rec := record(t, gpuArgs())
	ng, _ := rec.Named("aws:eks/nodeGroup:NodeGroup", "ng")
	asg := ng.Out("resources[0].autoscalingGroups[0].name")
	got := map[string]string{}
	for _, tag := range rec.ByType("aws:autoscaling/tag:Tag") {
		if tag.In("autoscalingGroupName") != asg || tag.In("tag.propagateAtLaunch") != false {
			t.Errorf("%s targets %v propagate %v", tag.Name, tag.In("autoscalingGroupName"), tag.In("tag.propagateAtLaunch"))
		}
		got[tag.InString("tag.key")] = tag.InString("tag.value")
	}
	want := map[string]string{
		"environment": "dev", "owner": "ml@pangea.ai", "managed-by": "pulumi",
		"k8s.io/cluster-autoscaler/node-template/label/team":                            "ml",
		"k8s.io/cluster-autoscaler/node-template/label/mlplatform.pangea.ai/node-group": "gpu",
		"k8s.io/cluster-autoscaler/node-template/label/mlplatform.pangea.ai/kind":       "gpu",
		"k8s.io/cluster-autoscaler/node-template/label/nvidia.com/gpu.present":          "true",
		"k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator":   "nvidia-a10g",
		"k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu":                  "true:NoSchedule",
		"k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu":              "1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ASG tags:\n got %v\nwant %v", got, want)
	}
}

func TestCPUGroupHasNoGPUTraits(t *testing.T) {
	a := gpuArgs()
	a.GPU, a.GPUsPerNode, a.GPUModel, a.InstanceTypes, a.AMIType = false, 0, "", []string{"m7i.large"}, "AL2023_x86_64_STANDARD"
	a.Taints = []Taint{{Key: "dedicated", Value: "ci", Effect: "NoExecute"}}
	rec := record(t, a)
	ng, _ := rec.Named("aws:eks/nodeGroup:NodeGroup", "ng")
	wantTaints := []interface{}{map[string]interface{}{"key": "dedicated", "value": "ci", "effect": "NO_EXECUTE"}}
	if got := ng.In("taints"); !reflect.DeepEqual(got, wantTaints) {
		t.Errorf("taints = %v, want %v", got, wantTaints)
	}
	if l := ng.StringMap("labels"); l[LabelGPUPresent] != "" || l[LabelKind] != "cpu" {
		t.Errorf("CPU group labels = %v", l)
	}
	var keys []string
	for _, tag := range rec.ByType("aws:autoscaling/tag:Tag") {
		keys = append(keys, tag.InString("tag.key"))
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu" {
			t.Error("CPU group advertises GPUs to the autoscaler")
		}
	}
}

func TestNodeRoleHasOnlyNodePolicies(t *testing.T) {
	rec := record(t, gpuArgs())
	var got []string
	for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		got = append(got, a.InString("policyArn"))
	}
	want := append([]string(nil), NodePolicies...)
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("node policies = %v, want %v", got, NodePolicies)
	}
	ng, _ := rec.Named("aws:eks/nodeGroup:NodeGroup", "ng")
	for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if !slices.Contains(ng.DependsOn, a.URN) {
			t.Errorf("node group does not wait for %s: nodes could fail to join", a.Name)
		}
	}
}

func TestArgsErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*NodeGroupArgs)
		want   string
	}{
		"min above max": {func(a *NodeGroupArgs) { a.MinSize = 3 }, `creating node group "ng": sizes must satisfy 0 <= MinSize (3) <= DesiredSize (0) <= MaxSize (2) and MaxSize >= 1`},
		"gpu count":     {func(a *NodeGroupArgs) { a.GPUsPerNode = 0 }, `creating node group "ng": GPU groups need GPUsPerNode >= 1 for the autoscaler's node template`},
		"taint effect": {func(a *NodeGroupArgs) { a.Taints = []Taint{{Key: "k", Value: "v", Effect: "NoScheduling"}} },
			`creating node group "ng": taint k has effect "NoScheduling"; use NoSchedule, PreferNoSchedule or NoExecute`},
	} {
		t.Run(name, func(t *testing.T) {
			a := gpuArgs()
			tc.mutate(a)
			_, err := recorder.Run(func(ctx *pulumi.Context) error {
				_, err := NewNodeGroup(ctx, "ng", a)
				return err
			}, recorder.Options{Project: "p", Stack: "s"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestToolkitLabelsWinAndSystemIsLabelled(t *testing.T) {
	a := gpuArgs()
	a.GPU, a.System, a.GPUsPerNode, a.GPUModel = false, true, 0, ""
	a.InstanceTypes, a.AMIType = []string{"m7i.large"}, "AL2023_x86_64_STANDARD"
	a.Labels = map[string]string{LabelKind: "gpu", LabelNodeGroup: "other", "team": "ml"}
	ng, _ := record(t, a).Named("aws:eks/nodeGroup:NodeGroup", "ng")
	want := map[string]string{LabelKind: "system", LabelNodeGroup: "gpu", "team": "ml"}
	if got := ng.StringMap("labels"); !reflect.DeepEqual(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
}
