package eks

// Add-on names.
const (
	AddonVPCCNI      = "vpc-cni"
	AddonKubeProxy   = "kube-proxy"
	AddonPodIdentity = "eks-pod-identity-agent"
	AddonCoreDNS     = "coredns"
	AddonEBSCSI      = "aws-ebs-csi-driver"
)

// pinnedAddonVersions are the kube-proxy and CoreDNS versions the EKS user
// guide lists for each Kubernetes minor (managing-kube-proxy and
// managing-coredns pages). Both follow the Kubernetes minor, so they are pinned
// here and move with cluster.kubernetesVersion.
var pinnedAddonVersions = map[string]map[string]string{
	AddonKubeProxy: {
		"1.32": "v1.32.13-eksbuild.16",
		"1.33": "v1.33.10-eksbuild.13",
		"1.34": "v1.34.6-eksbuild.13",
		"1.35": "v1.35.3-eksbuild.13",
	},
	AddonCoreDNS: {
		"1.32": "v1.11.4-eksbuild.33",
		"1.33": "v1.13.2-eksbuild.4",
		"1.34": "v1.13.2-eksbuild.4",
		"1.35": "v1.13.2-eksbuild.4",
	},
}

// AddonVersion returns the version to install: the environment's override,
// else the pin for the Kubernetes minor, else "" — which lets EKS install its
// default version for the cluster's Kubernetes version at creation. vpc-cni,
// eks-pod-identity-agent and aws-ebs-csi-driver are not tied to the minor and
// AWS publishes no per-minor table for them; pin them per environment
// (aws.cluster.addonVersions) to make upgrades reviewable.
func AddonVersion(addon, kubernetesMinor string, overrides map[string]string) string {
	if v := overrides[addon]; v != "" {
		return v
	}
	return pinnedAddonVersions[addon][kubernetesMinor]
}
