package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/components/tokens"
)

// Resource types the reliability rules read.
const (
	relS3Bucket      = tokens.AWSS3BucketV2
	relS3BucketV1    = tokens.AWSS3Bucket
	relS3Versioning  = tokens.AWSS3BucketVersioningV2
	relS3Lifecycle   = tokens.AWSS3BucketLifecycleConfigurationV2
	relKMSKey        = tokens.AWSKMSKey
	relECRRepository = tokens.AWSECRRepository
	relECRLifecycle  = tokens.AWSECRLifecyclePolicy
	relEKSCluster    = tokens.AWSEKSCluster
	relEKSNodeGroup  = tokens.AWSEKSNodeGroup
	relK8sSecret     = tokens.K8sSecret
	relK8sProvider   = tokens.PulumiProvidersKubernetes
	relHelmRelease   = tokens.K8sHelmV3Release
	relHelmChartV4   = tokens.K8sHelmV4Chart
)

func reliabilityRules() []Rule {
	return []Rule{
		protectStateful,
		dataDurability,
		secretsNotPlaintext,
		k8sVersionSupport,
		nodeScalingInvariants,
		databaseBackups,
	}
}

// relAzure reports whether typ is an azure-native type of a module, whatever
// its API version: "azure-native:containerservice/v20240902preview:ManagedCluster".
func relAzure(typ, module, name string) bool {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "azure-native" || parts[2] != name {
		return false
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return mod == module
}

func relAKSCluster(typ string) bool { return relAzure(typ, "containerservice", "ManagedCluster") }

func relAKSPool(typ string) bool { return relAzure(typ, "containerservice", "AgentPool") }

// relRelated finds the first resource of typ that belongs to owner: its
// field names the owner (by the owner's physical name) or it depends on the
// owner (how the pack's view links it when the name is not known yet).
func relRelated(s *Stack, owner *Resource, typ func(string) bool, field, ownerName string) *Resource {
	for _, c := range s.Resources {
		if !typ(c.Type) || c == owner {
			continue
		}
		if ownerName != "" && c.Str(field) == ownerName {
			return c
		}
		if slices.Contains(c.DependsOn, owner.URN) {
			return c
		}
	}
	return nil
}

func relIs(t string) func(string) bool { return func(typ string) bool { return typ == t } }

// relRaw reads an input without unwrapping secrets: (value, present).
func relRaw(r *Resource, key string) (interface{}, bool) {
	v, ok := r.Inputs[key]
	return v, ok
}

func relNum(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// ---------------------------------------------------------------- protect-stateful
