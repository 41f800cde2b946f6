package environments

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// NAT gateway strategies.
const (
	NATSingle = "single"
	NATPerAZ  = "perAz"
)

func (v *validator) aws() {
	a := v.env.AWS
	if !regionRE.MatchString(a.Region) {
		v.ps.add("aws.region", q(a.Region), "must be an AWS region name", "use a region such as us-east-1")
	}
	v.awsNetwork()
	c := a.Cluster
	if c.SupportType != "" && c.SupportType != "STANDARD" && c.SupportType != "EXTENDED" {
		v.ps.add("aws.cluster.supportType", q(c.SupportType), "must be STANDARD or EXTENDED", "leave it unset for STANDARD")
	}
	if len(c.AdminRoleARNs) == 0 {
		v.ps.add("aws.cluster.adminRoleArns", missing, "the cluster needs an admin: the identity running pulumi gets no implicit access",
			"list the platform team's IAM role ARNs")
	}
	for i, arn := range c.AdminRoleARNs {
		if !roleARNRE.MatchString(arn) {
			v.ps.add(fmt.Sprintf("aws.cluster.adminRoleArns[%d]", i), q(arn), "must be an IAM role ARN", "write arn:aws:iam::<12-digit account>:role/<name>")
		}
	}
	v.noRepeats("aws.cluster.adminRoleArns", c.AdminRoleARNs, "list each role once")
	for _, name := range sortedKeys(c.AddonVersions) {
		p := "aws.cluster.addonVersions." + name
		if !slices.Contains(AddonNames, name) {
			v.ps.add(p, q(c.AddonVersions[name]), "is not an add-on the toolkit installs", "use one of "+strings.Join(AddonNames, ", "))
		} else if !addonVerRE.MatchString(c.AddonVersions[name]) {
			v.ps.add(p, q(c.AddonVersions[name]), "must be an EKS add-on version", "copy it from aws eks describe-addon-versions, e.g. v1.20.1-eksbuild.3")
		}
	}
	v.awsArtifacts()
}

func (v *validator) awsNetwork() {
	nw := v.env.AWS.Network
	region := v.env.AWS.Region
	azs := nw.AvailabilityZones
	if len(azs) < 2 {
		v.ps.add("aws.network.availabilityZones", fmt.Sprintf("%d zones %v", len(azs), azs), "needs at least 2 availability zones (EKS requires subnets in 2)",
			fmt.Sprintf("list 3 zones, e.g. [%sa, %sb, %sc]", region, region, region))
	}
	for i, az := range azs {
		p := fmt.Sprintf("aws.network.availabilityZones[%d]", i)
		if len(az) != len(region)+1 || !strings.HasPrefix(az, region) || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
			v.ps.add(p, q(az), fmt.Sprintf("must be a zone of the region %s", region), fmt.Sprintf("use %sa, %sb, ...", region, region))
		} else if slices.Index(azs, az) != i {
			v.ps.add(p, q(az), "is listed twice", "list each zone once")
		}
	}
	if nw.FlowLogRetentionDays != 0 && !slices.Contains(logRetentionDays, nw.FlowLogRetentionDays) {
		v.ps.add("aws.network.flowLogRetentionDays", n(nw.FlowLogRetentionDays), "must be a retention CloudWatch accepts", "use one of 7, 14, 30, 90, 365")
	}
	if nw.Existing != nil {
		v.existingVPC(nw)
		return
	}
	if nw.NATGateways != NATSingle && nw.NATGateways != NATPerAZ {
		v.ps.add("aws.network.natGateways", q(nw.NATGateways), "must be single or perAz", "use single in dev, perAz in prod")
	} else if v.env.IsProd() && nw.NATGateways != NATPerAZ {
		v.ps.add("aws.network.natGateways", q(nw.NATGateways), "prod needs a NAT gateway per AZ so one zone's outage cannot cut the others' egress", "set natGateways: perAz")
	}
	vpc, vpcOK := v.cidr("aws.network.vpcCidr", nw.VPCCIDR)
	if vpcOK && (vpc.Bits() < 16 || vpc.Bits() > 24) {
		v.ps.add("aws.network.vpcCidr", q(nw.VPCCIDR), "VPC blocks are /16 to /24 here (AWS allows /16 to /28; smaller leaves no room for pods)", "use a /16 such as 10.20.0.0/16")
		vpcOK = false
	}
	type subnet struct {
		path string
		p    netip.Prefix
	}
	var subnets []subnet
	for _, set := range []struct {
		key   string
		cidrs []string
	}{{"privateSubnetCidrs", nw.PrivateSubnetCIDRs}, {"publicSubnetCidrs", nw.PublicSubnetCIDRs}} {
		base := "aws.network." + set.key
		if len(set.cidrs) != len(azs) {
			v.ps.add(base, fmt.Sprintf("%d blocks", len(set.cidrs)), fmt.Sprintf("needs one block per availability zone (%d)", len(azs)), "list one CIDR per zone, in zone order")
		}
		for i, c := range set.cidrs {
			p := fmt.Sprintf("%s[%d]", base, i)
			sp, ok := v.cidr(p, c)
			if !ok {
				continue
			}
			if vpcOK && !(vpc.Contains(sp.Addr()) && sp.Bits() >= vpc.Bits()) {
				v.ps.add(p, q(c), fmt.Sprintf("lies outside the VPC %s", vpc), "pick a block inside vpcCidr")
				continue
			}
			for _, prev := range subnets {
				if prev.p.Overlaps(sp) {
					v.ps.add(p, q(c), fmt.Sprintf("overlaps %s (%s)", prev.path, prev.p), "pick a block that no other subnet uses")
				}
			}
			subnets = append(subnets, subnet{p, sp})
		}
	}
}

