package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pangea-ai/mlplatform/environments"
)

// Resource types the reliability rules read.
const (
	relS3Bucket      = "aws:s3/bucketV2:BucketV2"
	relS3BucketV1    = "aws:s3/bucket:Bucket"
	relS3Versioning  = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	relS3Lifecycle   = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	relKMSKey        = "aws:kms/key:Key"
	relECRRepository = "aws:ecr/repository:Repository"
	relECRLifecycle  = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	relEKSCluster    = "aws:eks/cluster:Cluster"
	relEKSNodeGroup  = "aws:eks/nodeGroup:NodeGroup"
	relK8sSecret     = "kubernetes:core/v1:Secret"
	relK8sProvider   = "pulumi:providers:kubernetes"
	relHelmRelease   = "kubernetes:helm.sh/v3:Release"
	relHelmChartV4   = "kubernetes:helm.sh/v4:Chart"
)

// relSkewMinors is how many minors a node may trail its control plane: the
// Kubernetes version skew policy lets the kubelet be up to three minors older
// than the API server (since 1.28; every supported minor is newer) and never
// newer.
const relSkewMinors = 3

func reliabilityRules() []Rule {
	return []Rule{
		{ID: "protect-stateful", Category: Reliability, Kind: ProdOnly,
			Description: "Checks whether a prod stack protects its stateful resources (buckets, KMS keys, registries, Key Vaults and their keys, storage accounts, clusters) with the protect option, so that no update deletes or replaces them.",
			Resources:   "S3 buckets, KMS keys, ECR repositories, EKS clusters, Key Vaults and keys, storage accounts, container registries, AKS clusters",
			Mirrors:     "Pulumi protect semantics",
			Check:       relCheckProtect},
		{ID: "data-durability", Category: Reliability, Kind: Fixed,
			Description: "Checks whether stored data survives a mistaken delete or overwrite: S3 versioning with noncurrent-version expiration, blob and container soft delete with blob versioning, Key Vault soft delete, and registries that expire untagged images (ECR lifecycle policy, Premium ACR retention policy).",
			Resources:   "S3 buckets + their versioning and lifecycle configurations, storage accounts + blob service properties, Key Vaults, ECR repositories + lifecycle policies, container registries",
			Mirrors:     "CKV_AWS_21",
			Check:       relCheckDurability},
		{ID: "secrets-not-plaintext", Category: Reliability, Kind: Fixed,
			Description: "Checks whether secret values reach resources as Pulumi secrets: Kubernetes Secret data and stringData, credentials in Helm values, and the kubeconfig of Kubernetes providers.",
			Resources:   "Kubernetes Secrets, Helm releases' values, Kubernetes providers (stack config and outputs are not visible to a policy and are not checked)",
			Mirrors:     "pulumi-kubernetes secret-leak issues",
			Check:       relCheckSecrets},
		{ID: "k8s-version-support", Category: Reliability, Kind: Fixed,
			Description: "Checks whether EKS and AKS clusters and their node pools run a Kubernetes version inside the toolkit's supported window, pools stay within the skew policy of their control plane, and EKS clusters use STANDARD support (a waiver records a deliberate EXTENDED choice).",
			Resources:   "EKS clusters and node groups, AKS managed clusters (agentPoolProfiles) and agent pools",
			Mirrors:     "CKV_AWS_339",
			Check:       relCheckVersions},
		{ID: "node-scaling-invariants", Category: Reliability, Kind: Fixed,
			Description: "Checks whether node groups and pools keep 0 ≤ min ≤ desired ≤ max with max ≥ 1, and system pools keep min ≥ 1.",
			Resources:   "EKS node groups, AKS managed clusters (agentPoolProfiles) and agent pools",
			Mirrors:     "EKS API errors",
			Check:       relCheckScaling},
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
func relAKSPool(typ string) bool    { return relAzure(typ, "containerservice", "AgentPool") }

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

// relStateful reports whether losing a resource of typ loses data or state
// that a redeploy cannot recreate.
func relStateful(typ string) bool {
	switch typ {
	case relS3Bucket, relS3BucketV1, relKMSKey, relECRRepository, relEKSCluster:
		return true
	}
	return relAzure(typ, "keyvault", "Vault") || relAzure(typ, "keyvault", "Key") ||
		relAzure(typ, "storage", "StorageAccount") || relAzure(typ, "containerregistry", "Registry") ||
		relAKSCluster(typ)
}

func relCheckProtect(s *Stack) []Finding {
	if !s.IsProd() {
		return nil
	}
	var out []Finding
	for _, r := range s.Resources {
		if relStateful(r.Type) && !r.Protect {
			out = append(out, Violation(r, "%s must be protected (protect: true) in prod, so that no update deletes or replaces it", Subject(r)))
		}
	}
	return out
}

// ---------------------------------------------------------------- data-durability

func relCheckDurability(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch {
		case r.Type == relS3Bucket:
			out = append(out, relBucketDurability(s, r)...)
		case r.Type == relECRRepository:
			out = append(out, relECRDurability(s, r)...)
		case relAzure(r.Type, "storage", "StorageAccount"):
			out = append(out, relBlobDurability(s, r)...)
		case relAzure(r.Type, "keyvault", "Vault"):
			switch v, _ := r.Get("properties.enableSoftDelete"); {
			case HasUnknown(v):
				out = append(out, CannotVerify(r, "properties.enableSoftDelete"))
			case v != true:
				out = append(out, Violation(r, "%s must set properties.enableSoftDelete to true (got %s)", Subject(r), relShow(v)))
			}
		case relAzure(r.Type, "containerregistry", "Registry"):
			out = append(out, relACRDurability(r)...)
		}
	}
	return out
}

// relShow prints an input value for a message; "unset" when absent.
func relShow(v interface{}) string {
	switch t := v.(type) {
	case nil:
		return "unset"
	case string:
		return strconv.Quote(t)
	case float64:
		return relNum(t)
	}
	return fmt.Sprint(v)
}

func relBucketDurability(s *Stack, b *Resource) []Finding {
	var out []Finding
	name := b.Str("bucket")
	if name == "" {
		name = b.ID
	}
	switch v := relRelated(s, b, relIs(relS3Versioning), "bucket", name); {
	case v == nil:
		out = append(out, Violation(b, "%s must have versioning enabled: no BucketVersioningV2 names it", Subject(b)))
	case v.IsUnknown("versioningConfiguration.status"):
		out = append(out, CannotVerify(v, "versioningConfiguration.status"))
	case v.Str("versioningConfiguration.status") != "Enabled":
		got, _ := v.Get("versioningConfiguration.status")
		out = append(out, Violation(v, "%s must set versioningConfiguration.status to Enabled (got %s)", Subject(v), relShow(got)))
	}
	switch lc := relRelated(s, b, relIs(relS3Lifecycle), "bucket", name); {
	case lc == nil:
		out = append(out, Violation(b, "%s must have a lifecycle configuration that expires noncurrent versions: no BucketLifecycleConfigurationV2 names it", Subject(b)))
	default:
		rules, _ := lc.Get("rules")
		found := false
		for _, rule := range relList(rules) {
			status, _ := Lookup(rule, "status")
			days, _ := Lookup(rule, "noncurrentVersionExpiration.noncurrentDays")
			if d, ok := days.(float64); ok && status == "Enabled" && d > 0 {
				found = true
			}
		}
		switch {
		case found:
		case HasUnknown(rules):
			out = append(out, CannotVerify(lc, "rules"))
		default:
			out = append(out, Violation(lc, "%s must have an Enabled rule with noncurrentVersionExpiration.noncurrentDays, or noncurrent versions are kept forever", Subject(lc)))
		}
	}
	return out
}

func relList(v interface{}) []interface{} {
	l, _ := unwrap(v).([]interface{})
	return l
}

func relECRDurability(s *Stack, repo *Resource) []Finding {
	p := relRelated(s, repo, relIs(relECRLifecycle), "repository", repo.Str("name"))
	if p == nil {
		return []Finding{Violation(repo, "%s must have a lifecycle policy that expires untagged images: no LifecyclePolicy names it", Subject(repo))}
	}
	if p.IsUnknown("policy") {
		return []Finding{CannotVerify(p, "policy")}
	}
	var doc struct {
		Rules []struct {
			Action    struct{ Type string }
			Selection struct{ TagStatus string }
		}
	}
	if err := json.Unmarshal([]byte(p.Str("policy")), &doc); err == nil {
		for _, rule := range doc.Rules {
			if rule.Action.Type == "expire" && rule.Selection.TagStatus == "untagged" {
				return nil
			}
		}
	}
	return []Finding{Violation(p, "%s must have a rule in policy that expires untagged images (tagStatus untagged)", Subject(p))}
}

func relBlobDurability(s *Stack, sa *Resource) []Finding {
	bs := relRelated(s, sa, func(t string) bool { return relAzure(t, "storage", "BlobServiceProperties") }, "accountName", sa.Str("accountName"))
	if bs == nil {
		return []Finding{Violation(sa, "%s must have blob service properties with soft delete and versioning: no BlobServiceProperties names it", Subject(sa))}
	}
	var out []Finding
	for _, path := range []string{"deleteRetentionPolicy.enabled", "containerDeleteRetentionPolicy.enabled", "isVersioningEnabled"} {
		switch v, _ := bs.Get(path); {
		case HasUnknown(v):
			out = append(out, CannotVerify(bs, path))
		case v != true:
			out = append(out, Violation(bs, "%s must set %s to true (got %s)", Subject(bs), path, relShow(v)))
		}
	}
	return out
}

// relACRDurability: only Premium registries take a retention policy for
// untagged manifests; Basic and Standard have none to set.
func relACRDurability(r *Resource) []Finding {
	if r.IsUnknown("sku.name") {
		return []Finding{CannotVerify(r, "sku.name")}
	}
	if r.Str("sku.name") != "Premium" {
		return nil
	}
	switch v, _ := r.Get("policies.retentionPolicy.status"); {
	case HasUnknown(v):
		return []Finding{CannotVerify(r, "policies.retentionPolicy.status")}
	case !strings.EqualFold(r.Str("policies.retentionPolicy.status"), "enabled"):
		return []Finding{Violation(r, "%s must set policies.retentionPolicy.status to enabled on a Premium registry (got %s)", Subject(r), relShow(v))}
	}
	return nil
}

// ---------------------------------------------------------------- secrets-not-plaintext

func relCheckSecrets(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch r.Type {
		case relK8sSecret:
			for _, field := range []string{"data", "stringData"} {
				out = append(out, relSecretField(r, field)...)
			}
		case relHelmRelease, relHelmChartV4:
			v, ok := relRaw(r, "values")
			if !ok {
				continue
			}
			if _, unknown := v.(Unknown); unknown {
				out = append(out, CannotVerify(r, "values"))
				continue
			}
			relWalkValues(r, v, "values", "", &out)
		case relK8sProvider:
			switch v, _ := relRaw(r, "kubeconfig"); t := v.(type) {
			case Unknown:
				out = append(out, CannotVerify(r, "kubeconfig"))
			case string:
				// A one-line value without braces is a file path, not the
				// credentials themselves.
				if strings.ContainsAny(t, "\n{") {
					out = append(out, Violation(r, "%s must receive kubeconfig as a Pulumi secret: it holds the cluster's credentials", Subject(r)))
				}
			}
		}
	}
	return out
}

