package estimate

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/plan"
)

// The cases price with the embedded catalogue, so a price change there shows
// here as an exact figure to review: m7i.2xlarge $0.4032/h, m7i.xlarge
// $0.2016/h with no spot sample, g5.xlarge $1.006/h with a $0.43 spot sample,
// Standard_D4s_v5 $0.192/h, EKS $0.10/h standard and $0.60/h extended, AKS
// Standard $0.10/h and Premium $0.60/h, gp3 $0.08 and Azure Premium SSD $0.15
// per GiB-month.

const stackURN = "urn:pulumi:test::mlplatform::"

func res(typ, name string, inputs map[string]interface{}, dependsOn ...string) *plan.Resource {
	return &plan.Resource{URN: stackURN + typ + "::" + name, Type: typ, Name: name, Inputs: inputs, DependsOn: dependsOn}
}

func newEKSCluster(supportType string) *plan.Resource {
	in := map[string]interface{}{"name": "c"}
	if supportType != "" {
		in["upgradePolicy"] = map[string]interface{}{"supportType": supportType}
	}
	return res(typeEKSCluster, "c", in)
}

func newEKSGroup(name string, min, desired, max float64, capacity string, types ...string) *plan.Resource {
	its := []interface{}{}
	for _, t := range types {
		its = append(its, t)
	}
	return res(typeEKSNodeGroup, "c-"+name, map[string]interface{}{
		"nodeGroupName": name, "capacityType": capacity, "instanceTypes": its,
		"scalingConfig": map[string]interface{}{"minSize": min, "desiredSize": desired, "maxSize": max},
	})
}

func withDisk(r *plan.Resource, gib float64) *plan.Resource {
	r.Inputs["diskSize"] = gib
	return r
}

func newAKSCluster(tier string, system map[string]interface{}) *plan.Resource {
	in := map[string]interface{}{
		"agentPoolProfiles": []interface{}{system},
		"networkProfile":    map[string]interface{}{"outboundType": "userDefinedRouting"},
	}
	if tier != "" {
		in["sku"] = map[string]interface{}{"name": "Base", "tier": tier}
	}
	return res("azure-native:containerservice/v20240902preview:ManagedCluster", "aks", in)
}

func systemProfile(count float64) map[string]interface{} {
	return map[string]interface{}{
		"name": "system", "vmSize": "Standard_D4s_v5", "enableAutoScaling": true,
		"count": count, "minCount": count, "maxCount": 2 * count, "osDiskSizeGB": 80.0, "osDiskType": "Managed",
	}
}

