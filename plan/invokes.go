package plan

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// invoke answers the data sources the toolkit calls. An invoke not listed
// here fails the run: a silent empty answer would hide a missing mock.
func invoke(w World, token string, args resource.PropertyMap) (resource.PropertyMap, error) {
	switch token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"accountId": w.AccountID,
			"arn":       fmt.Sprintf("arn:aws:sts::%s:assumed-role/mlplat-plan/offline", w.AccountID),
			"userId":    "AROAOFFLINEPLAN:offline",
			"id":        w.AccountID,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"name": w.Region, "id": w.Region, "region": w.Region, "endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", w.Region),
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "azure-native:authorization:getClientConfig":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"clientId": "aaaaaaaa-0000-0000-0000-000000000001", "objectId": "aaaaaaaa-0000-0000-0000-000000000002",
			"subscriptionId": w.SubscriptionID, "tenantId": w.TenantID,
		}), nil
	case "azure-native:containerservice/v20240902preview:listManagedClusterUserCredentials":
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
