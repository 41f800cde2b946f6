package estimate

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
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
	// load-balancer, storage, keys, registry or database.
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
	"load-balancer": 4, "storage": 5, "keys": 6, "registry": 7, "database": 8,
}

// Resource types the cost model reads. azure-native tokens are matched
// without their API-version segment (see unversioned).
const (
	typeEKSCluster      = tokens.AWSEKSCluster
	typeEKSNodeGroup    = tokens.AWSEKSNodeGroup
	typeLaunchTemplate  = tokens.AWSEC2LaunchTemplate
	typeNATGateway      = tokens.AWSEC2NatGateway
	typeEIP             = tokens.AWSEC2Eip
	typeVPCEndpoint     = tokens.AWSEC2VpcEndpoint
	typeKMSKey          = tokens.AWSKMSKey
	typeAKSCluster      = tokens.AzureAKSManagedClusterUnversioned
	typeAKSPool         = tokens.AzureAKSAgentPoolUnversioned
	typeACR             = tokens.AzureRegistry
	typePrivateEndpoint = tokens.AzureNetworkPrivateEndpoint
	typeAzureNAT        = tokens.AzureNetworkNatGateway
	typeAzurePublicIP   = tokens.AzureNetworkPublicIPAddress
	typeService         = tokens.K8sService
	typePVC             = tokens.K8sPersistentVolumeClaim
	typeHelmRelease     = tokens.K8sHelmV3Release
	typeGateway         = tokens.K8sGateway
	typeGatewayClass    = tokens.K8sGatewayClass
	typeEnvoyProxy      = tokens.K8sEnvoyProxy

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
func EstimateCost(cloud catalog.Cloud, resources []*plan.Resource, cat *catalog.Catalog) Cost {
	sorted := append([]*plan.Resource(nil), resources...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].URN < sorted[j].URN })
	c := &coster{cloud: cloud, cat: cat, byURN: map[string]*plan.Resource{}}
	for i := range sorted {
		c.byURN[sorted[i].URN] = sorted[i]
	}
	c.controlPlanes(sorted)
	c.nodeGroups(sorted)
	c.network(sorted)
	c.loadBalancers(sorted)
	c.volumes(sorted)
	c.keysAndRegistries(sorted)
	c.databases(sorted)

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
	byURN map[string]*plan.Resource
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

func ofType(rs []*plan.Resource, token string) []*plan.Resource {
	var out []*plan.Resource
	for _, r := range rs {
		if unversioned(r.Type) == token {
			out = append(out, r)
		}
	}
	return out
}

// named returns label, with the resource's name appended when there are
// several of its kind.
func named(label string, r *plan.Resource, n int) string {
	if n > 1 {
		return label + " " + r.Name
	}
	return label
}

func (c *coster) controlPlanes(rs []*plan.Resource) {
	eks := ofType(rs, typeEKSCluster)
	for _, r := range eks {
		support := r.InString("upgradePolicy.supportType")
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
		tier := r.InString("sku.tier")
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

func (c *coster) network(rs []*plan.Resource) {
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
		switch firstOf(r.InString("networkProfile.outboundType"), "loadBalancer") {
		case "loadBalancer":
			c.aksOutboundLB = true
			aksLB = append(aksLB, r.URN)
			n, set = r.InNumber("networkProfile.loadBalancerProfile.managedOutboundIPs.count")
		case "managedNATGateway":
			nats = append(nats, r.URN)
			n, set = r.InNumber("networkProfile.natGatewayProfile.managedOutboundIPProfile.count")
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
		switch r.InString("vpcEndpointType") {
		case "Interface":
			subnets, _ := r.In("subnetIds").([]interface{})
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
			c.note("VPC endpoint %s has type %q: not priced", r.Name, r.InString("vpcEndpointType"))
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

func (c *coster) keysAndRegistries(rs []*plan.Resource) {
	if keys := ofType(rs, typeKMSKey); len(keys) > 0 {
		v := c.rate(catalog.RateKMSKeyMonth)
		var urns []string
		for _, r := range keys {
			urns = append(urns, r.URN)
		}
		c.add("KMS keys", "keys", fmt.Sprintf("%d x %s/month; requests not included", len(keys), usd(v)), fixed(float64(len(keys))*v/HoursPerMonth), urns...)
	}
	for _, r := range ofType(rs, typeACR) {
		sku := r.InString("sku.name")
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

// databases prices managed PostgreSQL: the class or SKU per hour and its
// storage, both twice with a standby (RDS Multi-AZ bills the standby's
// instance and storage; Azure's zone-redundant HA doubles the server's
// cost). Backups up to the size of the storage are free on both clouds.
func (c *coster) databases(rs []*plan.Resource) {
	price := func(r *plan.Resource, class string, storageGiB float64, standby bool, what string) {
		d, ok := c.cat.Database(c.cloud, class)
		if !ok {
			c.note("database %s: the %s catalogue has no price for %q: priced at $0; add it to environments/%s", r.Name, c.cloud, class, catalog.OverrideFile)
		}
		copies, mode := 1.0, "single"
		if standby {
			copies, mode = 2, "with a standby"
		}
		storage := c.rate(catalog.RateDatabaseStorageGBMonth)
		hourly := copies * (d.OnDemandUSD + storageGiB*storage/HoursPerMonth)
		c.add("database "+r.Name, "database", fmt.Sprintf("%s %s (%s) at %s/h, %s GiB at %s/GiB-month; backups beyond the storage's size not included",
			what, class, mode, usd(d.OnDemandUSD), num(storageGiB), usd(storage)), fixed(hourly), r.URN)
	}
	for _, r := range ofType(rs, tokens.AWSRDSInstance) {
		gib, _ := r.InNumber("allocatedStorage")
		price(r, r.InString("instanceClass"), gib, r.In("multiAz") == true, "RDS")
	}
	for _, r := range ofType(rs, tokens.AzureResourcesResource) {
		if r.InString("resourceProviderNamespace") != "Microsoft.DBforPostgreSQL" || r.InString("resourceType") != "flexibleServers" {
			continue
		}
		gib, _ := r.InNumber("properties.storage.storageSizeGB")
		price(r, r.InString("sku.tier")+"/"+r.InString("sku.name"), gib, r.InString("properties.highAvailability.mode") == "ZoneRedundant", "flexible server")
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
	for _, r := range c.byURN {
		if unversioned(r.Type) == typeHelmRelease && strings.HasSuffix(r.InString("chart"), "jupyterhub") {
			parts = append(parts, fmt.Sprintf("notebook home volumes (%s per user who starts a notebook) and the notebooks' own nodes beyond the groups' sizes", r.InString("values.singleuser.storage.capacity")))
			break
		}
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
