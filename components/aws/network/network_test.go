package network

import (
	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"reflect"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

func args(nat NATStrategy, interfaceEndpoints bool) *NetworkArgs {
	return &NetworkArgs{
		CIDR:               "10.10.0.0/16",
		AvailabilityZones:  []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		PrivateSubnetCIDRs: []string{"10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19"},
		PublicSubnetCIDRs:  []string{"10.10.96.0/22", "10.10.100.0/22", "10.10.104.0/22"},
		NAT:                nat,
		Region:             "us-east-1",
		AccountID:          "123456789012",
		ClusterName:        "mlplatform-aws-dev",
		InterfaceEndpoints: interfaceEndpoints,
		FlowLogKMSKeyARN:   pulumi.String("arn:aws:kms:us-east-1:123456789012:key/test"),
	}
}

func record(t *testing.T, a *NetworkArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "net", a)
		return err
	}, recorder.Options{Project: "mlplatform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func countByType(rec *recorder.Recorder) map[string]int {
	out := map[string]int{}
	for _, r := range rec.Resources() {
		out[r.Type]++
	}
	return out
}

func TestNetworkChildrenBySingleAndPerAZ(t *testing.T) {
	cases := map[string]struct {
		nat       NATStrategy
		endpoints bool
		want      map[string]int
	}{
		"single NAT, public endpoint cluster": {NATSingle, false, map[string]int{
			NetworkType: 1, "aws:ec2/vpc:Vpc": 1, "aws:ec2/subnet:Subnet": 6, "aws:ec2/internetGateway:InternetGateway": 1,
			"aws:ec2/routeTable:RouteTable": 4, "aws:ec2/route:Route": 4, "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
			"aws:ec2/eip:Eip": 1, "aws:ec2/natGateway:NatGateway": 1, "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
			"aws:cloudwatch/logGroup:LogGroup": 1, "aws:iam/role:Role": 1, "aws:iam/rolePolicy:RolePolicy": 1, "aws:ec2/flowLog:FlowLog": 1,
		}},
		"NAT per AZ, private-only cluster": {NATPerAZ, true, map[string]int{
			NetworkType: 1, "aws:ec2/vpc:Vpc": 1, "aws:ec2/subnet:Subnet": 6, "aws:ec2/internetGateway:InternetGateway": 1,
			"aws:ec2/routeTable:RouteTable": 4, "aws:ec2/route:Route": 4, "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
			"aws:ec2/eip:Eip": 3, "aws:ec2/natGateway:NatGateway": 3, "aws:ec2/vpcEndpoint:VpcEndpoint": 5,
			"aws:ec2/securityGroup:SecurityGroup": 1,
			"aws:cloudwatch/logGroup:LogGroup":    1, "aws:iam/role:Role": 1, "aws:iam/rolePolicy:RolePolicy": 1, "aws:ec2/flowLog:FlowLog": 1,
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := record(t, args(tc.nat, tc.endpoints))
			if got := countByType(rec); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("children by type:\n got %v\nwant %v", got, tc.want)
			}
			comp, err := rec.Named(NetworkType, "net")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rec.Resources() {
				if r != comp && r.Parent != comp.URN {
					t.Errorf("%s is parented to %q, want the network component", r.URN, r.Parent)
				}
			}
		})
	}
}

func TestPrivateRoutesUseTheirZonesNAT(t *testing.T) {
	rec := record(t, args(NATPerAZ, false))
	nats := map[string]string{} // NAT id -> its public subnet's zone index name
	for _, n := range rec.ByType("aws:ec2/natGateway:NatGateway") {
		nats[n.ID] = n.Name
	}
	for i, want := range []string{"net-nat-0", "net-nat-1", "net-nat-2"} {
		route, err := rec.Named("aws:ec2/route:Route", []string{"net-private-0-nat", "net-private-1-nat", "net-private-2-nat"}[i])
		if err != nil {
			t.Fatal(err)
		}
		if got := nats[route.InString("natGatewayId")]; got != want {
			t.Errorf("%s routes through %q, want %q", route.Name, got, want)
		}
	}
}

func TestSubnetsCarryEKSTags(t *testing.T) {
	rec := record(t, args(NATSingle, false))
	for _, tc := range []struct{ name, role, cidr, az string }{
		{"net-private-1", "kubernetes.io/role/internal-elb", "10.10.32.0/19", "us-east-1b"},
		{"net-public-2", "kubernetes.io/role/elb", "10.10.104.0/22", "us-east-1c"},
	} {
		s, err := rec.Named("aws:ec2/subnet:Subnet", tc.name)
		if err != nil {
			t.Fatal(err)
		}
		wantTags := map[string]string{"Name": tc.name, tc.role: "1", "kubernetes.io/cluster/mlplatform-aws-dev": "shared"}
		if got := s.StringMap("tags"); !reflect.DeepEqual(got, wantTags) {
			t.Errorf("%s tags = %v, want %v", tc.name, got, wantTags)
		}
		if s.InString("cidrBlock") != tc.cidr || s.InString("availabilityZone") != tc.az || s.In("mapPublicIpOnLaunch") != false {
			t.Errorf("%s = cidr %v az %v public-ip %v", tc.name, s.In("cidrBlock"), s.In("availabilityZone"), s.In("mapPublicIpOnLaunch"))
		}
	}
}

