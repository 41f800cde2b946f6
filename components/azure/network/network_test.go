package network

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

var testTags = tags.Set{"environment": "dev", "managed-by": "pulumi"}

func args() *NetworkArgs {
	return &NetworkArgs{
		ResourceGroupName: pulumi.String("rg"), Location: "eastus", VNetName: "vnet-test", CIDR: "10.60.0.0/16",
		SystemSubnetCIDR: "10.60.0.0/22", UserSubnetCIDR: "10.60.16.0/20", EndpointSubnetCIDR: "10.60.4.0/24", APIServerSubnetCIDR: "10.60.5.0/28",
		Tags: testTags,
	}
}

func record(t *testing.T, a *NetworkArgs) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "net", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestNetworkChildren(t *testing.T) {
	rec := record(t, args())
	comp, _ := rec.Named(NetworkType, "net")
	want := []string{
		"azure-native:network:NetworkSecurityGroup net-apiserver", "azure-native:network:NetworkSecurityGroup net-endpoints",
		"azure-native:network:NetworkSecurityGroup net-system", "azure-native:network:NetworkSecurityGroup net-user",
		"azure-native:network:PrivateZone net-blob", "azure-native:network:PrivateZone net-vaultcore",
		"azure-native:network:Subnet net-apiserver", "azure-native:network:Subnet net-endpoints",
		"azure-native:network:Subnet net-system", "azure-native:network:Subnet net-user",
		"azure-native:network:VirtualNetwork net",
		"azure-native:network:VirtualNetworkLink net-blob", "azure-native:network:VirtualNetworkLink net-vaultcore",
	}
	if got := rec.ChildSummary(comp.URN); !reflect.DeepEqual(got, want) {
		t.Errorf("children:\n got %v\nwant %v", got, want)
	}
	vnet, _ := rec.Named("azure-native:network:VirtualNetwork", "net")
	recorder.AssertInputs(t, vnet, map[string]interface{}{
		"addressSpace.addressPrefixes": []interface{}{"10.60.0.0/16"}, "tags": map[string]interface{}{"environment": "dev", "managed-by": "pulumi"},
	})
	if !reflect.DeepEqual(vnet.IgnoreChanges, []string{"subnets"}) {
		t.Errorf("vnet ignoreChanges = %v: it would reset the separately managed subnets", vnet.IgnoreChanges)
	}
}

func TestSubnetsAndTheirSecurityGroups(t *testing.T) {
	rec := record(t, args())
	for _, tc := range []struct {
		name, subnet, cidr string
		denyInternet       bool
	}{
		{"net-system", SubnetSystem, "10.60.0.0/22", true},
		{"net-user", SubnetUser, "10.60.16.0/20", true},
		{"net-endpoints", SubnetEndpoints, "10.60.4.0/24", true},
		{"net-apiserver", SubnetAPIServer, "10.60.5.0/28", false},
	} {
		s, _ := rec.Named("azure-native:network:Subnet", tc.name)
		nsg, _ := rec.Named("azure-native:network:NetworkSecurityGroup", tc.name)
		recorder.AssertInputs(t, s, map[string]interface{}{
			"subnetName": tc.subnet, "addressPrefix": tc.cidr, "virtualNetworkName": "vnet-test", "networkSecurityGroup.id": nsg.ID,
		})
		rules, _ := nsg.In("securityRules").([]interface{})
		if tc.denyInternet != (len(rules) == 1) {
			t.Errorf("%s security rules = %v, deny internet wanted: %v", tc.name, rules, tc.denyInternet)
		}
		if tc.denyInternet {
			r := rules[0].(map[string]interface{})
			if r["access"] != "Deny" || r["direction"] != "Inbound" || r["sourceAddressPrefix"] != "Internet" {
				t.Errorf("%s rule = %v", tc.name, r)
			}
		}
	}
	api, _ := rec.Named("azure-native:network:Subnet", "net-apiserver")
	recorder.AssertInputs(t, api, map[string]interface{}{
		"delegations": []interface{}{map[string]interface{}{"name": "aks", "serviceName": "Microsoft.ContainerService/managedClusters"}},
	})
	user, _ := rec.Named("azure-native:network:Subnet", "net-user")
	system, _ := rec.Named("azure-native:network:Subnet", "net-system")
	if !slices.Contains(user.DependsOn, system.URN) {
		t.Error("subnets are not created one after another; Azure rejects concurrent subnet changes")
	}
}

