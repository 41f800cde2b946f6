package estimate

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// HoursPerMonth is the month the estimate uses: 365 × 24 / 12, as the clouds'
// price pages do.
const HoursPerMonth = 730

// Cost is a stack's estimated running cost, by component.
type Cost struct {
	// Currency is the currency of every figure: "USD".
	Currency string `json:"currency"`
	// PriceRegion is the region the catalogue's prices were taken in.
	PriceRegion string `json:"priceRegion"`
	// PriceAsOf is the date the catalogue's prices were taken on.
	PriceAsOf string `json:"priceAsOf"`
	// HoursPerMonth turns hourly figures into monthly ones (730).
	HoursPerMonth float64 `json:"hoursPerMonth"`
	// Components are the priced lines, control plane first.
	Components []ComponentCost `json:"components"`
	// Total is the stack's monthly cost (USD/month), the sum of the
	// components' monthly figures; divide by HoursPerMonth for hourly.
	Total Range `json:"total"`
	// Notes say what the estimate leaves out or had to assume.
	Notes []string `json:"notes"`
}

// ComponentCost is one line of the estimate.
type ComponentCost struct {
	// Component names the line: "EKS control plane", "node group gpu", "NAT gateways", ...
	Component string `json:"component"`
	// Kind groups lines: control-plane, node-group, nat, network,
	// load-balancer, storage, keys or registry.
	Kind string `json:"kind"`
	// URNs are the resources the line prices.
	URNs []string `json:"urns"`
	// Detail says how the line was priced.
	Detail string `json:"detail"`
	// Hourly and Monthly are the line's cost in USD.
	Hourly  Range `json:"hourly"`
	Monthly Range `json:"monthly"`
}

// Range is a figure at the node groups' min, desired and max sizes (fixed
// costs are equal in all three).
type Range struct {
	Min     float64 `json:"min"`
	Desired float64 `json:"desired"`
	Max     float64 `json:"max"`
}

func (r Range) add(o Range) Range {
	return Range{Min: r.Min + o.Min, Desired: r.Desired + o.Desired, Max: r.Max + o.Max}
}

func (r Range) scale(f float64) Range {
	return Range{Min: r.Min * f, Desired: r.Desired * f, Max: r.Max * f}
}

func (r Range) rounded() Range {
	return Range{Min: round4(r.Min), Desired: round4(r.Desired), Max: round4(r.Max)}
}

func fixed(v float64) Range { return Range{Min: v, Desired: v, Max: v} }

// round4 keeps four decimals, so JSON figures (and goldens) are stable
// across float summation order.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// Line kinds, in the order the estimate lists them.
var kindOrder = map[string]int{
	"control-plane": 0, "node-group": 1, "nat": 2, "network": 3,
	"load-balancer": 4, "storage": 5, "keys": 6, "registry": 7,
}

// Resource types the cost model reads. azure-native tokens are matched
// without their API-version segment (see unversioned).
const (
	typeEKSCluster      = "aws:eks/cluster:Cluster"
	typeEKSNodeGroup    = "aws:eks/nodeGroup:NodeGroup"
	typeLaunchTemplate  = "aws:ec2/launchTemplate:LaunchTemplate"
	typeNATGateway      = "aws:ec2/natGateway:NatGateway"
	typeEIP             = "aws:ec2/eip:Eip"
	typeVPCEndpoint     = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeKMSKey          = "aws:kms/key:Key"
	typeAKSCluster      = "azure-native:containerservice:ManagedCluster"
	typeAKSPool         = "azure-native:containerservice:AgentPool"
	typeACR             = "azure-native:containerregistry:Registry"
	typePrivateEndpoint = "azure-native:network:PrivateEndpoint"
	typeAzureNAT        = "azure-native:network:NatGateway"
	typeAzurePublicIP   = "azure-native:network:PublicIPAddress"
	typeService         = "kubernetes:core/v1:Service"
	typePVC             = "kubernetes:core/v1:PersistentVolumeClaim"
	typeHelmRelease     = "kubernetes:helm.sh/v3:Release"
	typeGateway         = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
	typeGatewayClass    = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass"
	typeEnvoyProxy      = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"

	envoyGatewayController = "gateway.envoyproxy.io/gatewayclass-controller"
)

