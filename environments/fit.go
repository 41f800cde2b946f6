package environments

import (
	"fmt"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// fits refuses a workload whose requests no node of the groups it may land
// on can hold, on any cloud the environment builds for: the scheduler
// would leave it Pending for ever. A node's capacity (the catalogue's vCPU,
// memory and GPUs) bounds it; what the node keeps for itself makes the
// real limit somewhat lower, so this catches the impossible, not the tight.
func (v *validator) fits(p, group string, gpus int, r Resources) {
	cpu, mem, err := r.Quantities()
	if err != nil || gpus < 0 {
		return // reported by the resources and placement checks
	}
	var groups []string
	switch {
	case group != "":
		g, ok := v.env.NodeGroups[group]
		if !ok || (gpus > 0) != (g.Kind == nodes.KindGPU) || g.Kind == nodes.KindSystem {
			return // the placement check reports the group
		}
		groups = []string{group}
	default:
		kind := nodes.KindCPU
		if gpus > 0 {
			kind = nodes.KindGPU
		}
		for _, name := range sortedKeys(v.env.NodeGroups) {
			if v.env.NodeGroups[name].Kind == kind {
				groups = append(groups, name)
			}
		}
	}
	for _, cloud := range []catalog.Cloud{catalog.AWS, catalog.Azure} {
		var seen []string
		fit := false
		for _, name := range groups {
			for _, t := range v.instanceTypes(cloud, v.env.NodeGroups[name]) {
				it, ok := v.opts.Catalog.Lookup(cloud, t)
				if !ok || (it.GPUs > 0) != (v.env.NodeGroups[name].Kind == nodes.KindGPU) {
					continue // the group's own check reports a type of the wrong kind
				}
				seen = append(seen, fmt.Sprintf("%s %s: %d vCPU, %d GiB, %d GPUs", name, it.Name, it.VCPU, it.MemoryGiB, it.GPUs))
				if cpu <= it.VCPU*1000 && mem <= it.MemoryGiB*1024 && gpus <= it.GPUs {
					fit = true
				}
			}
		}
		if len(seen) > 0 && !fit {
			v.ps.add(p+".resources", fmt.Sprintf("cpu %s, memory %s, %d GPUs", r.CPU, r.Memory, gpus),
				fmt.Sprintf("fits no %s node it may run on (%s)", cloud, strings.Join(seen, "; ")),
				"lower the requests, or give the group larger instance types")
		}
	}
}

// instanceTypes are a group's instance types on one cloud.
func (v *validator) instanceTypes(cloud catalog.Cloud, g NodeGroup) []string {
	switch {
	case cloud == catalog.AWS && v.env.AWS != nil && g.AWS != nil:
		return g.AWS.InstanceTypes
	case cloud == catalog.Azure && v.env.Azure != nil && g.Azure != nil && g.Azure.VMSize != "":
		return []string{g.Azure.VMSize}
	}
	return nil
}
