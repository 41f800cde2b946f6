package environments

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// RequiredTags are the tag keys every environment must set.
var RequiredTags = []string{"environment", "owner", "cost-center", "project", "data-classification"}

// ToolkitTags are the tag keys the toolkit sets itself; environments may not.
var ToolkitTags = []string{"managed-by", "stack", "expires-at"}

// DataClassifications are the allowed data-classification values.
var DataClassifications = []string{"public", "internal", "confidential", "restricted"}

var (
	ownerRE       = regexp.MustCompile(`^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$`)
	costCenterRE  = regexp.MustCompile(`^cc-[0-9]{4,6}$`)
	projectRE     = regexp.MustCompile(`^[a-z][a-z0-9-]{1,62}$`)
	tagKeyRE      = regexp.MustCompile(`^[a-z][a-z0-9-]*(/[a-z0-9-]+)*$`)
	k8sVersionRE  = regexp.MustCompile(`^1\.[0-9]+$`)
	groupNameRE   = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	labelKeyRE    = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	labelValueRE  = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$`)
	regionRE      = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	vpcIDRE       = regexp.MustCompile(`^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`)
	subnetIDRE    = regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)
	roleARNRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`)
	addonVerRE    = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	ecrRepoRE     = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	modelPrefixRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*/$`)
)

// Validate checks a decoded environment and returns an *Error listing every
// problem, or nil. path names the file in the message.
func Validate(path string, env *Environment, opts Options) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	v := &validator{env: env, opts: opts}
	v.name(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	v.tags()
	v.cluster()
	v.nodeGroups()
	v.cloudLimits()
	v.payloadRuleLimits()
	if env.AWS != nil {
		v.aws()
	}
	if env.Azure != nil {
		v.azure()
	}
	v.monitoring()
	v.models()
	v.runners()
	v.mlflow()
	v.jupyterhub()
	v.policies()
	if len(v.ps) == 0 {
		return nil
	}
	return &Error{File: path, Problems: v.ps}
}

type validator struct {
	env  *Environment
	opts Options
	ps   problems
}

// IsProd reports whether this is the production environment, where the
// strictest rules apply.
func (e *Environment) IsProd() bool { return e.Name == "prod" }

func (v *validator) name(fileBase string) {
	e := v.env
	switch {
	case !slices.Contains(Names, e.Name):
		v.ps.add("name", q(e.Name), "must be one of "+strings.Join(Names, ", "), "name the environment after its file")
	case e.Name != fileBase:
		v.ps.add("name", q(e.Name), fmt.Sprintf("must match the file name %q", fileBase), fmt.Sprintf("set name: %s or rename the file", fileBase))
	}
	if e.Name == "preview" && e.Ephemeral == nil {
		v.ps.add("ephemeral", missing, "preview environments are ephemeral", "add ephemeral: {maxTTL: 48h}")
	}
	if e.Ephemeral != nil {
		d, err := time.ParseDuration(e.Ephemeral.MaxTTL)
		switch {
		case err != nil:
			v.ps.add("ephemeral.maxTTL", q(e.Ephemeral.MaxTTL), "must be a duration", `write it like "48h"`)
		case d <= 0 || d > 14*24*time.Hour:
			v.ps.add("ephemeral.maxTTL", q(e.Ephemeral.MaxTTL), "must be more than 0 and at most 336h (14 days)", `use "48h" for pull-request previews`)
		}
		if e.IsProd() {
			v.ps.add("ephemeral", "set", "prod is never ephemeral", "remove the ephemeral section")
		}
	}
}

func (v *validator) tags() {
	t := v.env.Tags
	for _, k := range RequiredTags {
		if strings.TrimSpace(t[k]) == "" {
			v.ps.add("tags."+k, missing, "required tag", fmt.Sprintf("add %s under tags (%s)", k, tagHint[k]))
		}
	}
	check := func(k string, ok bool, rule string) {
		if val, set := t[k]; set && val != "" && !ok {
			v.ps.add("tags."+k, q(val), rule, "use "+tagHint[k])
		}
	}
	check("environment", t["environment"] == v.env.Name, fmt.Sprintf("must equal the environment name %q", v.env.Name))
	check("owner", ownerRE.MatchString(t["owner"]), "must be a lowercase team email address")
	check("cost-center", costCenterRE.MatchString(t["cost-center"]), "must be cc- and 4 to 6 digits")
	check("project", projectRE.MatchString(t["project"]), "must be lowercase letters, digits and dashes")
	check("data-classification", slices.Contains(DataClassifications, t["data-classification"]),
		"must be one of "+strings.Join(DataClassifications, ", "))
	for _, k := range sortedKeys(t) {
		switch {
		case slices.Contains(ToolkitTags, k):
			v.ps.add("tags."+k, q(t[k]), "is set by the toolkit", "remove it from the environment file")
		case !tagKeyRE.MatchString(k) || strings.HasPrefix(strings.ToLower(k), "aws:") || len(k) > 128:
			v.ps.add("tags."+k, q(t[k]), "tag keys are lowercase kebab-case, at most 128 characters, never aws:-prefixed", "rename the key, e.g. "+strings.ToLower(strings.ReplaceAll(k, "_", "-")))
		case len(t[k]) > 256:
			v.ps.add("tags."+k, fmt.Sprintf("%d characters", len(t[k])), "tag values are at most 256 characters", "shorten the value")
		}
	}
}

var tagHint = map[string]string{
	"environment":         "the environment name",
	"owner":               "a team email such as ml-platform@pangea.ai",
	"cost-center":         "a cost center such as cc-4821",
	"project":             "a lowercase project name such as mlplatform",
	"data-classification": "one of " + strings.Join(DataClassifications, ", "),
}

func (v *validator) cluster() {
	c := v.env.Cluster
	switch ver, known := SupportedKubernetesVersion(c.KubernetesVersion); {
	case !k8sVersionRE.MatchString(c.KubernetesVersion):
		v.ps.add("cluster.kubernetesVersion", q(c.KubernetesVersion), "must be a Kubernetes minor version like \"1.35\"", `write the minor only, quoted: "`+latestMinor()+`"`)
	case !known || v.opts.Now.After(ver.EndOfExtended):
		v.ps.add("cluster.kubernetesVersion", q(c.KubernetesVersion), "is not a supported version", "use one of "+strings.Join(supportedMinors(v.opts.Now), ", "))
	case v.supportType() == "STANDARD" && v.opts.Now.After(ver.EndOfStandard):
		v.ps.add("cluster.kubernetesVersion", q(c.KubernetesVersion),
			fmt.Sprintf("standard support ended on %s, so EKS upgrades a STANDARD cluster on its own", ver.EndOfStandard.Format(time.DateOnly)),
			fmt.Sprintf("upgrade to %q, or set aws.cluster.supportType: EXTENDED ($0.60/h)", latestMinor()))
	}
	for i, cidr := range c.PublicAccessCIDRs {
		p := fmt.Sprintf("cluster.publicAccessCidrs[%d]", i)
		if v.env.IsProd() {
			v.ps.add(p, q(cidr), "prod's API endpoint is private-only", "remove publicAccessCidrs and reach the API through the VPC")
			continue
		}
		pref, ok := v.cidr(p, cidr)
		if ok && pref.Bits() == 0 {
			v.ps.add(p, q(cidr), "must not open the API endpoint to the whole internet", "list the office or CI egress CIDRs instead")
		}
	}
	var limits []listLimit
	if v.env.AWS != nil {
		limits = append(limits, listLimit{eksPublicAccessCIDRs, "EKS (public access CIDRs)"})
	}
	if v.env.Azure != nil {
		limits = append(limits, listLimit{aksAuthorizedRanges, "AKS (API server authorized IP ranges)"})
	}
	v.allowList("cluster.publicAccessCidrs", c.PublicAccessCIDRs, "the API endpoint", limits...)
	if !slices.Contains(logRetentionDays, c.LogRetentionDays) {
		v.ps.add("cluster.logRetentionDays", n(c.LogRetentionDays), "must be a retention CloudWatch accepts", "use one of 7, 14, 30, 90, 365, 731")
	}
}

func (v *validator) supportType() string {
	if v.env.AWS != nil && v.env.AWS.Cluster.SupportType != "" {
		return v.env.AWS.Cluster.SupportType
	}
	return "STANDARD"
}

func supportedMinors(now time.Time) []string {
	var out []string
	for _, ver := range KubernetesVersions {
		if !now.After(ver.EndOfExtended) {
			out = append(out, fmt.Sprintf("%q", ver.Minor))
		}
	}
	return out
}

func latestMinor() string { return KubernetesVersions[len(KubernetesVersions)-1].Minor }

func (v *validator) nodeGroups() {
	groups := v.env.NodeGroups
	if len(groups) == 0 {
		v.ps.add("nodeGroups", missing, "an environment needs node groups", "add a system group (kind: system) and the cpu and gpu groups workloads need")
		return
	}
	var system []string
	for _, name := range sortedKeys(groups) {
		g := groups[name]
		p := "nodeGroups." + name
		if !groupNameRE.MatchString(name) {
			v.ps.add(p, q(name), "group names are 1-12 lowercase letters and digits, starting with a letter (AKS pool names; the same name serves EKS)", "rename the group, e.g. gpularge")
		}
		switch g.Kind {
		case "system":
			system = append(system, name)
		case "cpu", "gpu":
		default:
			v.ps.add(p+".kind", q(g.Kind), "must be system, cpu or gpu", "set kind: gpu for GPU groups, cpu otherwise")
		}
		v.scaling(p, g)
		if g.CapacityType != "ON_DEMAND" && g.CapacityType != "SPOT" {
			v.ps.add(p+".capacityType", q(g.CapacityType), "must be ON_DEMAND or SPOT", "use SPOT for interruptible dev and preview groups")
		} else if g.Kind == "system" && g.CapacityType == "SPOT" && v.env.IsProd() {
			v.ps.add(p+".capacityType", q(g.CapacityType), "prod's system group runs on demand", "set capacityType: ON_DEMAND")
		}
		if g.DiskSizeGiB < 20 || g.DiskSizeGiB > 16384 {
			v.ps.add(p+".diskSizeGiB", n(g.DiskSizeGiB), "must be between 20 and 16384", "use 50 for CPU groups and 100 or more for GPU groups")
		}
		v.labelsAndTaints(p, g)
		v.gpuSharing(p, g)
		if v.env.AWS != nil {
			v.nodeGroupAWS(p, g)
		}
		if v.env.Azure != nil {
			v.nodeGroupAzure(p, g)
		}
	}
	if len(system) != 1 {
		v.ps.add("nodeGroups", fmt.Sprintf("%d system groups %v", len(system), system), "exactly one group must have kind: system", "mark the group that runs cluster add-ons kind: system")
	}
}

func (v *validator) scaling(p string, g NodeGroup) {
	if g.MinSize < 0 {
		v.ps.add(p+".minSize", n(g.MinSize), "must be 0 or more", "set minSize: 0 to let the group scale to zero")
	}
	if g.MaxSize < 1 {
		v.ps.add(p+".maxSize", n(g.MaxSize), "must be at least 1: a group that can never have a node is dead weight", "raise maxSize, or remove the group")
	}
	if g.Kind == "system" && g.MinSize < 1 {
		v.ps.add(p+".minSize", n(g.MinSize), "the system group runs cluster add-ons and needs at least 1 node", "set minSize: 2 (1 in dev)")
	}
	if g.MinSize > g.MaxSize && g.MaxSize >= 1 {
		v.ps.add(p+".minSize", n(g.MinSize), fmt.Sprintf("must be <= maxSize (%d)", g.MaxSize), "lower minSize or raise maxSize")
	}
	if g.MinSize <= g.MaxSize && (g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize) {
		v.ps.add(p+".desiredSize", n(g.DesiredSize), fmt.Sprintf("must be within [minSize, maxSize] = [%d, %d]", g.MinSize, g.MaxSize), "set desiredSize between them")
	}
}

func (v *validator) labelsAndTaints(p string, g NodeGroup) {
	for _, k := range sortedKeys(g.Labels) {
		if nodes.Reserved(k) {
			v.ps.add(p+".labels."+k, q(g.Labels[k]), "is set by the toolkit from kind and the instance types", "remove the label")
		} else if !labelKeyRE.MatchString(k) || len(k) > 316 {
			v.ps.add(p+".labels."+k, q(g.Labels[k]), "label keys are [prefix/]name with a name of at most 63 characters", "rename the label")
		} else if !labelValueRE.MatchString(g.Labels[k]) {
			v.ps.add(p+".labels."+k, q(g.Labels[k]), "label values are at most 63 letters, digits, '-', '_' or '.'", "shorten or simplify the value")
		}
	}
	for i, t := range g.Taints {
		tp := fmt.Sprintf("%s.taints[%d]", p, i)
		if !labelKeyRE.MatchString(t.Key) {
			v.ps.add(tp+".key", q(t.Key), "taint keys follow the label key rules", "rename the taint")
		}
		if t.Key == GPUTaintKey && g.Kind == "gpu" {
			v.ps.add(tp+".key", q(t.Key), "gpu groups get this taint automatically", "remove it from taints")
		}
		if !labelValueRE.MatchString(t.Value) {
			v.ps.add(tp+".value", q(t.Value), "taint values follow the label value rules", "shorten or simplify the value")
		}
		if !slices.Contains([]string{"NoSchedule", "PreferNoSchedule", "NoExecute"}, t.Effect) {
			v.ps.add(tp+".effect", q(t.Effect), "must be NoSchedule, PreferNoSchedule or NoExecute", "use NoSchedule to keep other workloads off the group")
		}
	}
}

// GPUTaintKey is the taint every gpu group carries (value true, NoSchedule).
const GPUTaintKey = nodes.GPUTaintKey

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TagRule returns the rule a tag breaks, "" when it is fine: the formats of
// the required tags, the allowed values, and the key conventions (lowercase
// kebab-case, at most 128 characters, never aws:-prefixed; values at most
// 256). AWS's conventional Name tag and the kubernetes.io/ and k8s.io/ keys
// Kubernetes controllers read are allowed. The policy pack checks every
// resource's effective tags with it.
func TagRule(key, value string) string {
	switch key {
	case "environment":
		if !slices.Contains([]string{"dev", "staging", "prod", "preview"}, value) {
			return "must be one of dev, staging, prod, preview"
		}
	case "owner":
		if !ownerRE.MatchString(value) {
			return "must be a lowercase team email address"
		}
	case "cost-center":
		if !costCenterRE.MatchString(value) {
			return "must be cc- and 4 to 6 digits"
		}
	case "project":
		if !projectRE.MatchString(value) {
			return "must be lowercase letters, digits and dashes"
		}
	case "data-classification":
		if !slices.Contains(DataClassifications, value) {
			return "must be one of " + strings.Join(DataClassifications, ", ")
		}
	case "managed-by":
		if value != "pulumi" {
			return "must be pulumi"
		}
	}
	switch {
	case key == "Name":
	case strings.HasPrefix(key, "kubernetes.io/") || strings.HasPrefix(key, "k8s.io/"):
		// Keys Kubernetes controllers read (subnet roles for load
		// balancers, cluster ownership, autoscaler node templates).
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		return "keys never start with aws: (reserved by AWS)"
	case !tagKeyRE.MatchString(key) || len(key) > 128:
		return "keys are lowercase kebab-case, at most 128 characters"
	}
	if len(value) > 256 {
		return "values are at most 256 characters"
	}
	return ""
}