var apiVersionSegment = regexp.MustCompile(`/v\d[^:]*:`)

// unversioned drops the API-version segment of an azure-native type token:
// "azure-native:containerservice/v20240902preview:AgentPool" reads as
// "azure-native:containerservice:AgentPool".
func unversioned(token string) string {
	if !strings.HasPrefix(token, "azure-native:") {
		return token
	}
	return apiVersionSegment.ReplaceAllString(token, ":")
}

// EstimateCost prices a stack's planned resources with the catalogue's
// prices for cloud. It prices only what the catalogue has a price for: a
// missing instance type or rate is priced at 0 and named in the notes, never
// guessed.
func EstimateCost(cloud catalog.Cloud, resources []Resource, cat *catalog.Catalog) Cost {
	sorted := append([]Resource(nil), resources...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].URN < sorted[j].URN })
	c := &coster{cloud: cloud, cat: cat, byURN: map[string]*Resource{}}
	for i := range sorted {
		c.byURN[sorted[i].URN] = &sorted[i]
	}
	c.controlPlanes(sorted)
	c.nodeGroups(sorted)
	c.network(sorted)
	c.loadBalancers(sorted)
	c.volumes(sorted)
	c.keysAndRegistries(sorted)

	sort.SliceStable(c.lines, func(i, j int) bool {
		a, b := c.lines[i], c.lines[j]
		if kindOrder[a.Kind] != kindOrder[b.Kind] {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.Component < b.Component
	})
	out := Cost{
		Currency: "USD", PriceRegion: cat.PriceRegion(cloud), PriceAsOf: cat.PriceAsOf(cloud),
		HoursPerMonth: HoursPerMonth, Components: []ComponentCost{}, Notes: []string{},
	}
	var total Range
	for _, l := range c.lines {
		total = total.add(l.Hourly)
		l.Monthly = l.Hourly.scale(HoursPerMonth).rounded()
		l.Hourly = l.Hourly.rounded()
		out.Components = append(out.Components, l)
	}
	out.Total = total.scale(HoursPerMonth).rounded()
	if cloud == catalog.Azure && c.hasKind("storage") {
		// Azure bills a managed disk by its size tier (P10 is 128 GiB), so
		// a 100 GiB disk bills as 128: the per-GiB figure is a floor.
		c.note("Azure managed disks bill by size tier (a 100 GiB disk bills as a 128 GiB P10): disks are priced per GiB requested, which can be below the bill")
	}
	out.Notes = append(append(out.Notes, c.notes...), c.excluded()...)
	return out
}

// coster collects the lines and notes of one estimate.
type coster struct {
	cloud catalog.Cloud
	cat   *catalog.Catalog
	byURN map[string]*Resource
	lines []ComponentCost
	notes []string
	// diskGiB sums the node disks at min, desired and max sizes.
	diskGiB  Range
	diskURNs []string
	// aksOutboundLB is set when an AKS cluster's outbound traffic goes
	// through the cluster load balancer, which LoadBalancer Services share.
	aksOutboundLB bool
}

func (c *coster) note(format string, args ...interface{}) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// rate returns a catalogue rate, or 0 and a note when the catalogue lacks it.
func (c *coster) rate(key string) float64 {
	v, ok := c.cat.Rate(c.cloud, key)
	if !ok {
		c.note("the %s catalogue has no rate %q: the lines that need it are priced at $0; add it to environments/%s", c.cloud, key, catalog.OverrideFile)
	}
	return v
}

func (c *coster) add(component, kind, detail string, hourly Range, urns ...string) {
	c.lines = append(c.lines, ComponentCost{Component: component, Kind: kind, URNs: urns, Detail: detail, Hourly: hourly})
}

func ofType(rs []Resource, token string) []Resource {
	var out []Resource
	for _, r := range rs {
		if unversioned(r.Type) == token {
			out = append(out, r)
		}
	}
	return out
}

