package nodegroup

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
)

// TaggedResourceTypes are the resources a launch template tags at launch.
var TaggedResourceTypes = []string{"instance", "volume", "network-interface"}

// bottlerocketOSVolumeGiB is the size of Bottlerocket's OS volume; workloads
// live on the data volume.
const bottlerocketOSVolumeGiB = 4

func launchTemplate(ctx *pulumi.Context, name string, a *NodeGroupArgs, parent pulumi.ResourceOption) (*ec2.LaunchTemplate, error) {
	volume := func(device string, sizeGiB int) ec2.LaunchTemplateBlockDeviceMappingInput {
		return ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(device),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(sizeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            a.VolumeKMSKeyARN,
				DeleteOnTermination: pulumi.String("true"),
			},
		}
	}
	devices := ec2.LaunchTemplateBlockDeviceMappingArray{volume("/dev/xvda", a.DiskSizeGiB)}
	if a.Bottlerocket {
		devices = ec2.LaunchTemplateBlockDeviceMappingArray{
			volume("/dev/xvda", bottlerocketOSVolumeGiB), volume("/dev/xvdb", a.DiskSizeGiB),
		}
	}
	specs := ec2.LaunchTemplateTagSpecificationArray{}
	for _, rt := range TaggedResourceTypes {
		specs = append(specs, ec2.LaunchTemplateTagSpecificationArgs{
			ResourceType: pulumi.String(rt),
			Tags:         a.Tags.With(map[string]string{"Name": name}).StringMap(),
		})
	}
	return ec2.NewLaunchTemplate(ctx, names.LaunchTemplate.Logical(name), &ec2.LaunchTemplateArgs{
		Description:          pulumi.Sprintf("Nodes of EKS node group %s", a.GroupName),
		UpdateDefaultVersion: pulumi.Bool(true),
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"),
			// 1 hop: the node reaches IMDS, pods behind the CNI do not.
			HttpPutResponseHopLimit: pulumi.Int(1),
			InstanceMetadataTags:    pulumi.String("disabled"),
		},
		BlockDeviceMappings: devices,
		TagSpecifications:   specs,
	}, parent)
}
