package rules

import (
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/plan/props"
)

func goodTags() map[string]interface{} {
	return map[string]interface{}{"environment": "prod", "owner": "ml-platform@pangea.ai", "cost-center": "cc-4821",
		"project": "mlplatform", "data-classification": "confidential", "managed-by": "pulumi"}
}

func TestTaggingRequiredTags(t *testing.T) {
	// AWS default tags on the provider count as the resource's tags.
	withDefaults := res("aws:kms/key:Key", "aws-prod-data", nil)
	withDefaults.ProviderInputs = map[string]interface{}{"defaultTags": map[string]interface{}{"tags": goodTags()}}
	partial := goodTags()
	delete(partial, "owner")
	delete(partial, "cost-center")
	unknown := goodTags()
	delete(unknown, "owner")
	unknown["stack"] = props.Unknown{}
	runRule(t, "required-tags", []ruleCase{
		{"provider default tags", stackOf("prod", withDefaults), nil},
		{"azure tags", stackOf("prod", res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": goodTags()})), nil},
		{"untaggable types are skipped", stackOf("prod", res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", nil)), nil},
		{"missing keys", stackOf("prod", res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": partial})),
			[]string{`Vault "kv" must carry the tags owner, cost-center (set them in the environment file's tags, or pass the stack's tag set)`}},
		{"unknown", stackOf("prod", res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": unknown})),
			[]string{`unverifiable: Vault "kv": cannot verify during preview: tags is not known until the resource is created`}},
	})
}

func TestTaggingTagValues(t *testing.T) {
	bad := goodTags()
	bad["environment"] = "production"
	bad["Owner"] = "x"
	bad["aws:createdBy"] = "me"
	subnet := goodTags()
	subnet["kubernetes.io/role/internal-elb"] = "1"
	subnet["Name"] = "aws-prod-private-0"
	runRule(t, "tag-values", []ruleCase{
		{"conventions and controller keys", stackOf("prod", res("aws:ec2/subnet:Subnet", "aws-prod-private-0", map[string]interface{}{"tags": subnet})), nil},
		{"bad values and keys", stackOf("prod", res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": bad})), []string{
			`Vault "kv" must fix tag Owner = "x": keys are lowercase kebab-case, at most 128 characters`,
			`Vault "kv" must fix tag aws:createdBy = "me": keys never start with aws: (reserved by AWS)`,
			`Vault "kv" must fix tag environment = "production": must be one of dev, staging, prod, preview`,
			`Vault "kv" must not carry tags Owner and owner, which differ only in case`,
		}},
	})
}

func TestTaggingEphemeralExpiry(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	preview := func(rs ...*Resource) *Stack {
		s := stackOf("preview", rs...)
		s.Context = StackContext{Now: now, MaxTTL: 72 * time.Hour}
		return s
	}
	tagged := func(expires interface{}) *Resource {
		t := goodTags()
		if expires != nil {
			t["expires-at"] = expires
		}
		return res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": t})
	}
	runRule(t, "ephemeral-expiry", []ruleCase{
		{"within ttl", preview(tagged("2026-11-25T12:00:00Z")), nil},
		{"not ephemeral", stackOf("prod", tagged(nil)), nil},
		{"missing", preview(tagged(nil)), []string{`Vault "kv" must carry expires-at (this environment is ephemeral; set mlplatform:expiresAt)`}},
		{"not rfc3339", preview(tagged("tomorrow")), []string{`Vault "kv" must carry expires-at as RFC 3339 (it is "tomorrow")`}},
		{"passed", preview(tagged("2026-11-20T00:00:00Z")), []string{`Vault "kv" must expire in the future (expires-at 2026-11-20T00:00:00Z has passed: destroy the stack or extend it)`}},
		{"beyond ttl", preview(tagged("2026-12-24T00:00:00Z")), []string{`Vault "kv" must expire within 72h0m0s (expires-at 2026-12-24T00:00:00Z is later)`}},
		{"unknown", preview(res("azure-native:keyvault:Vault", "kv", map[string]interface{}{"tags": props.Unknown{}})),
			[]string{`unverifiable: Vault "kv": cannot verify during preview: tags.expires-at is not known until the resource is created`}},
	})
}

func TestTaggingNodeTagPropagation(t *testing.T) {
	spec := func(rt string) map[string]interface{} {
		return map[string]interface{}{"resourceType": rt, "tags": goodTags()}
	}
	runRule(t, "node-tag-propagation", []ruleCase{
		{"all three", stackOf("prod", res(encLaunchTemplate, "lt", map[string]interface{}{"tagSpecifications": []interface{}{spec("instance"), spec("volume"), spec("network-interface")}})), nil},
		{"instances only", stackOf("prod", res(encLaunchTemplate, "lt", map[string]interface{}{"tagSpecifications": []interface{}{spec("instance")}})), []string{
			`LaunchTemplate "lt" must tag each volume it launches with environment, owner, cost-center, project, data-classification, managed-by (tagSpecifications)`,
			`LaunchTemplate "lt" must tag each network-interface it launches with environment, owner, cost-center, project, data-classification, managed-by (tagSpecifications)`,
		}},
		{"untagged aks pool", stackOf("prod", res(encManagedCluster, "aks", map[string]interface{}{"agentPoolProfiles": []interface{}{map[string]interface{}{"name": "system"}}})),
			[]string{`ManagedCluster "aks" must tag pool system with environment, owner, cost-center, project, data-classification, managed-by`}},
		{"unknown", stackOf("prod", res(encLaunchTemplate, "lt", map[string]interface{}{"tagSpecifications": props.Unknown{}})),
			[]string{`unverifiable: LaunchTemplate "lt": cannot verify during preview: tagSpecifications is not known until the resource is created`}},
	})
}

func TestTaggingK8sLabels(t *testing.T) {
	labels := map[string]interface{}{"app.kubernetes.io/name": "serving", "app.kubernetes.io/instance": "aws-prod",
		"app.kubernetes.io/part-of": "mlplatform", "app.kubernetes.io/managed-by": "pulumi"}
	runRule(t, "k8s-labels", []ruleCase{
		{"recommended labels", stackOf("prod", res("kubernetes:core/v1:Namespace", "ns", map[string]interface{}{"metadata": map[string]interface{}{"labels": labels}})), nil},
		{"part-of only", stackOf("prod", res("kubernetes:core/v1:Namespace", "ns", map[string]interface{}{"metadata": map[string]interface{}{"labels": map[string]interface{}{"app.kubernetes.io/part-of": "mlplatform"}}})),
			[]string{`Namespace "ns" must carry the labels app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/managed-by`}},
		{"unknown", stackOf("prod", res("kubernetes:core/v1:Namespace", "ns", map[string]interface{}{"metadata": map[string]interface{}{"labels": props.Unknown{}}})),
			[]string{`unverifiable: Namespace "ns": cannot verify during preview: metadata.labels is not known until the resource is created`}},
	})
}
