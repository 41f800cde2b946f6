package identity

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// IdentitiesType is the component's type token.
const IdentitiesType = "mlplatform:azure:Identities"

// The identities, by role.
const (
	Cluster  = "cluster"
	Kubelet  = "kubelet"
	Storage  = "storage"
	Workload = "workload"
)

// Roles lists the identities in creation order.
var Roles = []string{Cluster, Kubelet, Storage, Workload}

// IdentitiesArgs configure Identities.
type IdentitiesArgs struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	// NamePrefix prefixes each identity's name: <prefix>-cluster, ... Required.
	NamePrefix     string
	SubscriptionID string
	Tags           tags.Set
}

// Identity is one user-assigned identity's addresses.
type Identity struct {
	ID, PrincipalID, ClientID pulumi.StringOutput
}

// Identities are the platform's managed identities.
type Identities struct {
	pulumi.ResourceState

	// ByRole maps Cluster, Kubelet, Storage and Workload to their identity.
	ByRole map[string]Identity
	// KubeletOperator is the control plane's right to assign the kubelet
	// identity; the cluster must wait for it.
	KubeletOperator pulumi.Resource
}

// NewIdentities creates the identities and the control plane's role on the
// kubelet identity.
func NewIdentities(ctx *pulumi.Context, name string, args *IdentitiesArgs, opts ...pulumi.ResourceOption) (*Identities, error) {
	if args == nil || args.ResourceGroupName == nil || args.Location == "" || args.NamePrefix == "" || args.SubscriptionID == "" {
		return nil, fmt.Errorf("creating identities %q: ResourceGroupName, Location, NamePrefix and SubscriptionID are required", name)
	}
	comp := &Identities{ByRole: map[string]Identity{}}
	if err := ctx.RegisterComponentResource(IdentitiesType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	outputs := pulumi.Map{}
	for _, role := range Roles {
		id, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-"+role, &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: args.ResourceGroupName,
			Location:          pulumi.String(args.Location),
			ResourceName:      pulumi.String(names.ManagedIdentity.Fit(args.NamePrefix + "-" + role)),
			Tags:              args.Tags.StringMap(),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating identity %s of %q: %w", role, name, err)
		}
		comp.ByRole[role] = Identity{ID: id.ID().ToStringOutput(), PrincipalID: id.PrincipalId, ClientID: id.ClientId}
		outputs[role+"Id"] = id.ID()
	}
	op, err := roles.Assign(ctx, name+"-kubelet-operator", args.SubscriptionID, roles.Assignment{
		PrincipalID: comp.ByRole[Cluster].PrincipalID, PrincipalType: roles.ServicePrincipal, Role: roles.ManagedIdentityOperator, Scope: comp.ByRole[Kubelet].ID,
	}, parent)
	if err != nil {
		return nil, err
	}
	comp.KubeletOperator = op
	return comp, ctx.RegisterResourceOutputs(comp, outputs)
}
