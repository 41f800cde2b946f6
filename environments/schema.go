package environments

import (
	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/k8s/workload"
)

// Environment is one environment file. Sections that later issues add
// (monitoring, models, runners, policy levels, waivers) get their own fields;
// until then an unknown section is rejected like any unknown key.
type Environment struct {
	// Name is the environment's name; it must match the file name and the
	// environment tag. One of dev, staging, prod, preview.
	Name string `yaml:"name"`
	// Description says what the environment is for.
	Description string `yaml:"description,omitempty"`
	// Ephemeral marks short-lived environments (preview): every resource then
	// carries an expires-at tag, and the stack must say when it expires.
	Ephemeral *Ephemeral `yaml:"ephemeral,omitempty"`
	// Tags are the required tags: environment, owner, cost-center, project,
	// data-classification. managed-by and the stack name are added by the toolkit.
	Tags map[string]string `yaml:"tags"`
	// Cluster holds the cloud-neutral cluster settings.
	Cluster Cluster `yaml:"cluster"`
	// NodeGroups are the node groups (EKS) or node pools (AKS), keyed by name.
	// Exactly one has kind system.
	NodeGroups map[string]NodeGroup `yaml:"nodeGroups"`
	// AWS holds what only AWS needs. Required for aws-* stacks.
	AWS *AWS `yaml:"aws,omitempty"`
	// Azure holds what only Azure needs. Required for azure-* stacks.
	Azure *Azure `yaml:"azure,omitempty"`
	// Monitoring configures Prometheus, Grafana and the alert thresholds.
	Monitoring *Monitoring `yaml:"monitoring,omitempty"`
	// Models are the models served, each with an optional explainer.
	Models []Model `yaml:"models,omitempty"`
	// Runners are the GitHub Actions runner scale sets.
	Runners []RunnerSet `yaml:"runners,omitempty"`
	// MLflow is the tracking server and model registry; on unless turned off.
	MLflow *MLflow `yaml:"mlflow,omitempty"`
	// JupyterHub is the data scientists' notebooks; off unless present.
	JupyterHub *JupyterHub `yaml:"jupyterhub,omitempty"`
	// Policies set policy levels for this environment and waive single
	// resources from single rules.
	Policies *Policies `yaml:"policies,omitempty"`
	// catalog is the instance catalogue the environment was validated
	// against (the default one with the environments' override).
	catalog *catalog.Catalog
}

// Policies are an environment's policy settings. Which rule ids and levels
// are allowed is checked against the policy rules (docs/policies.md).
type Policies struct {
	// Levels override a rule's level: mandatory, advisory or disabled. Prod
	// never lowers a rule; dev and preview may lower the rules marked ◐.
	Levels map[string]string `yaml:"levels,omitempty"`
	// Waivers exempt one resource from one rule, with a reason, until a date.
	Waivers []Waiver `yaml:"waivers,omitempty"`
	// FairnessReviewMaxAgeDays is how old a high-risk model's fairness
	// review may be (rule model-card); 0 means DefaultFairnessReviewMaxAgeDays.
	FairnessReviewMaxAgeDays int `yaml:"fairnessReviewMaxAgeDays,omitempty"`
}

// DefaultFairnessReviewMaxAgeDays is how old a high-risk model's fairness
// review may be unless the environment says otherwise: half a year, this
// project's choice (no standard fixes one).
const DefaultFairnessReviewMaxAgeDays = 180

// Waiver exempts one resource from one rule.
type Waiver struct {
	// Rule is the rule's id.
	Rule string `yaml:"rule"`
	// Resource is the resource's name as the plan lists it.
	Resource string `yaml:"resource"`
	// Reason says why, for the reviewer.
	Reason string `yaml:"reason"`
	// Expires is the last day the waiver holds, YYYY-MM-DD.
	Expires string `yaml:"expires"`
}

// Ephemeral configures a short-lived environment.
type Ephemeral struct {
	// MaxTTL is the longest a stack of this environment may live, as a Go
	// duration ("48h"). expires-at must fall within it.
	MaxTTL string `yaml:"maxTTL"`
}

