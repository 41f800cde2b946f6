package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// relSkewMinors is how many minors a node may trail its control plane: the
// Kubernetes version skew policy lets the kubelet be up to three minors older
// than the API server (since 1.28; every supported minor is newer) and never
// newer.
const relSkewMinors = 3

// k8sVersionSupport is rule k8s-version-support.
var k8sVersionSupport = Rule{ID: "k8s-version-support", Category: Reliability, Kind: Fixed,
	Description: "Checks whether EKS and AKS clusters and their node pools run a Kubernetes version inside the toolkit's supported window, pools stay within the skew policy of their control plane, and EKS clusters use STANDARD support (a waiver records a deliberate EXTENDED choice).",
	Resources:   "EKS clusters and node groups, AKS managed clusters (agentPoolProfiles) and agent pools",
	Mirrors:     "CKV_AWS_339",
	Check:       relCheckVersions}

var relMinorRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(\.\d+)?$`)

// relMinor reads "1.35" or "1.35.2" as (major, minor).
func relMinor(v string) (int, int, bool) {
	m := relMinorRE.FindStringSubmatch(v)
	if m == nil {
		return 0, 0, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major, minor, true
}

// relSupported returns the toolkit's entry for a version when it is inside
// the supported window at now (end of extended support; any listed minor
// when now is zero).
func relSupported(version string, now time.Time) (environments.KubernetesVersion, bool) {
	major, minor, ok := relMinor(version)
	if !ok {
		return environments.KubernetesVersion{}, false
	}
	v, ok := environments.SupportedKubernetesVersion(fmt.Sprintf("%d.%d", major, minor))
	if !ok || (!now.IsZero() && now.After(v.EndOfExtended)) {
		return environments.KubernetesVersion{}, false
	}
	return v, true
}

func relSupportedList(now time.Time) string {
	var out []string
	for _, v := range environments.KubernetesVersions {
		if now.IsZero() || !now.After(v.EndOfExtended) {
			out = append(out, v.Minor)
		}
	}
	return strings.Join(out, ", ")
}

func relCheckVersions(s *Stack) []Finding {
	var out []Finding
	now := s.Context.Now
	for _, r := range s.Resources {
		switch {
		case r.Type == relEKSCluster:
			out = append(out, relEKSVersion(r, now)...)
		case r.Type == relEKSNodeGroup:
			cp := relOwnerCluster(s, r, relIs(relEKSCluster), "clusterName", "name")
			out = append(out, relPoolVersion(r, "version", cp, "version", now)...)
		case relAKSCluster(r.Type):
			out = append(out, relControlPlaneVersion(r, "kubernetesVersion", now)...)
			if _, unknown := props.Unwrap(r.Inputs["agentPoolProfiles"]).(props.Unknown); unknown {
				out = append(out, CannotVerify(r, "agentPoolProfiles"))
			}
			for i := range relList(r.Inputs["agentPoolProfiles"]) {
				path := fmt.Sprintf("agentPoolProfiles[%d].orchestratorVersion", i)
				out = append(out, relPoolVersion(r, path, r, "kubernetesVersion", now)...)
			}
		case relAKSPool(r.Type):
			cp := relOwnerCluster(s, r, relAKSCluster, "resourceName", "resourceName")
			out = append(out, relPoolVersion(r, "orchestratorVersion", cp, "kubernetesVersion", now)...)
		}
	}
	return out
}

// relOwnerCluster finds a pool's cluster: the one its field names, or the
// one it depends on.
func relOwnerCluster(s *Stack, pool *Resource, isCluster func(string) bool, poolField, clusterField string) *Resource {
	name := pool.Str(poolField)
	for _, c := range s.Resources {
		if !isCluster(c.Type) {
			continue
		}
		if (name != "" && c.Str(clusterField) == name) || slices.Contains(pool.DependsOn, c.URN) {
			return c
		}
	}
	return nil
}

// relControlPlaneVersion checks a cluster's version is pinned and inside
// the supported window.
func relControlPlaneVersion(r *Resource, path string, now time.Time) []Finding {
	v, ok := r.Get(path)
	switch {
	case props.HasUnknown(v):
		return []Finding{CannotVerify(r, path)}
	case !ok || v == nil:
		return []Finding{Violation(r, "%s must pin %s to a supported Kubernetes version (unset; supported: %s)", Subject(r), path, relSupportedList(now))}
	}
	if _, ok := relSupported(r.Str(path), now); !ok {
		return []Finding{Violation(r, "%s must run a supported Kubernetes version in %s (got %s; supported: %s)", Subject(r), path, relShow(v), relSupportedList(now))}
	}
	return nil
}

func relEKSVersion(r *Resource, now time.Time) []Finding {
	out := relControlPlaneVersion(r, "version", now)
	support, _ := r.Get("upgradePolicy.supportType")
	switch {
	case props.HasUnknown(support):
		out = append(out, CannotVerify(r, "upgradePolicy.supportType"))
	case support == nil:
		out = append(out, Violation(r, "%s must set upgradePolicy.supportType to STANDARD (unset, which EKS takes as EXTENDED); waive this rule to record a deliberate extended-support choice", Subject(r)))
	case support != "STANDARD":
		out = append(out, Violation(r, "%s must set upgradePolicy.supportType to STANDARD (got %s); waive this rule to record a deliberate extended-support choice", Subject(r), relShow(support)))
	}
	// A STANDARD cluster past its version's end of standard support is
	// upgraded by EKS on its own schedule, not the team's.
	if ver, ok := relSupported(r.Str("version"), now); ok && support == "STANDARD" && !now.IsZero() && now.After(ver.EndOfStandard) {
		out = append(out, Violation(r, "%s must run a version in standard support while upgradePolicy.supportType is STANDARD (version %q left standard support on %s, so EKS upgrades the cluster on its own)",
			Subject(r), r.Str("version"), ver.EndOfStandard.Format(time.DateOnly)))
	}
	return out
}

// relPoolVersion checks a pool's own version, when it sets one (an unset
// version follows the control plane): inside the window, and within the skew
// policy of the control plane cp (nil when the cluster is not in the stack).
func relPoolVersion(r *Resource, path string, cp *Resource, cpPath string, now time.Time) []Finding {
	v, ok := r.Get(path)
	switch {
	case !ok || v == nil:
		return nil
	case props.HasUnknown(v):
		return []Finding{CannotVerify(r, path)}
	}
	version := r.Str(path)
	if _, ok := relSupported(version, now); !ok {
		return []Finding{Violation(r, "%s must run a supported Kubernetes version in %s (got %s; supported: %s)", Subject(r), path, relShow(v), relSupportedList(now))}
	}
	if cp == nil {
		return nil
	}
	if cp.IsUnknown(cpPath) {
		return []Finding{CannotVerify(r, "the control plane's "+cpPath)}
	}
	cpMajor, cpMinor, ok := relMinor(cp.Str(cpPath))
	if !ok {
		return nil // the control plane's own finding reports it
	}
	major, minor, _ := relMinor(version)
	if major != cpMajor || minor > cpMinor || cpMinor-minor > relSkewMinors {
		return []Finding{Violation(r, "%s must keep %s within the skew policy: never newer than the control plane and at most %d minors older (version %q, control plane %q)",
			Subject(r), path, relSkewMinors, version, cp.Str(cpPath))}
	}
	return nil
}

// ---------------------------------------------------------------- node-scaling-invariants
