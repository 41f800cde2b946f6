package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// tagKeys are the keys every taggable resource carries: the environment's
// required tags and the toolkit's managed-by.
func tagKeys() []string {
	return append(append([]string{}, environments.RequiredTags...), tags.ManagedBy)
}

// taggable reports whether a resource type takes tags, by the toolkit's
// explicit lists (attachments, associations and sub-configurations do not).
func taggable(r *Resource) bool {
	switch {
	case strings.HasPrefix(r.Type, "aws:"):
		return tags.AWSTaggability(r.Type) == tags.Taggable
	case strings.HasPrefix(r.Type, "azure-native:"):
		parent, _ := r.Get("parentResourcePath")
		p, _ := parent.(string)
		return tags.AzureResourceTaggability(r.Type, p) == tags.Taggable
	}
	return false
}

// effectiveTags are a resource's tags plus, on AWS, its provider's default
// tags (which AWS applies to every resource the provider creates).
func effectiveTags(r *Resource) (map[string]string, bool) {
	v, _ := r.Get("tags")
	own, unknown := props.StringMap(v)
	out := map[string]string{}
	if strings.HasPrefix(r.Type, "aws:") && r.ProviderInputs != nil {
		d, _ := lookup(r.ProviderInputs, "defaultTags.tags")
		def, u := props.StringMap(d)
		unknown = unknown || u
		for k, v := range def {
			out[k] = v
		}
	}
	for k, v := range own {
		out[k] = v
	}
	return out, unknown
}

func taggingRules() []Rule {
	return []Rule{
		requiredTags,
		tagValues,
		ephemeralExpiry,
		nodeTagPropagation,
		k8sLabels,
	}
}

// requiredTags is rule required-tags.
var requiredTags = Rule{ID: "required-tags", Category: Tagging, Kind: Fixed,
	Description: "Checks whether every taggable AWS and Azure resource carries the required tags (environment, owner, cost-center, project, data-classification, managed-by), counting the AWS provider's default tags.",
	Resources:   "every taggable AWS and Azure resource (explicit taggability lists)", Mirrors: "FSBP required tag keys, Azure \"Require a tag\", AWS Organizations tag policies",
	Check: checkRequiredTags}

// checkRequiredTags is the check of rule required-tags.
func checkRequiredTags(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		if !taggable(r) {
			continue
		}
		t, unknown := effectiveTags(r)
		var missing []string
		for _, k := range tagKeys() {
			if strings.TrimSpace(t[k]) == "" {
				missing = append(missing, k)
			}
		}
		switch {
		case len(missing) > 0 && unknown:
			out = append(out, CannotVerify(r, "tags"))
		case len(missing) > 0:
			out = append(out, Violation(r, "%s must carry the tags %s (set them in the environment file's tags, or pass the stack's tag set)", Subject(r), strings.Join(missing, ", ")))
		}
	}
	return out
}

// tagValues is rule tag-values.
var tagValues = Rule{ID: "tag-values", Category: Tagging, Kind: Fixed,
	Description: "Checks whether tag keys and values follow the conventions: allowed environment and data-classification values, owner and cost-center formats, managed-by=pulumi, lowercase kebab keys without aws:, no keys differing only in case, provider length limits.",
	Resources:   "every taggable AWS and Azure resource", Mirrors: "AWS tag policies, Azure CAF",
	Check: checkTagValues}

// checkTagValues is the check of rule tag-values.
func checkTagValues(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		if !taggable(r) {
			continue
		}
		t, _ := effectiveTags(r)
		seen := map[string]string{}
		for _, k := range SortedKeys(t) {
			if rule := environments.TagRule(k, t[k]); rule != "" {
				out = append(out, Violation(r, "%s must fix tag %s = %q: %s", Subject(r), k, t[k], rule))
			}
			if prev, ok := seen[strings.ToLower(k)]; ok {
				out = append(out, Violation(r, "%s must not carry tags %s and %s, which differ only in case", Subject(r), prev, k))
			}
			seen[strings.ToLower(k)] = k
		}
	}
	return out
}

// ephemeralExpiry is rule ephemeral-expiry.
var ephemeralExpiry = Rule{ID: "ephemeral-expiry", Category: Tagging, Kind: Fixed,
	Description: "Checks whether every taggable resource of an ephemeral (preview) stack carries expires-at: RFC 3339, in the future, within the environment's maximum lifetime.",
	Resources:   "every taggable resource of a stack whose environment is ephemeral", Mirrors: "Azure CAF enddate",
	Check: checkEphemeralExpiry}