// named returns label, with the resource's name appended when there are
// several of its kind.
func named(label string, r Resource, n int) string {
	if n > 1 {
		return label + " " + r.Name
	}
	return label
}

func (c *coster) controlPlanes(rs []Resource) {
	eks := ofType(rs, typeEKSCluster)
	for _, r := range eks {
		support := r.str("upgradePolicy.supportType")
		key, label := catalog.RateEKSExtendedHour, "extended support"
		switch support {
		case "STANDARD":
			key, label = catalog.RateEKSStandardHour, "standard support"
		case "EXTENDED":
		default:
			label = "extended support (supportType unset)"
			c.note("EKS cluster %s sets no upgradePolicy.supportType: priced at extended support, which AWS applies once the version leaves standard support; set aws.cluster.supportType: STANDARD unless extended support is chosen on purpose", r.Name)
		}
		v := c.rate(key)
		c.add(named("EKS control plane", r, len(eks)), "control-plane", fmt.Sprintf("%s at %s/h", label, usd(v)), fixed(v), r.URN)
	}
	aks := ofType(rs, typeAKSCluster)
	for _, r := range aks {
		tier := r.str("sku.tier")
		if tier == "" {
			tier = "Free" // Azure's default tier
		}
		key := map[string]string{"Free": catalog.RateAKSFreeHour, "Standard": catalog.RateAKSStandardHour, "Premium": catalog.RateAKSPremiumHour}[tier]
		var v float64
		if key == "" {
			c.note("AKS cluster %s: unknown sku.tier %q: the control plane is priced at $0", r.Name, tier)
		} else {
			v = c.rate(key)
		}
		c.add(named("AKS control plane", r, len(aks)), "control-plane", fmt.Sprintf("%s tier at %s/h", tier, usd(v)), fixed(v), r.URN)
	}
}

// group is one node group or pool as the model sees it.
type group struct {
	label             string
	urn               string
	min, desired, max float64
	instance          string
	types             int
	spot              bool
	diskGiB           float64
	diskKnown         bool
	diskURNs          []string
	diskFree          bool // an ephemeral OS disk: part of the VM price
	diskTypeNote      string
	missingSizes      string
}

func (c *coster) nodeGroups(rs []Resource) {
	var groups []group
	for _, r := range ofType(rs, typeEKSNodeGroup) {
		g := group{label: "node group " + firstOf(r.str("nodeGroupName"), r.Name), urn: r.URN, spot: r.str("capacityType") == "SPOT"}
		var ok1, ok2, ok3 bool
		g.min, ok1 = r.num("scalingConfig.minSize")
		g.desired, ok2 = r.num("scalingConfig.desiredSize")
		g.max, ok3 = r.num("scalingConfig.maxSize")
		if !ok1 || !ok2 || !ok3 {
			g.missingSizes = "scalingConfig"
		}
		if types, _ := r.input("instanceTypes").([]interface{}); len(types) > 0 {
			g.instance, _ = types[0].(string)
			g.types = len(types)
		}
		g.diskURNs = []string{r.URN}
		if size, ok := r.num("diskSize"); ok {
			g.diskGiB, g.diskKnown = size, true
		} else if lt := c.launchTemplate(r); lt != nil {
			g.diskURNs = append(g.diskURNs, lt.URN)
			g.diskGiB, g.diskKnown, g.diskTypeNote = launchTemplateDisk(*lt)
		}
		groups = append(groups, g)
	}
	for _, r := range ofType(rs, typeAKSCluster) {
		profiles, _ := r.input("agentPoolProfiles").([]interface{})
		for _, p := range profiles {
			m, ok := p.(map[string]interface{})
			if !ok {
				continue
			}
			groups = append(groups, aksPool(Resource{URN: r.URN, Name: r.Name, Inputs: m}, "name"))
		}
	}
	for _, r := range ofType(rs, typeAKSPool) {
		groups = append(groups, aksPool(r, "agentPoolName"))
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].label < groups[j].label })
	for _, g := range groups {
		c.priceGroup(g)
	}
	if len(c.diskURNs) > 0 {
		v := c.rate(catalog.RateBlockStorageGBMonth)
		d := c.diskGiB
		c.add("node disks", "storage", fmt.Sprintf("%s GiB of node disks at %s/GiB-month", sizes(d.Min, d.Desired, d.Max), usd(v)),
			d.scale(v/HoursPerMonth), dedupe(c.diskURNs)...)
	}
}