// Cluster holds the settings every cloud's cluster shares.
type Cluster struct {
	// KubernetesVersion is the control-plane minor version, "1.33". See
	// SupportedKubernetesVersions.
	KubernetesVersion string `yaml:"kubernetesVersion"`
	// PublicAccessCIDRs opens the public API endpoint to these CIDRs. Empty
	// means private-only. Never 0.0.0.0/0 in prod.
	PublicAccessCIDRs []string `yaml:"publicAccessCidrs,omitempty"`
	// LogRetentionDays is how long control-plane logs are kept. Must be a
	// retention CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
	// 365, 400, 545, 731, ...).
	LogRetentionDays int `yaml:"logRetentionDays"`
}

// NodeGroup is one group of worker nodes, the same abstraction on every cloud.
type NodeGroup struct {
	// Kind is system (cluster add-ons, at least one node), cpu or gpu.
	Kind string `yaml:"kind"`
	// CapacityType is ON_DEMAND or SPOT.
	CapacityType string `yaml:"capacityType"`
	// MinSize is the autoscaler's floor; 0 lets the group scale to zero.
	MinSize int `yaml:"minSize"`
	// MaxSize is the autoscaler's ceiling; at least 1.
	MaxSize int `yaml:"maxSize"`
	// DesiredSize is the size at creation, within [minSize, maxSize]. After
	// creation the cluster autoscaler owns it.
	DesiredSize int `yaml:"desiredSize"`
	// DiskSizeGiB is the root (AL2023) or data (Bottlerocket) volume size.
	DiskSizeGiB int `yaml:"diskSizeGiB"`
	// Labels are added to every node of the group.
	Labels map[string]string `yaml:"labels,omitempty"`
	// Taints are added to every node; gpu groups get nvidia.com/gpu=true:NoSchedule
	// without listing it.
	Taints []Taint `yaml:"taints,omitempty"`
	// AWS holds the EKS-specific settings.
	AWS *NodeGroupAWS `yaml:"aws,omitempty"`
	// Azure holds the AKS-specific settings.
	Azure *NodeGroupAzure `yaml:"azure,omitempty"`
	// GPUSharing lets several pods share each GPU of a gpu group.
	GPUSharing *GPUSharing `yaml:"gpuSharing,omitempty"`
}

// GPUSharing configures GPU time-slicing for a gpu group.
type GPUSharing struct {
	// TimeSlicingReplicas is how many pods may share one GPU (2 to 16).
	TimeSlicingReplicas int `yaml:"timeSlicingReplicas"`
}

// NodeGroupAzure holds a node pool's AKS settings.
type NodeGroupAzure struct {
	// VMSize is the VM size; it must be in the instance catalogue and support
	// encryption at host, which every pool requires.
	VMSize string `yaml:"vmSize"`
	// GPUDriver is Install (AKS installs the NVIDIA driver; default for gpu
	// pools) or None (a GPU operator brings it). gpu pools only.
	GPUDriver string `yaml:"gpuDriver,omitempty"`
	// SpotMaxPrice caps the hourly price of a SPOT pool; -1 (default) pays up
	// to the on-demand price and is evicted only for capacity.
	SpotMaxPrice float64 `yaml:"spotMaxPrice,omitempty"`
}

// Taint is a Kubernetes node taint.
type Taint struct {
	Key    string `yaml:"key"`
	Value  string `yaml:"value,omitempty"`
	Effect string `yaml:"effect"` // NoSchedule, PreferNoSchedule or NoExecute
}

// NodeGroupAWS holds a node group's EKS settings.
type NodeGroupAWS struct {
	// InstanceTypes lists the EC2 types, most preferred first. All must be in
	// the instance catalogue, share one architecture and, for gpu groups, carry GPUs.
	InstanceTypes []string `yaml:"instanceTypes"`
	// AMIType is the EKS AMI type; gpu groups need an NVIDIA one
	// (AL2023_x86_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, ...).
	AMIType string `yaml:"amiType"`
}

// AWS holds the AWS-only parts of an environment.
type AWS struct {
	// Region is the AWS region, e.g. us-east-1.
	Region string `yaml:"region"`
	// Network describes the VPC to create, or the one to bring.
	Network AWSNetwork `yaml:"network"`
	// Cluster holds the EKS-only settings.
	Cluster AWSCluster `yaml:"cluster"`
	// Artifacts configures the model bucket and container registries.
	Artifacts AWSArtifacts `yaml:"artifacts"`
	// Quotas declare EKS service quotas AWS has raised for the account;
	// unset, plans are checked against EKS's defaults.
	Quotas AWSQuotas `yaml:"quotas,omitempty"`
}

