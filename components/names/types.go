package names

import "github.com/pangea-ai/mlplatform/components/tokens"

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
	tokens.AWSIAMRole:                               {{"name", IAMRole}},
	tokens.AWSIAMPolicy:                             {{"name", IAMPolicy}},
	tokens.AWSIAMRolePolicy:                         {{"name", IAMRolePolicy}},
	tokens.AWSS3BucketV2:                            {{"bucket", S3Bucket}},
	tokens.AWSECRRepository:                         {{"name", ECRRepository}},
	tokens.AWSEKSCluster:                            {{"name", EKSCluster}},
	tokens.AWSEKSNodeGroup:                          {{"nodeGroupName", EKSNodeGroup}},
	tokens.AWSEC2LaunchTemplate:                     {{"name", LaunchTemplate}},
	tokens.AWSEC2SecurityGroup:                      {{"name", SecurityGroup}},
	tokens.AWSKMSAlias:                              {{"name", KMSAlias}},
	tokens.AWSCloudWatchLogGroup:                    {{"name", LogGroup}},
	tokens.AWSAMPWorkspace:                          {{"alias", PrometheusAlias}},
	tokens.AWSRDSInstance:                           {{"identifier", DBInstance}, {"finalSnapshotIdentifier", DBInstance}},
	tokens.AWSRDSSubnetGroup:                        {{"name", DBSubnetGroup}},
	tokens.AWSRDSParameterGroup:                     {{"name", DBParameterGroup}},
	tokens.AzureResourcesResourceGroup:              {{"resourceGroupName", ResourceGroup}},
	tokens.AzureResourcesResource:                   {{"resourceName", MonitorWorkspace}},
	tokens.AzureNetworkVirtualNetwork:               {{"virtualNetworkName", VirtualNetwork}},
	tokens.AzureNetworkSubnet:                       {{"subnetName", Subnet}},
	tokens.AzureNetworkSecurityGroup:                {{"networkSecurityGroupName", NetworkSecurityGroup}},
	tokens.AzureNetworkPrivateEndpoint:              {{"privateEndpointName", PrivateEndpoint}},
	tokens.AzureNetworkPrivateZone:                  {{"privateZoneName", PrivateDNSZone}},
	tokens.AzureNetworkVirtualNetworkLink:           {{"virtualNetworkLinkName", VirtualNetworkLink}},
	tokens.AzureNetworkPrivateDnsZoneGroup:          {{"privateDnsZoneGroupName", PrivateDNSZoneGroup}},
	tokens.AzureKeyVault:                            {{"vaultName", KeyVault}},
	tokens.AzureKeyVaultKey:                         {{"keyName", KeyVaultKey}},
	tokens.AzureKeyVaultSecret:                      {{"secretName", KeyVaultSecret}},
	tokens.AzureIdentityUserAssignedIdentity:        {{"resourceName", ManagedIdentity}},
	tokens.AzureIdentityFederatedIdentityCredential: {{"federatedIdentityCredentialResourceName", FederatedCredential}},
	tokens.AzureOperationalInsightsWorkspace:        {{"workspaceName", LogAnalyticsWorkspace}},
	tokens.AzureInsightsDataCollectionEndpoint:      {{"dataCollectionEndpointName", DataCollectionEndpoint}},
	tokens.AzureInsightsDataCollectionRule:          {{"dataCollectionRuleName", DataCollectionRule}},
	tokens.AzureInsightsDiagnosticSetting:           {{"name", DiagnosticSetting}},
	tokens.AzureStorageAccount:                      {{"accountName", StorageAccount}},
	tokens.AzureStorageBlobServiceProperties:        {{"blobServicesName", BlobServices}},
	tokens.AzureStorageBlobContainer:                {{"containerName", BlobContainer}},
	tokens.AzureStorageManagementPolicy:             {{"managementPolicyName", ManagementPolicy}},
	tokens.AzureRegistry:                            {{"registryName", ContainerRegistry}},
	tokens.AzureAuthorizationRoleAssignment:         {{"roleAssignmentName", RoleAssignment}},
	tokens.AzureAKSManagedCluster: {
		{"resourceName", AKSCluster}, {"nodeResourceGroup", NodeResourceGroup}},
	tokens.AzureAKSAgentPool:                {{"agentPoolName", AgentPool}},
	tokens.AzureAKSMaintenanceConfiguration: {{"configName", MaintenanceConfiguration}},
}

// GenericResources are the rules of generic ARM resources
// (azure-native:resources:Resource), keyed by provider namespace and
// resource type; a generic resource of a kind not listed has no rule.
var GenericResources = map[string]Rule{
	"Microsoft.Monitor/accounts":                MonitorWorkspace,
	"Microsoft.DBforPostgreSQL/flexibleServers": PostgresServer,
	"Microsoft.DBforPostgreSQL/configurations":  PostgresParameter,
	"Microsoft.DBforPostgreSQL/administrators":  PostgresAdministrator,
	"Microsoft.DBforPostgreSQL/databases":       PostgresDatabase,
}

// Unnamed lists the types the toolkit creates whose cloud names are not
// the toolkit's to give (the cloud assigns an ID) or which carry no name.
var Unnamed = map[string]bool{
	tokens.AWSEC2Vpc: true, tokens.AWSEC2Subnet: true, tokens.AWSEC2InternetGateway: true,
	tokens.AWSEC2Eip: true, tokens.AWSEC2NatGateway: true, tokens.AWSEC2RouteTable: true,
	tokens.AWSEC2RouteTableAssociation: true, tokens.AWSEC2Route: true,
	tokens.AWSEC2VpcEndpoint: true, tokens.AWSEC2FlowLog: true,
	tokens.AWSKMSKey: true, tokens.AWSIAMOpenIdConnectProvider: true,
	tokens.AWSIAMRolePolicyAttachment: true, tokens.AWSAutoscalingTag: true,
	// Add-ons and access entries are named by AWS (the add-on) or by the
	// principal they admit.
	tokens.AWSEKSAddon: true, tokens.AWSEKSAccessEntry: true, tokens.AWSEKSAccessPolicyAssociation: true,
	// A bucket's settings and a repository's policies belong to the
	// bucket or repository and carry no name of their own.
	tokens.AWSS3BucketVersioningV2: true, tokens.AWSS3BucketServerSideEncryptionConfigurationV2: true,
	tokens.AWSS3BucketPublicAccessBlock: true, tokens.AWSS3BucketOwnershipControls: true,
	tokens.AWSS3BucketPolicy: true, tokens.AWSS3BucketLifecycleConfigurationV2: true,
	tokens.AWSS3BucketLoggingV2: true, tokens.AWSECRLifecyclePolicy: true,
	tokens.AWSECRRepositoryPolicy: true,
}
