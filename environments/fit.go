package environments

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Quantities reads the CPU (cores or millicores) and memory (Mi or Gi)
// quantities the validator admits.
func (r Resources) Quantities() (cpuMillis, memoryMi int, err error) {
	switch {
	case strings.HasSuffix(r.CPU, "m"):
		cpuMillis, err = strconv.Atoi(strings.TrimSuffix(r.CPU, "m"))
	default:
		var cores float64
		cores, err = strconv.ParseFloat(r.CPU, 64)
		cpuMillis = int(cores * 1000)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("cpu %q is not a quantity", r.CPU)
	}
	switch {
	case strings.HasSuffix(r.Memory, "Gi"):
		memoryMi, err = strconv.Atoi(strings.TrimSuffix(r.Memory, "Gi"))
		memoryMi *= 1024
	case strings.HasSuffix(r.Memory, "Mi"):
		memoryMi, err = strconv.Atoi(strings.TrimSuffix(r.Memory, "Mi"))
	default:
		err = fmt.Errorf("no Mi or Gi suffix")
	}
	if err != nil {
		return 0, 0, fmt.Errorf("memory %q is not a quantity in Mi or Gi", r.Memory)
	}
	return cpuMillis, memoryMi, nil
}

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
