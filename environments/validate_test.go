package environments

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// testNow is the date support windows are judged against in these tests.
var testNow = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func opts() Options { return Options{Now: testNow} }

// base returns a fresh, valid dev environment to break one rule at a time.
func base(t *testing.T) *Environment {
	t.Helper()
	env, err := LoadFile("dev.yaml", opts())
	if err != nil {
		t.Fatalf("dev.yaml must be valid: %v", err)
	}
	return env
}

func TestCommittedEnvironmentsAreValid(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			env, err := LoadFile(name+".yaml", opts())
			if err != nil {
				t.Fatal(err)
			}
			if env.Name != name || env.AWS == nil || len(env.NodeGroups) < 2 {
				t.Fatalf("%s.yaml decoded incompletely: name %q, aws %v, %d node groups", name, env.Name, env.AWS != nil, len(env.NodeGroups))
			}
		})
	}
}

func TestEnvironmentsDifferWhereRealOnesDo(t *testing.T) {
	dev, prod := base(t), mustLoad(t, "prod")
	if len(prod.Cluster.PublicAccessCIDRs) != 0 || len(dev.Cluster.PublicAccessCIDRs) == 0 {
		t.Errorf("prod must be private-only and dev open to listed CIDRs: prod %v, dev %v", prod.Cluster.PublicAccessCIDRs, dev.Cluster.PublicAccessCIDRs)
	}
	if prod.AWS.Network.NATGateways != NATPerAZ || dev.AWS.Network.NATGateways != NATSingle {
		t.Errorf("NAT: prod %q dev %q", prod.AWS.Network.NATGateways, dev.AWS.Network.NATGateways)
	}
	if g := dev.NodeGroups["gpu"]; g.CapacityType != "SPOT" || g.MinSize != 0 || g.DesiredSize != 0 {
		t.Errorf("dev gpu group must be spot at zero: %+v", g)
	}
	for name, g := range prod.NodeGroups {
		if g.CapacityType != "ON_DEMAND" {
			t.Errorf("prod group %s is %s, want ON_DEMAND", name, g.CapacityType)
		}
	}
}

