package names

// Field is one name-carrying input of a Pulumi resource type.
type Field struct {
	// Key is the input property holding the name.
	Key string
	Rule
}

// ByType lists, per Pulumi resource type the toolkit creates, the inputs
// that name the object in the cloud and the rule each must meet. A type
// the toolkit creates that names something and is missing here fails
// stacks' TestEveryNameMeetsItsTarget, so the list cannot fall behind.
var ByType = map[string][]Field{
	"aws:iam/role:Role":                                        {{"name", IAMRole}},
	"aws:iam/policy:Policy":                                    {{"name", IAMPolicy}},
	"aws:iam/rolePolicy:RolePolicy":                            {{"name", IAMRolePolicy}},
	"aws:s3/bucketV2:BucketV2":                                 {{"bucket", S3Bucket}},
	"aws:ecr/repository:Repository":                            {{"name", ECRRepository}},
	"aws:eks/cluster:Cluster":                                  {{"name", EKSCluster}},
	"aws:eks/nodeGroup:NodeGroup":                              {{"nodeGroupName", EKSNodeGroup}},
	"aws:ec2/launchTemplate:LaunchTemplate":                    {{"name", LaunchTemplate}},
	"aws:ec2/securityGroup:SecurityGroup":                      {{"name", SecurityGroup}},
	"aws:kms/alias:Alias":                                      {{"name", KMSAlias}},
	"aws:cloudwatch/logGroup:LogGroup":                         {{"name", LogGroup}},
	"aws:amp/workspace:Workspace":                              {{"alias", PrometheusAlias}},
	"azure-native:resources:ResourceGroup":                     {{"resourceGroupName", ResourceGroup}},
	"azure-native:resources:Resource":                          {{"resourceName", MonitorWorkspace}},
	"azure-native:network:VirtualNetwork":                      {{"virtualNetworkName", VirtualNetwork}},
	"azure-native:network:Subnet":                              {{"subnetName", Subnet}},
	"azure-native:network:NetworkSecurityGroup":                {{"networkSecurityGroupName", NetworkSecurityGroup}},
	"azure-native:network:PrivateEndpoint":                     {{"privateEndpointName", PrivateEndpoint}},
	"azure-native:network:PrivateZone":                         {{"privateZoneName", PrivateDNSZone}},
	"azure-native:network:VirtualNetworkLink":                  {{"virtualNetworkLinkName", VirtualNetworkLink}},
	"azure-native:network:PrivateDnsZoneGroup":                 {{"privateDnsZoneGroupName", PrivateDNSZoneGroup}},
	"azure-native:keyvault:Vault":                              {{"vaultName", KeyVault}},
	"azure-native:keyvault:Key":                                {{"keyName", KeyVaultKey}},
	"azure-native:managedidentity:UserAssignedIdentity":        {{"resourceName", ManagedIdentity}},
	"azure-native:managedidentity:FederatedIdentityCredential": {{"federatedIdentityCredentialResourceName", FederatedCredential}},
	"azure-native:operationalinsights:Workspace":               {{"workspaceName", LogAnalyticsWorkspace}},
	"azure-native:insights:DataCollectionEndpoint":             {{"dataCollectionEndpointName", DataCollectionEndpoint}},
	"azure-native:insights:DataCollectionRule":                 {{"dataCollectionRuleName", DataCollectionRule}},
	"azure-native:insights:DiagnosticSetting":                  {{"name", DiagnosticSetting}},
	"azure-native:storage:StorageAccount":                      {{"accountName", StorageAccount}},
	"azure-native:storage:BlobServiceProperties":               {{"blobServicesName", BlobServices}},
	"azure-native:storage:BlobContainer":                       {{"containerName", BlobContainer}},
	"azure-native:containerregistry:Registry":                  {{"registryName", ContainerRegistry}},
	"azure-native:authorization:RoleAssignment":                {{"roleAssignmentName", RoleAssignment}},
	"azure-native:containerservice/v20240902preview:ManagedCluster": {
		{"resourceName", AKSCluster}, {"nodeResourceGroup", NodeResourceGroup}},
	"azure-native:containerservice/v20240902preview:AgentPool":                {{"agentPoolName", AgentPool}},
	"azure-native:containerservice/v20240902preview:MaintenanceConfiguration": {{"configName", MaintenanceConfiguration}},
}

// Unnamed lists the types the toolkit creates whose cloud names are not
// the toolkit's to give (the cloud assigns an ID) or which carry no name.
var Unnamed = map[string]bool{
	"aws:ec2/vpc:Vpc": true, "aws:ec2/subnet:Subnet": true, "aws:ec2/internetGateway:InternetGateway": true,
	"aws:ec2/eip:Eip": true, "aws:ec2/natGateway:NatGateway": true, "aws:ec2/routeTable:RouteTable": true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation": true, "aws:ec2/route:Route": true,
	"aws:ec2/vpcEndpoint:VpcEndpoint": true, "aws:ec2/flowLog:FlowLog": true,
	"aws:kms/key:Key": true, "aws:iam/openIdConnectProvider:OpenIdConnectProvider": true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": true, "aws:autoscaling/tag:Tag": true,
	// Add-ons and access entries are named by AWS (the add-on) or by the
	// principal they admit.
	"aws:eks/addon:Addon": true, "aws:eks/accessEntry:AccessEntry": true, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": true,
	// A bucket's settings and a repository's policies belong to the
	// bucket or repository and carry no name of their own.
	"aws:s3/bucketVersioningV2:BucketVersioningV2": true, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": true, "aws:s3/bucketOwnershipControls:BucketOwnershipControls": true,
	"aws:s3/bucketPolicy:BucketPolicy": true, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": true,
	"aws:s3/bucketLoggingV2:BucketLoggingV2": true, "aws:ecr/lifecyclePolicy:LifecyclePolicy": true,
	"aws:ecr/repositoryPolicy:RepositoryPolicy": true,
}
