package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/identity"
	"github.com/pangea-ai/mlplatform/components/azure/roles"
)

// assignNetworkContributor lets the control plane manage a subnet it uses.
func assignNetworkContributor(ctx *pulumi.Context, name, subscriptionID string, ids *identity.Identities, subnet pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	return roles.Assign(ctx, name, subscriptionID, roles.Assignment{
		PrincipalID: ids.ByRole[identity.Cluster].PrincipalID, PrincipalType: roles.ServicePrincipal, Role: roles.NetworkContributor, Scope: subnet,
	}, opts...)
}
