package rules

import "testing"

func hubRelease(values string) *Resource {
	return res(wlRelease, "aws-dev-notebooks", wlJSON(`{"chart":"jupyterhub","name":"jupyterhub","namespace":"notebooks","version":"4.4.0","values":`+values+`}`))
}

func TestNotebookSecurity(t *testing.T) {
	good := `{"hub":{"existingSecret":"jupyterhub-oauth","config":{"GitHubOAuthenticator":{"client_id":"x"},
		"KubeSpawner":{"container_security_context":{"capabilities":{"drop":["ALL"]}}}}},
		"singleuser":{"uid":1000,"allowPrivilegeEscalation":false,"cloudMetadata":{"blockWithIptables":false},
		"storage":{"capacity":"10Gi","dynamic":{"storageClass":"mlplatform-encrypted"}},
		"networkPolicy":{"egressAllowRules":{"nonPrivateIPs":false,"privateIPs":false}}},
		"cull":{"enabled":true}}`
	// The chart's defaults, with the OAuth secret in the values.
	defaults := `{"hub":{"config":{"GitHubOAuthenticator":{"client_id":"x","client_secret":"s"}}},"singleuser":{"uid":0},"cull":{"enabled":false}}`
	runRule(t, "notebook-security", []ruleCase{
		{name: "the toolkit's hub", stack: stackOf("prod", hubRelease(good))},
		{name: "the chart's defaults and a secret in the values", stack: stackOf("dev", hubRelease(defaults)), want: []string{
			`Release "aws-dev-notebooks": singleuser.uid must be a non-root user (the chart's 1000)`,
			`Release "aws-dev-notebooks": singleuser.cloudMetadata.blockWithIptables must be false: true adds a privileged root init container to every notebook (block the metadata server with the network policy)`,
			`Release "aws-dev-notebooks": hub.config.KubeSpawner.container_security_context must drop ALL capabilities`,
			`Release "aws-dev-notebooks": cull.enabled must not be false: an idle GPU notebook holds its GPU`,
			`Release "aws-dev-notebooks": singleuser.storage must name its storage class (the encrypted one) and a capacity`,
			`Release "aws-dev-notebooks": hub.existingSecret must hold the OAuth client secret`,
			`Release "aws-dev-notebooks": hub.config.GitHubOAuthenticator.client_secret must not be in the values, which Helm keeps in plain text in its release`,
			`Release "aws-dev-notebooks": singleuser.networkPolicy.egressAllowRules.nonPrivateIPs must be false: notebooks reach MLflow and HTTPS only`,
			`Release "aws-dev-notebooks": singleuser.networkPolicy.egressAllowRules.privateIPs must be false: notebooks reach MLflow and HTTPS only`,
		}},
		{name: "another chart is not a hub", stack: stackOf("dev", res(wlRelease, "x", wlJSON(`{"chart":"cert-manager","values":{}}`)))},
	})
}
