package tags

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/tokens"
)

// azureTaggable and azureUntaggable classify the azure-native types the
// toolkit creates, as awsTaggable does for AWS. azure-native has no provider
// default tags, so every component passes the tag set to each taggable
// resource itself; a stack test proves none is missed.
var azureTaggable = map[string]bool{
	tokens.AzureRegistry:                       true,
	tokens.AzureAKSAgentPool:                   true,
	tokens.AzureAKSManagedCluster:              true,
	tokens.AzureInsightsDataCollectionEndpoint: true,
	tokens.AzureInsightsDataCollectionRule:     true,
	tokens.AzureKeyVaultKey:                    true,
	tokens.AzureKeyVaultSecret:                 true,
	tokens.AzureKeyVault:                       true,
	tokens.AzureIdentityUserAssignedIdentity:   true,
	tokens.AzureNetworkSecurityGroup:           true,
	tokens.AzureNetworkPrivateEndpoint:         true,
	tokens.AzureNetworkPrivateZone:             true,
	tokens.AzureNetworkVirtualNetwork:          true,
	tokens.AzureNetworkVirtualNetworkLink:      true,
	tokens.AzureOperationalInsightsWorkspace:   true,
	tokens.AzureResourcesResourceGroup:         true,
	// Generic ARM resources at the top of a resource group: the Azure
	// Monitor workspace, the PostgreSQL flexible server. Children of
	// another resource are ARM proxy resources, which carry no tags (see
	// AzureResourceTaggability).
	tokens.AzureResourcesResource: true,
	tokens.AzureStorageAccount:    true,
}

var azureUntaggable = map[string]bool{
	tokens.AzureAuthorizationRoleAssignment:         true,
	tokens.AzureAKSMaintenanceConfiguration:         true,
	tokens.AzureInsightsDiagnosticSetting:           true,
	tokens.AzureIdentityFederatedIdentityCredential: true,
	tokens.AzureNetworkPrivateDnsZoneGroup:          true,
	tokens.AzureNetworkSubnet:                       true,
	tokens.AzureStorageBlobContainer:                true,
	tokens.AzureStorageBlobServiceProperties:        true,
	tokens.AzureStorageManagementPolicy:             true,
}

// AzureResourceTaggability classifies one azure-native resource: a
// generic resource below another (a parentResourcePath, as a flexible
// server's configurations and administrators) is an ARM proxy resource and
// takes no tags; every other resource is classified by its type.
func AzureResourceTaggability(typ, parentResourcePath string) Taggability {
	if typ == tokens.AzureResourcesResource && parentResourcePath != "" {
		return Untaggable
	}
	return AzureTaggability(typ)
}

// AzureTaggability classifies an azure-native resource type.
func AzureTaggability(typ string) Taggability {
	switch {
	case azureTaggable[typ]:
		return Taggable
	case azureUntaggable[typ]:
		return Untaggable
	}
	return Unclassified
}

// AzureTransform is a safety net for Azure stacks: it adds the tag set to any
// taggable azure-native resource registered without tags, and adds missing
// keys to tags that are set. Components pass tags explicitly; the transform
// catches a resource someone forgets. (The SDK's mocks record transforms but
// do not run them, so it is tested as a function.)
func (s Set) AzureTransform() pulumi.ResourceTransform {
	return func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		parent, _ := args.Props["parentResourcePath"].(pulumi.String)
		if !args.Custom || AzureResourceTaggability(args.Type, string(parent)) != Taggable {
			return nil
		}
		merged := pulumi.StringMap{}
		for k, v := range s {
			merged[k] = pulumi.String(v)
		}
		if existing, ok := args.Props["tags"].(pulumi.StringMap); ok {
			for k, v := range existing {
				merged[k] = v // a resource's own value wins, as provider default tags do
			}
		}
		props := pulumi.Map{}
		for k, v := range args.Props {
			props[k] = v
		}
		props["tags"] = merged
		return &pulumi.ResourceTransformResult{Props: props, Opts: args.Opts}
	}
}