// relSecretField checks that a Kubernetes Secret's data or stringData is a
// Pulumi secret as a whole or value by value.
func relSecretField(r *Resource, field string) []Finding {
	v, _ := relRaw(r, field)
	switch t := v.(type) {
	case Unknown:
		return []Finding{CannotVerify(r, field)}
	case map[string]interface{}:
		var out []Finding
		for _, k := range SortedKeys(t) {
			switch t[k].(type) {
			case Secret, nil:
			case Unknown:
				out = append(out, CannotVerify(r, field+"."+k))
			default:
				out = append(out, Violation(r, "%s must hold %s.%s as a Pulumi secret, not plain text", Subject(r), field, k))
			}
		}
		return out
	}
	return nil
}

// relWalkValues looks for credentials in plain text in Helm values: string
// values under credential-like keys. A Secret wrapper anywhere above a value
// makes it fine. key is the nearest map key (list items inherit it).
func relWalkValues(r *Resource, v interface{}, path, key string, out *[]Finding) {
	switch t := v.(type) {
	case Secret:
		return
	case map[string]interface{}:
		for _, k := range SortedKeys(t) {
			relWalkValues(r, t[k], path+"."+k, k, out)
		}
	case []interface{}:
		for i, e := range t {
			relWalkValues(r, e, fmt.Sprintf("%s[%d]", path, i), key, out)
		}
	case Unknown:
		if relCredentialKey(key) {
			*out = append(*out, CannotVerify(r, path))
		}
	case string:
		if t != "" && relCredentialKey(key) && !relSecretReference(key, t) {
			*out = append(*out, Violation(r, "%s must not carry a plaintext credential in %s: pass it as a Pulumi secret or reference an existing Secret", Subject(r), path))
		}
	}
}