func (v *validator) existingVPC(nw AWSNetwork) {
	ex := nw.Existing
	for _, conflict := range []struct {
		key string
		set bool
	}{
		{"vpcCidr", nw.VPCCIDR != ""},
		{"privateSubnetCidrs", len(nw.PrivateSubnetCIDRs) > 0},
		{"publicSubnetCidrs", len(nw.PublicSubnetCIDRs) > 0},
		{"natGateways", nw.NATGateways != ""},
	} {
		if conflict.set {
			v.ps.add("aws.network."+conflict.key, "set", "conflicts with aws.network.existing: a brought VPC is not created or changed", "remove "+conflict.key+" or remove existing")
		}
	}
	if !vpcIDRE.MatchString(ex.VPCID) {
		v.ps.add("aws.network.existing.vpcId", q(ex.VPCID), "must be a VPC id", "write vpc- and 8 or 17 hex digits")
	}
	if len(ex.PrivateSubnetIDs) < 2 {
		v.ps.add("aws.network.existing.privateSubnetIds", fmt.Sprintf("%d subnets", len(ex.PrivateSubnetIDs)), "needs private subnets in at least 2 availability zones", "list the private subnet ids")
	}
	for _, set := range []struct {
		key string
		ids []string
	}{{"privateSubnetIds", ex.PrivateSubnetIDs}, {"publicSubnetIds", ex.PublicSubnetIDs}} {
		for i, id := range set.ids {
			if !subnetIDRE.MatchString(id) {
				v.ps.add(fmt.Sprintf("aws.network.existing.%s[%d]", set.key, i), q(id), "must be a subnet id", "write subnet- and 8 or 17 hex digits")
			}
		}
	}
}

// cidr parses an IPv4 CIDR and reports it when invalid or not canonical.
func (v *validator) cidr(path, s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		v.ps.add(path, q(s), "must be an IPv4 CIDR block", "write it like 10.20.0.0/16")
		return netip.Prefix{}, false
	}
	if m := p.Masked(); m != p {
		v.ps.add(path, q(s), "is not canonical: host bits are set", fmt.Sprintf("did you mean %q?", m.String()))
		return netip.Prefix{}, false
	}
	return p, true
}