func mustLoad(t *testing.T, name string) *Environment {
	t.Helper()
	env, err := LoadFile(name+".yaml", opts())
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestValidateRejects breaks one rule per case and asserts the whole message.
func TestValidateRejects(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"invalid vpc cidr": {
			mutate: func(e *Environment) { e.AWS.Network.VPCCIDR = "10.10.0.0/33" },
			want:   `aws.network.vpcCidr = "10.10.0.0/33": must be an IPv4 CIDR block; fix: write it like 10.20.0.0/16`,
		},
		"non-canonical subnet cidr": {
			mutate: func(e *Environment) { e.AWS.Network.PrivateSubnetCIDRs[1] = "10.10.33.0/19" },
			want:   `aws.network.privateSubnetCidrs[1] = "10.10.33.0/19": is not canonical: host bits are set; fix: did you mean "10.10.32.0/19"?`,
		},
		"overlapping subnets": {
			mutate: func(e *Environment) { e.AWS.Network.PublicSubnetCIDRs[0] = "10.10.16.0/22" },
			want:   `aws.network.publicSubnetCidrs[0] = "10.10.16.0/22": overlaps aws.network.privateSubnetCidrs[0] (10.10.0.0/19); fix: pick a block that no other subnet uses`,
		},
		"subnet outside the vpc": {
			mutate: func(e *Environment) { e.AWS.Network.PublicSubnetCIDRs[2] = "10.11.0.0/22" },
			want:   `aws.network.publicSubnetCidrs[2] = "10.11.0.0/22": lies outside the VPC 10.10.0.0/16; fix: pick a block inside vpcCidr`,
		},
		"fewer than two zones": {
			mutate: func(e *Environment) {
				n := &e.AWS.Network
				n.AvailabilityZones, n.PrivateSubnetCIDRs, n.PublicSubnetCIDRs = n.AvailabilityZones[:1], n.PrivateSubnetCIDRs[:1], n.PublicSubnetCIDRs[:1]
			},
			want: `aws.network.availabilityZones = 1 zones [us-east-1a]: needs at least 2 availability zones (EKS requires subnets in 2); fix: list 3 zones, e.g. [us-east-1a, us-east-1b, us-east-1c]`,
		},
		"zone of another region": {
			mutate: func(e *Environment) { e.AWS.Network.AvailabilityZones[2] = "us-west-2c" },
			want:   `aws.network.availabilityZones[2] = "us-west-2c": must be a zone of the region us-east-1; fix: use us-east-1a, us-east-1b, ...`,
		},
		"min greater than max": {
			mutate: func(e *Environment) {
				g := e.NodeGroups["gpu"]
				g.MinSize, g.MaxSize, g.DesiredSize = 5, 3, 3
				e.NodeGroups["gpu"] = g
			},
			want: `nodeGroups.gpu.minSize = 5: must be <= maxSize (3); fix: lower minSize or raise maxSize`,
		},
		"desired outside range": {
			mutate: func(e *Environment) { g := e.NodeGroups["cpu"]; g.DesiredSize = 7; e.NodeGroups["cpu"] = g },
			want:   `nodeGroups.cpu.desiredSize = 7: must be within [minSize, maxSize] = [0, 4]; fix: set desiredSize between them`,
		},
		"max zero": {
			mutate: func(e *Environment) { g := e.NodeGroups["gpu"]; g.MaxSize = 0; e.NodeGroups["gpu"] = g },
			want:   `nodeGroups.gpu.maxSize = 0: must be at least 1: a group that can never have a node is dead weight; fix: raise maxSize, or remove the group`,
		},
		"system group at zero": {
			mutate: func(e *Environment) {
				g := e.NodeGroups["system"]
				g.MinSize, g.DesiredSize = 0, 0
				e.NodeGroups["system"] = g
			},
			want: `nodeGroups.system.minSize = 0: the system group runs cluster add-ons and needs at least 1 node; fix: set minSize: 2 (1 in dev)`,
		},
		"unknown instance type": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].AWS.InstanceTypes[0] = "g5.xlage" },
			want:   `nodeGroups.gpu.aws.instanceTypes[0] = "g5.xlage": unknown instance type; fix: did you mean "g5.xlarge"?`,
		},
		"unknown instance type far from any": {
			mutate: func(e *Environment) { e.NodeGroups["cpu"].AWS.InstanceTypes[1] = "x2iedn.32xlarge" },
			want:   `nodeGroups.cpu.aws.instanceTypes[1] = "x2iedn.32xlarge": unknown instance type; fix: add it to components/catalog/instances.yaml or use a listed type`,
		},
		"gpu group with standard ami": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].AWS.AMIType = "AL2023_x86_64_STANDARD" },
			want:   `nodeGroups.gpu.aws.amiType = "AL2023_x86_64_STANDARD": a gpu group needs an NVIDIA AMI type, or its GPUs have no driver; fix: use AL2023_x86_64_NVIDIA or BOTTLEROCKET_x86_64_NVIDIA`,
		},
		"gpu group with cpu instance": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].AWS.InstanceTypes[2] = "m7i.large" },
			want:   `nodeGroups.gpu.aws.instanceTypes[2] = "m7i.large": a gpu group needs GPU instance types; fix: use a GPU type such as g5.xlarge, g6.xlarge or g6e.xlarge`,
		},
		"gpu instance in cpu group": {
			mutate: func(e *Environment) { e.NodeGroups["cpu"].AWS.InstanceTypes[0] = "g5.xlarge" },
			want:   `nodeGroups.cpu.aws.instanceTypes[0] = "g5.xlarge": is a GPU type (1 x A10G) in a cpu group; fix: use a CPU type such as m7i.large, or set kind: gpu`,
		},
		"architecture mismatch": {
			mutate: func(e *Environment) { e.NodeGroups["cpu"].AWS.InstanceTypes = []string{"m7g.xlarge"} },
			want:   `nodeGroups.cpu.aws.instanceTypes[0] = "m7g.xlarge": is arm64 but the AMI type AL2023_x86_64_STANDARD is x86_64; fix: pick instance types and an AMI type of one architecture`,
		},
		"misspelt ami type": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].AWS.AMIType = "AL2023_x86_64_NVDIA" },
			want:   `nodeGroups.gpu.aws.amiType = "AL2023_x86_64_NVDIA": is not a supported EKS AMI type; fix: did you mean "AL2023_x86_64_NVIDIA"?`,
		},
		"unsupported kubernetes version": {
			mutate: func(e *Environment) { e.Cluster.KubernetesVersion = "1.27" },
			want:   `cluster.kubernetesVersion = "1.27": is not a supported version; fix: use one of "1.32", "1.33", "1.34", "1.35"`,
		},
		"malformed kubernetes version": {
			mutate: func(e *Environment) { e.Cluster.KubernetesVersion = "v1.35.2" },
			want:   `cluster.kubernetesVersion = "v1.35.2": must be a Kubernetes minor version like "1.35"; fix: write the minor only, quoted: "1.35"`,
		},
		"version past standard support on STANDARD": {
			mutate: func(e *Environment) { e.Cluster.KubernetesVersion = "1.33" },
			want:   `cluster.kubernetesVersion = "1.33": standard support ended on 2026-07-29, so EKS upgrades a STANDARD cluster on its own; fix: upgrade to "1.35", or set aws.cluster.supportType: EXTENDED ($0.60/h)`,
		},
		"blanket waiver": {
			mutate: func(e *Environment) {
				e.Policies = &Policies{Waivers: []Waiver{{Rule: "pss-restricted", Resource: "*", Reason: "GPU agents", Expires: "2027-01-31"}}}
			},
			want: `policies.waivers[0].resource = "*": must name one resource; fix: use the resource's name as ` + "`make plan`" + ` lists it`,
		},
		"waiver without an expiry date": {
			mutate: func(e *Environment) {
				e.Policies = &Policies{Waivers: []Waiver{{Rule: "pss-restricted", Resource: "aws-dev-baseline-gpu", Reason: "GPU agents", Expires: "next year"}}}
			},
			want: `policies.waivers[0].expires = "next year": must be a date YYYY-MM-DD; fix: set the last day the waiver holds, e.g. 90 days out`,
		},
		"missing required tag": {
			mutate: func(e *Environment) { delete(e.Tags, "owner") },
			want:   `tags.owner = <missing>: required tag; fix: add owner under tags (a team email such as ml-platform@pangea.ai)`,
		},
		"malformed cost center": {
			mutate: func(e *Environment) { e.Tags["cost-center"] = "4821" },
			want:   `tags.cost-center = "4821": must be cc- and 4 to 6 digits; fix: use a cost center such as cc-4821`,
		},
		"unknown data classification": {
			mutate: func(e *Environment) { e.Tags["data-classification"] = "secret" },
			want:   `tags.data-classification = "secret": must be one of public, internal, confidential, restricted; fix: use one of public, internal, confidential, restricted`,
		},
		"toolkit tag set by hand": {
			mutate: func(e *Environment) { e.Tags["managed-by"] = "terraform" },
			want:   `tags.managed-by = "terraform": is set by the toolkit; fix: remove it from the environment file`,
		},
		"uppercase tag key": {
			mutate: func(e *Environment) { e.Tags["Team_Name"] = "ml" },
			want:   `tags.Team_Name = "ml": tag keys are lowercase kebab-case, at most 128 characters, never aws:-prefixed; fix: rename the key, e.g. team-name`,
		},
		"whole internet on the api in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = []string{"0.0.0.0/0"} },
			want:   `cluster.publicAccessCidrs[0] = "0.0.0.0/0": prod's API endpoint is private-only; fix: remove publicAccessCidrs and reach the API through the VPC`,
		},
		"whole internet on the api in dev": {
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = []string{"0.0.0.0/0"} },
			want:   `cluster.publicAccessCidrs[0] = "0.0.0.0/0": must not open the API endpoint to the whole internet; fix: list the office or CI egress CIDRs instead`,
		},
		"the whole internet in two halves": {
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = []string{"0.0.0.0/1", "128.0.0.0/1"} },
			want:   `cluster.publicAccessCidrs = 2 entries: together they cover every IPv4 address: the API endpoint would be open to the whole internet; fix: list the office and CI egress CIDRs only`,
		},
		"a CIDR listed twice": {
			mutate: func(e *Environment) {
				e.Cluster.PublicAccessCIDRs = []string{"203.0.113.0/24", "198.51.100.0/24", "203.0.113.0/24"}
			},
			want: `cluster.publicAccessCidrs[2] = "203.0.113.0/24": repeats cluster.publicAccessCidrs[0]; fix: remove it, or correct the one you meant to change`,
		},
		"an admin role listed twice": {
			mutate: func(e *Environment) {
				e.AWS.Cluster.AdminRoleARNs = append(e.AWS.Cluster.AdminRoleARNs, e.AWS.Cluster.AdminRoleARNs[0])
			},
			want: `aws.cluster.adminRoleArns[1] = "arn:aws:iam::111122223333:role/platform-admin": repeats aws.cluster.adminRoleArns[0]; fix: list each role once`,
		},
		"a CIDR inside another": {
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = []string{"203.0.113.0/24", "203.0.113.7/32"} },
			want:   `cluster.publicAccessCidrs[1] = "203.0.113.7/32": lies inside cluster.publicAccessCidrs[0] (203.0.113.0/24): it adds nothing; fix: remove it, or correct the one you meant to change`,
		},
		"single nat in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.AWS.Network.NATGateways = NATSingle },
			want:   `aws.network.natGateways = "single": prod needs a NAT gateway per AZ so one zone's outage cannot cut the others' egress; fix: set natGateways: perAz`,
		},
		"unknown nat strategy": {
			mutate: func(e *Environment) { e.AWS.Network.NATGateways = "one" },
			want:   `aws.network.natGateways = "one": must be single or perAz; fix: use single in dev, perAz in prod`,
		},
		"bad log retention": {
			mutate: func(e *Environment) { e.Cluster.LogRetentionDays = 31 },
			want:   `cluster.logRetentionDays = 31: must be a retention CloudWatch accepts; fix: use one of 7, 14, 30, 90, 365, 731`,
		},
		"bad taint effect": {
			mutate: func(e *Environment) {
				g := e.NodeGroups["cpu"]
				g.Taints = []Taint{{Key: "dedicated", Value: "ci", Effect: "NoScheduling"}}
				e.NodeGroups["cpu"] = g
			},
			want: `nodeGroups.cpu.taints[0].effect = "NoScheduling": must be NoSchedule, PreferNoSchedule or NoExecute; fix: use NoSchedule to keep other workloads off the group`,
		},
		"label the toolkit sets": {
			mutate: func(e *Environment) { e.NodeGroups["cpu"].Labels["nvidia.com/gpu.present"] = "true" },
			want:   `nodeGroups.cpu.labels.nvidia.com/gpu.present = "true": is set by the toolkit from kind and the instance types; fix: remove the label`,
		},
		"admin role not a role arn": {
			mutate: func(e *Environment) { e.AWS.Cluster.AdminRoleARNs[0] = "arn:aws:iam::111122223333:user/alice" },
			want:   `aws.cluster.adminRoleArns[0] = "arn:aws:iam::111122223333:user/alice": must be an IAM role ARN; fix: write arn:aws:iam::<12-digit account>:role/<name>`,
		},
		"bring your own vpc with a cidr too": {
			mutate: func(e *Environment) {
				n := &e.AWS.Network
				n.PrivateSubnetCIDRs, n.PublicSubnetCIDRs, n.NATGateways = nil, nil, ""
				n.Existing = &ExistingVPC{VPCID: "vpc-0a1b2c3d", PrivateSubnetIDs: []string{"subnet-0a1b2c3d", "subnet-1a2b3c4d"}}
			},
			want: `aws.network.vpcCidr = set: conflicts with aws.network.existing: a brought VPC is not created or changed; fix: remove vpcCidr or remove existing`,
		},
		"bad ecr repository name": {
			mutate: func(e *Environment) { e.AWS.Artifacts.Repositories[1] = "Explainers" },
			want:   `aws.artifacts.repositories[1] = "Explainers": ECR repository names are lowercase letters, digits and . _ - /, 2 to 200 characters; fix: rename the repository`,
		},
		"name does not match file": {
			mutate: func(e *Environment) { e.Name = "staging"; e.Tags["environment"] = "staging" },
			want:   `name = "staging": must match the file name "dev"; fix: set name: dev or rename the file`,
		},
	})
}

