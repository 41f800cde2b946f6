package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Types the network and access rules read. Azure types are matched by
// module and name in any API version (netAzure).
const (
	netEKSCluster         = tokens.AWSEKSCluster
	netNodeGroup          = tokens.AWSEKSNodeGroup
	netLaunchTemplate     = tokens.AWSEC2LaunchTemplate
	netSubnet             = tokens.AWSEC2Subnet
	netBucketV2           = tokens.AWSS3BucketV2
	netBucket             = tokens.AWSS3Bucket
	netPublicAccessBlock  = tokens.AWSS3BucketPublicAccessBlock
	netOwnershipControls  = tokens.AWSS3BucketOwnershipControls
	netBucketPolicy       = tokens.AWSS3BucketPolicy
	netECRRepository      = tokens.AWSECRRepository
	netECRLifecycle       = tokens.AWSECRLifecyclePolicy
	netECRRepoPolicy      = tokens.AWSECRRepositoryPolicy
	netIAMRole            = tokens.AWSIAMRole
	netIAMPolicy          = tokens.AWSIAMPolicy
	netIAMRolePolicy      = tokens.AWSIAMRolePolicy
	netIAMUserPolicy      = tokens.AWSIAMUserPolicy
	netIAMGroupPolicy     = tokens.AWSIAMGroupPolicy
	netIAMRoleAttachment  = tokens.AWSIAMRolePolicyAttachment
	netIAMUserAttachment  = tokens.AWSIAMUserPolicyAttachment
	netIAMGroupAttachment = tokens.AWSIAMGroupPolicyAttachment
	netIAMPolicyAttach    = tokens.AWSIAMPolicyAttachment
)

// netEKSLogTypes are the control plane logs an EKS cluster must send.
var netEKSLogTypes = []string{"api", "audit", "authenticator"}