// aksPool reads an AKS agent pool, or a profile of the cluster's
// agentPoolProfiles (the system pool) read as one.
func aksPool(r Resource, nameKey string) group {
	g := group{label: "node pool " + firstOf(r.str(nameKey), r.Name), urn: r.URN, instance: r.str("vmSize"), spot: r.str("scaleSetPriority") == "Spot"}
	if g.instance != "" {
		g.types = 1
	}
	count, hasCount := r.num("count")
	if r.input("enableAutoScaling") == true {
		var ok1, ok2 bool
		g.min, ok1 = r.num("minCount")
		g.max, ok2 = r.num("maxCount")
		if !ok1 || !ok2 {
			g.missingSizes = "minCount/maxCount"
		}
		g.desired = g.min
		if hasCount {
			g.desired = count
		}
	} else {
		if !hasCount {
			count = 1 // Azure's default pool size
		}
		g.min, g.desired, g.max = count, count, count
	}
	g.diskURNs = []string{r.URN}
	if r.str("osDiskType") == "Ephemeral" {
		g.diskFree, g.diskKnown = true, true
	} else if size, ok := r.num("osDiskSizeGB"); ok {
		g.diskGiB, g.diskKnown = size, true
	}
	return g
}

func (c *coster) priceGroup(g group) {
	if g.missingSizes != "" {
		c.note("%s sets no %s: its nodes are priced at the sizes it does set (0 where unset)", g.label, g.missingSizes)
	}
	var price float64
	mode := "on-demand"
	switch t, ok := c.cat.Lookup(c.cloud, g.instance); {
	case g.instance == "":
		c.note("%s names no instance type: its nodes are priced at $0", g.label)
	case !ok:
		c.note("%s: instance type %q is not in the %s catalogue, so its nodes are priced at $0; add it with its prices to environments/%s", g.label, g.instance, c.cloud, catalog.OverrideFile)
	case g.spot && t.SpotUSD > 0:
		price, mode = t.SpotUSD, "spot (one sampled price, not a promise)"
	case g.spot:
		price, mode = t.OnDemandUSD, "spot priced at on-demand (no spot sample)"
		c.note("%s: the catalogue has no spot price sample for %s, so its spot nodes are priced at on-demand, an upper bound; add a sample to environments/%s", g.label, g.instance, catalog.OverrideFile)
	default:
		price = t.OnDemandUSD
	}
	typ := g.instance
	if g.types > 1 {
		typ = fmt.Sprintf("%s (first of %d types)", g.instance, g.types)
	}
	nodes := Range{Min: g.min, Desired: g.desired, Max: g.max}
	c.add(g.label, "node-group", fmt.Sprintf("%s x %s, %s at %s/h", sizes(g.min, g.desired, g.max), typ, mode, usd(price)), nodes.scale(price), g.urn)

	switch {
	case g.diskFree:
	case !g.diskKnown:
		c.note("%s: the node disk size is not in the plan, so its disks are not priced", g.label)
	default:
		c.diskGiB = c.diskGiB.add(nodes.scale(g.diskGiB))
		c.diskURNs = append(c.diskURNs, g.diskURNs...)
		if g.diskTypeNote != "" {
			c.note("%s: %s", g.label, g.diskTypeNote)
		}
	}
}

// launchTemplate returns the launch template a node group reads its
// inputs from, found among the resources it depends on.
func (c *coster) launchTemplate(r Resource) *Resource {
	if r.input("launchTemplate") == nil {
		return nil
	}
	for _, d := range r.DependsOn {
		if lt, ok := c.byURN[d]; ok && lt.Type == typeLaunchTemplate {
			return lt
		}
	}
	return nil
}