// rejectCase breaks one rule of a committed file and names the one problem
// the validator must report, in full.
type rejectCase struct {
	file   string // defaults to dev.yaml
	mutate func(e *Environment)
	want   string
}

func runRejectCases(t *testing.T, cases map[string]rejectCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "dev.yaml"
			}
			env, err := LoadFile(file, opts())
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(env)
			err = Validate("environments/"+file, env, opts())
			want := "environments/" + file + ": 1 problem:\n - " + tc.want
			if err == nil || err.Error() != want {
				t.Fatalf("got:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}

// TestDecodeRejects covers what strict decoding catches, and that parse
// problems come with the rules' problems of the same file, all at once.
func TestDecodeRejects(t *testing.T) {
	dev, err := os.ReadFile("dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		old, new string
		want     []string
	}{
		"unknown key with did-you-mean, and the rule it leaves broken": {
			old: "      instanceTypes: [g5.xlarge, g6.xlarge, g4dn.xlarge]",
			new: "      instanceType: [g5.xlarge]",
			want: []string{`nodeGroups.gpu.aws.instanceType (line 52) = a list: unknown key; fix: did you mean "instanceTypes"?`,
				`nodeGroups.gpu.aws.instanceTypes = <missing>: needs at least one instance type; fix: list EC2 types, most preferred first`},
		},
		"unknown section": {
			old:  "\naws:\n",
			new:  "\ngcp:\n  region: x\naws:\n",
			want: []string{`gcp (line 59) = a mapping: unknown key; fix: remove it; known keys here: aws, azure, cluster, description, ephemeral, jupyterhub, mlflow, models, monitoring, name, nodeGroups, policies, runners, tags`},
		},
		"string where a number belongs": {
			old:  "    maxSize: 2\n",
			new:  "    maxSize: two\n",
			want: []string{`nodeGroups.gpu.maxSize (line 48) = "two": must be a whole number; fix: write digits only, without quotes`},
		},
		"scalar where a list belongs": {
			old:  "    availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
			new:  "    availabilityZones: us-east-1a",
			want: []string{`aws.network.availabilityZones (line 63) = "us-east-1a": must be a list; fix: write it as [a, b] or as - items`},
		},
		"a key given twice, beside a rule problem": {
			old: "    maxSize: 2\n    desiredSize: 0\n",
			new: "    maxSize: 2\n    maxSize: 9\n    desiredSize: 5\n",
			want: []string{`nodeGroups.gpu.maxSize (line 49) = "9": key "maxSize" is given twice (first at line 48); YAML keeps neither reliably; fix: keep one of them`,
				`nodeGroups.gpu.desiredSize = 5: must be within [minSize, maxSize] = [0, 2]; fix: set desiredSize between them`},
		},
		"a number that overflows": {
			old:  "    maxSize: 2\n",
			new:  "    maxSize: 99999999999999999999\n",
			want: []string{`nodeGroups.gpu.maxSize (line 48) = "99999999999999999999": is out of range for a whole number; fix: write a number this setting can take`},
		},
		"a tag the text cannot carry": {
			old:  "    vpcCidr: 10.10.0.0/16\n",
			new:  "    vpcCidr: !!int 99999999999999999999\n",
			want: []string{`aws.network.vpcCidr (line 62) = "99999999999999999999": does not read as text with its tag !!int; fix: quote the value and drop the tag`},
		},
		"a list for a number": {
			old:  "    servingErrorRatePercent: 5\n",
			new:  "    servingErrorRatePercent: [5]\n",
			want: []string{`monitoring.alerts.servingErrorRatePercent (line 115) = a list: must be a number; fix: write digits, with a decimal point if needed, without quotes`},
		},
		"a list used as a key": {
			old:  "  gpu:\n    kind: gpu\n",
			new:  "  gpu:\n    [kind]: gpu\n    kind: gpu\n",
			want: []string{`nodeGroups.gpu (line 45) = a list as a key: a key must be a plain name; fix: write the key as a name`},
		},
		"a second document": {
			old:  "\naws:\n",
			new:  "\naws:\n",
			want: nil,
		},
		"a merge key of a scalar": {
			old:  "  gpu:\n    kind: gpu\n",
			new:  "  gpu:\n    <<: 3\n    kind: gpu\n",
			want: []string{`nodeGroups.gpu.<< (line 45) = "3": a merge key (<<) takes a mapping, an alias of one, or a list of those; fix: merge an anchored mapping, or write the keys out`},
		},
		"a merge key bringing an unknown key": {
			old:  "  gpu:\n    kind: gpu\n",
			new:  "  gpu:\n    <<: {kind: gpu, flavour: x}\n",
			want: []string{`nodeGroups.gpu.flavour (line 45) = "x": unknown key; fix: remove it; known keys here: aws, azure, capacityType, desiredSize, diskSizeGiB, gpuSharing, kind, labels, maxSize, minSize, taints`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(string(dev), tc.old, tc.new, 1)
			if doc == string(dev) && tc.want != nil {
				t.Fatalf("fixture edit %q did not apply", tc.old)
			}
			if tc.want == nil {
				doc += "---\nname: staging\n"
				tc.want = []string{`(document) = a second YAML document at line ` + fmt.Sprint(strings.Count(string(dev), "\n")+1) + `: an environment file holds one document; fix: remove the '---' and what follows, or move it to its own file`}
			}
			_, err := Parse("environments/dev.yaml", []byte(doc), opts())
			noun := "problem"
			if len(tc.want) > 1 {
				noun = "problems"
			}
			want := fmt.Sprintf("environments/dev.yaml: %d %s:\n - %s", len(tc.want), noun, strings.Join(tc.want, "\n - "))
			if err == nil || err.Error() != want {
				t.Fatalf("got:\n%v\nwant:\n%s", err, want)
			}
			if !IsValidationError(err) {
				t.Errorf("IsValidationError(%T) = false", err)
			}
		})
	}
}

// TestValidateReportsEveryProblemAtOnce is the contract `mlplat plan` relies on.
func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	env := base(t)
	g := env.NodeGroups["gpu"]
	g.MinSize, g.MaxSize, g.DesiredSize = 5, 3, 3
	g.AWS.InstanceTypes[0] = "g5.xlage"
	env.NodeGroups["gpu"] = g
	delete(env.Tags, "cost-center")
	env.AWS.Network.VPCCIDR = "10.10.0.1/16"
	err := Validate("environments/dev.yaml", env, opts())
	want := `environments/dev.yaml: 4 problems:
 - tags.cost-center = <missing>: required tag; fix: add cost-center under tags (a cost center such as cc-4821)
 - nodeGroups.gpu.minSize = 5: must be <= maxSize (3); fix: lower minSize or raise maxSize
 - nodeGroups.gpu.aws.instanceTypes[0] = "g5.xlage": unknown instance type; fix: did you mean "g5.xlarge"?
 - aws.network.vpcCidr = "10.10.0.1/16": is not canonical: host bits are set; fix: did you mean "10.10.0.0/16"?`
	if err == nil || err.Error() != want {
		t.Fatalf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseEmptyAndBrokenDocuments(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"empty":     {"", "environments/dev.yaml: 1 problem:\n - (document) = empty: an environment file describes one environment; fix: start from environments/dev.yaml"},
		"not yaml":  {"name: [", "environments/dev.yaml: 1 problem:\n - (document) = not YAML: line 1: did not find expected node content; fix: fix the YAML syntax at the line named"},
		"a list":    {"- a\n- b\n", "environments/dev.yaml: 1 problem:\n - (document) (line 1) = a list: must be a mapping of keys; fix: write it as key: value lines"},
		"only null": {"~\n", "environments/dev.yaml: 1 problem:\n - (document) = empty: an environment file describes one environment; fix: start from environments/dev.yaml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("environments/dev.yaml", []byte(tc.doc), opts())
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestAliasesCannotHangTheLoader(t *testing.T) {
	// One anchored node group of 100 instance types, aliased 1,000 times:
	// small to write, over a hundred thousand values to walk.
	var bomb strings.Builder
	bomb.WriteString("nodeGroups:\n  g0: &g {kind: cpu, aws: {instanceTypes: [" + strings.Repeat("m7i.large, ", 99) + "m7i.large]}}\n")
	for i := 1; i < 1000; i++ {
		fmt.Fprintf(&bomb, "  g%d: *g\n", i)
	}
	cases := map[string]struct{ doc, want string }{
		"self reference": {"aws: &a\n  network: *a\n", "aws.network = *a: an alias may not refer to a value that contains it; fix: remove the alias"},
		"alias bomb":     {bomb.String(), "expands to more than 100000 values through aliases"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("environments/dev.yaml", []byte(tc.doc), opts())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