// AWSQuotas are the account's applied EKS quotas, as the Service Quotas
// console shows them.
type AWSQuotas struct {
	// NodesPerNodeGroup is "Nodes per managed node group" (default 450).
	NodesPerNodeGroup int `yaml:"nodesPerNodeGroup,omitempty"`
	// NodeGroupsPerCluster is "Managed node groups per cluster" (default 30).
	NodeGroupsPerCluster int `yaml:"nodeGroupsPerCluster,omitempty"`
}

// AWSNetwork describes the VPC.
type AWSNetwork struct {
	// VPCCIDR is the VPC's IPv4 block, canonical (host bits zero).
	VPCCIDR string `yaml:"vpcCidr,omitempty"`
	// AvailabilityZones are the AZ names, at least 2, all in the region.
	AvailabilityZones []string `yaml:"availabilityZones"`
	// PrivateSubnetCIDRs has one block per AZ, inside the VPC, none overlapping.
	PrivateSubnetCIDRs []string `yaml:"privateSubnetCidrs,omitempty"`
	// PublicSubnetCIDRs has one block per AZ, for load balancers and NAT.
	PublicSubnetCIDRs []string `yaml:"publicSubnetCidrs,omitempty"`
	// NATGateways is the egress strategy: single (one NAT, cheap) or perAz
	// (one per AZ, no cross-AZ dependency).
	NATGateways string `yaml:"natGateways,omitempty"`
	// FlowLogRetentionDays is how long VPC flow logs are kept.
	FlowLogRetentionDays int `yaml:"flowLogRetentionDays,omitempty"`
	// Existing brings your own VPC instead of creating one; then vpcCidr,
	// subnet CIDRs and natGateways must be unset.
	Existing *ExistingVPC `yaml:"existing,omitempty"`
}

// ExistingVPC names a VPC and subnets that already exist.
type ExistingVPC struct {
	VPCID            string   `yaml:"vpcId"`
	PrivateSubnetIDs []string `yaml:"privateSubnetIds"`
	PublicSubnetIDs  []string `yaml:"publicSubnetIds,omitempty"`
}

// AWSCluster holds the EKS-only cluster settings.
type AWSCluster struct {
	// SupportType is STANDARD (default: upgraded at end of standard support,
	// $0.10/h) or EXTENDED ($0.60/h once standard support ends).
	SupportType string `yaml:"supportType,omitempty"`
	// AdminRoleARNs get cluster-admin access entries. The identity that runs
	// `pulumi up` gets none implicitly.
	AdminRoleARNs []string `yaml:"adminRoleArns"`
	// AddonVersions overrides the pinned add-on versions, keyed by add-on name.
	AddonVersions map[string]string `yaml:"addonVersions,omitempty"`
}

// AWSArtifacts configures the artifact bucket and registries.
type AWSArtifacts struct {
	// Repositories are the ECR repository names to create.
	Repositories []string `yaml:"repositories"`
	// ModelPrefix is the bucket prefix models live under; the read-only and
	// read-write policies are scoped to it. Ends with "/".
	ModelPrefix string `yaml:"modelPrefix"`
	// NoncurrentVersionDays is how long replaced object versions are kept.
	NoncurrentVersionDays int `yaml:"noncurrentVersionDays"`
	// AccessLogRetentionDays is how long S3 access logs are kept.
	AccessLogRetentionDays int `yaml:"accessLogRetentionDays"`
	// UntaggedImageDays is how long untagged images stay in ECR.
	UntaggedImageDays int `yaml:"untaggedImageDays"`
}

// Azure holds the Azure-only parts of an environment.
type Azure struct {
	// Location is the Azure region, e.g. eastus.
	Location string `yaml:"location"`
	// AvailabilityZones are the zones pools spread over ("1", "2", "3");
	// empty for a region without zones.
	AvailabilityZones []string `yaml:"availabilityZones,omitempty"`
	// Network describes the virtual network to create, or the one to bring.
	Network AzureNetwork `yaml:"network"`
	// Cluster holds the AKS-only settings.
	Cluster AzureCluster `yaml:"cluster"`
	// KeyVault configures the vault that holds the KMS and storage keys.
	KeyVault AzureKeyVault `yaml:"keyVault"`
	// Artifacts configures the storage account and container registry.
	Artifacts AzureArtifacts `yaml:"artifacts"`
}