func TestEstimateCost(t *testing.T) {
	lt := res(typeLaunchTemplate, "c-cpu", map[string]interface{}{
		"blockDeviceMappings": []interface{}{map[string]interface{}{
			"deviceName": "/dev/xvda", "ebs": map[string]interface{}{"volumeSize": 100.0, "volumeType": "gp3"},
		}},
	})
	ltGroup := newEKSGroup("cpu", 2, 3, 12, "ON_DEMAND", "m7i.2xlarge")
	ltGroup.Inputs["launchTemplate"] = map[string]interface{}{"id": "lt-1", "version": "1"}
	ltGroup.DependsOn = []string{lt.URN}

	cases := map[string]struct {
		cloud     catalog.Cloud
		resources []*plan.Resource
		// hourly is every line's hourly range, by component.
		hourly map[string]Range
		// total is the monthly total.
		total Range
		// notes must each be one of the estimate's notes (besides the
		// standing "not included" note).
		notes []string
		// details are exact details of some lines, by component.
		details map[string]string
	}{
		"EKS standard support and a 2/3/12 m7i.2xlarge on-demand group": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{newEKSCluster("STANDARD"), withDisk(newEKSGroup("cpu", 2, 3, 12, "ON_DEMAND", "m7i.2xlarge", "m6i.2xlarge"), 0)},
			hourly: map[string]Range{
				"EKS control plane": {0.1, 0.1, 0.1},
				"node group cpu":    {0.8064, 1.2096, 4.8384},
				"node disks":        {0, 0, 0},
			},
			total: Range{661.672, 956.008, 3605.032},
			details: map[string]string{
				"EKS control plane": "standard support at $0.10/h",
				"node group cpu":    "2-12 (desired 3) x m7i.2xlarge (first of 2 types), on-demand at $0.4032/h",
			},
		},
		"EKS without a support type is priced as extended support": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{newEKSCluster("")},
			hourly:    map[string]Range{"EKS control plane": {0.6, 0.6, 0.6}},
			total:     Range{438, 438, 438},
			notes: []string{"EKS cluster c sets no upgradePolicy.supportType: priced at extended support, which AWS applies once the version " +
				"leaves standard support; set aws.cluster.supportType: STANDARD unless extended support is chosen on purpose"},
			details: map[string]string{"EKS control plane": "extended support (supportType unset) at $0.60/h"},
		},
		"EKS extended support chosen on purpose": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{newEKSCluster("EXTENDED")},
			hourly:    map[string]Range{"EKS control plane": {0.6, 0.6, 0.6}},
			total:     Range{438, 438, 438},
		},
		"spot group with a spot sample is priced at the sample": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{withDisk(newEKSGroup("gpu", 0, 1, 2, "SPOT", "g5.xlarge"), 100)},
			hourly: map[string]Range{
				"node group gpu": {0, 0.43, 0.86},
				// 0, 100 and 200 GiB at $0.08/GiB-month, per hour.
				"node disks": {0, 0.011, 0.0219},
			},
			total:   Range{0, 321.9, 643.8},
			details: map[string]string{"node group gpu": "0-2 (desired 1) x g5.xlarge, spot (one sampled price, not a promise) at $0.43/h"},
		},
		"spot group without a spot sample is priced on-demand with a note": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{withDisk(newEKSGroup("cpu", 1, 1, 4, "SPOT", "m7i.xlarge"), 0)},
			hourly:    map[string]Range{"node group cpu": {0.2016, 0.2016, 0.8064}, "node disks": {0, 0, 0}},
			total:     Range{147.168, 147.168, 588.672},
			notes: []string{"node group cpu: the catalogue has no spot price sample for m7i.xlarge, so its spot nodes are priced at on-demand, " +
				"an upper bound; add a sample to environments/catalog-overrides.yaml"},
		},
		"unknown instance type is priced at zero with the fix": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{newEKSGroup("odd", 1, 1, 1, "ON_DEMAND", "m9z.huge")},
			hourly:    map[string]Range{"node group odd": {0, 0, 0}},
			notes: []string{
				`node group odd: instance type "m9z.huge" is not in the aws catalogue, so its nodes are priced at $0; add it with its prices to environments/catalog-overrides.yaml`,
				"node group odd: the node disk size is not in the plan, so its disks are not priced",
			},
		},
		"node disks come from the group's launch template": {
			cloud:     catalog.AWS,
			resources: []*plan.Resource{lt, ltGroup},
			hourly: map[string]Range{
				"node group cpu": {0.8064, 1.2096, 4.8384},
				// 200, 300 and 1200 GiB at $0.08/GiB-month: $16, $24, $96 a month.
				"node disks": {0.0219, 0.0329, 0.1315},
			},
			total: Range{588.672 + 16, 883.008 + 24, 3532.032 + 96},
		},
		"AKS Free tier with its system pool": {
			cloud:     catalog.Azure,
			resources: []*plan.Resource{newAKSCluster("Free", systemProfile(2))},
			hourly: map[string]Range{
				"AKS control plane": {0, 0, 0},
				"node pool system":  {0.384, 0.384, 0.768},
				// 160 and 320 GiB at $0.15/GiB-month.
				"node disks": {0.0329, 0.0329, 0.0658},
			},
			total:   Range{280.32 + 24, 280.32 + 24, 560.64 + 48},
			details: map[string]string{"AKS control plane": "Free tier at $0.00/h", "node pool system": "2-4 (desired 2) x Standard_D4s_v5, on-demand at $0.192/h"},
			notes:   []string{"Azure managed disks bill by size tier (a 100 GiB disk bills as a 128 GiB P10): disks are priced per GiB requested, which can be below the bill"},
		},
		"AKS without a tier is the Free tier": {
			cloud:     catalog.Azure,
			resources: []*plan.Resource{newAKSCluster("", map[string]interface{}{"name": "system", "vmSize": "Standard_D4s_v5", "count": 1.0, "osDiskType": "Ephemeral"})},
			hourly:    map[string]Range{"AKS control plane": {0, 0, 0}, "node pool system": {0.192, 0.192, 0.192}},
			total:     Range{140.16, 140.16, 140.16},
		},
		"AKS Standard tier": {
			cloud:     catalog.Azure,
			resources: []*plan.Resource{newAKSCluster("Standard", map[string]interface{}{"name": "system", "vmSize": "Standard_D4s_v5", "osDiskType": "Ephemeral"})},
			// A pool without autoscaling or count has Azure's default single node.
			hourly: map[string]Range{"AKS control plane": {0.1, 0.1, 0.1}, "node pool system": {0.192, 0.192, 0.192}},
			total:  Range{213.16, 213.16, 213.16},
		},
		"AKS Premium tier and a spot user pool without a sample": {
			cloud: catalog.Azure,
			resources: []*plan.Resource{
				newAKSCluster("Premium", map[string]interface{}{"name": "system", "vmSize": "Standard_D4s_v5", "count": 1.0, "osDiskType": "Ephemeral"}),
				res("azure-native:containerservice/v20240902preview:AgentPool", "aks-gpu", map[string]interface{}{
					"agentPoolName": "gpu", "vmSize": "Standard_NC4as_T4_v3", "enableAutoScaling": true, "count": 0.0, "minCount": 0.0, "maxCount": 2.0,
					"scaleSetPriority": "Spot", "osDiskType": "Ephemeral",
				}),
			},
			hourly: map[string]Range{"AKS control plane": {0.6, 0.6, 0.6}, "node pool system": {0.192, 0.192, 0.192}, "node pool gpu": {0, 0, 1.052}},
			total:  Range{578.16, 578.16, 1346.12},
			notes: []string{"node pool gpu: the catalogue has no spot price sample for Standard_NC4as_T4_v3, so its spot nodes are priced at on-demand, " +
				"an upper bound; add a sample to environments/catalog-overrides.yaml"},
		},
		"AWS network, keys and a LoadBalancer Service": {
			cloud: catalog.AWS,
			resources: []*plan.Resource{
				res(typeNATGateway, "nat-0", nil), res(typeNATGateway, "nat-1", nil),
				res(typeEIP, "nat-0", nil), res(typeEIP, "nat-1", nil),
				res(typeVPCEndpoint, "sts", map[string]interface{}{"vpcEndpointType": "Interface", "subnetIds": []interface{}{"a", "b", "c"}}),
				res(typeVPCEndpoint, "ecr", map[string]interface{}{"vpcEndpointType": "Interface", "subnetIds": []interface{}{"a", "b"}}),
				res(typeVPCEndpoint, "s3", map[string]interface{}{"vpcEndpointType": "Gateway"}),
				res(typeKMSKey, "data", nil), res(typeKMSKey, "logs", nil),
				res(typeService, "web", map[string]interface{}{"spec": map[string]interface{}{"type": "LoadBalancer"}}),
				res(typeService, "internal", map[string]interface{}{"spec": map[string]interface{}{"type": "ClusterIP"}}),
			},
			hourly: map[string]Range{
				"NAT gateways":              {0.09, 0.09, 0.09},
				"public IPv4 addresses":     {0.01, 0.01, 0.01},
				"VPC interface endpoints":   {0.05, 0.05, 0.05},
				"Kubernetes load balancers": {0.0225, 0.0225, 0.0225},
				"KMS keys":                  {0.0027, 0.0027, 0.0027},
			},
			// (0.09 + 0.01 + 0.05 + 0.0225) × 730 + $2 of keys.
			total: Range{127.925, 127.925, 127.925},
			details: map[string]string{
				"VPC interface endpoints": "2 endpoints in 5 endpoint-AZs x $0.01/h; gateway endpoints (1) are free; data processed not included",
				"KMS keys":                "2 x $1.00/month; requests not included",
			},
		},
		"Envoy Gateway without a service type gets a load balancer": {
			cloud: catalog.AWS,
			resources: []*plan.Resource{
				res(typeGatewayClass, "class", map[string]interface{}{
					"metadata": map[string]interface{}{"name": "eg"},
					"spec": map[string]interface{}{"controllerName": envoyGatewayController, "parametersRef": map[string]interface{}{
						"kind": "EnvoyProxy", "name": "proxy", "namespace": "envoy-gateway-system",
					}},
				}),
				res(typeEnvoyProxy, "proxy", map[string]interface{}{
					"metadata": map[string]interface{}{"name": "proxy", "namespace": "envoy-gateway-system"},
					"spec":     map[string]interface{}{"provider": map[string]interface{}{"type": "Kubernetes"}},
				}),
				res(typeGateway, "gw", map[string]interface{}{"metadata": map[string]interface{}{"name": "gw", "namespace": "serving"}, "spec": map[string]interface{}{"gatewayClassName": "eg"}}),
			},
			hourly: map[string]Range{"Kubernetes load balancers": {0.0225, 0.0225, 0.0225}},
			total:  Range{16.425, 16.425, 16.425},
		},
		"Envoy Gateway with a ClusterIP service costs nothing": {
			cloud: catalog.AWS,
			resources: []*plan.Resource{
				res(typeGatewayClass, "class", map[string]interface{}{
					"metadata": map[string]interface{}{"name": "eg"},
					"spec": map[string]interface{}{"controllerName": envoyGatewayController, "parametersRef": map[string]interface{}{
						"kind": "EnvoyProxy", "name": "proxy", "namespace": "envoy-gateway-system",
					}},
				}),
				res(typeEnvoyProxy, "proxy", map[string]interface{}{
					"metadata": map[string]interface{}{"name": "proxy", "namespace": "envoy-gateway-system"},
					"spec": map[string]interface{}{"provider": map[string]interface{}{"kubernetes": map[string]interface{}{
						"envoyService": map[string]interface{}{"type": "ClusterIP"},
					}}},
				}),
				res(typeGateway, "gw", map[string]interface{}{"metadata": map[string]interface{}{"name": "gw", "namespace": "serving"}, "spec": map[string]interface{}{"gatewayClassName": "eg"}}),
			},
			hourly: map[string]Range{},
		},
		"Azure outbound load balancer, private endpoints and registry": {
			cloud: catalog.Azure,
			resources: []*plan.Resource{
				res("azure-native:containerservice/v20240902preview:ManagedCluster", "aks", map[string]interface{}{
					"sku": map[string]interface{}{"tier": "Free"}, "networkProfile": map[string]interface{}{"outboundType": "loadBalancer"},
				}),
				res(typePrivateEndpoint, "vault", nil), res(typePrivateEndpoint, "blob", nil),
				res(typeACR, "acr", map[string]interface{}{"sku": map[string]interface{}{"name": "Premium"}}),
			},
			hourly: map[string]Range{
				"AKS control plane":          {0, 0, 0},
				"AKS outbound load balancer": {0.025, 0.025, 0.025},
				"public IPv4 addresses":      {0.005, 0.005, 0.005},
				"private endpoints":          {0.02, 0.02, 0.02},
				"container registry acr":     {0.0685, 0.0685, 0.0685},
			},
			// (0.025 + 0.005 + 0.02) × 730 + $50.
			total:   Range{86.5, 86.5, 86.5},
			details: map[string]string{"public IPv4 addresses": "1 x $0.005/h (1 outbound for AKS)"},
		},
		"persistent volumes from chart values": {
			cloud: catalog.AWS,
			resources: []*plan.Resource{
				res(typeHelmRelease, "monitoring", map[string]interface{}{"chart": "kube-prometheus-stack", "values": map[string]interface{}{
					"prometheus": map[string]interface{}{"prometheusSpec": map[string]interface{}{
						"replicas": 2.0,
						"storageSpec": map[string]interface{}{"volumeClaimTemplate": map[string]interface{}{"spec": map[string]interface{}{
							"resources": map[string]interface{}{"requests": map[string]interface{}{"storage": "100Gi"}},
						}}},
					}},
					"grafana": map[string]interface{}{"persistence": map[string]interface{}{"enabled": false, "size": "10Gi"}},
				}}),
				res(typeHelmRelease, "runners", map[string]interface{}{"chart": "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set", "values": map[string]interface{}{
					"runnerScaleSetName": "cpu-runners", "minRunners": 1.0, "maxRunners": 4.0,
					"containerMode": map[string]interface{}{"kubernetesModeWorkVolumeClaim": map[string]interface{}{
						"resources": map[string]interface{}{"requests": map[string]interface{}{"storage": "20Gi"}},
					}},
				}}),
				res(typePVC, "cache", map[string]interface{}{"metadata": map[string]interface{}{"name": "cache"}, "spec": map[string]interface{}{
					"resources": map[string]interface{}{"requests": map[string]interface{}{"storage": "1Ti"}},
				}}),
			},
			// 200 + 20..80 + 1024 GiB at $0.08/GiB-month.
			hourly:  map[string]Range{"persistent volumes": {0.1363, 0.1363, 0.1429}},
			total:   Range{99.52, 99.52, 104.32},
			details: map[string]string{"persistent volumes": "1244-1304 (desired 1244) GiB at $0.08/GiB-month: claim cache 1024 GiB, Prometheus 200 GiB, cpu-runners work volumes 20-80 (desired 20) GiB"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := EstimateCost(tc.cloud, tc.resources, catalog.Default())
			hourly := map[string]Range{}
			for _, l := range got.Components {
				hourly[l.Component] = l.Hourly
				if back := l.Monthly.scale(1.0 / HoursPerMonth).rounded(); back != l.Hourly {
					t.Errorf("%s: monthly %+v is not hourly %+v × 730", l.Component, l.Monthly, l.Hourly)
				}
				if len(l.URNs) == 0 {
					t.Errorf("%s prices no URN", l.Component)
				}
				if want, ok := tc.details[l.Component]; ok && l.Detail != want {
					t.Errorf("%s detail:\n got %q\nwant %q", l.Component, l.Detail, want)
				}
			}
			if !reflect.DeepEqual(hourly, tc.hourly) {
				t.Errorf("hourly by component:\n got %+v\nwant %+v", hourly, tc.hourly)
			}
			if !near(got.Total, tc.total) {
				t.Errorf("monthly total %+v, want %+v", got.Total, tc.total)
			}
			for _, want := range tc.notes {
				if !contains(got.Notes, want) {
					t.Errorf("notes lack %q; notes:\n%s", want, strings.Join(got.Notes, "\n"))
				}
			}
			if last := got.Notes[len(got.Notes)-1]; !strings.HasPrefix(last, "not included: data transfer") {
				t.Errorf("the last note is %q, want the standing not-included note", last)
			}
			if len(got.Notes) != len(tc.notes)+1 {
				t.Errorf("%d notes, want %d:\n%s", len(got.Notes), len(tc.notes)+1, strings.Join(got.Notes, "\n"))
			}
		})
	}
}

