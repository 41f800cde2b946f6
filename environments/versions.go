package environments

import "time"

// KubernetesVersion is one Kubernetes minor version the toolkit deploys, with
// the dates EKS support for it ends (Amazon EKS Kubernetes release calendar;
// 1.35's dates were published after the EKS user guide snapshot the toolkit
// was checked against and come from the calendar's public mirrors).
type KubernetesVersion struct {
	Minor         string
	EndOfStandard time.Time
	EndOfExtended time.Time
}

// KubernetesVersions are the minors the toolkit deploys, oldest first. The
// add-on versions pinned in components/aws/eks cover every entry.
var KubernetesVersions = []KubernetesVersion{
	{"1.32", day("2026-03-23"), day("2027-03-23")},
	{"1.33", day("2026-07-29"), day("2027-07-29")},
	{"1.34", day("2026-12-02"), day("2027-12-02")},
	{"1.35", day("2027-03-27"), day("2028-03-27")},
}

// SupportedKubernetesVersion returns the entry for a minor version.
func SupportedKubernetesVersion(minor string) (KubernetesVersion, bool) {
	for _, v := range KubernetesVersions {
		if v.Minor == minor {
			return v, true
		}
	}
	return KubernetesVersion{}, false
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// AMI types EKS managed node groups accept that this toolkit supports, with the
// architecture each runs on. AL2 types are absent: AL2 reached end of support.
var amiTypes = map[string]amiType{
	"AL2023_x86_64_STANDARD":     {arch: "x86_64"},
	"AL2023_ARM_64_STANDARD":     {arch: "arm64"},
	"AL2023_x86_64_NVIDIA":       {arch: "x86_64", nvidia: true},
	"AL2023_ARM_64_NVIDIA":       {arch: "arm64", nvidia: true},
	"BOTTLEROCKET_x86_64":        {arch: "x86_64"},
	"BOTTLEROCKET_ARM_64":        {arch: "arm64"},
	"BOTTLEROCKET_x86_64_NVIDIA": {arch: "x86_64", nvidia: true},
	"BOTTLEROCKET_ARM_64_NVIDIA": {arch: "arm64", nvidia: true},
}

type amiType struct {
	arch   string
	nvidia bool
}

// IsNVIDIAAMIType reports whether an EKS AMI type ships the NVIDIA driver.
func IsNVIDIAAMIType(t string) bool { return amiTypes[t].nvidia }

// IsBottlerocketAMIType reports whether an EKS AMI type is Bottlerocket, whose
// workloads live on a second (data) volume rather than the root volume.
func IsBottlerocketAMIType(t string) bool { return len(t) > 12 && t[:12] == "BOTTLEROCKET" }

// logRetentionDays are the retention periods CloudWatch Logs accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// AddonNames are the EKS managed add-ons the toolkit installs; addonVersions
// overrides may name only these.
var AddonNames = []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"}

// Environment names the toolkit knows; each has a file environments/<name>.yaml.
var Names = []string{"dev", "staging", "prod", "preview"}
