package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azartifacts "github.com/pangea-ai/mlplatform/components/azure/artifacts"
	azdatabase "github.com/pangea-ai/mlplatform/components/azure/database"
	"github.com/pangea-ai/mlplatform/components/azure/nodepool"
	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/mlflow"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/notebooks"
	"github.com/pangea-ai/mlplatform/components/k8s/runners"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// azureIdentityScope are the Azure addresses the platform services' identities need.
type azureIdentityScope struct {
	ResourceGroupName pulumi.StringInput
	SubscriptionID    string
	TenantID          pulumi.StringInput
	IssuerURL         pulumi.StringInput
	ModelsContainerID pulumi.StringInput
	RegistryID        pulumi.StringInput
	Tags              tags.Set
}

// azureServices gives the platform services Azure managed disks (encrypted
// at rest by Azure), a workload identity per model with Storage Blob Data
// Reader on the models container narrowed to the model's own prefix, and
// AcrPush identities for runner sets that push images.
func azureServices(ctx *pulumi.Context, env *environments.Environment, names AzureNames, scope azureIdentityScope, opts ...pulumi.ResourceOption) (cloudServices, error) {
	base := ctx.Stack()
	a := env.Azure
	container := modelsContainer(a)
	identity := func(name, namespace, sa string) (*managedidentity.UserAssignedIdentity, error) {
		return azureWorkloadIdentity(ctx, name, namespace, sa, a.Location, scope, opts...)
	}
	cs := cloudServices{
		Cloud:     CloudAzure,
		SpotTaint: &nodepool.SpotTaint,
		StorageClass: monitoring.StorageClass{Provisioner: "disk.csi.azure.com", Parameters: pulumi.StringMap{
			"skuName": pulumi.String("Premium_LRS"), "cachingMode": pulumi.String("ReadOnly"),
		}},
		RegistryPrefix: names.Registry + ".azurecr.io",
		ModelStorage: func(path string) pulumi.StringInput {
			return pulumi.String(fmt.Sprintf("https://%s.blob.core.windows.net/%s/%s", names.StorageAccount, container, path))
		},
		ModelIdentity: func(m environments.Model) (serving.Identity, []pulumi.Resource, error) {
			return azureModelIdentity(ctx, base+"-model-"+m.Name, baseline.NamespaceServing, m, a.Location, scope, opts...)
		},
		PayloadArchive: func(_ environments.Model, id serving.Identity) *serving.PayloadArchive {
			return &serving.PayloadArchive{
				URL:         pulumi.String(fmt.Sprintf("abfs://%s@%s.dfs.core.windows.net/%s", container, names.StorageAccount, serving.PayloadRoot)),
				Credentials: azurePayloadCredentials(id, scope.TenantID, names.StorageAccount),
			}
		},
		NotebookIdentity: func() (notebooks.Identity, []pulumi.Resource, error) {
			return azureNotebookIdentity(ctx, env, scope, opts...)
		},
		RunnerIdentity: func(s environments.RunnerSet) (runners.Identity, error) {
			id, err := identity(base+"-runner-"+s.Name, baseline.NamespaceRunners, s.Name+"-runner")
			if err != nil {
				return runners.Identity{}, err
			}
			if _, err := roles.Assign(ctx, base+"-runner-"+s.Name+"-push", scope.SubscriptionID, roles.Assignment{
				PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.AcrPush, Scope: scope.RegistryID,
			}, append(opts, pulumi.Parent(id))...); err != nil {
				return runners.Identity{}, err
			}
			return runners.Identity{
				ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
				PodLabels:                 workloadIdentityLabels,
			}, nil
		},
	}
	if env.Monitoring != nil && env.Monitoring.RemoteWrite {
		rw, err := azureRemoteWrite(ctx, base, a.Location, scope, identity, opts...)
		if err != nil {
			return cs, err
		}
		rw.PodLabels = workloadIdentityLabels
		cs.RemoteWrite = rw
	}
	return cs, nil
}

// Azure Monitor facts for remote write from a self-managed Prometheus
// (learn.microsoft.com: azure-monitor/metrics/prometheus-remote-write-configure).
const (
	// monitorWorkspaceAPIVersion is the stable API of Microsoft.Monitor/accounts.
	monitorWorkspaceAPIVersion = "2023-04-03"
	// PrometheusStream is the data collection stream Prometheus samples use.
	PrometheusStream = "Microsoft-PrometheusMetrics"
	// remoteWriteAPIVersion is the ingestion API version of the write URL.
	remoteWriteAPIVersion = "2023-04-24"
)

