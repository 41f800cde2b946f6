package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tokens"
)

// NameProblems checks every name the run gave a cloud or Kubernetes object
// against its target's rule (components/names), and that no two objects of
// one type share a scope and a name. Each problem names the object.
func (rec *Recorder) NameProblems() []string {
	var problems []string
	seen, unruled := map[string]string{}, map[string]bool{}
	claim := func(key, urn string) {
		if first, ok := seen[key]; ok {
			problems = append(problems, fmt.Sprintf("%s is named twice: %s and %s", key, first, urn))
		}
		seen[key] = urn
	}
	for _, res := range rec.Resources() {
		switch {
		case !res.Custom || res.IsProvider() || res.Type == tokens.PulumiStackReference:
		case strings.HasPrefix(res.Type, "kubernetes:"):
			problems = append(problems, kubernetesNameProblems(res, claim)...)
		default:
			fields, ok := names.ByType[res.Type]
			if !ok {
				if !names.Unnamed[res.Type] && !unruled[res.Type] {
					unruled[res.Type] = true
					problems = append(problems, fmt.Sprintf("%s: no naming rule for this type; add it to names.ByType, or to names.Unnamed if the cloud names it", res.Type))
				}
				continue
			}
			// A name is unique within its scope: the resource group and
			// parent resource for Azure, the account and region for AWS.
			scope := res.InString("resourceGroupName")
			for _, k := range []string{"resourceName", "accountName", "vaultName", "virtualNetworkName", "privateZoneName", "privateEndpointName", "clusterName"} {
				if s := res.InString(k); s != "" && !slices.ContainsFunc(fields, func(f names.Field) bool { return f.Key == k }) {
					scope += "/" + s
				}
			}
			if res.Type == tokens.AzureResourcesResource {
				// A generic resource's rule is its kind's; its name is
				// unique below its parent.
				kind := res.InString("resourceProviderNamespace") + "/" + res.InString("resourceType")
				rule, ok := names.GenericResources[kind]
				if !ok {
					problems = append(problems, fmt.Sprintf("%s %s: no naming rule for generic resources of kind %s; add it to names.GenericResources", res.Type, res.Name, kind))
					continue
				}
				fields = []names.Field{{Key: "resourceName", Rule: rule}}
				scope += "/" + kind + "/" + res.InString("parentResourcePath")
			}
			for _, f := range fields {
				name, _ := res.Out(f.Key).(string)
				if name == "" {
					problems = append(problems, fmt.Sprintf("%s %s: no %s", res.Type, res.Name, f.Key))
					continue
				}
				if err := f.Check(name); err != nil {
					problems = append(problems, fmt.Sprintf("%s %s: %v", res.Type, res.Name, err))
				}
				claim(fmt.Sprintf("%s %s %s/%s", res.Type, f.Key, scope, name), res.URN)
			}
		}
	}
	return problems
}

// kubernetesNameProblems checks a Kubernetes object's name against its
// kind's rule and its label values, and claims its kind, namespace and name.
func kubernetesNameProblems(res *Resource, claim func(key, urn string)) []string {
	var problems []string
	kind := res.Type[strings.LastIndex(res.Type, ":")+1:]
	if res.Type == tokens.K8sHelmV3Release {
		name := res.InString("name")
		if err := names.HelmRelease.Check(name); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", res.Name, err))
		}
		claim(fmt.Sprintf("Helm release %s/%s", res.InString("namespace"), name), res.URN)
		return problems
	}
	name := res.InString("metadata.name")
	if name == "" {
		problems = append(problems, fmt.Sprintf("%s %s: no metadata.name: Pulumi would add a random suffix, and nothing could address the object", kind, res.Name))
		return problems
	}
	if err := names.ForKind(kind).Check(name); err != nil {
		problems = append(problems, fmt.Sprintf("%s %s: %v", kind, res.Name, err))
	}
	for k, v := range res.StringMap("metadata.labels") {
		if err := names.LabelValue.Check(v); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: label %s: %v", kind, res.Name, k, err))
		}
	}
	claim(fmt.Sprintf("%s %s %s/%s", strings.TrimPrefix(res.Type[:strings.LastIndex(res.Type, ":")], "kubernetes:"), kind, res.InString("metadata.namespace"), name), res.URN)
	return problems
}
