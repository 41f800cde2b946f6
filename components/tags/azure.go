package tags

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// azureTaggable and azureUntaggable classify the azure-native types the
// toolkit creates, as awsTaggable does for AWS. azure-native has no provider
// default tags, so every component passes the tag set to each taggable
// resource itself; a stack test proves none is missed.
var azureTaggable = map[string]bool{
	"azure-native:containerregistry:Registry":                       true,
	"azure-native:containerservice/v20240902preview:AgentPool":      true,
	"azure-native:containerservice/v20240902preview:ManagedCluster": true,
	"azure-native:insights:DataCollectionEndpoint":                  true,
	"azure-native:insights:DataCollectionRule":                      true,
	"azure-native:keyvault:Key":                                     true,
	"azure-native:keyvault:Vault":                                   true,
	"azure-native:managedidentity:UserAssignedIdentity":             true,
	"azure-native:network:NetworkSecurityGroup":                     true,
	"azure-native:network:PrivateEndpoint":                          true,
	"azure-native:network:PrivateZone":                              true,
	"azure-native:network:VirtualNetwork":                           true,
	"azure-native:network:VirtualNetworkLink":                       true,
	"azure-native:operationalinsights:Workspace":                    true,
	"azure-native:resources:ResourceGroup":                          true,
	// Generic ARM resources: the Azure Monitor workspace.
	"azure-native:resources:Resource":     true,
	"azure-native:storage:StorageAccount": true,
}

var azureUntaggable = map[string]bool{
	"azure-native:authorization:RoleAssignment":                               true,
	"azure-native:containerservice/v20240902preview:MaintenanceConfiguration": true,
	"azure-native:insights:DiagnosticSetting":                                 true,
	"azure-native:managedidentity:FederatedIdentityCredential":                true,
	"azure-native:network:PrivateDnsZoneGroup":                                true,
	"azure-native:network:Subnet":                                             true,
	"azure-native:storage:BlobContainer":                                      true,
	"azure-native:storage:BlobServiceProperties":                              true,
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
		if !args.Custom || AzureTaggability(args.Type) != Taggable {
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
