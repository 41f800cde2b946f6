package eks

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Kubeconfig builds a kubeconfig that authenticates with `aws eks get-token`,
// so it holds no credential of its own; it is still marked secret because it
// names the endpoint and CA of a private cluster.
func Kubeconfig(name, endpoint, ca pulumi.StringInput, region string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.All(name, endpoint, ca).ApplyT(func(v []interface{}) (string, error) {
		n, ep, data := v[0].(string), v[1].(string), v[2].(string)
		cfg := map[string]interface{}{
			"apiVersion":      "v1",
			"kind":            "Config",
			"current-context": n,
			"clusters": []interface{}{map[string]interface{}{
				"name": n, "cluster": map[string]interface{}{"server": ep, "certificate-authority-data": data},
			}},
			"contexts": []interface{}{map[string]interface{}{
				"name": n, "context": map[string]interface{}{"cluster": n, "user": n},
			}},
			"users": []interface{}{map[string]interface{}{
				"name": n, "user": map[string]interface{}{"exec": map[string]interface{}{
					"apiVersion": "client.authentication.k8s.io/v1beta1",
					"command":    "aws",
					"args":       []string{"eks", "get-token", "--cluster-name", n, "--region", region, "--output", "json"},
				}},
			}},
		}
		b, err := json.Marshal(cfg)
		return string(b), err
	})).(pulumi.StringOutput)
}
