package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/runners"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// azureIdentityScope are the Azure addresses the platform services' identities need.
type azureIdentityScope struct {
	ResourceGroupName pulumi.StringInput
	SubscriptionID    string
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
	container := a.Artifacts.ModelsContainer
	if container == "" {
		container = "models"
	}
	identity := func(name, namespace, sa string) (*managedidentity.UserAssignedIdentity, error) {
		id, err := managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: scope.ResourceGroupName, Location: pulumi.String(a.Location),
			ResourceName: pulumi.String("id-" + name), Tags: scope.Tags.StringMap(),
		}, opts...)
		if err != nil {
			return nil, err
		}
		_, err = managedidentity.NewFederatedIdentityCredential(ctx, name, &managedidentity.FederatedIdentityCredentialArgs{
			ResourceGroupName: scope.ResourceGroupName, ResourceName: id.Name,
			FederatedIdentityCredentialResourceName: pulumi.String(namespace + "-" + sa),
			Issuer:                                  scope.IssuerURL,
			Subject:                                 pulumi.String(fmt.Sprintf("system:serviceaccount:%s:%s", namespace, sa)),
			Audiences:                               pulumi.StringArray{pulumi.String("api://AzureADTokenExchange")},
		}, append(opts, pulumi.Parent(id))...)
		return id, err
	}
	wiLabels := map[string]string{"azure.workload.identity/use": "true"}
	cs := cloudServices{
		StorageClass: monitoring.StorageClass{Provisioner: "disk.csi.azure.com", Parameters: pulumi.StringMap{
			"skuName": pulumi.String("Premium_LRS"), "cachingMode": pulumi.String("ReadOnly"),
		}},
		RegistryPrefix: names.Registry + ".azurecr.io",
		ModelStorage: func(path string) pulumi.StringInput {
			return pulumi.String(fmt.Sprintf("https://%s.blob.core.windows.net/%s/%s", names.StorageAccount, container, path))
		},
		ModelIdentity: func(m environments.Model) (serving.Identity, []pulumi.Resource, error) {
			id, err := identity(base+"-model-"+m.Name, baseline.NamespaceServing, m.Name)
			if err != nil {
				return serving.Identity{}, nil, err
			}
			ra, err := roles.Assign(ctx, base+"-model-"+m.Name+"-read", scope.SubscriptionID, roles.Assignment{
				PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.StorageBlobDataReader,
				Scope: scope.ModelsContainerID, Condition: roles.BlobPathCondition(m.StorageURI + "/"),
			}, append(opts, pulumi.Parent(id))...)
			if err != nil {
				return serving.Identity{}, nil, err
			}
			return serving.Identity{
				ServiceAccountAnnotations: pulumi.StringMap{"azure.workload.identity/client-id": id.ClientId},
				PodLabels:                 wiLabels,
			}, []pulumi.Resource{ra}, nil
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
				PodLabels:                 wiLabels,
			}, nil
		},
	}
	if env.Monitoring != nil && env.Monitoring.RemoteWrite {
		// Azure Monitor workspaces live in the azure-native monitor module,
		// which this build cannot fetch; say so rather than skip silently.
		if err := ctx.Log.Warn(fmt.Sprintf("monitoring.remoteWrite is on, but remote write to Azure Monitor is not implemented yet: "+
			"metrics of stack %s stay in the cluster's Prometheus (%d days)", base, env.Monitoring.RetentionDays), nil); err != nil {
			return cs, err
		}
	}
	return cs, nil
}