// AzureNetwork describes the virtual network.
type AzureNetwork struct {
	// VNetCIDR is the virtual network's address space.
	VNetCIDR string `yaml:"vnetCidr,omitempty"`
	// SystemSubnetCIDR, UserSubnetCIDR and PrivateEndpointSubnetCIDR are the
	// subnets for the system pool, the user pools and private endpoints.
	SystemSubnetCIDR          string `yaml:"systemSubnetCidr,omitempty"`
	UserSubnetCIDR            string `yaml:"userSubnetCidr,omitempty"`
	PrivateEndpointSubnetCIDR string `yaml:"privateEndpointSubnetCidr,omitempty"`
	// APIServerSubnetCIDR is the subnet (at least /28) the API server is
	// projected into (API server VNet integration), delegated to AKS.
	APIServerSubnetCIDR string `yaml:"apiServerSubnetCidr,omitempty"`
	// DatabaseSubnetCIDR is the subnet (at least /28) delegated to
	// PostgreSQL flexible servers: MLflow's database. Required when
	// MLflow is on.
	DatabaseSubnetCIDR string `yaml:"databaseSubnetCidr,omitempty"`
	// Existing brings a virtual network instead of creating one.
	Existing *ExistingVNet `yaml:"existing,omitempty"`
}

// ExistingVNet names subnets that already exist, by resource id.
type ExistingVNet struct {
	SystemSubnetID          string `yaml:"systemSubnetId"`
	UserSubnetID            string `yaml:"userSubnetId"`
	PrivateEndpointSubnetID string `yaml:"privateEndpointSubnetId"`
	APIServerSubnetID       string `yaml:"apiServerSubnetId"`
	// DatabaseSubnetID is a subnet delegated to
	// Microsoft.DBforPostgreSQL/flexibleServers; required when MLflow is on.
	DatabaseSubnetID string `yaml:"databaseSubnetId,omitempty"`
	// PostgresDNSZoneID is the private DNS zone (a name ending in
	// .postgres.database.azure.com) linked to the network; required when
	// MLflow is on.
	PostgresDNSZoneID string `yaml:"postgresDnsZoneId,omitempty"`
}

// AzureCluster holds the AKS-only cluster settings. The API server is private
// when cluster.publicAccessCidrs is empty; otherwise those CIDRs are its
// authorized IP ranges.
type AzureCluster struct {
	// SKUTier is Free or Standard (uptime SLA, $0.10/h).
	SKUTier string `yaml:"skuTier"`
	// NetworkPolicy is cilium (with the Cilium dataplane) or azure.
	NetworkPolicy string `yaml:"networkPolicy"`
	// PodCIDR is the overlay's pod address space; it must not overlap the
	// virtual network.
	PodCIDR string `yaml:"podCidr"`
	// ServiceCIDR is the Kubernetes service address space; it must overlap
	// neither the virtual network nor the pod CIDR.
	ServiceCIDR string `yaml:"serviceCidr"`
	// DNSServiceIP is the cluster DNS address, inside ServiceCIDR.
	DNSServiceIP string `yaml:"dnsServiceIp"`
	// AdminGroupObjectIDs are the Entra ID groups that get cluster admin.
	AdminGroupObjectIDs []string `yaml:"adminGroupObjectIds"`
	// UpgradeChannel is the auto-upgrade channel: none, patch, stable, rapid
	// or node-image.
	UpgradeChannel string `yaml:"upgradeChannel"`
	// NodeOSUpgradeChannel is None, Unmanaged, SecurityPatch or NodeImage.
	NodeOSUpgradeChannel string `yaml:"nodeOSUpgradeChannel"`
	// MaintenanceWindow is when both channels may act.
	MaintenanceWindow MaintenanceWindow `yaml:"maintenanceWindow"`
}