// checkEphemeralExpiry is the check of rule ephemeral-expiry.
func checkEphemeralExpiry(s *Stack) []Finding {
	if s.Context.MaxTTL == 0 {
		return nil // not an ephemeral environment
	}
	var out []Finding
	for _, r := range s.Resources {
		if !taggable(r) {
			continue
		}
		t, unknown := effectiveTags(r)
		v, ok := t[tags.ExpiresAt]
		if !ok && unknown {
			out = append(out, CannotVerify(r, "tags."+tags.ExpiresAt))
			continue
		}
		at, err := time.Parse(time.RFC3339, v)
		switch {
		case !ok:
			out = append(out, Violation(r, "%s must carry expires-at (this environment is ephemeral; set mlplatform:expiresAt)", Subject(r)))
		case err != nil:
			out = append(out, Violation(r, "%s must carry expires-at as RFC 3339 (it is %q)", Subject(r), v))
		case !at.After(s.Context.Now):
			out = append(out, Violation(r, "%s must expire in the future (expires-at %s has passed: destroy the stack or extend it)", Subject(r), v))
		case at.Sub(s.Context.Now) > s.Context.MaxTTL:
			out = append(out, Violation(r, "%s must expire within %s (expires-at %s is later)", Subject(r), s.Context.MaxTTL, v))
		}
	}
	return out
}

// nodeTagPropagation is rule node-tag-propagation.
var nodeTagPropagation = Rule{ID: "node-tag-propagation", Category: Tagging, Kind: AdvisoryKind,
	Description: "Checks whether launch templates tag the instances, volumes and network interfaces they create with the required tags (managed node groups do not pass their own tags on), and AKS pools carry the tags.",
	Resources:   "EKS launch templates; AKS pool profiles and agent pools", Mirrors: "pulumi-eks#635/#852",
	Check: checkNodeTagPropagation}

// checkNodeTagPropagation is the check of rule node-tag-propagation.
func checkNodeTagPropagation(s *Stack) []Finding {
	var out []Finding
	for _, lt := range s.ByType(encLaunchTemplate) {
		if lt.IsUnknown("tagSpecifications") {
			out = append(out, CannotVerify(lt, "tagSpecifications"))
			continue
		}
		specs, _ := encValue(lt.Get("tagSpecifications")).([]interface{})
		byType := map[string]map[string]string{}
		for i := range specs {
			v, _ := lt.Get(fmt.Sprintf("tagSpecifications[%d].tags", i))
			byType[lt.Str(fmt.Sprintf("tagSpecifications[%d].resourceType", i))], _ = props.StringMap(v)
		}
		for _, rt := range []string{"instance", "volume", "network-interface"} {
			var missing []string
			for _, k := range tagKeys() {
				if byType[rt][k] == "" {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				out = append(out, Violation(lt, "%s must tag each %s it launches with %s (tagSpecifications)", Subject(lt), rt, strings.Join(missing, ", ")))
			}
		}
	}
	for _, c := range s.ByType(encManagedCluster, encManagedClusterN) {
		pools, _ := encValue(c.Get("agentPoolProfiles")).([]interface{})
		for i := range pools {
			v, _ := c.Get(fmt.Sprintf("agentPoolProfiles[%d].tags", i))
			t, _ := props.StringMap(v)
			if missing := missingKeys(t); len(missing) > 0 {
				out = append(out, Violation(c, "%s must tag pool %s with %s", Subject(c), c.Str(fmt.Sprintf("agentPoolProfiles[%d].name", i)), strings.Join(missing, ", ")))
			}
		}
	}
	return out
}

// k8sLabels is rule k8s-labels.
var k8sLabels = Rule{ID: "k8s-labels", Category: Tagging, Kind: AdvisoryKind,
	Description: "Checks whether Kubernetes workloads, Services and Namespaces carry the recommended labels app.kubernetes.io/name, instance, part-of and managed-by.",
	Resources:   "Deployments, StatefulSets, DaemonSets, Services, Namespaces", Mirrors: "Kubernetes recommended labels",
	Check: checkK8sLabels}

// checkK8sLabels is the check of rule k8s-labels.
func checkK8sLabels(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(tokens.K8sDeployment, tokens.K8sStatefulSet, tokens.K8sDaemonSet,
		tokens.K8sService, tokens.K8sNamespace) {
		v, _ := r.Get("metadata.labels")
		l, unknown := props.StringMap(v)
		var missing []string
		for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"} {
			if l[k] == "" {
				missing = append(missing, k)
			}
		}
		switch {
		case len(missing) > 0 && unknown:
			out = append(out, CannotVerify(r, "metadata.labels"))
		case len(missing) > 0:
			out = append(out, Violation(r, "%s must carry the labels %s", Subject(r), strings.Join(missing, ", ")))
		}
	}
	return out
}

func missingKeys(t map[string]string) []string {
	var missing []string
	for _, k := range tagKeys() {
		if !slices.Contains(SortedKeys(t), k) || t[k] == "" {
			missing = append(missing, k)
		}
	}
	return missing
}