// launchTemplateDisk sums a launch template's EBS volume sizes.
func launchTemplateDisk(lt Resource) (gib float64, known bool, typeNote string) {
	mappings, _ := lt.input("blockDeviceMappings").([]interface{})
	for _, m := range mappings {
		mm, _ := m.(map[string]interface{})
		bd := Resource{Inputs: mm}
		if size, ok := bd.num("ebs.volumeSize"); ok {
			gib, known = gib+size, true
			if vt := bd.str("ebs.volumeType"); vt != "" && vt != "gp3" {
				typeNote = fmt.Sprintf("volume type %s is priced at the gp3 rate", vt)
			}
		}
	}
	return gib, known, typeNote
}

func (c *coster) network(rs []Resource) {
	var nats []string
	for _, r := range append(ofType(rs, typeNATGateway), ofType(rs, typeAzureNAT)...) {
		nats = append(nats, r.URN)
	}
	var ips []string
	for _, r := range append(ofType(rs, typeEIP), ofType(rs, typeAzurePublicIP)...) {
		ips = append(ips, r.URN)
	}
	ipCount := float64(len(ips))
	// AKS creates its outbound path in the node resource group, outside the
	// plan: price what the cluster's outboundType makes it create.
	var aksLB []string
	aksIPs := 0.0
	for _, r := range ofType(rs, typeAKSCluster) {
		var n float64
		var set bool
		switch firstOf(r.str("networkProfile.outboundType"), "loadBalancer") {
		case "loadBalancer":
			c.aksOutboundLB = true
			aksLB = append(aksLB, r.URN)
			n, set = r.num("networkProfile.loadBalancerProfile.managedOutboundIPs.count")
		case "managedNATGateway":
			nats = append(nats, r.URN)
			n, set = r.num("networkProfile.natGatewayProfile.managedOutboundIPProfile.count")
		default:
			continue // user-assigned NAT or routing: priced where it is planned
		}
		if !set {
			n = 1 // AKS's default number of managed outbound IPs
		}
		aksIPs += n
		ips = append(ips, r.URN)
	}
	if len(nats) > 0 {
		v := c.rate(catalog.RateNATGatewayHour)
		detail := fmt.Sprintf("%d x %s/h", len(nats), usd(v))
		if gb, ok := c.cat.Rate(c.cloud, catalog.RateNATGatewayDataGB); ok {
			detail += fmt.Sprintf("; data processed (%s/GB) not included", usd(gb))
		}
		c.add("NAT gateways", "nat", detail, fixed(float64(len(nats))*v), nats...)
	}
	if n := ipCount + aksIPs; n > 0 {
		v := c.rate(catalog.RatePublicIPv4Hour)
		detail := fmt.Sprintf("%g x %s/h", n, usd(v))
		if aksIPs > 0 {
			detail += fmt.Sprintf(" (%g outbound for AKS)", aksIPs)
		}
		c.add("public IPv4 addresses", "network", detail, fixed(n*v), dedupe(ips)...)
	}
	if len(aksLB) > 0 {
		v := c.rate(catalog.RateLoadBalancerHour)
		c.add("AKS outbound load balancer", "load-balancer", fmt.Sprintf("%d x %s/h (outboundType loadBalancer); rules beyond the first 5 and data processed not included", len(aksLB), usd(v)),
			fixed(float64(len(aksLB))*v), aksLB...)
	}

	var interfaces, gateways []string
	azs := 0
	for _, r := range ofType(rs, typeVPCEndpoint) {
		switch r.str("vpcEndpointType") {
		case "Interface":
			subnets, _ := r.input("subnetIds").([]interface{})
			n := len(subnets)
			if n == 0 {
				n = 1
				c.note("interface endpoint %s lists no subnetIds: priced in one AZ", r.Name)
			}
			azs += n
			interfaces = append(interfaces, r.URN)
		case "Gateway":
			gateways = append(gateways, r.URN)
		default:
			c.note("VPC endpoint %s has type %q: not priced", r.Name, r.str("vpcEndpointType"))
		}
	}
	if len(interfaces) > 0 {
		v := c.rate(catalog.RateInterfaceEndpointHour)
		detail := fmt.Sprintf("%d endpoints in %d endpoint-AZs x %s/h", len(interfaces), azs, usd(v))
		if len(gateways) > 0 {
			detail += fmt.Sprintf("; gateway endpoints (%d) are free", len(gateways))
		}
		c.add("VPC interface endpoints", "network", detail+"; data processed not included", fixed(float64(azs)*v), interfaces...)
	}
	if pes := ofType(rs, typePrivateEndpoint); len(pes) > 0 {
		v := c.rate(catalog.RatePrivateEndpointHour)
		var urns []string
		for _, r := range pes {
			urns = append(urns, r.URN)
		}
		c.add("private endpoints", "network", fmt.Sprintf("%d x %s/h; data processed not included", len(pes), usd(v)), fixed(float64(len(pes))*v), urns...)
	}
}

