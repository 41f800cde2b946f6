package rules

import (
	"fmt"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// aks-private-api

func netCheckAKSPrivateAPI(s *Stack) []Finding {
	var out []Finding
	for _, c := range netAzure(s, "containerservice", "ManagedCluster") {
		const private, ranges = "apiServerAccessProfile.enablePrivateCluster", "apiServerAccessProfile.authorizedIPRanges"
		if c.IsUnknown(private) {
			out = append(out, CannotVerify(c, private))
			continue
		}
		if on, _ := c.Bool(private); on {
			continue
		}
		if c.IsUnknown(ranges) {
			out = append(out, CannotVerify(c, ranges))
			continue
		}
		v, _ := c.Get(ranges)
		list := props.Strings(v)
		if len(list) == 0 {
			out = append(out, Violation(c, "%s must be a private cluster or restrict its API server to authorized IP ranges (%s and %s); fix: set %s to true, or list the CIDRs in %s", Subject(c), netIs(c, private), netIs(c, ranges), private, ranges))
		}
		for i, cidr := range list {
			if netOpenCIDR(cidr) {
				out = append(out, Violation(c, "%s must not authorize %s on its API server (%s[%d]); fix: list the CIDRs that need the API, or make the cluster private", Subject(c), cidr, ranges, i))
			}
		}
	}
	return out
}

// aks-identity

func netCheckAKSIdentity(s *Stack) []Finding {
	var out []Finding
	for _, c := range netAzure(s, "containerservice", "ManagedCluster") {
		for _, want := range []struct{ path, what string }{
			{"disableLocalAccounts", "disable local accounts"},
			{"aadProfile.managed", "use Entra ID integration"},
			{"aadProfile.enableAzureRBAC", "authorize with Azure RBAC"},
			{"oidcIssuerProfile.enabled", "enable the OIDC issuer"},
			{"securityProfile.workloadIdentity.enabled", "enable workload identity"},
		} {
			if c.IsUnknown(want.path) {
				out = append(out, CannotVerify(c, want.path))
			} else if on, _ := c.Bool(want.path); !on {
				out = append(out, Violation(c, "%s must %s (%s); fix: set %s to true", Subject(c), want.what, netIs(c, want.path), want.path))
			}
		}
		if c.IsUnknown("identity.type") {
			out = append(out, CannotVerify(c, "identity.type"))
		} else if t := c.Str("identity.type"); t != "SystemAssigned" && t != "UserAssigned" {
			out = append(out, Violation(c, "%s must run as a managed identity (%s); fix: set identity.type to UserAssigned or SystemAssigned", Subject(c), netIs(c, "identity.type")))
		}
	}
	for _, fc := range netAzure(s, "managedidentity", "FederatedIdentityCredential") {
		if fc.IsUnknown("subject") {
			out = append(out, CannotVerify(fc, "subject"))
			continue
		}
		sub := fc.Str("subject")
		if strings.HasPrefix(sub, "repo:") {
			if !netGitHubRepo.MatchString(sub) {
				out = append(out, Violation(fc, "%s must pin its subject to one repository, repo:<owner>/<repo>:… (%s)", Subject(fc), netIs(fc, "subject")))
			}
		} else if !netServiceAccount.MatchString(sub) {
			out = append(out, Violation(fc, "%s must pin its subject to one service account, system:serviceaccount:<namespace>:<name> (%s)", Subject(fc), netIs(fc, "subject")))
		}
	}
	return out
}

// aks-network-policy

func netCheckAKSNetworkPolicy(s *Stack) []Finding {
	var out []Finding
	for _, c := range netAzure(s, "containerservice", "ManagedCluster") {
		const policy = "networkProfile.networkPolicy"
		if c.IsUnknown(policy) {
			out = append(out, CannotVerify(c, policy))
		} else if p := c.Str(policy); p != "azure" && p != "calico" && p != "cilium" {
			out = append(out, Violation(c, "%s must enforce Kubernetes network policies (%s); fix: set %s to azure, calico or cilium", Subject(c), netIs(c, policy), policy))
		}
		v, _ := c.Get("agentPoolProfiles")
		pools, _ := v.([]interface{})
		for i := range pools {
			out = append(out, netNoNodePublicIP(c, fmt.Sprintf("agentPoolProfiles[%d].enableNodePublicIP", i))...)
		}
	}
	for _, p := range netAzure(s, "containerservice", "AgentPool") {
		out = append(out, netNoNodePublicIP(p, "enableNodePublicIP")...)
	}
	return out
}

func netNoNodePublicIP(r *Resource, path string) []Finding {
	if r.IsUnknown(path) {
		return []Finding{CannotVerify(r, path)}
	}
	if on, _ := r.Bool(path); on {
		return []Finding{Violation(r, "%s must not give nodes public IPs (%s is true)", Subject(r), path)}
	}
	return nil
}

// azure-data-plane-private

func netCheckAzureDataPlane(s *Stack) []Finding {
	var out []Finding
	for _, a := range netAzure(s, "storage", "StorageAccount") {
		for _, want := range []struct{ path, what, fix string }{
			{"allowBlobPublicAccess", "disallow public blob access", ""},
			{"allowSharedKeyAccess", "disable shared key access", " and authorize with Entra ID"},
		} {
			if a.IsUnknown(want.path) {
				out = append(out, CannotVerify(a, want.path))
			} else if on, set := a.Bool(want.path); on || !set {
				// Both default to allowed when unset.
				out = append(out, Violation(a, "%s must %s (%s); fix: set %s to false%s", Subject(a), want.what, netIs(a, want.path), want.path, want.fix))
			}
		}
		out = append(out, netDefaultDeny(a, "publicNetworkAccess", "networkRuleSet.defaultAction")...)
	}
	for _, v := range netAzure(s, "keyvault", "Vault") {
		out = append(out, netDefaultDeny(v, "properties.publicNetworkAccess", "properties.networkAcls.defaultAction")...)
	}
	return out
}

// netDefaultDeny checks that public network access is disabled, or that the
// network rules deny what they do not allow.
func netDefaultDeny(r *Resource, public, action string) []Finding {
	if r.IsUnknown(public) {
		return []Finding{CannotVerify(r, public)}
	}
	if r.Str(public) == "Disabled" {
		return nil
	}
	if r.IsUnknown(action) {
		return []Finding{CannotVerify(r, action)}
	}
	if r.Str(action) == "Deny" {
		return nil
	}
	state := netIs(r, action)
	if _, set := r.Get(action); !set {
		state += ", which defaults to Allow"
	}
	return []Finding{Violation(r, "%s must deny network access by default (%s); fix: set %s to Deny and allow the subnets or IPs that need access, or set %s to Disabled", Subject(r), state, action, public)}
}