func (v *validator) nodeGroupAWS(p string, g NodeGroup) {
	a := g.AWS
	if a == nil {
		v.ps.add(p+".aws", missing, "every node group needs its EKS settings when the environment has an aws section", "add aws: {instanceTypes: [...], amiType: ...}")
		return
	}
	ami, amiKnown := amiTypes[a.AMIType]
	switch {
	case !amiKnown:
		known := sortedKeys(amiTypes)
		fix := "use one of " + strings.Join(known, ", ")
		if s := catalog.ClosestOf(a.AMIType, known); s != "" {
			fix = fmt.Sprintf("did you mean %q?", s)
		}
		v.ps.add(p+".aws.amiType", q(a.AMIType), "is not a supported EKS AMI type", fix)
	case g.Kind == "gpu" && !ami.nvidia:
		v.ps.add(p+".aws.amiType", q(a.AMIType), "a gpu group needs an NVIDIA AMI type, or its GPUs have no driver",
			fmt.Sprintf("use %s or %s", strings.Replace(a.AMIType, "STANDARD", "NVIDIA", 1), "BOTTLEROCKET_x86_64_NVIDIA"))
	case g.Kind != "gpu" && ami.nvidia:
		v.ps.add(p+".aws.amiType", q(a.AMIType), "an NVIDIA AMI type belongs on a gpu group", "use a STANDARD AMI type, or set kind: gpu")
	}
	if len(a.InstanceTypes) == 0 {
		v.ps.add(p+".aws.instanceTypes", missing, "needs at least one instance type", "list EC2 types, most preferred first")
	}
	for i, name := range a.InstanceTypes {
		ip := fmt.Sprintf("%s.aws.instanceTypes[%d]", p, i)
		it, ok := v.opts.Catalog.Lookup(catalog.AWS, name)
		if !ok {
			fix := "add it to components/catalog/instances.yaml or use a listed type"
			if s := v.opts.Catalog.Suggest(catalog.AWS, name); s != "" {
				fix = fmt.Sprintf("did you mean %q?", s)
			}
			v.ps.add(ip, q(name), "unknown instance type", fix)
			continue
		}
		switch {
		case g.Kind == "gpu" && !it.IsGPU():
			v.ps.add(ip, q(name), "a gpu group needs GPU instance types", "use a GPU type such as g5.xlarge, g6.xlarge or g6e.xlarge")
		case g.Kind != "gpu" && it.IsGPU():
			v.ps.add(ip, q(name), fmt.Sprintf("is a GPU type (%d x %s) in a %s group", it.GPUs, it.GPUModel, g.Kind), "use a CPU type such as m7i.large, or set kind: gpu")
		}
		if amiKnown && it.Arch != ami.arch {
			v.ps.add(ip, q(name), fmt.Sprintf("is %s but the AMI type %s is %s", it.Arch, a.AMIType, ami.arch), "pick instance types and an AMI type of one architecture")
		}
		if slices.Index(a.InstanceTypes, name) != i {
			v.ps.add(ip, q(name), "is listed twice", "list each type once")
		}
	}
}

func (v *validator) awsArtifacts() {
	art := v.env.AWS.Artifacts
	if len(art.Repositories) == 0 {
		v.ps.add("aws.artifacts.repositories", missing, "needs at least one ECR repository", "list repositories such as models, explainers, runners")
	}
	for i, r := range art.Repositories {
		p := fmt.Sprintf("aws.artifacts.repositories[%d]", i)
		switch {
		case len(r) < 2 || len(r) > 200 || !ecrRepoRE.MatchString(r):
			v.ps.add(p, q(r), "ECR repository names are lowercase letters, digits and . _ - /, 2 to 200 characters", "rename the repository")
		case slices.Index(art.Repositories, r) != i:
			v.ps.add(p, q(r), "is listed twice", "list each repository once")
		}
	}
	if !modelPrefixRE.MatchString(art.ModelPrefix) {
		v.ps.add("aws.artifacts.modelPrefix", q(art.ModelPrefix), "must be a relative key prefix ending in /", `use "models/"`)
	}
	for _, f := range []struct {
		key  string
		days int
	}{
		{"noncurrentVersionDays", art.NoncurrentVersionDays},
		{"accessLogRetentionDays", art.AccessLogRetentionDays},
		{"untaggedImageDays", art.UntaggedImageDays},
	} {
		if f.days < 1 {
			v.ps.add("aws.artifacts."+f.key, n(f.days), "must be at least 1 day", "use 30, or 365 in prod")
		}
	}
}