// loadBalancers prices the load balancers Kubernetes creates: Services of
// type LoadBalancer and the Services Envoy Gateway creates for Gateways.
// On AWS each is its own load balancer; on AKS they share the cluster's
// load balancer and each public one adds a public IP.
func (c *coster) loadBalancers(rs []Resource) {
	type lb struct {
		urn      string
		internal bool
	}
	var lbs []lb
	for _, r := range ofType(rs, typeService) {
		if r.str("spec.type") == "LoadBalancer" {
			lbs = append(lbs, lb{r.URN, internalLB(r.input("metadata.annotations"))})
		}
	}
	classes := map[string]Resource{}
	for _, r := range ofType(rs, typeGatewayClass) {
		classes[r.str("metadata.name")] = r
	}
	proxies := map[string]Resource{}
	for _, r := range ofType(rs, typeEnvoyProxy) {
		proxies[r.str("metadata.namespace")+"/"+r.str("metadata.name")] = r
	}
	for _, gw := range ofType(rs, typeGateway) {
		class, ok := classes[gw.str("spec.gatewayClassName")]
		if !ok || class.str("spec.controllerName") != envoyGatewayController {
			continue
		}
		// The Gateway's own parameters win over its class's.
		ref, ns := "spec.infrastructure.parametersRef", gw.str("metadata.namespace")
		src := gw
		if gw.str(ref+".name") == "" {
			src, ref = class, "spec.parametersRef"
			ns = class.str(ref + ".namespace")
		}
		svcType, annotations := "LoadBalancer", interface{}(nil) // Envoy Gateway's default
		if name := src.str(ref + ".name"); name != "" && src.str(ref+".kind") == "EnvoyProxy" {
			proxy, ok := proxies[ns+"/"+name]
			if !ok {
				c.note("gateway %s uses EnvoyProxy %s/%s, which is not in the plan: priced as Envoy Gateway's default LoadBalancer Service", gw.Name, ns, name)
			}
			svcType = firstOf(proxy.str("spec.provider.kubernetes.envoyService.type"), "LoadBalancer")
			annotations = proxy.input("spec.provider.kubernetes.envoyService.annotations")
		}
		if svcType == "LoadBalancer" {
			lbs = append(lbs, lb{gw.URN, internalLB(annotations)})
		}
	}
	if len(lbs) == 0 {
		return
	}
	var urns []string
	public := 0
	for _, l := range lbs {
		urns = append(urns, l.urn)
		if !l.internal {
			public++
		}
	}
	if c.cloud == catalog.Azure {
		var h float64
		detail := fmt.Sprintf("%d LoadBalancer Services share the AKS cluster load balancer", len(lbs))
		if !c.aksOutboundLB {
			v := c.rate(catalog.RateLoadBalancerHour)
			h += v
			detail = fmt.Sprintf("%d LoadBalancer Services on one AKS cluster load balancer at %s/h", len(lbs), usd(v))
		}
		if public > 0 {
			v := c.rate(catalog.RatePublicIPv4Hour)
			h += float64(public) * v
			detail += fmt.Sprintf(", %d public IPs x %s/h", public, usd(v))
		}
		c.add("Kubernetes load balancers", "load-balancer", detail+"; rules and data processed not included", fixed(h), urns...)
		return
	}
	v := c.rate(catalog.RateLoadBalancerHour)
	c.add("Kubernetes load balancers", "load-balancer",
		fmt.Sprintf("%d LoadBalancer Services x %s/h; capacity units and data processed not included", len(lbs), usd(v)), fixed(float64(len(lbs))*v), urns...)
}