// MaintenanceWindow is a weekly window.
type MaintenanceWindow struct {
	// DayOfWeek is Monday to Sunday.
	DayOfWeek string `yaml:"dayOfWeek"`
	// StartTime is HH:MM in UTC.
	StartTime string `yaml:"startTime"`
	// DurationHours is 4 to 24.
	DurationHours int `yaml:"durationHours"`
}

// AzureKeyVault configures the Key Vault.
type AzureKeyVault struct {
	// Name is the vault's globally unique name (3-24 letters, digits and
	// hyphens); unset derives one from the stack name.
	Name string `yaml:"name,omitempty"`
	// AllowedCIDRs may reach the vault's data plane; everything else is denied
	// (trusted Azure services excepted).
	AllowedCIDRs []string `yaml:"allowedCidrs,omitempty"`
	// SoftDeleteRetentionDays is 7 to 90.
	SoftDeleteRetentionDays int `yaml:"softDeleteRetentionDays"`
	// KeyRotationDays rotates the KMS and storage keys this often.
	KeyRotationDays int `yaml:"keyRotationDays"`
}

// AzureArtifacts configures the storage account and registry.
type AzureArtifacts struct {
	// StorageAccountName is globally unique, 3-24 lowercase letters and
	// digits; unset derives one from the stack name.
	StorageAccountName string `yaml:"storageAccountName,omitempty"`
	// RegistryName is globally unique, 5-50 letters and digits; unset derives
	// one from the stack name.
	RegistryName string `yaml:"registryName,omitempty"`
	// RegistrySKU is Basic, Standard or Premium (required in prod).
	RegistrySKU string `yaml:"registrySku"`
	// UntaggedRetentionDays deletes untagged manifests after this many days
	// (Premium only).
	UntaggedRetentionDays int `yaml:"untaggedRetentionDays,omitempty"`
	// SoftDeleteDays keeps deleted blobs and containers this long.
	SoftDeleteDays int `yaml:"softDeleteDays"`
	// AllowedCIDRs may reach the storage account's data plane from outside
	// the network; unset leaves the private endpoint as the only way in.
	AllowedCIDRs []string `yaml:"allowedCidrs,omitempty"`
	// ModelsContainer is the private blob container models live in.
	ModelsContainer string `yaml:"modelsContainer"`
}

// Monitoring configures the monitoring stack.
type Monitoring struct {
	// RetentionDays keeps Prometheus data this long (1 to 90).
	RetentionDays int `yaml:"retentionDays"`
	// StorageGiB sizes Prometheus's encrypted volume (10 to 2000).
	StorageGiB int `yaml:"storageGiB"`
	// RemoteWrite also sends metrics to the cloud's managed Prometheus
	// (Amazon Managed Service for Prometheus, Azure Monitor).
	RemoteWrite bool `yaml:"remoteWrite,omitempty"`
	// Alerts are the thresholds of the alerting rules.
	Alerts AlertThresholds `yaml:"alerts"`
}

// AlertThresholds set when alerts fire.
type AlertThresholds struct {
	// ServingP95LatencyMs is each model's p95 latency objective.
	ServingP95LatencyMs int `yaml:"servingP95LatencyMs"`
	// ServingErrorRatePercent is each model's error-rate objective.
	ServingErrorRatePercent float64 `yaml:"servingErrorRatePercent"`
	// GPUTemperatureC is the GPU temperature that pages.
	GPUTemperatureC int `yaml:"gpuTemperatureC"`
	// RunnerBacklog is how many queued jobs per runner set page.
	RunnerBacklog int `yaml:"runnerBacklog"`
}

