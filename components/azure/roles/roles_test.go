package roles

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

func TestAssign(t *testing.T) {
	if got, want := AcrPull.DefinitionID("sub"), "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"; got != want {
		t.Errorf("DefinitionID = %s, want %s", got, want)
	}
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := Assign(ctx, "pull", "sub", Assignment{PrincipalID: pulumi.String("p"), PrincipalType: ServicePrincipal, Role: AcrPull, Scope: pulumi.String("registry")})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ra, _ := rec.Named("azure-native:authorization:RoleAssignment", "pull")
	recorder.AssertInputs(t, ra, map[string]interface{}{
		"principalId": "p", "principalType": "ServicePrincipal", "scope": "registry", "roleDefinitionId": AcrPull.DefinitionID("sub"),
	})
	// Without a type the SDK would declare a User; Assign refuses instead.
	_, err = recorder.Run(func(ctx *pulumi.Context) error {
		_, err := Assign(ctx, "pull", "sub", Assignment{PrincipalID: pulumi.String("p"), Role: AcrPull, Scope: pulumi.String("registry")})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	want := `assigning role 7f951dda-4ed3-4680-a7ca-43fe172d538d as "pull": PrincipalType is required (ServicePrincipal, User or Group)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
