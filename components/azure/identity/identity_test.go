package identity

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func TestIdentitiesAndKubeletOperator(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewIdentities(ctx, "ids", &IdentitiesArgs{ResourceGroupName: pulumi.String("rg"), Location: "eastus", NamePrefix: "id-s", SubscriptionID: "sub"})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range rec.ByType("azure-native:managedidentity:UserAssignedIdentity") {
		names = append(names, id.InString("resourceName"))
	}
	if want := []string{"id-s-cluster", "id-s-kubelet", "id-s-storage", "id-s-workload"}; !reflect.DeepEqual(names, want) {
		t.Errorf("identities = %v, want %v", names, want)
	}
	cluster, _ := rec.Named("azure-native:managedidentity:UserAssignedIdentity", "ids-cluster")
	kubelet, _ := rec.Named("azure-native:managedidentity:UserAssignedIdentity", "ids-kubelet")
	op, _ := rec.Named("azure-native:authorization:RoleAssignment", "ids-kubelet-operator")
	recorder.AssertInputs(t, op, map[string]interface{}{
		"principalId": cluster.Out("principalId"), "scope": kubelet.ID, "principalType": "ServicePrincipal",
		"roleDefinitionId": roles.ManagedIdentityOperator.DefinitionID("sub"),
	})
}
