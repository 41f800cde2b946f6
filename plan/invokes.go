package plan

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/pangea-ai/mlplatform/components/tokens"
)

// invoke answers the data sources the toolkit calls. An invoke not listed
// here fails the run: a silent empty answer would hide a missing mock.
func invoke(w World, token string, args resource.PropertyMap) (resource.PropertyMap, error) {
	switch token {
	case tokens.AWSGetCallerIdentity:
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"accountId": w.AccountID,
			"arn":       fmt.Sprintf("arn:aws:sts::%s:assumed-role/mlplat-plan/offline", w.AccountID),
			"userId":    "AROAOFFLINEPLAN:offline",
			"id":        w.AccountID,
		}), nil
	case tokens.AWSGetRegion:
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"name": w.Region, "id": w.Region, "region": w.Region, "endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", w.Region),
		}), nil
	case tokens.AWSGetPartition:
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case tokens.AzureAuthorizationGetClientConfig:
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"clientId": "aaaaaaaa-0000-0000-0000-000000000001", "objectId": "aaaaaaaa-0000-0000-0000-000000000002",
			"subscriptionId": w.SubscriptionID, "tenantId": w.TenantID,
		}), nil
	case tokens.AzureAKSListManagedClusterUserCredentials:
		name := ""
		if v, ok := args["resourceName"]; ok && v.IsString() {
			name = v.StringValue()
		}
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"kubeconfigs": []interface{}{map[string]interface{}{"name": "clusterUser", "value": azureKubeconfig(w, name)}},
		}), nil
	}
	return nil, fmt.Errorf("recorder: no mock answer for invoke %s; add one in test/recorder/invokes.go", token)
}