// near compares at the JSON's four decimals: the totals are rounded sums.
func near(a, b Range) bool {
	return round4(a.Min) == round4(b.Min) && round4(a.Desired) == round4(b.Desired) && round4(a.Max) == round4(b.Max)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestEstimateCostOrdersLinesByKindThenName(t *testing.T) {
	rs := []*plan.Resource{
		res(typeKMSKey, "k", nil),
		withDisk(newEKSGroup("system", 1, 1, 1, "ON_DEMAND", "m7i.large"), 20),
		res(typeNATGateway, "n", nil),
		withDisk(newEKSGroup("cpu", 1, 1, 1, "ON_DEMAND", "m7i.large"), 20),
		res(typeEIP, "n", nil),
		newEKSCluster("STANDARD"),
	}
	got := EstimateCost(catalog.AWS, rs, catalog.Default())
	var order []string
	for _, l := range got.Components {
		order = append(order, l.Kind+"/"+l.Component)
	}
	want := []string{"control-plane/EKS control plane", "node-group/node group cpu", "node-group/node group system",
		"nat/NAT gateways", "network/public IPv4 addresses", "storage/node disks", "keys/KMS keys"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order:\n got %q\nwant %q", order, want)
	}
	// Input order must not matter.
	sort.Slice(rs, func(i, j int) bool { return rs[i].URN > rs[j].URN })
	if again := EstimateCost(catalog.AWS, rs, catalog.Default()); !reflect.DeepEqual(again, got) {
		t.Error("the estimate depends on the order of the resources")
	}
}

func TestCostJSONShape(t *testing.T) {
	c := EstimateCost(catalog.AWS, []*plan.Resource{newEKSCluster("STANDARD")}, catalog.Default())
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"currency":"USD","priceRegion":"us-east-1","priceAsOf":"2026-07-20","hoursPerMonth":730,` +
		`"components":[{"component":"EKS control plane","kind":"control-plane","urns":["urn:pulumi:test::mlplatform::aws:eks/cluster:Cluster::c"],` +
		`"detail":"standard support at $0.10/h","hourly":{"min":0.1,"desired":0.1,"max":0.1},"monthly":{"min":73,"desired":73,"max":73}}],` +
		`"total":{"min":73,"desired":73,"max":73},"notes":["not included: data transfer; object storage and images by usage (S3 $0.023/GiB-month); ` +
		`request-based charges (S3, KMS, endpoint data); logs and metrics (CloudWatch Logs, VPC flow logs, Amazon Managed Service for Prometheus)"]}`
	if string(data) != want {
		t.Errorf("JSON:\n got %s\nwant %s", data, want)
	}
	empty, _ := json.Marshal(EstimateCost(catalog.AWS, nil, catalog.Default()))
	if !strings.Contains(string(empty), `"components":[]`) {
		t.Errorf("an empty estimate should list no components as [], got %s", empty)
	}
}

func TestEstimateCostNeverInventsAMissingRate(t *testing.T) {
	cat, err := catalog.Default().WithOverride([]byte("aws:\n  types:\n    - {name: x1.odd, arch: x86_64, vcpu: 2, memoryGiB: 8, onDemand: 0.5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Drop a rate from a copy of the catalogue, as an override cannot.
	trimmed := *cat
	trimmed.AWS.Rates = map[string]float64{catalog.RateEKSStandardHour: 0.1}
	got := EstimateCost(catalog.AWS, []*plan.Resource{newEKSCluster("STANDARD"), res(typeNATGateway, "n", nil), newEKSGroup("odd", 1, 1, 1, "ON_DEMAND", "x1.odd")}, &trimmed)
	if got.Total.Desired != round4((0.1+0.5)*HoursPerMonth) {
		t.Errorf("total %+v: the NAT gateway must be priced at $0 without its rate", got.Total)
	}
	want := `the aws catalogue has no rate "natGatewayHour": the lines that need it are priced at $0; add it to environments/catalog-overrides.yaml`
	if !contains(got.Notes, want) {
		t.Errorf("notes lack %q:\n%s", want, strings.Join(got.Notes, "\n"))
	}
}

func TestParseGiB(t *testing.T) {
	cases := map[string]struct {
		in   interface{}
		want float64
		err  string
	}{
		"binary gibibytes": {"500Gi", 500, ""},
		"tebibytes":        {"1Ti", 1024, ""},
		"mebibytes":        {"512Mi", 0.5, ""},
		"decimal gigabyte": {"1G", 1e9 / (1 << 30), ""},
		"bare bytes":       {float64(1 << 30), 1, ""},
		"fraction":         {"1.5Gi", 1.5, ""},
		"not a quantity":   {"lots", 0, "not a storage quantity such as 500Gi"},
		"wrong type":       {true, 0, "not a quantity"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := parseGiB(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseGiB(%v) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestUnversioned(t *testing.T) {
	for in, want := range map[string]string{
		"azure-native:containerservice/v20240902preview:AgentPool": "azure-native:containerservice:AgentPool",
		"azure-native:containerservice:ManagedCluster":             "azure-native:containerservice:ManagedCluster",
		"aws:eks/nodeGroup:NodeGroup":                              "aws:eks/nodeGroup:NodeGroup",
	} {
		if got := unversioned(in); got != want {
			t.Errorf("unversioned(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDatabaseCost prices managed PostgreSQL from the catalogue: the
// class and its storage, both doubled by a standby. db.m6g.large is
// $0.159/h and RDS storage $0.115/GiB-month; the flexible server's
// Burstable B1ms is $0.017/h and its storage $0.12/GiB-month.
func TestDatabaseCost(t *testing.T) {
	rds := res("aws:rds/instance:Instance", "prod-mlflow", map[string]interface{}{
		"instanceClass": "db.m6g.large", "allocatedStorage": 20.0, "multiAz": true,
	})
	c := EstimateCost(catalog.AWS, []*plan.Resource{rds}, catalog.Default())
	want := ComponentCost{
		Component: "database prod-mlflow", Kind: "database", URNs: []string{rds.URN},
		Detail: "RDS db.m6g.large (with a standby) at $0.159/h, 20 GiB at $0.115/GiB-month; backups beyond the storage's size not included",
		// 2 × (0.159 + 20 × 0.115 / 730)
		Hourly: fixed(0.3243), Monthly: fixed(236.74),
	}
	if len(c.Components) != 1 || !reflect.DeepEqual(c.Components[0], want) {
		t.Errorf("RDS line\n got %+v\nwant %+v", c.Components, want)
	}
	flex := res("azure-native:resources:Resource", "dev-mlflow", map[string]interface{}{
		"resourceProviderNamespace": "Microsoft.DBforPostgreSQL", "resourceType": "flexibleServers",
		"sku":        map[string]interface{}{"tier": "Burstable", "name": "Standard_B1ms"},
		"properties": map[string]interface{}{"storage": map[string]interface{}{"storageSizeGB": 32.0}, "highAvailability": map[string]interface{}{"mode": "Disabled"}},
	})
	monitor := res("azure-native:resources:Resource", "dev-metrics", map[string]interface{}{"resourceProviderNamespace": "Microsoft.Monitor", "resourceType": "accounts"})
	c = EstimateCost(catalog.Azure, []*plan.Resource{flex, monitor}, catalog.Default())
	want = ComponentCost{
		Component: "database dev-mlflow", Kind: "database", URNs: []string{flex.URN},
		Detail: "flexible server Burstable/Standard_B1ms (single) at $0.017/h, 32 GiB at $0.12/GiB-month; backups beyond the storage's size not included",
		// 0.017 + 32 × 0.12 / 730
		Hourly: fixed(0.0223), Monthly: fixed(16.25),
	}
	if len(c.Components) != 1 || !reflect.DeepEqual(c.Components[0], want) {
		t.Errorf("flexible server line\n got %+v\nwant %+v", c.Components, want)
	}
}
