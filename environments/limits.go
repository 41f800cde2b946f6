package environments

import (
	"fmt"
	"net/netip"
)

// Cloud size limits, as the clouds document them. EKS's are default
// service quotas an account can have raised; AKS's are fixed.
const (
	// eksNodesPerGroup and eksGroupsPerCluster: "Nodes per managed node
	// group: 450", "Managed node groups per cluster: 30", both adjustable
	// (https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html).
	eksNodesPerGroup    = 450
	eksGroupsPerCluster = 30
	// eksPublicAccessCIDRs: "Public endpoint access CIDR ranges per
	// cluster: 40", not adjustable (same page).
	eksPublicAccessCIDRs = 40
	// aksNodesPerPool, aksNodesPerCluster and aksPoolsPerCluster: 1000
	// nodes per Virtual Machine Scale Sets pool, 5,000 across all pools,
	// 100 pools (https://learn.microsoft.com/azure/aks/quotas-skus-regions).
	aksNodesPerPool    = 1000
	aksNodesPerCluster = 5000
	aksPoolsPerCluster = 100
	// aksAuthorizedRanges: "You can specify up to 200 authorized IP ranges"
	// (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges).
	aksAuthorizedRanges = 200
	// keyVaultIPRules: "1000 IPv4 rules"
	// (https://learn.microsoft.com/azure/key-vault/general/network-security).
	keyVaultIPRules = 1000
	// storageIPRules: "Maximum number of IP address rules per storage
	// account: 400" (https://learn.microsoft.com/azure/storage/common/scalability-targets-standard-account).
	storageIPRules = 400
	// s3LifecycleRules: a bucket's lifecycle configuration "You can add as
	// many as 1000 rules" (docs.aws.amazon.com/AmazonS3/latest/API/
	// API_LifecycleConfiguration.html); the artifact bucket keeps 2 of its
	// own (expire-noncurrent-versions, abort-incomplete-uploads,
	// components/aws/artifacts/bucket.go).
	s3LifecycleRules   = 1000
	s3ArtifactOwnRules = 2
	// azureLifecycleRules: "You can define up to 100 rules in a policy"
	// (learn.microsoft.com/training/modules/manage-azure-blob-storage-lifecycle/
	// 3-blob-storage-lifecycle-policies); the models container's policy
	// holds only the payload rules (components/azure/artifacts).
	azureLifecycleRules = 100
)

// eksQuota is an EKS quota: the default, or the account's raised value
// the environment declares under aws.quotas.
func eksQuota(declared, def int) int {
	if declared > 0 {
		return declared
	}
	return def
}

// cloudLimits refuses node groups, pools and clusters larger than the
// cloud allows: EKS or AKS would refuse them half-way through an update.
func (v *validator) cloudLimits() {
	groups := v.env.NodeGroups
	if a := v.env.AWS; a != nil {
		q := a.Quotas
		if q.NodesPerNodeGroup < 0 || q.NodeGroupsPerCluster < 0 {
			v.ps.add("aws.quotas", fmt.Sprintf("{nodesPerNodeGroup: %d, nodeGroupsPerCluster: %d}", q.NodesPerNodeGroup, q.NodeGroupsPerCluster),
				"quotas are positive numbers", "write the applied values the Service Quotas console shows, or remove them to use EKS's defaults")
		}
		perGroup := eksQuota(q.NodesPerNodeGroup, eksNodesPerGroup)
		for _, name := range sortedKeys(groups) {
			if g := groups[name]; g.MaxSize > perGroup {
				v.ps.add("nodeGroups."+name+".maxSize", n(g.MaxSize),
					fmt.Sprintf("EKS allows %d nodes per managed node group (%s)", perGroup, quotaSource(q.NodesPerNodeGroup)),
					fmt.Sprintf("lower maxSize to %d or split the group; if AWS raised your quota, set aws.quotas.nodesPerNodeGroup", perGroup))
			}
		}
		if limit := eksQuota(q.NodeGroupsPerCluster, eksGroupsPerCluster); len(groups) > limit {
			v.ps.add("nodeGroups", fmt.Sprintf("%d groups", len(groups)),
				fmt.Sprintf("EKS allows %d managed node groups per cluster (%s)", limit, quotaSource(q.NodeGroupsPerCluster)),
				"merge groups; if AWS raised your quota, set aws.quotas.nodeGroupsPerCluster")
		}
	}
	if v.env.Azure != nil {
		total := 0
		for _, name := range sortedKeys(groups) {
			g := groups[name]
			total += max(g.MaxSize, 0)
			if g.MaxSize > aksNodesPerPool {
				v.ps.add("nodeGroups."+name+".maxSize", n(g.MaxSize),
					fmt.Sprintf("AKS allows %d nodes per node pool", aksNodesPerPool), fmt.Sprintf("lower maxSize to %d or split the group", aksNodesPerPool))
			}
		}
		if total > aksNodesPerCluster {
			v.ps.add("nodeGroups", fmt.Sprintf("maxSize totals %d", total),
				fmt.Sprintf("AKS allows %d nodes per cluster across all pools", aksNodesPerCluster), "lower the groups' maxSize, or run a second cluster")
		}
		if len(groups) > aksPoolsPerCluster {
			v.ps.add("nodeGroups", fmt.Sprintf("%d groups", len(groups)),
				fmt.Sprintf("AKS allows %d node pools per cluster", aksPoolsPerCluster), "merge groups")
		}
	}
}

// payloadRuleLimits refuses more monitored models than the storage's
// lifecycle policy can hold a rule for: each model whose payloads are
// archived gets a rule deleting them after payloadRetentionDays, and S3 or
// Azure Storage would refuse the policy half-way through an update.
func (v *validator) payloadRuleLimits() {
	monitored := 0
	for _, m := range v.env.Models {
		if m.Monitoring != nil {
			monitored++
		}
	}
	check := func(limit int, whose string) {
		if monitored > limit {
			v.ps.add("models", fmt.Sprintf("%d models with monitoring", monitored),
				fmt.Sprintf("each archives payloads under a lifecycle rule, and %s holds at most %d such rules", whose, limit),
				"monitor fewer models in this environment, or split them across environments")
		}
	}
	if v.env.AWS != nil {
		check(s3LifecycleRules-s3ArtifactOwnRules, "the artifact bucket's lifecycle configuration (1000 rules, 2 of them its own)")
	}
	if v.env.Azure != nil {
		check(azureLifecycleRules, "the storage account's management policy")
	}
}

func quotaSource(declared int) string {
	if declared > 0 {
		return "aws.quotas"
	}
	return "the default service quota"
}

// listLimit is how many entries an allow-list may have, and whose limit.
type listLimit struct {
	max   int
	whose string
}

// unreachable are ranges no request to a public endpoint comes from: a
// list of only these admits nobody, and the clouds refuse them (AKS: "must
// be global non-reserved addresses"; Key Vault: no RFC 1918 ranges).
// RFC 6890's special-purpose registry; the RFC 5737 documentation ranges
// are left out on purpose (see docs/environments.md).
var unreachable = []struct {
	p    netip.Prefix
	what string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\" (RFC 1122)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private (RFC 1918)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private (RFC 1918)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
}

// unreachableRange says which special-purpose range p lies in, if any.
func unreachableRange(p netip.Prefix) string {
	for _, u := range unreachable {
		if covers(u.p, p) {
			return u.what
		}
	}
	return ""
}

// covers reports whether every address of b lies in a.
func covers(a, b netip.Prefix) bool { return a.Bits() <= b.Bits() && a.Contains(b.Addr()) }