// relCredentialKey reports whether a values key names a credential:
// password, token, secret, private key, API key, secret key. Keys that name
// an existing object or a key inside one (existingSecret, passwordKey,
// secretKeyRef) do not.
func relCredentialKey(key string) bool {
	words := relWords(key)
	if len(words) == 0 || words[0] == "existing" {
		return false
	}
	last := words[len(words)-1]
	switch last {
	case "password", "passwd", "pwd", "token", "secret", "credential", "credentials":
		return true
	}
	joined := strings.Join(words, "")
	for _, suffix := range []string{"privatekey", "apikey", "secretkey"} {
		if strings.HasSuffix(joined, suffix) {
			return true
		}
	}
	// AWS_SECRET_ACCESS_KEY and the like.
	return last == "key" && slices.Contains(words, "secret")
}

// relK8sName is a Kubernetes object name (DNS-1123 subdomain).
var relK8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// relSecretReference reports whether a "…Secret" key's value names a
// Secret (githubConfigSecret: github-app) rather than holding one. A
// credential that happens to look like an object name slips through; the
// heuristic keeps references quiet.
func relSecretReference(key, value string) bool {
	words := relWords(key)
	return words[len(words)-1] == "secret" && relK8sName.MatchString(value)
}

// relWords splits camelCase, snake_case, kebab-case and dotted keys into
// lowercase words.
func relWords(key string) []string {
	var words []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, c := range key {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(c) && prevLower:
			flush()
		}
		cur = append(cur, c)
		prevLower = unicode.IsLower(c) || unicode.IsDigit(c)
	}
	flush()
	return words
}