func TestInterfaceEndpointsArePrivateAndHTTPSOnly(t *testing.T) {
	rec := record(t, args(NATPerAZ, true))
	var services []string
	for _, ep := range rec.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		services = append(services, ep.InString("serviceName")+"/"+ep.InString("vpcEndpointType"))
		if ep.InString("vpcEndpointType") == "Interface" && (ep.In("privateDnsEnabled") != true || len(ep.In("subnetIds").([]interface{})) != 3) {
			t.Errorf("%s: private DNS %v, subnets %v", ep.Name, ep.In("privateDnsEnabled"), ep.In("subnetIds"))
		}
	}
	sort.Strings(services)
	want := []string{
		"com.amazonaws.us-east-1.ec2/Interface", "com.amazonaws.us-east-1.ecr.api/Interface", "com.amazonaws.us-east-1.ecr.dkr/Interface",
		"com.amazonaws.us-east-1.s3/Gateway", "com.amazonaws.us-east-1.sts/Interface",
	}
	if !reflect.DeepEqual(services, want) {
		t.Errorf("endpoints = %v, want %v", services, want)
	}
	sg, err := rec.Named("aws:ec2/securityGroup:SecurityGroup", "net-endpoints")
	if err != nil {
		t.Fatal(err)
	}
	ingress := sg.In("ingress").([]interface{})
	rule := ingress[0].(map[string]interface{})
	if len(ingress) != 1 || rule["fromPort"] != 443.0 || rule["toPort"] != 443.0 || !reflect.DeepEqual(rule["cidrBlocks"], []interface{}{"10.10.0.0/16"}) {
		t.Errorf("endpoint security group ingress = %v, want only 443 from 10.10.0.0/16", ingress)
	}
}

func TestFlowLogsAreEncryptedAndComplete(t *testing.T) {
	rec := record(t, args(NATSingle, false))
	group, _ := rec.Named("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs")
	if group.InString("kmsKeyId") != "arn:aws:kms:us-east-1:123456789012:key/test" || group.In("retentionInDays") != 30.0 {
		t.Errorf("flow log group kms %v retention %v", group.In("kmsKeyId"), group.In("retentionInDays"))
	}
	role, _ := rec.Named("aws:iam/role:Role", "net-flow-logs")
	trust, err := policydoc.Parse(role.InString("assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	wantCond := map[string]map[string]string{
		"StringEquals": {"aws:SourceAccount": "123456789012"},
		"ArnLike":      {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
	}
	if st := trust.Statement[0]; st.Principal["Service"] != "vpc-flow-logs.amazonaws.com" || !reflect.DeepEqual(st.Condition, wantCond) {
		t.Errorf("flow-logs trust = %+v", st)
	}
	fl, _ := rec.Named("aws:ec2/flowLog:FlowLog", "net-flow-logs")
	if fl.InString("trafficType") != "ALL" || fl.InString("logDestination") != group.Out("arn") {
		t.Errorf("flow log traffic %v destination %v", fl.In("trafficType"), fl.In("logDestination"))
	}
}

func TestExistingVPCCreatesNothing(t *testing.T) {
	rec := record(t, &NetworkArgs{
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		Existing:          &Existing{VPCID: "vpc-0a1b2c3d", PrivateSubnetIDs: []string{"subnet-0a1b2c3d", "subnet-1a2b3c4d"}},
	})
	if got := countByType(rec); !reflect.DeepEqual(got, map[string]int{NetworkType: 1}) {
		t.Errorf("brought VPC created %v, want only the component", got)
	}
}

func TestArgsErrors(t *testing.T) {
	cases := map[string]struct {
		mutate func(a *NetworkArgs)
		want   string
	}{
		"one zone": {func(a *NetworkArgs) { a.AvailabilityZones = a.AvailabilityZones[:1] },
			`creating network "net": AvailabilityZones needs at least 2 zones, got 1`},
		"subnet count": {func(a *NetworkArgs) { a.PublicSubnetCIDRs = a.PublicSubnetCIDRs[:2] },
			`creating network "net": PrivateSubnetCIDRs (3) and PublicSubnetCIDRs (2) need one block per zone (3)`},
		"bad strategy": {func(a *NetworkArgs) { a.NAT = "two" },
			`creating network "net": NAT "two" must be "single" or "perAz"`},
		"existing and cidr": {func(a *NetworkArgs) { a.Existing = &Existing{VPCID: "vpc-1"} },
			`creating network "net": Existing conflicts with CIDR and subnet CIDRs: a brought VPC is not changed; remove one`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := args(NATSingle, false)
			tc.mutate(a)
			recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
				_, err := NewNetwork(ctx, "net", a)
				return err
			}, tc.want)
		})
	}
}
