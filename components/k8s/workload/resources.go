package workload

import (
	"fmt"
	"strconv"
	"strings"
)

// Resources are a container's requests; memory is also its limit.
type Resources struct {
	// CPU is cores ("2", "0.5") or millicores ("500m").
	CPU string `yaml:"cpu"`
	// Memory is mebibytes or gibibytes ("512Mi", "8Gi").
	Memory string `yaml:"memory"`
}

// Quantities reads the CPU (cores or millicores) and memory (Mi or Gi)
// quantities; anything else is an error.
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
