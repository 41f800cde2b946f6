package tags

// awsTaggable lists the AWS resource types the toolkit creates that take tags,
// and awsUntaggable those that do not (attachments, associations, sub-configs
// of a bucket). Every AWS type the toolkit registers must be in exactly one
// list: a test fails on a type in neither, so a new resource forces the
// decision instead of silently going untagged.
var awsTaggable = map[string]bool{
	"aws:cloudwatch/logGroup:LogGroup":                    true,
	"aws:ec2/eip:Eip":                                     true,
	"aws:ec2/flowLog:FlowLog":                             true,
	"aws:ec2/internetGateway:InternetGateway":             true,
	"aws:ec2/launchTemplate:LaunchTemplate":               true,
	"aws:ec2/natGateway:NatGateway":                       true,
	"aws:ec2/routeTable:RouteTable":                       true,
	"aws:ec2/securityGroup:SecurityGroup":                 true,
	"aws:ec2/subnet:Subnet":                               true,
	"aws:ec2/vpc:Vpc":                                     true,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                     true,
	"aws:ecr/repository:Repository":                       true,
	"aws:amp/workspace:Workspace":                         true,
	"aws:eks/accessEntry:AccessEntry":                     true,
	"aws:eks/addon:Addon":                                 true,
	"aws:eks/cluster:Cluster":                             true,
	"aws:eks/nodeGroup:NodeGroup":                         true,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": true,
	"aws:iam/policy:Policy":                               true,
	"aws:iam/role:Role":                                   true,
	"aws:kms/key:Key":                                     true,
	"aws:s3/bucketV2:BucketV2":                            true,
}

var awsUntaggable = map[string]bool{
	"aws:autoscaling/tag:Tag":                                                                    true,
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                                                    true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    true,
	"aws:iam/rolePolicy:RolePolicy":                                                              true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
	"aws:kms/alias:Alias":                                                                        true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
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
