package names

import "regexp"

// pulumiSuffix is what the AWS provider appends when it names a resource
// itself: "-" and 7 random characters. Read in pulumi-terraform-bridge's
// AutoName (randlen 7) and pulumi/sdk v3.263.0
// go/common/resource/resource_id.go NewUniqueName, which refuses a name
// whose logical part plus the suffix is longer than the maximum.
const pulumiSuffix = 8

var (
	iamChars    = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
	dnsLabel    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dns1035     = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdom   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	labelValue  = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`)
	alnumLower  = regexp.MustCompile(`^[a-z0-9]+$`)
	alnum       = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	azureCommon = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$`)
)

// AWS targets.
var (
	IAMRole = Rule{Target: "IAM role name", Min: 1, Max: 64, Pattern: iamChars, Shape: "letters, digits and +=,.@_-", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"}
	IAMPolicy = Rule{Target: "IAM policy name", Min: 1, Max: 128, Pattern: iamChars, Shape: "letters, digits and +=,.@_-", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html"}
	IAMRolePolicy = Rule{Target: "IAM inline policy name", Min: 1, Max: 128, Pattern: iamChars, Shape: "letters, digits and +=,.@_-", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"}
	S3Bucket = Rule{Target: "S3 bucket name", Min: 3, Max: 63, Pattern: regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`),
		Shape: "lowercase letters, digits, '.' and '-', beginning and ending with a letter or digit", Forbid: []string{".."}, Autoname: pulumiSuffix, LowerAutoname: true,
		Source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"}
	ECRRepository = Rule{Target: "ECR repository name", Min: 2, Max: 256,
		Pattern: regexp.MustCompile(`^([a-z0-9]+([._-][a-z0-9]+)*/)*[a-z0-9]+([._-][a-z0-9]+)*$`),
		Shape:   "lowercase path segments of letters and digits joined by single '.', '_' or '-'",
		Source:  "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"}
	EKSCluster = Rule{Target: "EKS cluster name", Min: 1, Max: 100, Pattern: regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`),
		Shape: "letters, digits, '-' and '_', beginning with a letter or digit", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html"}
	EKSNodeGroup = Rule{Target: "EKS node group name", Min: 1, Max: 63, Pattern: regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`),
		Shape: "letters, digits, '-' and '_', beginning with a letter or digit", Autoname: pulumiSuffix,
		// Not stated on an AWS API page: the limit is the provider's
		// (pulumi-aws v6.83.4 sdk go/aws/eks/nodeGroup.go, NodeGroupName).
		Source: "pulumi-aws sdk v6.83.4 go/aws/eks/nodeGroup.go (nodeGroupName)"}
	LaunchTemplate = Rule{Target: "EC2 launch template name", Min: 3, Max: 128, Pattern: regexp.MustCompile(`^[A-Za-z0-9().\-/_]+$`),
		Shape: "letters, digits and ().-/_", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html"}
	SecurityGroup = Rule{Target: "EC2 security group name", Min: 1, Max: 255, Pattern: regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+$`),
		Shape: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"}
	KMSAlias = Rule{Target: "KMS alias name", Min: 7, Max: 256, Pattern: regexp.MustCompile(`^alias/[A-Za-z0-9/_-]+$`),
		Shape: "alias/ then letters, digits and /_-", Forbid: []string{"alias/aws/"},
		Source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"}
	LogGroup = Rule{Target: "CloudWatch log group name", Min: 1, Max: 512, Pattern: regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`),
		Shape: "letters, digits and .-_/#", Autoname: pulumiSuffix,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"}
	// RDS identifiers: letters, digits and hyphens, a letter first, no
	// hyphen at the end or twice in a row; RDS stores them lowercase.
	DBInstance = Rule{Target: "RDS DB instance identifier", Min: 1, Max: 63, Pattern: regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`),
		Shape: "lowercase letters, digits and single '-', beginning with a letter, not ending with '-'", Forbid: []string{"--"},
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)"}
	DBSubnetGroup = Rule{Target: "RDS DB subnet group name", Min: 1, Max: 255, Pattern: regexp.MustCompile(`^[a-z0-9][a-z0-9 ._-]*$`),
		Shape: "lowercase letters, digits, spaces, '.', '_' and '-'", Forbid: []string{"default"},
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html (DBSubnetGroupName)"}
	DBParameterGroup = Rule{Target: "RDS DB parameter group name", Min: 1, Max: 255, Pattern: regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`),
		Shape: "lowercase letters, digits and single '-', beginning with a letter, not ending with '-'", Forbid: []string{"--"},
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html (DBParameterGroupName)"}
	PrometheusAlias = Rule{Target: "Amazon Managed Service for Prometheus workspace alias", Min: 1, Max: 100,
		Source: "https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateWorkspace.html"}
)

// Azure targets.
var (
	ResourceGroup = Rule{Target: "Azure resource group name", Min: 1, Max: 90, Pattern: regexp.MustCompile(`^[-\w.()]*[-\w()]$`),
		Shape:  "letters, digits, '_', '-', '.', '(' and ')', not ending in '.'",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources"}
	NodeResourceGroup = Rule{Target: "AKS node resource group name", Min: 1, Max: 80, Pattern: regexp.MustCompile(`^[-\w.()]*[-\w()]$`),
		Shape: "letters, digits, '_', '-', '.', '(' and ')', not ending in '.'",
		// Not on Azure's naming-rules page: AKS refuses a longer name with "The
		// maximum length is 80" (quoted in Azure-Terraform/terraform-azurerm-kubernetes#33).
		Source: "AKS API error text, quoted in github.com/Azure-Terraform/terraform-azurerm-kubernetes/issues/33"}
	VirtualNetwork = Rule{Target: "Azure virtual network name", Min: 2, Max: 64, Pattern: azureCommon,
		Shape:  "letters, digits, '_', '.' and '-', beginning with a letter or digit and ending with a letter, digit or '_'",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork"}
	Subnet = Rule{Target: "Azure subnet name", Min: 1, Max: 80, Pattern: azureCommon,
		Shape: VirtualNetwork.Shape, Source: VirtualNetwork.Source}
	NetworkSecurityGroup = Rule{Target: "Azure network security group name", Min: 1, Max: 80, Pattern: azureCommon,
		Shape: VirtualNetwork.Shape, Source: VirtualNetwork.Source}
	PrivateEndpoint = Rule{Target: "Azure private endpoint name", Min: 2, Max: 64, Pattern: azureCommon,
		Shape: VirtualNetwork.Shape, Source: VirtualNetwork.Source}
	PrivateDNSZoneGroup = Rule{Target: "Azure private DNS zone group name", Min: 1, Max: 80, Pattern: azureCommon,
		Shape: VirtualNetwork.Shape, Source: "not documented by Azure: the private endpoint's other children's limit, which the toolkit keeps to"}
	VirtualNetworkLink = Rule{Target: "Azure private DNS zone virtual network link name", Min: 1, Max: 80, Pattern: azureCommon,
		Shape: VirtualNetwork.Shape, Source: VirtualNetwork.Source}
	PrivateDNSZone = Rule{Target: "Azure private DNS zone name", Min: 1, Max: 253, Pattern: dnsSubdom,
		Shape: "a DNS name of 2 to 34 labels", Source: VirtualNetwork.Source}
	KeyVault = Rule{Target: "Azure Key Vault name", Min: 3, Max: 24, Pattern: regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$`),
		Shape: "letters, digits and '-', beginning with a letter and ending with a letter or digit", Forbid: []string{"--"},
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault"}
	KeyVaultKey = Rule{Target: "Azure Key Vault key name", Min: 1, Max: 127, Pattern: regexp.MustCompile(`^[A-Za-z0-9-]+$`),
		Shape: "letters, digits and '-'", Source: KeyVault.Source}
	KeyVaultSecret = Rule{Target: "Azure Key Vault secret name", Min: 1, Max: 127, Pattern: regexp.MustCompile(`^[A-Za-z0-9-]+$`),
		Shape: "letters, digits and '-'", Source: KeyVault.Source}
	ManagedIdentity = Rule{Target: "Azure user-assigned managed identity name", Min: 3, Max: 128, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`),
		Shape:  "letters, digits, '-' and '_', beginning with a letter or digit",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity"}
	FederatedCredential = Rule{Target: "Azure federated identity credential name", Min: 3, Max: 120, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`),
		Shape:  "letters, digits, '-' and '_', beginning with a letter or digit",
		Source: "Azure/azure-rest-api-specs specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json (FederatedIdentityCredentialResourceNameParameter)"}
	LogAnalyticsWorkspace = Rule{Target: "Log Analytics workspace name", Min: 4, Max: 63, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$`),
		Shape:  "letters, digits and '-', beginning and ending with a letter or digit",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftoperationalinsights"}
	// Azure's naming-rules page says nothing of Azure Monitor workspaces,
	// data collection endpoints and rules, or private DNS zone groups. The
	// toolkit keeps their names to the lengths below, which it chose, not
	// Azure; a name within them has never been refused, but that is all
	// that is known.
	MonitorWorkspace = Rule{Target: "Azure Monitor workspace name", Min: 4, Max: 44, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]$`),
		Shape:  "letters, digits, '-' and '_', beginning and ending with a letter or digit",
		Source: "not documented by Azure: a limit the toolkit keeps to"}
	// PostgresServer: Azure Database for PostgreSQL flexible server names
	// (the serverName path parameter of Azure/azure-rest-api-specs
	// specification/postgresql/.../stable/2025-08-01/openapi.json: 3 to 63
	// characters, ^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*; the server's host name
	// is lowercase, so the toolkit keeps to lowercase).
	PostgresServer = Rule{Target: "Azure PostgreSQL flexible server name", Min: 3, Max: 63, Pattern: regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`),
		Shape:  "lowercase letters, digits and single '-', beginning and ending with a letter or digit",
		Source: "Azure/azure-rest-api-specs specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/PostgreSQL/stable/2025-08-01/openapi.json (serverName)"}
	// PostgresParameter: a server parameter's name is PostgreSQL's own
	// (require_secure_transport).
	PostgresParameter = Rule{Target: "Azure PostgreSQL server parameter name", Min: 1, Max: 63, Pattern: regexp.MustCompile(`^[a-z][a-z0-9_.]*$`),
		Shape: "a PostgreSQL parameter name: lowercase letters, digits, '_' and '.'", Source: PostgresServer.Source}
	// PostgresDatabase: a database name, kept to PostgreSQL's unquoted
	// identifiers (at most 63 bytes, NAMEDATALEN - 1).
	PostgresDatabase = Rule{Target: "Azure PostgreSQL database name", Min: 1, Max: 63, Pattern: regexp.MustCompile(`^[a-z_][a-z0-9_]*$`),
		Shape: "lowercase letters, digits and '_', not beginning with a digit", Source: "https://www.postgresql.org/docs/current/sql-syntax-lexical.html (identifiers)"}
	// PostgresAdministrator: an Entra administrator is named by its object id.
	PostgresAdministrator = Rule{Target: "Azure PostgreSQL Entra administrator (object id)", Min: 36, Max: 36,
		Pattern: regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), Shape: "a lowercase GUID", Source: PostgresServer.Source}
	DataCollectionEndpoint = Rule{Target: "Azure Monitor data collection endpoint name", Min: 3, Max: 44, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]$`),
		Shape:  "letters, digits, '-' and '_', beginning and ending with a letter or digit",
		Source: MonitorWorkspace.Source}
	DataCollectionRule = Rule{Target: "Azure Monitor data collection rule name", Min: 3, Max: 64, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]$`),
		Shape:  "letters, digits, '-' and '_', beginning and ending with a letter or digit",
		Source: DataCollectionEndpoint.Source}
	DiagnosticSetting = Rule{Target: "Azure diagnostic setting name", Min: 1, Max: 260, Pattern: regexp.MustCompile(`^[^*<>%:&?+/\\]+$`),
		Shape: "any characters but *<>%:&?+/\\", Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftinsights"}
	StorageAccount = Rule{Target: "Azure storage account name", Min: 3, Max: 24, Pattern: alnumLower, Shape: "lowercase letters and digits", Alnum: true,
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage"}
	BlobContainer = Rule{Target: "Azure blob container name", Min: 3, Max: 63, Pattern: regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`),
		Shape: "lowercase letters, digits and '-', beginning and ending with a letter or digit", Forbid: []string{"--"}, Source: StorageAccount.Source}
	BlobServices = Rule{Target: "Azure blob service name", Min: 7, Max: 7, Pattern: regexp.MustCompile(`^default$`), Shape: `"default"`, Source: StorageAccount.Source}
	// ManagementPolicy: the REST API names an account's only lifecycle
	// policy "default" (pulumi-azure-native-sdk storage/v2
	// managementPolicy.go: "It should always be 'default'").
	ManagementPolicy = Rule{Target: "Azure storage management policy name", Min: 7, Max: 7, Pattern: regexp.MustCompile(`^default$`), Shape: `"default"`,
		Source: "https://learn.microsoft.com/rest/api/storagerp/management-policies/create-or-update"}
	ContainerRegistry = Rule{Target: "Azure container registry name", Min: 5, Max: 50, Pattern: alnum, Shape: "letters and digits", Alnum: true,
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry"}
	AKSCluster = Rule{Target: "AKS cluster name", Min: 1, Max: 63, Pattern: regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$`),
		Shape:  "letters, digits, '-' and '_', beginning and ending with a letter or digit",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerservice"}
	AgentPool = Rule{Target: "AKS node pool name", Min: 1, Max: 12, Pattern: regexp.MustCompile(`^[a-z][a-z0-9]*$`),
		Shape: "lowercase letters and digits, beginning with a letter", Source: "https://learn.microsoft.com/azure/aks/create-node-pools#limitations"}
	MaintenanceConfiguration = Rule{Target: "AKS maintenance configuration name", Min: 1, Max: 63,
		Pattern: regexp.MustCompile(`^(default|aksManagedAutoUpgradeSchedule|aksManagedNodeOSUpgradeSchedule)$`),
		Shape:   "default, aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule",
		Source:  "https://learn.microsoft.com/azure/aks/planned-maintenance"}
	RoleAssignment = Rule{Target: "Azure role assignment name", Min: 36, Max: 36,
		Pattern: regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), Shape: "a GUID",
		Source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftauthorization"}
)

// Kubernetes targets.
var (
	DNSLabel = Rule{Target: "Kubernetes DNS-1123 label name", Min: 1, Max: 63, Pattern: dnsLabel,
		Shape:  "lowercase letters, digits and '-', beginning and ending with a letter or digit",
		Source: "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names"}
	DNS1035Label = Rule{Target: "Kubernetes DNS-1035 label name", Min: 1, Max: 63, Pattern: dns1035,
		Shape:  "lowercase letters, digits and '-', beginning with a letter and ending with a letter or digit",
		Source: "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names"}
	DNSSubdomain = Rule{Target: "Kubernetes DNS-1123 subdomain name", Min: 1, Max: 253, Pattern: dnsSubdom,
		Shape:  "dot-separated DNS labels of lowercase letters, digits and '-'",
		Source: "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names"}
	LabelValue = Rule{Target: "Kubernetes label value", Min: 0, Max: 63, Pattern: labelValue,
		Shape:  "empty, or letters, digits, '-', '_' and '.', beginning and ending with a letter or digit",
		Source: "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set"}
)

// HelmRelease is what Helm accepts as a release name: a DNS subdomain of at
// most 53 characters, leaving charts 10 characters to add to it. Read in
// helm.sh/helm/v3 v3.21.4 pkg/chartutil/validate_name.go
// (maxReleaseNameLen, ValidateReleaseName).
var HelmRelease = Rule{Target: "Helm release name", Min: 1, Max: 53, Pattern: dnsSubdom,
	Shape:  DNSSubdomain.Shape,
	Source: "helm.sh/helm/v3 v3.21.4 pkg/chartutil/validate_name.go"}

// ForKind is the rule for the names of a Kubernetes kind: Namespaces are
// DNS-1123 labels and Services DNS-1035 labels (k8s.io/apimachinery v0.36.2
// pkg/api/validation/generic.go ValidateNamespaceName; k8s.io/kubernetes
// v1.32.2 pkg/apis/core/validation/validation.go ValidateServiceName); the
// kinds the toolkit creates otherwise take DNS-1123 subdomains, the
// strictest rule any of them has.
func ForKind(kind string) Rule {
	switch kind {
	case "Namespace":
		return DNSLabel
	case "Service":
		return DNS1035Label
	}
	return DNSSubdomain
}
