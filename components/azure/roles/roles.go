package roles

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Role is a built-in role definition GUID.
type Role string

// ServicePrincipal is the principal type of managed identities.
const ServicePrincipal = "ServicePrincipal"

// Built-in roles.
const (
	KeyVaultAdministrator               Role = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
	KeyVaultContributor                 Role = "f25e0fa2-a7c8-4377-a976-54943a77a395"
	KeyVaultCryptoUser                  Role = "12338af0-0e69-4776-bea7-57ae8d297424"
	KeyVaultCryptoServiceEncryptionUser Role = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
	// KeyVaultSecretsUser reads secret contents.
	KeyVaultSecretsUser        Role = "4633458b-17de-408a-b874-0445c86b69e6"
	StorageBlobDataReader      Role = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
	StorageBlobDataContributor Role = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	AcrPull                    Role = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	AcrPush                    Role = "8311e382-0749-4cb8-b61a-304f252e45ec"
	NetworkContributor         Role = "4d97b98b-1d4f-4787-a291-c67834d212e7"
	ManagedIdentityOperator    Role = "f1a07417-d97a-45cb-824c-7a7467783830"
	// MonitoringMetricsPublisher may write metrics through a data collection rule.
	MonitoringMetricsPublisher Role = "3913510d-42f4-4e42-8a64-420c390055eb"
)

// DefinitionID is the role's definition id within a subscription.
func (r Role) DefinitionID(subscriptionID string) string {
	return fmt.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscriptionID, r)
}

// Assignment is one role for one principal on one scope.
type Assignment struct {
	// PrincipalID is the object id of the identity, user or group.
	PrincipalID pulumi.StringInput
	// PrincipalType declares what PrincipalID is: ServicePrincipal (managed
	// identities; it spares a new identity Azure's replication delay), User
	// or Group. Azure rejects a wrong declaration. Required.
	PrincipalType string
	Role          Role
	Scope         pulumi.StringInput
	// Condition, when set, narrows the assignment with an Azure ABAC
	// condition (version 2.0), e.g. to one blob path prefix.
	Condition string
}

// Assign creates the role assignment. Its name is Azure's GUID, made by the
// provider, so assignments are never renamed by a code change.
func Assign(ctx *pulumi.Context, name, subscriptionID string, a Assignment, opts ...pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	// The SDK would silently declare an unset type as User.
	if a.PrincipalType == "" {
		return nil, fmt.Errorf("assigning role %s as %q: PrincipalType is required (ServicePrincipal, User or Group)", a.Role, name)
	}
	pt := pulumi.String(a.PrincipalType)
	args := &authorization.RoleAssignmentArgs{
		PrincipalId:      a.PrincipalID,
		PrincipalType:    pt,
		RoleDefinitionId: pulumi.String(a.Role.DefinitionID(subscriptionID)),
		Scope:            a.Scope,
	}
	if a.Condition != "" {
		args.Condition, args.ConditionVersion = pulumi.String(a.Condition), pulumi.String("2.0")
	}
	ra, err := authorization.NewRoleAssignment(ctx, name, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("assigning role %s as %q: %w", a.Role, name, err)
	}
	return ra, nil
}

// BlobWritePathCondition limits every blob data action of Storage Blob Data
// Contributor to names under prefix (which ends in "/"), for the role
// assigned on a container: a writer confined to one folder. Listing has no
// path, so it is refused.
func BlobWritePathCondition(prefix string) string {
	var actions []string
	for _, a := range BlobContributorDataActions {
		actions = append(actions, fmt.Sprintf("!(ActionMatches{'%s'})", a))
	}
	return fmt.Sprintf("((%s) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '%s'))",
		strings.Join(actions, " AND "), prefix)
}

// BlobContributorDataActions are the blob data actions of Storage Blob Data
// Contributor as Azure's built-in roles page lists them (read, write, add,
// move, delete). Not checked offline: an action the role holds beyond these
// would not be narrowed by BlobWritePathCondition.
var BlobContributorDataActions = []string{
	"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
	"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
	"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
	"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
	"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
}

// BlobPathCondition limits blob reads and listings to names under prefix
// (which ends in "/"), for a role assigned on a container.
func BlobPathCondition(prefix string) string {
	const read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
	return fmt.Sprintf("((!(ActionMatches{'%[1]s'} AND NOT SubOperationMatches{'Blob.List'})) OR "+
		"(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '%[2]s')) AND "+
		"((!(ActionMatches{'%[1]s'} AND SubOperationMatches{'Blob.List'})) OR "+
		"(@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith '%[2]s'))", read, prefix)
}