// Model is one served model.
type Model struct {
	// Name is a DNS label, unique in the environment; the model is served as
	// an InferenceService of that name.
	Name string `yaml:"name"`
	// Format is sklearn, xgboost, pytorch, tensorflow or huggingface.
	Format string `yaml:"format"`
	// Runtime picks a serving runtime other than the format's default (for
	// example vllm for huggingface LLMs).
	Runtime string `yaml:"runtime,omitempty"`
	// StorageURI is the model's path inside the artifact store (bucket or
	// container), e.g. "fraud/v3"; never an absolute URI.
	StorageURI string `yaml:"storageUri"`
	// GPUs per replica; more than 0 needs a gpu node group.
	GPUs int `yaml:"gpus,omitempty"`
	// NodeGroup is where replicas run; unset means the first gpu group for
	// GPU models and the first cpu group otherwise.
	NodeGroup string `yaml:"nodeGroup,omitempty"`
	// Resources of each replica.
	Resources Resources `yaml:"resources"`
	// MinReplicas (at least 1; KServe's Standard mode never scales to zero; at least 2
	// in prod) and MaxReplicas bound the autoscaler.
	MinReplicas int `yaml:"minReplicas"`
	MaxReplicas int `yaml:"maxReplicas"`
	// ScaleTargetCPUPercent is the CPU utilisation the autoscaler aims for.
	ScaleTargetCPUPercent int `yaml:"scaleTargetCpuPercent"`
	// Explainer runs beside the model; a model that names none gets the
	// default (DefaultExplainer), and type none opts out.
	Explainer *Explainer `yaml:"explainer,omitempty"`
	// Card is the model card (owner, uses, training data, evaluation,
	// fairness review, risk level); required in prod.
	Card *ModelCard `yaml:"card,omitempty"`
	// Monitoring logs the model's requests and responses, only the
	// features it declares loggable, into the artifact store under the
	// model's prefix for PayloadRetentionDays; prod models need it (policy
	// rules payload-logging and payload-retention).
	Monitoring *ModelMonitoring `yaml:"monitoring,omitempty"`
}

// ModelMonitoring says what of a model's traffic may be kept, and for how
// long.
type ModelMonitoring struct {
	// Features are the model's input features in the order its input
	// carries them: the columns of a v1 instance or of a v2 [rows,
	// features] tensor, or the names of its v2 inputs.
	Features []string `yaml:"features"`
	// Loggable are the features that may be archived; every other feature
	// of a request is dropped before anything is written. Predictions are
	// kept.
	Loggable []string `yaml:"loggable"`
	// PayloadRetentionDays is how long the archive keeps a logged request
	// or response, 1 to 3650 days.
	PayloadRetentionDays int `yaml:"payloadRetentionDays"`
	// Reference, when set, turns on drift and fairness metrics: TrustyAI's
	// service receives the loggable features of every logged request and
	// the prediction, and compares them with this reference dataset, a JSON
	// file in the model's storageUri folder (a path relative to it, e.g.
	// "reference.json"; docs/workflows/add-a-model.md gives its shape).
	Reference string `yaml:"reference,omitempty"`
	// DriftThreshold is the p-value under which a feature counts as drifted
	// from the reference (TrustyAI's meanshift test; 0.05 when unset).
	DriftThreshold float64 `yaml:"driftThreshold,omitempty"`
	// Fairness, when set, measures group fairness of the predictions for
	// one protected attribute, over the logged traffic.
	Fairness *Fairness `yaml:"fairness,omitempty"`
}

// Fairness declares the group-fairness metrics of a model: statistical
// parity difference and disparate impact ratio of the favourable outcome
// between a privileged and an unprivileged group.
type Fairness struct {
	// ProtectedAttribute is a loggable feature whose values define the
	// groups.
	ProtectedAttribute string `yaml:"protectedAttribute"`
	// Privileged and Unprivileged are its values for the two groups.
	Privileged   float64 `yaml:"privileged"`
	Unprivileged float64 `yaml:"unprivileged"`
	// Favorable is the prediction that benefits the person.
	Favorable float64 `yaml:"favorable"`
	// DecisionThreshold, for a model that answers with a score, turns the
	// score into the decision the metrics compare: 1 when the score is at
	// least the threshold, else 0. Unset, the prediction is compared as it
	// is.
	DecisionThreshold *float64 `yaml:"decisionThreshold,omitempty"`
	// SPDLimit is how far statistical parity difference may stray from 0
	// before the alert fires (0.1 when unset, TrustyAI's own default).
	SPDLimit float64 `yaml:"spdLimit,omitempty"`
	// DIRRange is the [low, high] range disparate impact ratio must stay
	// in ([0.8, 1.2] when unset, TrustyAI's default; 0.8 is the
	// four-fifths rule).
	DIRRange []float64 `yaml:"dirRange,omitempty"`
}

// HasExplainer reports whether an explainer runs beside the model.
func (m Model) HasExplainer() bool { return m.Explainer != nil && m.Explainer.Type != "none" }