// ---------------------------------------------------------------- k8s-version-support

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
			if _, unknown := unwrap(r.Inputs["agentPoolProfiles"]).(Unknown); unknown {
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
	case HasUnknown(v):
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
	case HasUnknown(support):
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
	case HasUnknown(v):
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

// relScaling names one pool's size fields: how a message calls them and
// where they are read.
type relScaling struct {
	r                             *Resource
	where                         string // "" or ` in agentPoolProfiles[0] "system"`
	minName, desiredName, maxName string
	min, desired, max             string // paths
	system                        bool
}

// relCheckScaling checks the size invariants. The catalogue also wants the
// desired size ignored (ignoreChanges) when an autoscaler owns it; resource
// options other than protect are not in the view, so that part is not
// checked here.
func relCheckScaling(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch {
		case r.Type == relEKSNodeGroup:
			// EKS has no pool mode; the toolkit labels its system group.
			labels, _ := StringMap(r.Inputs["labels"])
			system := labels["mlplatform.pangea.ai/kind"] == "system"
			out = append(out, relScalingFindings(relScaling{r: r, minName: "min", desiredName: "desired", maxName: "max",
				min: "scalingConfig.minSize", desired: "scalingConfig.desiredSize", max: "scalingConfig.maxSize", system: system}, true)...)
		case relAKSPool(r.Type):
			out = append(out, relAKSScaling(r, "", "")...)
		case relAKSCluster(r.Type):
			if _, unknown := unwrap(r.Inputs["agentPoolProfiles"]).(Unknown); unknown {
				out = append(out, CannotVerify(r, "agentPoolProfiles"))
			}
			for i, p := range relList(r.Inputs["agentPoolProfiles"]) {
				name, _ := Lookup(p, "name")
				prefix := fmt.Sprintf("agentPoolProfiles[%d].", i)
				out = append(out, relAKSScaling(r, prefix, fmt.Sprintf(" in %s %s", strings.TrimSuffix(prefix, "."), relShow(name)))...)
			}
		}
	}
	return out
}

