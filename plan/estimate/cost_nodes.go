package estimate

import (
	"fmt"
	"sort"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/plan"
)

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

func (c *coster) nodeGroups(rs []*plan.Resource) {
	var groups []group
	for _, r := range ofType(rs, typeEKSNodeGroup) {
		g := group{label: "node group " + firstOf(r.InString("nodeGroupName"), r.Name), urn: r.URN, spot: r.InString("capacityType") == "SPOT"}
		var ok1, ok2, ok3 bool
		g.min, ok1 = r.InNumber("scalingConfig.minSize")
		g.desired, ok2 = r.InNumber("scalingConfig.desiredSize")
		g.max, ok3 = r.InNumber("scalingConfig.maxSize")
		if !ok1 || !ok2 || !ok3 {
			g.missingSizes = "scalingConfig"
		}
		if types, _ := r.In("instanceTypes").([]interface{}); len(types) > 0 {
			g.instance, _ = types[0].(string)
			g.types = len(types)
		}
		g.diskURNs = []string{r.URN}
		if size, ok := r.InNumber("diskSize"); ok {
			g.diskGiB, g.diskKnown = size, true
		} else if lt := c.launchTemplate(r); lt != nil {
			g.diskURNs = append(g.diskURNs, lt.URN)
			g.diskGiB, g.diskKnown, g.diskTypeNote = launchTemplateDisk(lt)
		}
		groups = append(groups, g)
	}
	for _, r := range ofType(rs, typeAKSCluster) {
		profiles, _ := r.In("agentPoolProfiles").([]interface{})
		for _, p := range profiles {
			m, ok := p.(map[string]interface{})
			if !ok {
				continue
			}
			groups = append(groups, aksPool(&plan.Resource{URN: r.URN, Name: r.Name, Inputs: m}, "name"))
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
func aksPool(r *plan.Resource, nameKey string) group {
	g := group{label: "node pool " + firstOf(r.InString(nameKey), r.Name), urn: r.URN, instance: r.InString("vmSize"), spot: r.InString("scaleSetPriority") == "Spot"}
	if g.instance != "" {
		g.types = 1
	}
	count, hasCount := r.InNumber("count")
	if r.In("enableAutoScaling") == true {
		var ok1, ok2 bool
		g.min, ok1 = r.InNumber("minCount")
		g.max, ok2 = r.InNumber("maxCount")
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
	if r.InString("osDiskType") == "Ephemeral" {
		g.diskFree, g.diskKnown = true, true
	} else if size, ok := r.InNumber("osDiskSizeGB"); ok {
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
func (c *coster) launchTemplate(r *plan.Resource) *plan.Resource {
	if r.In("launchTemplate") == nil {
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
func launchTemplateDisk(lt *plan.Resource) (gib float64, known bool, typeNote string) {
	mappings, _ := lt.In("blockDeviceMappings").([]interface{})
	for _, m := range mappings {
		mm, _ := m.(map[string]interface{})
		bd := &plan.Resource{Inputs: mm}
		if size, ok := bd.InNumber("ebs.volumeSize"); ok {
			gib, known = gib+size, true
			if vt := bd.InString("ebs.volumeType"); vt != "" && vt != "gp3" {
				typeNote = fmt.Sprintf("volume type %s is priced at the gp3 rate", vt)
			}
		}
	}
	return gib, known, typeNote
}