// ModelCard says who answers for a model, what it is for and how it was
// judged. The toolkit puts it on the model's InferenceService.
type ModelCard struct {
	// Owner is who answers for the model: a team or a person and how to
	// reach them.
	Owner string `yaml:"owner"`
	// IntendedUse is what the model is for.
	IntendedUse string `yaml:"intendedUse"`
	// OutOfScopeUse is what it must not be used for.
	OutOfScopeUse string `yaml:"outOfScopeUse"`
	// TrainingData references the training data: a dataset URI or a
	// registry version, never the data.
	TrainingData string `yaml:"trainingData"`
	// Evaluation are the metrics the model was accepted on.
	Evaluation []Evaluation `yaml:"evaluation"`
	// FairnessReview is the latest fairness review.
	FairnessReview FairnessReview `yaml:"fairnessReview"`
	// RiskLevel is low, medium or high; high-risk models in prod need a
	// fairness review younger than policies.fairnessReviewMaxAgeDays.
	RiskLevel string `yaml:"riskLevel"`
}

// Evaluation is one metric a model was accepted on.
type Evaluation struct {
	// Metric is the metric's name, e.g. auc or recall.
	Metric string `yaml:"metric"`
	// Value is what the model scored.
	Value float64 `yaml:"value"`
	// Dataset is what it was measured on, e.g. "holdout-2026-10".
	Dataset string `yaml:"dataset,omitempty"`
}

// FairnessReview records a model's latest fairness review.
type FairnessReview struct {
	// Date is the day of the review, YYYY-MM-DD.
	Date string `yaml:"date"`
	// Reviewer is who reviewed.
	Reviewer string `yaml:"reviewer"`
	// Outcome is approved, approved-with-conditions or rejected.
	Outcome string `yaml:"outcome"`
}

// Explainer explains a model's predictions.
type Explainer struct {
	// Type is trustyai (TrustyAI's KServe explainer: LIME and SHAP
	// attributions; the default), art (KServe's Adversarial Robustness
	// Toolbox explainer, which tests robustness and explains nothing),
	// custom (your container) or none (no explainer).
	Type string `yaml:"type"`
	// Method is, for type trustyai, which attributions it computes: all
	// (LIME and SHAP, the default), lime or shap.
	Method string `yaml:"method,omitempty"`
	// ARTAttack is the ART attack for type art, e.g. SquareAttack.
	ARTAttack string `yaml:"artAttack,omitempty"`
	// Image is the custom explainer's image, with a pinned tag: a path in the
	// platform registry ("explainers/shap-server:1.2.0") or a full reference.
	Image string `yaml:"image,omitempty"`
	// Resources of the explainer.
	Resources Resources `yaml:"resources"`
}

// Resources are a container's requests; memory is also its limit.
type Resources = workload.Resources

// RunnerSet is one GitHub Actions runner scale set.
type RunnerSet struct {
	// Name is the scale set's name and the label workflows run on.
	Name string `yaml:"name"`
	// GitHubConfigURL is the organisation or repository the runners serve.
	GitHubConfigURL string `yaml:"githubConfigUrl"`
	// MinRunners (0 scales to zero) and MaxRunners bound the set.
	MinRunners int `yaml:"minRunners"`
	MaxRunners int `yaml:"maxRunners"`
	// GPUs per runner; more than 0 needs a gpu node group.
	GPUs int `yaml:"gpus,omitempty"`
	// NodeGroup is where runners run; unset as for models.
	NodeGroup string `yaml:"nodeGroup,omitempty"`
	// Resources of each runner.
	Resources Resources `yaml:"resources"`
	// DockerInDocker runs privileged Docker-in-Docker; only on a node group
	// with a taint of its own (an isolated pool).
	DockerInDocker bool `yaml:"dockerInDocker,omitempty"`
	// PushImages lets runners push to the platform registry.
	PushImages bool `yaml:"pushImages,omitempty"`
}

// Catalog returns the instance catalogue the environment was validated
// against: the default catalogue with environments/catalog-overrides.yaml
// laid over it when that file exists.
func (e *Environment) Catalog() *catalog.Catalog {
	if e.catalog == nil {
		return catalog.Default()
	}
	return e.catalog
}