// relAKSScaling checks an AKS pool (an AgentPool, or a profile of the
// cluster under prefix). Without autoscaling, count is min, desired and max.
func relAKSScaling(r *Resource, prefix, where string) []Finding {
	auto, _ := r.Get(prefix + "enableAutoScaling")
	if HasUnknown(auto) {
		return []Finding{CannotVerify(r, prefix+"enableAutoScaling")}
	}
	mode, _ := r.Get(prefix + "mode")
	if HasUnknown(mode) {
		return []Finding{CannotVerify(r, prefix+"mode")}
	}
	sc := relScaling{r: r, where: where, system: mode == "System",
		minName: "minCount", desiredName: "count", maxName: "maxCount",
		min: prefix + "minCount", desired: prefix + "count", max: prefix + "maxCount"}
	if auto != true {
		sc.minName, sc.maxName, sc.min, sc.max = "count", "count", prefix+"count", prefix+"count"
	}
	return relScalingFindings(sc, false)
}

// relScalingFindings checks 0 ≤ min ≤ desired ≤ max, max ≥ 1 and, on a
// system pool, min ≥ 1. desiredRequired says whether the API requires the
// desired size (EKS) or may leave it to the autoscaler (AKS).
func relScalingFindings(sc relScaling, desiredRequired bool) []Finding {
	r := sc.r
	var out []Finding
	vals := map[string]float64{}
	seen := map[string]bool{}
	for _, path := range []string{sc.min, sc.desired, sc.max} {
		if seen[path] {
			continue
		}
		seen[path] = true
		v, ok := r.Get(path)
		switch n, isNum := v.(float64); {
		case HasUnknown(v):
			out = append(out, CannotVerify(r, path))
		case isNum:
			vals[path] = n
		case !ok || v == nil:
			if path != sc.desired || desiredRequired {
				out = append(out, Violation(r, "%s must set %s", Subject(r), path))
			}
		default:
			out = append(out, Violation(r, "%s must set %s to a number (got %s)", Subject(r), path, relShow(v)))
		}
	}
	if len(out) > 0 {
		return out
	}
	min, max := vals[sc.min], vals[sc.max]
	desired, hasDesired := vals[sc.desired]
	if sc.min == sc.max {
		// One fixed count (AKS defaults an unset one to 1): the pool must
		// hold a node.
		if _, set := vals[sc.min]; set && min < 1 {
			out = append(out, Violation(r, "%s must keep %s ≥ 1%s (%s %s)", Subject(r), sc.minName, sc.where, sc.minName, relNum(min)))
		}
		return out
	}
	switch {
	case hasDesired && !(0 <= min && min <= desired && desired <= max):
		out = append(out, Violation(r, "%s must keep 0 ≤ %s ≤ %s ≤ %s%s (%s %s, %s %s, %s %s)", Subject(r),
			sc.minName, sc.desiredName, sc.maxName, sc.where, sc.minName, relNum(min), sc.desiredName, relNum(desired), sc.maxName, relNum(max)))
	case !hasDesired && !(0 <= min && min <= max):
		out = append(out, Violation(r, "%s must keep 0 ≤ %s ≤ %s%s (%s %s, %s %s)", Subject(r),
			sc.minName, sc.maxName, sc.where, sc.minName, relNum(min), sc.maxName, relNum(max)))
	}
	if max < 1 {
		out = append(out, Violation(r, "%s must keep %s ≥ 1%s (%s %s)", Subject(r), sc.maxName, sc.where, sc.maxName, relNum(max)))
	}
	if sc.system && min < 1 {
		out = append(out, Violation(r, "%s must keep %s ≥ 1 on a system pool%s (%s %s)", Subject(r), sc.minName, sc.where, sc.minName, relNum(min)))
	}
	return out
}