func TestPrivateDNSZonesLinkToTheNetwork(t *testing.T) {
	rec := record(t, args())
	vnet, _ := rec.Named("azure-native:network:VirtualNetwork", "net")
	for _, tc := range []struct{ name, zone string }{{"net-vaultcore", ZoneKeyVault}, {"net-blob", ZoneBlob}} {
		zone, _ := rec.Named("azure-native:network:PrivateZone", tc.name)
		link, _ := rec.Named("azure-native:network:VirtualNetworkLink", tc.name)
		recorder.AssertInputs(t, zone, map[string]interface{}{"privateZoneName": tc.zone, "location": "global"})
		recorder.AssertInputs(t, link, map[string]interface{}{"privateZoneName": tc.zone, "virtualNetwork.id": vnet.ID, "registrationEnabled": false})
	}
}

func TestExistingNetworkCreatesOnlyZones(t *testing.T) {
	sub := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/shared/subnets/"
	rec := record(t, &NetworkArgs{
		ResourceGroupName: pulumi.String("rg"), Location: "eastus", Tags: testTags,
		Existing: &Existing{SystemSubnetID: sub + "a", UserSubnetID: sub + "b", EndpointSubnetID: sub + "c", APIServerSubnetID: sub + "d"},
	})
	counts := map[string]int{}
	for _, r := range rec.Resources() {
		counts[r.Type]++
	}
	want := map[string]int{NetworkType: 1, "azure-native:network:PrivateZone": 2, "azure-native:network:VirtualNetworkLink": 2}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("brought network created %v, want %v", counts, want)
	}
	link, _ := rec.Named("azure-native:network:VirtualNetworkLink", "net-blob")
	if got := link.In("virtualNetwork.id"); got != "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/shared" {
		t.Errorf("zone linked to %v", got)
	}
}

func TestArgsErrors(t *testing.T) {
	sub := "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/"
	existing := func(user string) *Existing {
		return &Existing{SystemSubnetID: sub + "a/subnets/s", UserSubnetID: user, EndpointSubnetID: sub + "a/subnets/e", APIServerSubnetID: sub + "a/subnets/k"}
	}
	cases := map[string]struct {
		args *NetworkArgs
		want string
	}{
		"missing cidrs": {&NetworkArgs{ResourceGroupName: pulumi.String("rg"), Location: "eastus", VNetName: "v", CIDR: "10.0.0.0/16"},
			`creating network "net": VNetName, CIDR and the four subnet CIDRs are required`},
		"existing and cidrs": {&NetworkArgs{ResourceGroupName: pulumi.String("rg"), Location: "eastus", UserSubnetCIDR: "10.0.0.0/24", Existing: existing(sub + "a/subnets/u")},
			`creating network "net": Existing conflicts with VNetName and the CIDRs: a brought network is not changed; remove one or the other`},
		"subnets in two networks": {&NetworkArgs{ResourceGroupName: pulumi.String("rg"), Location: "eastus", Existing: existing(sub + "b/subnets/u")},
			`creating network "net": Existing subnet "` + sub + `b/subnets/u" must be a subnet resource id in the same virtual network as the system subnet`},
		"not a subnet id": {&NetworkArgs{ResourceGroupName: pulumi.String("rg"), Location: "eastus", Existing: existing("snet-user")},
			`creating network "net": Existing subnet "snet-user" must be a subnet resource id in the same virtual network as the system subnet`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
				_, err := NewNetwork(ctx, "net", tc.args)
				return err
			}, tc.want)
		})
	}
}