// internalLB reports whether Service annotations ask for an internal load
// balancer on AKS.
func internalLB(annotations interface{}) bool {
	m, _ := annotations.(map[string]interface{})
	return m["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"
}

// volumes prices the persistent volumes the plan requests: PVC objects and
// the volume claims of the charts the platform installs. Volumes that come
// and go with runners are counted at the scale sets' min and max runners.
func (c *coster) volumes(rs []Resource) {
	var gib Range
	var urns, items []string
	addItem := func(urn, what string, r Range) {
		gib = gib.add(r)
		urns = append(urns, urn)
		items = append(items, fmt.Sprintf("%s %s GiB", what, sizes(r.Min, r.Desired, r.Max)))
	}
	quantity := func(owner Resource, path string) (float64, bool) {
		q := owner.input(path)
		if q == nil {
			return 0, false
		}
		v, err := parseGiB(q)
		if err != nil {
			c.note("%s: %s = %v: %v; not priced", owner.Name, path, q, err)
			return 0, false
		}
		return v, true
	}
	for _, r := range ofType(rs, typePVC) {
		if v, ok := quantity(r, "spec.resources.requests.storage"); ok {
			addItem(r.URN, "claim "+firstOf(r.str("metadata.name"), r.Name), fixed(v))
		}
	}
	for _, r := range ofType(rs, typeHelmRelease) {
		chart := r.str("chart")
		chart = chart[strings.LastIndex(chart, "/")+1:]
		values := Resource{Name: r.Name, Inputs: valuesOf(r)}
		switch chart {
		case "kube-prometheus-stack":
			for _, s := range []struct{ what, spec, path string }{
				{"Prometheus", "prometheus.prometheusSpec", "storageSpec.volumeClaimTemplate.spec.resources.requests.storage"},
				{"Alertmanager", "alertmanager.alertmanagerSpec", "storage.volumeClaimTemplate.spec.resources.requests.storage"},
			} {
				v, ok := quantity(values, s.spec+"."+s.path)
				if !ok {
					continue
				}
				// One claim per replica (and per Prometheus shard); both default to 1.
				n := 1.0
				for _, k := range []string{".replicas", ".shards"} {
					if m, ok := values.num(s.spec + k); ok {
						n *= m
					}
				}
				addItem(r.URN, s.what, fixed(n*v))
			}
			if values.input("grafana.persistence.enabled") == true {
				if v, ok := quantity(values, "grafana.persistence.size"); ok {
					addItem(r.URN, "Grafana", fixed(v))
				} else {
					c.note("%s: Grafana persistence is on but sets no size: not priced", r.Name)
				}
			}
		case "gha-runner-scale-set":
			v, ok := quantity(values, "containerMode.kubernetesModeWorkVolumeClaim.resources.requests.storage")
			if !ok {
				continue
			}
			lo, _ := values.num("minRunners")
			hi, ok := values.num("maxRunners")
			if !ok {
				hi = lo
				c.note("%s sets no maxRunners: its work volumes are priced at minRunners", r.Name)
			}
			addItem(r.URN, firstOf(values.str("runnerScaleSetName"), r.Name)+" work volumes", Range{Min: lo * v, Desired: lo * v, Max: hi * v})
		}
	}
	if len(items) == 0 {
		return
	}
	v := c.rate(catalog.RateBlockStorageGBMonth)
	c.add("persistent volumes", "storage", fmt.Sprintf("%s GiB at %s/GiB-month: %s", sizes(gib.Min, gib.Desired, gib.Max), usd(v), strings.Join(items, ", ")),
		gib.scale(v/HoursPerMonth), dedupe(urns)...)
}

// valuesOf returns a Helm release's values as a map.
func valuesOf(r Resource) map[string]interface{} {
	m, _ := r.input("values").(map[string]interface{})
	return m
}

var quantityRe = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$`)

// parseGiB reads a Kubernetes storage quantity ("500Gi", "1Ti", "50G") in GiB.
func parseGiB(q interface{}) (float64, error) {
	s, ok := q.(string)
	if !ok {
		if f, ok := q.(float64); ok {
			return f / (1 << 30), nil // a bare number is bytes
		}
		return 0, fmt.Errorf("not a quantity")
	}
	m := quantityRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("not a storage quantity such as 500Gi")
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]float64{
		"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50,
		"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
	}[m[2]]
	return v * unit / (1 << 30), nil
}

func (c *coster) keysAndRegistries(rs []Resource) {
	if keys := ofType(rs, typeKMSKey); len(keys) > 0 {
		v := c.rate(catalog.RateKMSKeyMonth)
		var urns []string
		for _, r := range keys {
			urns = append(urns, r.URN)
		}
		c.add("KMS keys", "keys", fmt.Sprintf("%d x %s/month; requests not included", len(keys), usd(v)), fixed(float64(len(keys))*v/HoursPerMonth), urns...)
	}
	for _, r := range ofType(rs, typeACR) {
		sku := r.str("sku.name")
		key := map[string]string{"Basic": catalog.RateACRBasicMonth, "Standard": catalog.RateACRStandardMonth, "Premium": catalog.RateACRPremiumMonth}[sku]
		var v float64
		if key == "" {
			c.note("container registry %s: unknown sku.name %q: priced at $0", r.Name, sku)
		} else {
			v = c.rate(key)
		}
		c.add("container registry "+r.Name, "registry", fmt.Sprintf("ACR %s at %s/month; storage beyond the SKU's included storage not included", sku, usd(v)),
			fixed(v/HoursPerMonth), r.URN)
	}
}

func (c *coster) hasKind(kind string) bool {
	for _, l := range c.lines {
		if l.Kind == kind {
			return true
		}
	}
	return false
}

// excluded is the standing note on what the model does not price.
func (c *coster) excluded() []string {
	var parts []string
	parts = append(parts, "data transfer")
	if v, ok := c.cat.Rate(c.cloud, catalog.RateNATGatewayDataGB); ok && c.hasKind("nat") {
		parts = append(parts, fmt.Sprintf("NAT data processing (%s/GB)", usd(v)))
	}
	if v, ok := c.cat.Rate(c.cloud, catalog.RateObjectStorageGBMonth); ok {
		store := "S3"
		if c.cloud == catalog.Azure {
			store = "Blob"
		}
		parts = append(parts, fmt.Sprintf("object storage and images by usage (%s %s/GiB-month)", store, usd(v)))
	}
	if c.cloud == catalog.Azure {
		parts = append(parts, "request and operation charges (Key Vault keys, storage)",
			"logs and metrics (Log Analytics, Azure Monitor workspace)")
	} else {
		parts = append(parts, "request-based charges (S3, KMS, endpoint data)",
			"logs and metrics (CloudWatch Logs, VPC flow logs, Amazon Managed Service for Prometheus)")
	}
	return []string{"not included: " + strings.Join(parts, "; ")}
}

// sizes writes a min/desired/max triple: "3", or "2-12 (desired 3)".
func sizes(min, desired, max float64) string {
	if min == max && desired == min {
		return num(min)
	}
	return fmt.Sprintf("%s-%s (desired %s)", num(min), num(max), num(desired))
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// usd writes a price with at least cents: "$0.10", "$0.4032".
func usd(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i < 0 || len(s)-i-1 < 2 {
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	return "$" + s
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