// azureRemoteWrite creates an Azure Monitor workspace, a data collection
// endpoint and rule that route Prometheus samples into it, and a workload
// identity for Prometheus that may publish metrics to that rule only.
//
// The workspace is an ARM generic resource: the azure-native monitor module
// is not available to this build, and the workspace needs nothing but a
// name and a location. The endpoint and rule are this stack's own rather
// than the workspace's hidden defaults, so their write URL is known from
// typed outputs and the role is scoped to a rule the stack owns.
func azureRemoteWrite(ctx *pulumi.Context, base, location string, scope azureIdentityScope,
	identity func(name, namespace, sa string) (*managedidentity.UserAssignedIdentity, error), opts ...pulumi.ResourceOption) (*monitoring.RemoteWrite, error) {
	ws, err := resources.NewResource(ctx, base+"-metrics", &resources.ResourceArgs{
		ResourceGroupName: scope.ResourceGroupName, Location: pulumi.String(location),
		ResourceProviderNamespace: pulumi.String("Microsoft.Monitor"), ResourceType: pulumi.String("accounts"),
		ParentResourcePath: pulumi.String(""), ApiVersion: pulumi.String(monitorWorkspaceAPIVersion),
		ResourceName: pulumi.String(names.MonitorWorkspace.Fit("amw-" + base)), Tags: scope.Tags.StringMap(),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating Azure Monitor workspace for %s: %w", base, err)
	}
	dce, err := insights.NewDataCollectionEndpoint(ctx, base+"-metrics", &insights.DataCollectionEndpointArgs{
		ResourceGroupName: scope.ResourceGroupName, Location: pulumi.String(location),
		DataCollectionEndpointName: pulumi.String(names.DataCollectionEndpoint.Fit("dce-" + base)),
		Description:                pulumi.String("Prometheus remote write of stack " + base),
		NetworkAcls:                insights.DataCollectionEndpointNetworkAclsArgs{PublicNetworkAccess: pulumi.String("Enabled")},
		Tags:                       scope.Tags.StringMap(),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating data collection endpoint for %s: %w", base, err)
	}
	const destination = "workspace"
	dcr, err := insights.NewDataCollectionRule(ctx, base+"-metrics", &insights.DataCollectionRuleArgs{
		ResourceGroupName: scope.ResourceGroupName, Location: pulumi.String(location),
		DataCollectionRuleName:   pulumi.String(names.DataCollectionRule.Fit("dcr-" + base + "-prometheus")),
		Description:              pulumi.String("Routes Prometheus remote write of stack " + base + " to its Azure Monitor workspace"),
		DataCollectionEndpointId: dce.ID(),
		Destinations: insights.DataCollectionRuleDestinationsArgs{
			MonitoringAccounts: insights.MonitoringAccountDestinationArray{insights.MonitoringAccountDestinationArgs{
				AccountResourceId: ws.ID(), Name: pulumi.String(destination),
			}},
		},
		DataFlows: insights.DataFlowArray{insights.DataFlowArgs{
			Streams: pulumi.StringArray{pulumi.String(PrometheusStream)}, Destinations: pulumi.StringArray{pulumi.String(destination)},
		}},
		Tags: scope.Tags.StringMap(),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating data collection rule for %s: %w", base, err)
	}
	id, err := identity(base+"-prometheus", baseline.NamespaceMonitoring, PrometheusServiceAccount)
	if err != nil {
		return nil, err
	}
	if _, err := roles.Assign(ctx, base+"-prometheus-publish", scope.SubscriptionID, roles.Assignment{
		PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.MonitoringMetricsPublisher, Scope: dcr.ID(),
	}, append(opts, pulumi.Parent(id))...); err != nil {
		return nil, err
	}
	return &monitoring.RemoteWrite{
		URL: pulumi.Sprintf("%s/dataCollectionRules/%s/streams/%s/api/v1/write?api-version=%s",
			dce.MetricsIngestion.Endpoint().Elem(), dcr.ImmutableId, PrometheusStream, remoteWriteAPIVersion),
		AzureTenantID:             scope.TenantID,
		ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
	}, nil
}

// azureMLflow gives MLflow's server a workload identity that reads its
// database password from Key Vault and reads, lists and writes the mlflow/
// folder of the models container (two narrowed roles: the contributor's
// condition refuses listing, which has no blob path; the reader's allows it
// under the prefix).
func azureMLflow(ctx *pulumi.Context, env *environments.Environment, names AzureNames, scope azureIdentityScope, db *azdatabase.Postgres, opts ...pulumi.ResourceOption) (*mlflowCloud, error) {
	a := env.Azure
	name := ctx.Stack() + "-mlflow"
	id, err := azureWorkloadIdentity(ctx, name, baseline.NamespaceMLflow, mlflow.Name, a.Location, scope, opts...)
	if err != nil {
		return nil, err
	}
	prefix := MLflowPrefix + "/"
	ready := []pulumi.Resource{db.Server}
	for _, g := range []struct {
		suffix    string
		role      roles.Role
		scope     pulumi.StringInput
		condition string
	}{
		{"artifacts-write", roles.StorageBlobDataContributor, scope.ModelsContainerID, roles.BlobWritePathCondition(prefix)},
		{"artifacts-read", roles.StorageBlobDataReader, scope.ModelsContainerID, roles.BlobPathCondition(prefix)},
		{"database-secret", roles.KeyVaultSecretsUser, db.PasswordSecretID, ""},
	} {
		ra, err := roles.Assign(ctx, name+"-"+g.suffix, scope.SubscriptionID, roles.Assignment{
			PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: g.role, Scope: g.scope, Condition: g.condition,
		}, append(opts, pulumi.Parent(id))...)
		if err != nil {
			return nil, err
		}
		ready = append(ready, ra)
	}
	var cidrs []string
	if c := a.Network.DatabaseSubnetCIDR; c != "" {
		cidrs = []string{c}
	}
	return &mlflowCloud{
		Database: mlflow.Database{
			Host: db.Host, Port: pulumi.Int(azdatabase.Port), Name: db.DatabaseName, Username: db.AdministratorLogin,
			Store: mlflow.AzureKeyVault, SecretRef: db.PasswordSecretURL, CIDRs: cidrs, DatabasePort: azdatabase.Port,
		},
		ArtifactsDestination: pulumi.String(fmt.Sprintf("wasbs://%s@%s.blob.core.windows.net/%s", modelsContainer(a), names.StorageAccount, MLflowPrefix)),
		Identity: mlflow.Identity{
			ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
			PodLabels:                 workloadIdentityLabels,
		},
		Ready: ready,
	}, nil
}

// azureNotebookIdentity gives the notebooks a workload identity that reads
// and lists what MLflow keeps (mlflow/ of the models container) and reads,
// lists and writes experiments/.
func azureNotebookIdentity(ctx *pulumi.Context, env *environments.Environment, scope azureIdentityScope, opts ...pulumi.ResourceOption) (notebooks.Identity, []pulumi.Resource, error) {
	name := ctx.Stack() + "-notebooks"
	id, err := azureWorkloadIdentity(ctx, name, baseline.NamespaceNotebooks, notebooks.ServiceAccount, env.Azure.Location, scope, opts...)
	if err != nil {
		return notebooks.Identity{}, nil, err
	}
	var deps []pulumi.Resource
	for _, g := range []struct {
		suffix    string
		role      roles.Role
		condition string
	}{
		{"models-read", roles.StorageBlobDataReader, roles.BlobPathCondition(MLflowPrefix + "/")},
		{"experiments-read", roles.StorageBlobDataReader, roles.BlobPathCondition(ExperimentsPrefix + "/")},
		{"experiments-write", roles.StorageBlobDataContributor, roles.BlobWritePathCondition(ExperimentsPrefix + "/")},
	} {
		ra, err := roles.Assign(ctx, name+"-"+g.suffix, scope.SubscriptionID, roles.Assignment{
			PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: g.role, Scope: scope.ModelsContainerID, Condition: g.condition,
		}, append(opts, pulumi.Parent(id))...)
		if err != nil {
			return notebooks.Identity{}, nil, err
		}
		deps = append(deps, ra)
	}
	return notebooks.Identity{
		ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
		PodLabels:                 workloadIdentityLabels,
	}, deps, nil
}

// workloadIdentityLabels put a pod under AKS workload identity.
var workloadIdentityLabels = map[string]string{"azure.workload.identity/use": "true"}

// azureWorkloadIdentity creates a user-assigned identity that service
// account namespace/sa signs in as, through a federated credential on the
// cluster's issuer.
func azureWorkloadIdentity(ctx *pulumi.Context, name, namespace, sa, location string, scope azureIdentityScope, opts ...pulumi.ResourceOption) (*managedidentity.UserAssignedIdentity, error) {
	id, err := managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: scope.ResourceGroupName, Location: pulumi.String(location),
		ResourceName: pulumi.String(names.ManagedIdentity.Fit("id-" + name)), Tags: scope.Tags.StringMap(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	_, err = managedidentity.NewFederatedIdentityCredential(ctx, name, &managedidentity.FederatedIdentityCredentialArgs{
		ResourceGroupName: scope.ResourceGroupName, ResourceName: id.Name,
		FederatedIdentityCredentialResourceName: pulumi.String(names.FederatedCredential.Fit(namespace + "-" + sa)),
		Issuer:                                  scope.IssuerURL,
		Subject:                                 pulumi.String(fmt.Sprintf("system:serviceaccount:%s:%s", namespace, sa)),
		Audiences:                               pulumi.StringArray{pulumi.String("api://AzureADTokenExchange")},
	}, append(opts, pulumi.Parent(id))...)
	return id, err
}

// azureModelIdentity gives model m's service account (namespace/<model>) a
// workload identity with Storage Blob Data Reader on the model's own prefix
// of the models container.
func azureModelIdentity(ctx *pulumi.Context, name, namespace string, m environments.Model, location string, scope azureIdentityScope, opts ...pulumi.ResourceOption) (serving.Identity, []pulumi.Resource, error) {
	id, err := azureWorkloadIdentity(ctx, name, namespace, m.Name, location, scope, opts...)
	if err != nil {
		return serving.Identity{}, nil, err
	}
	ra, err := roles.Assign(ctx, name+"-read", scope.SubscriptionID, roles.Assignment{
		PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.StorageBlobDataReader,
		Scope: scope.ModelsContainerID, Condition: roles.BlobPathCondition(m.StorageURI + "/"),
	}, append(opts, pulumi.Parent(id))...)
	if err != nil {
		return serving.Identity{}, nil, err
	}
	deps := []pulumi.Resource{ra}
	if m.Monitoring != nil {
		// KServe's agent in the model's pod writes its payloads, and only
		// there.
		wa, err := roles.Assign(ctx, name+"-payloads", scope.SubscriptionID, roles.Assignment{
			PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.StorageBlobDataContributor,
			Scope: scope.ModelsContainerID, Condition: roles.BlobWritePathCondition(serving.PayloadPrefix(namespace, m.Name)),
		}, append(opts, pulumi.Parent(id))...)
		if err != nil {
			return serving.Identity{}, nil, err
		}
		deps = append(deps, wa)
	}
	return serving.Identity{
		ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
		PodLabels:                 workloadIdentityLabels,
	}, deps, nil
}

// azurePayloadCredentials are what KServe v0.20.0's agent needs in its
// environment to write to Blob Storage as the model's workload identity. Its
// Azure uploader (pkg/agent/storage/utils.go initializeAzureClient) takes
// the account from AZURE_ACCOUNT_NAME, and builds a DefaultAzureCredential
// (which finds the workload identity) only when AZURE_STORAGE_ACCESS_KEY is
// set; without either that or AZURE_ACCESS_TOKEN it refuses to start. The
// account allows no shared keys, so the variable holds a marker, never a
// key: nothing reads its value. The agent gets these from a Secret its
// service account lists (pkg/credentials/azure/azure_secret.go
// BuildSecretEnvs). Not verified on a real cluster.
func azurePayloadCredentials(id serving.Identity, tenantID pulumi.StringInput, account string) pulumi.StringMap {
	return pulumi.StringMap{
		"AZURE_CLIENT_ID":          id.ServiceAccountAnnotations.ToStringMapOutput().MapIndex(pulumi.String("azure.workload.identity/client-id")),
		"AZURE_TENANT_ID":          tenantID,
		"AZURE_ACCOUNT_NAME":       pulumi.String(account),
		"AZURE_STORAGE_ACCESS_KEY": pulumi.String(AzureNoAccessKey),
	}
}

// AzureNoAccessKey is the marker azurePayloadCredentials puts where KServe
// looks for a storage key.
const AzureNoAccessKey = "none: shared keys are disabled; the agent authenticates with workload identity"

// azurePayloadExpiry are the storage account's lifecycle rules for the
// models' payload archives.
func azurePayloadExpiry(models []environments.Model) []azartifacts.ExpiringPrefix {
	var out []azartifacts.ExpiringPrefix
	for i, r := range payloadExpiry(models) {
		// Rule names are letters and digits only; the index keeps
		// "fraud-xgb" and "fraudxgb" apart.
		out = append(out, azartifacts.ExpiringPrefix{Name: fmt.Sprintf("payloads%d%s", i, strings.ReplaceAll(r.Model, "-", "")), Prefix: r.Prefix, Days: r.Days})
	}
	return out
}

// modelsContainer is the blob container models live in.
func modelsContainer(a *environments.Azure) string {
	if a.Artifacts.ModelsContainer == "" {
		return "models"
	}
	return a.Artifacts.ModelsContainer
}
