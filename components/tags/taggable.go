package tags

import "github.com/pangea-ai/mlplatform/components/tokens"

// awsTaggable lists the AWS resource types the toolkit creates that take tags,
// and awsUntaggable those that do not (attachments, associations, sub-configs
// of a bucket). Every AWS type the toolkit registers must be in exactly one
// list: a test fails on a type in neither, so a new resource forces the
// decision instead of silently going untagged.
var awsTaggable = map[string]bool{
	tokens.AWSCloudWatchLogGroup:       true,
	tokens.AWSEC2Eip:                   true,
	tokens.AWSEC2FlowLog:               true,
	tokens.AWSEC2InternetGateway:       true,
	tokens.AWSEC2LaunchTemplate:        true,
	tokens.AWSEC2NatGateway:            true,
	tokens.AWSEC2RouteTable:            true,
	tokens.AWSEC2SecurityGroup:         true,
	tokens.AWSEC2Subnet:                true,
	tokens.AWSEC2Vpc:                   true,
	tokens.AWSEC2VpcEndpoint:           true,
	tokens.AWSECRRepository:            true,
	tokens.AWSAMPWorkspace:             true,
	tokens.AWSEKSAccessEntry:           true,
	tokens.AWSEKSAddon:                 true,
	tokens.AWSEKSCluster:               true,
	tokens.AWSEKSNodeGroup:             true,
	tokens.AWSIAMOpenIdConnectProvider: true,
	tokens.AWSIAMPolicy:                true,
	tokens.AWSIAMRole:                  true,
	tokens.AWSKMSKey:                   true,
	tokens.AWSS3BucketV2:               true,
	tokens.AWSRDSInstance:              true,
	tokens.AWSRDSParameterGroup:        true,
	tokens.AWSRDSSubnetGroup:           true,
}

var awsUntaggable = map[string]bool{
	tokens.AWSAutoscalingTag:                              true,
	tokens.AWSEC2Route:                                    true,
	tokens.AWSEC2RouteTableAssociation:                    true,
	tokens.AWSECRLifecyclePolicy:                          true,
	tokens.AWSEKSAccessPolicyAssociation:                  true,
	tokens.AWSIAMRolePolicy:                               true,
	tokens.AWSIAMRolePolicyAttachment:                     true,
	tokens.AWSKMSAlias:                                    true,
	tokens.AWSS3BucketLifecycleConfigurationV2:            true,
	tokens.AWSS3BucketLoggingV2:                           true,
	tokens.AWSS3BucketOwnershipControls:                   true,
	tokens.AWSS3BucketPolicy:                              true,
	tokens.AWSS3BucketPublicAccessBlock:                   true,
	tokens.AWSS3BucketServerSideEncryptionConfigurationV2: true,
	tokens.AWSS3BucketVersioningV2:                        true,
}

// Taggability says whether a resource type takes tags.
type Taggability int

// Answers of Taggable.
const (
	Unclassified Taggability = iota // neither list names the type: a test fails
	Taggable
	Untaggable
)

// AWSTaggability classifies an AWS resource type.
func AWSTaggability(typ string) Taggability {
	switch {
	case awsTaggable[typ]:
		return Taggable
	case awsUntaggable[typ]:
		return Untaggable
	}
	return Unclassified
}