// netServiceAccount is a Kubernetes service account subject with nothing
// left open: system:serviceaccount:<namespace>:<name>.
var netServiceAccount = regexp.MustCompile(`^system:serviceaccount:[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// netGitHubRepo is a GitHub OIDC subject pinned to one repository; what
// follows the repository (branch, environment, pull_request) may vary.
var netGitHubRepo = regexp.MustCompile(`^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:.+$`)

func networkRules() []Rule {
	return []Rule{
		eksPrivateEndpoint,
		clusterAuditLogging,
		s3NoPublicAccess,
		registryAccessAndScan,
		awsNodeHardening,
		iamLeastPrivilege,
		aksPrivateAPI,
		aksIdentity,
		aksNetworkPolicy,
		azureDataPlanePrivate,
		databasePrivate,
	}
}

// eksPrivateEndpoint is rule eks-private-endpoint.
var eksPrivateEndpoint = Rule{ID: "eks-private-endpoint", Category: Network, Kind: Fixed,
	Description: "Checks whether EKS clusters keep their API endpoint private: private access on; in prod public access off; elsewhere public access only from listed CIDRs, never 0.0.0.0/0.",
	Resources:   "EKS clusters", Mirrors: "CKV_AWS_38/39, cdk-nag EKS1, CIS EKS 5.4.1",
	Check: netCheckEKSEndpoint}

// clusterAuditLogging is rule cluster-audit-logging.
var clusterAuditLogging = Rule{ID: "cluster-audit-logging", Category: Network, Kind: Fixed,
	Description: "Checks whether EKS clusters send the api, audit and authenticator control plane logs and every AKS cluster has a diagnostic setting that sends kube-audit.",
	Resources:   "EKS clusters; AKS clusters and their diagnostic settings", Mirrors: "CKV_AWS_37, cdk-nag EKS2",
	Check: netCheckAuditLogging}

// s3NoPublicAccess is rule s3-no-public-access.
var s3NoPublicAccess = Rule{ID: "s3-no-public-access", Category: Network, Kind: Fixed,
	Description: "Checks whether every S3 bucket has a public access block with all four flags on and ownership controls set to BucketOwnerEnforced, and whether no bucket policy allows the \"*\" principal.",
	Resources:   "S3 buckets, public access blocks, ownership controls, bucket policies", Mirrors: "CKV2_AWS_6, FSBP S3.1/S3.8",
	Check: netCheckS3Public}

// registryAccessAndScan is rule registry-access-and-scan.
var registryAccessAndScan = Rule{ID: "registry-access-and-scan", Category: Network, Kind: Fixed,
	Description: "Checks whether ECR repositories scan on push, have immutable tags and a lifecycle policy, and no repository policy allows the \"*\" principal; and whether ACR registries have the admin user and anonymous pull off.",
	Resources:   "ECR repositories, lifecycle and repository policies; ACR registries", Mirrors: "CKV_AWS_163/51, cdk-nag ECR1",
	Check: netCheckRegistries}

// awsNodeHardening is rule aws-node-hardening.
var awsNodeHardening = Rule{ID: "aws-node-hardening", Category: Network, Kind: Fixed,
	Description: "Checks whether EKS node groups allow no SSH, run from a launch template that requires IMDSv2 with hop limit 1, and give nodes no public IPs.",
	Resources:   "EKS node groups, their launch templates and subnets", Mirrors: "CKV_AWS_79/341, CIS EKS 5.4.3",
	Check: netCheckNodeHardening}

// iamLeastPrivilege is rule iam-least-privilege.
var iamLeastPrivilege = Rule{ID: "iam-least-privilege", Category: Network, Kind: Fixed,
	Description: "Checks whether IRSA trust is pinned to one service account and sts.amazonaws.com, GitHub OIDC trust to one repository, no policy allows every action on every resource, and nothing attaches AdministratorAccess.",
	Resources:   "IAM roles, policies (managed and inline), policy attachments", Mirrors: "CKV_AWS_60-63, cdk-nag IAM4/IAM5",
	Check: netCheckIAM}

// aksPrivateAPI is rule aks-private-api.
var aksPrivateAPI = Rule{ID: "aks-private-api", Category: Network, Kind: Fixed,
	Description: "Checks whether AKS clusters are private, or restrict their API server to authorized IP ranges that do not include 0.0.0.0/0.",
	Resources:   "AKS clusters", Mirrors: "CKV_AZURE_6/115",
	Check: netCheckAKSPrivateAPI}

// aksIdentity is rule aks-identity.
var aksIdentity = Rule{ID: "aks-identity", Category: Network, Kind: Fixed,
	Description: "Checks whether AKS clusters disable local accounts, use Entra ID with Azure RBAC, enable the OIDC issuer and workload identity, run as a managed identity, and whether federated credentials pin their subject.",
	Resources:   "AKS clusters, federated identity credentials", Mirrors: "CKV_AZURE_5/141, CIS AKS 5.2.1",
	Check: netCheckAKSIdentity}

// aksNetworkPolicy is rule aks-network-policy.
var aksNetworkPolicy = Rule{ID: "aks-network-policy", Category: Network, Kind: Fixed,
	Description: "Checks whether AKS clusters enforce a network policy (azure, calico or cilium) and no pool gives nodes public IPs.",
	Resources:   "AKS clusters, agent pools", Mirrors: "CKV_AZURE_7",
	Check: netCheckAKSNetworkPolicy}

// azureDataPlanePrivate is rule azure-data-plane-private.
var azureDataPlanePrivate = Rule{ID: "azure-data-plane-private", Category: Network, Kind: Fixed,
	Description: "Checks whether storage accounts disallow public blob access and shared key access, and storage accounts and Key Vaults deny network access by default.",
	Resources:   "storage accounts, Key Vaults", Mirrors: "CKV_AZURE_59/190",
	Check: netCheckAzureDataPlane}

// eks-private-endpoint

func netCheckEKSEndpoint(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.ByType(netEKSCluster) {
		const private, public, cidrs = "vpcConfig.endpointPrivateAccess", "vpcConfig.endpointPublicAccess", "vpcConfig.publicAccessCidrs"
		if c.IsUnknown(private) {
			out = append(out, CannotVerify(c, private))
		} else if on, _ := c.Bool(private); !on {
			out = append(out, Violation(c, "%s must enable private endpoint access (%s); fix: set %s to true", Subject(c), netIs(c, private), private))
		}
		if c.IsUnknown(public) {
			out = append(out, CannotVerify(c, public))
			continue
		}
		on, set := c.Bool(public)
		if set && !on {
			continue
		}
		// AWS turns public access on when the input is absent.
		state := netIs(c, public)
		if !set {
			state += ", which defaults to true"
		}
		if s.IsProd() {
			out = append(out, Violation(c, "%s must disable public endpoint access in prod (%s)", Subject(c), state))
			continue
		}
		if c.IsUnknown(cidrs) {
			out = append(out, CannotVerify(c, cidrs))
			continue
		}
		v, _ := c.Get(cidrs)
		list := props.Strings(v)
		if len(list) == 0 {
			out = append(out, Violation(c, "%s must restrict public endpoint access to listed CIDRs (%s, which allows 0.0.0.0/0); fix: set %s, or disable public access", Subject(c), netIs(c, cidrs), cidrs))
		}
		for i, cidr := range list {
			if netOpenCIDR(cidr) {
				out = append(out, Violation(c, "%s must not open the public endpoint to %s (%s[%d]); fix: list the CIDRs that need the API, or disable public access", Subject(c), cidr, cidrs, i))
			}
		}
	}
	return out
}

// cluster-audit-logging

func netCheckAuditLogging(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.ByType(netEKSCluster) {
		if c.IsUnknown("enabledClusterLogTypes") {
			out = append(out, CannotVerify(c, "enabledClusterLogTypes"))
			continue
		}
		v, _ := c.Get("enabledClusterLogTypes")
		enabled := props.Strings(v)
		var missing []string
		for _, t := range netEKSLogTypes {
			if !slices.Contains(enabled, t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			out = append(out, Violation(c, "%s must send the %s control plane logs (enabledClusterLogTypes lacks %s)", Subject(c), strings.Join(netEKSLogTypes, ", "), strings.Join(missing, ", ")))
		}
	}
	onCluster := func(uri, name string) bool {
		return strings.HasSuffix(strings.ToLower(uri), "/providers/microsoft.containerservice/managedclusters/"+strings.ToLower(name))
	}
	for _, c := range netAzure(s, "containerservice", "ManagedCluster") {
		settings, maybe := netCompanions(s, c, "resourceUri", "resourceName", onCluster, netAzure(s, "insights", "DiagnosticSetting"))
		sends, unknown := false, false
		for _, d := range settings {
			if d.IsUnknown("logs") {
				out = append(out, CannotVerify(d, "logs"))
				unknown = true
				continue
			}
			sends = sends || netSendsKubeAudit(d)
		}
		switch {
		case sends || unknown:
			// compliant, or already reported as unverifiable
		case len(settings) == 0 && maybe != nil:
			out = append(out, netCannotMatch(c, maybe, "resourceUri"))
		default:
			out = append(out, Violation(c, "%s must send kube-audit logs through a diagnostic setting; fix: add a DiagnosticSetting on the cluster with the kube-audit category (or the audit category group) enabled", Subject(c)))
		}
	}
	return out
}

// netSendsKubeAudit reports whether a diagnostic setting enables kube-audit,
// by category or through the audit or allLogs category groups.
func netSendsKubeAudit(d *Resource) bool {
	v, _ := d.Get("logs")
	logs, _ := v.([]interface{})
	for i := range logs {
		p := fmt.Sprintf("logs[%d]", i)
		if on, _ := d.Bool(p + ".enabled"); !on {
			continue
		}
		group := strings.ToLower(d.Str(p + ".categoryGroup"))
		if d.Str(p+".category") == "kube-audit" || group == "audit" || group == "alllogs" {
			return true
		}
	}
	return false
}

// s3-no-public-access

func netCheckS3Public(s *Stack) []Finding {
	var out []Finding
	same := func(ref, name string) bool { return ref == name }
	for _, b := range s.ByType(netBucketV2, netBucket) {
		blocks, maybe := netCompanions(s, b, "bucket", "bucket", same, s.ByType(netPublicAccessBlock))
		switch {
		case len(blocks) == 0 && maybe != nil:
			out = append(out, netCannotMatch(b, maybe, "bucket"))
		case len(blocks) == 0:
			out = append(out, Violation(b, "%s must have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true", Subject(b)))
		}
		for _, p := range blocks {
			var off []string
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if p.IsUnknown(flag) {
					out = append(out, CannotVerify(p, flag))
				} else if on, _ := p.Bool(flag); !on {
					off = append(off, flag)
				}
			}
			if len(off) > 0 {
				out = append(out, Violation(p, "%s must set %s to true", Subject(p), strings.Join(off, ", ")))
			}
		}
		controls, maybe := netCompanions(s, b, "bucket", "bucket", same, s.ByType(netOwnershipControls))
		switch {
		case len(controls) == 0 && maybe != nil:
			out = append(out, netCannotMatch(b, maybe, "bucket"))
		case len(controls) == 0:
			out = append(out, Violation(b, "%s must have BucketOwnershipControls with rule.objectOwnership BucketOwnerEnforced, which disables ACLs", Subject(b)))
		}
		for _, o := range controls {
			const path = "rule.objectOwnership"
			if o.IsUnknown(path) {
				out = append(out, CannotVerify(o, path))
			} else if o.Str(path) != "BucketOwnerEnforced" {
				out = append(out, Violation(o, "%s must set %s to BucketOwnerEnforced (%s)", Subject(o), path, netIs(o, path)))
			}
		}
	}
	for _, p := range s.ByType(netBucketPolicy) {
		out = append(out, netNoPublicPrincipal(p, "policy")...)
	}
	return out
}

// netNoPublicPrincipal reports the statements of a resource policy that
// allow the "*" principal.
func netNoPublicPrincipal(r *Resource, path string) []Finding {
	stmts, f := netPolicyAt(r, path)
	if f != nil {
		return []Finding{*f}
	}
	var out []Finding
	for i, st := range stmts {
		if st.Effect == "Allow" && netAnyPrincipal(st.Principal) {
			out = append(out, Violation(r, "%s must not allow the \"*\" principal (%s); fix: name the accounts, roles or services that need access", Subject(r), st.where(path, i)))
		}
	}
	return out
}

// registry-access-and-scan

func netCheckRegistries(s *Stack) []Finding {
	var out []Finding
	same := func(ref, name string) bool { return ref == name }
	for _, r := range s.ByType(netECRRepository) {
		const scan, mutability = "imageScanningConfiguration.scanOnPush", "imageTagMutability"
		if r.IsUnknown(scan) {
			out = append(out, CannotVerify(r, scan))
		} else if on, _ := r.Bool(scan); !on {
			out = append(out, Violation(r, "%s must scan images on push (%s); fix: set %s to true", Subject(r), netIs(r, scan), scan))
		}
		if r.IsUnknown(mutability) {
			out = append(out, CannotVerify(r, mutability))
		} else if r.Str(mutability) != "IMMUTABLE" {
			state := netIs(r, mutability)
			if _, set := r.Get(mutability); !set {
				state += ", which defaults to MUTABLE"
			}
			out = append(out, Violation(r, "%s must make image tags immutable (%s); fix: set %s to IMMUTABLE", Subject(r), state, mutability))
		}
		policies, maybe := netCompanions(s, r, "repository", "name", same, s.ByType(netECRLifecycle))
		switch {
		case len(policies) == 0 && maybe != nil:
			out = append(out, netCannotMatch(r, maybe, "repository"))
		case len(policies) == 0:
			out = append(out, Violation(r, "%s must have a LifecyclePolicy that expires untagged and old images", Subject(r)))
		}
	}
	for _, p := range s.ByType(netECRRepoPolicy) {
		out = append(out, netNoPublicPrincipal(p, "policy")...)
	}
	for _, r := range netAzure(s, "containerregistry", "Registry") {
		for _, c := range []struct{ path, what, fix string }{
			{"adminUserEnabled", "disable the admin user", "pull with managed identities or Entra ID tokens"},
			{"anonymousPullEnabled", "disable anonymous pull", "remove anonymousPullEnabled"},
		} {
			if r.IsUnknown(c.path) {
				out = append(out, CannotVerify(r, c.path))
			} else if on, _ := r.Bool(c.path); on {
				out = append(out, Violation(r, "%s must %s (%s is true); fix: %s", Subject(r), c.what, c.path, c.fix))
			}
		}
	}
	return out
}

// aws-node-hardening

func netCheckNodeHardening(s *Stack) []Finding {
	var out []Finding
	checked := map[string]bool{}
	for _, ng := range s.ByType(netNodeGroup) {
		if v, set := ng.Get("remoteAccess"); props.HasUnknown(v) {
			out = append(out, CannotVerify(ng, "remoteAccess"))
		} else if set && v != nil {
			out = append(out, Violation(ng, "%s must not allow SSH to its nodes (remoteAccess is set); fix: remove remoteAccess and reach nodes through SSM Session Manager", Subject(ng)))
		}
		lt, f := netNodeLaunchTemplate(s, ng)
		switch {
		case f != nil:
			out = append(out, *f)
		case !checked[lt.URN]:
			checked[lt.URN] = true
			out = append(out, netCheckLaunchTemplate(lt)...)
		}
		for _, u := range ng.DependsOn {
			sub := s.ByURN(u)
			if sub == nil || sub.Type != netSubnet {
				continue
			}
			if sub.IsUnknown("mapPublicIpOnLaunch") {
				out = append(out, CannotVerify(sub, "mapPublicIpOnLaunch"))
			} else if on, _ := sub.Bool("mapPublicIpOnLaunch"); on {
				out = append(out, Violation(ng, "%s must not run in a subnet that gives instances public IPs (%s has mapPublicIpOnLaunch true); fix: use private subnets", Subject(ng), Subject(sub)))
			}
		}
	}
	return out
}

// netNodeLaunchTemplate finds a node group's launch template in the stack,
// by name or, for an id (known only once created), through the dependency.
func netNodeLaunchTemplate(s *Stack, ng *Resource) (*Resource, *Finding) {
	if v, set := ng.Get("launchTemplate"); !set || v == nil {
		f := Violation(ng, "%s must use a launch template that requires IMDSv2 with hop limit 1 (launchTemplate is not set, and EKS's default template does not limit the hops)", Subject(ng))
		return nil, &f
	}
	ref, key := "launchTemplate.id", ""
	if _, byName := ng.Get("launchTemplate.name"); byName {
		ref, key = "launchTemplate.name", "name"
	}
	same := func(ref, name string) bool { return ref == name }
	for _, lt := range s.ByType(netLaunchTemplate) {
		if netRefersTo(ng, ref, lt, key, same) {
			return lt, nil
		}
	}
	if ng.IsUnknown(ref) {
		f := CannotVerify(ng, ref)
		return nil, &f
	}
	f := Violation(ng, "%s must use a launch template defined in this stack, so its metadata options can be checked (%s)", Subject(ng), netIs(ng, ref))
	return nil, &f
}

// netCheckLaunchTemplate checks a node launch template's metadata options
// and network interfaces.
func netCheckLaunchTemplate(lt *Resource) []Finding {
	var out []Finding
	const endpoint, tokens, hops = "metadataOptions.httpEndpoint", "metadataOptions.httpTokens", "metadataOptions.httpPutResponseHopLimit"
	if lt.IsUnknown(endpoint) {
		out = append(out, CannotVerify(lt, endpoint))
	} else if lt.Str(endpoint) != "disabled" {
		if lt.IsUnknown(tokens) {
			out = append(out, CannotVerify(lt, tokens))
		} else if lt.Str(tokens) != "required" {
			out = append(out, Violation(lt, "%s must require IMDSv2 (%s); fix: set %s to \"required\"", Subject(lt), netIs(lt, tokens), tokens))
		}
		if lt.IsUnknown(hops) {
			out = append(out, CannotVerify(lt, hops))
		} else if n, _ := lt.Num(hops); n != 1 {
			out = append(out, Violation(lt, "%s must limit instance metadata to one hop, so pods cannot reach the node's credentials (%s); fix: set it to 1", Subject(lt), netIs(lt, hops)))
		}
	}
	v, _ := lt.Get("networkInterfaces")
	nics, _ := v.([]interface{})
	for i := range nics {
		p := fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress", i)
		if lt.IsUnknown(p) {
			out = append(out, CannotVerify(lt, p))
			continue
		}
		// The provider takes this flag as a string ("true") or a bool.
		if a, _ := lt.Get(p); a == true || a == "true" {
			out = append(out, Violation(lt, "%s must not give nodes public IPs (%s)", Subject(lt), netIs(lt, p)))
		}
	}
	return out
}
