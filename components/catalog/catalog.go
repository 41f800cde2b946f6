package catalog

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"gopkg.in/yaml.v3"
)

// Cloud names a cloud whose types the catalogue lists.
type Cloud string

// The clouds the catalogue covers.
const (
	AWS   Cloud = "aws"
	Azure Cloud = "azure"
)

// InstanceType is one AWS instance type or Azure VM size.
type InstanceType struct {
	// Name is the provider's name for the type, e.g. "g5.xlarge" or "Standard_NC4as_T4_v3".
	Name string `yaml:"name"`
	// Arch is the CPU architecture: "x86_64" or "arm64".
	Arch string `yaml:"arch"`
	// GPUs is the number of GPUs; 0 for a CPU-only type.
	GPUs int `yaml:"gpus"`
	// GPUModel is the accelerator, e.g. "A10G"; empty for a CPU-only type.
	GPUModel string `yaml:"gpuModel"`
	// GPUMemoryGiB is the memory of each GPU.
	GPUMemoryGiB int `yaml:"gpuMemoryGiB"`
	// VCPU is the number of virtual CPUs.
	VCPU int `yaml:"vcpu"`
	// MemoryGiB is the instance memory.
	MemoryGiB int `yaml:"memoryGiB"`
	// OnDemandUSD is the on-demand price per hour in the catalogue's price region.
	OnDemandUSD float64 `yaml:"onDemand"`
	// SpotUSD is one sampled spot price per hour; 0 when no sample was taken.
	SpotUSD float64 `yaml:"spot"`
	// EncryptionAtHost says the Azure size supports encryption at host
	// (EncryptionAtHostSupported). Unrecorded reads as unsupported, so a pool
	// never silently loses host encryption.
	EncryptionAtHost bool `yaml:"encryptionAtHost"`
}

// IsGPU reports whether the type carries at least one GPU.
func (t InstanceType) IsGPU() bool { return t.GPUs > 0 }

// Prices is one cloud's section of the catalogue.
type Prices struct {
	// PriceRegion is the region the prices were taken in.
	PriceRegion string `yaml:"priceRegion"`
	// PriceAsOf is the date the prices were taken on (YYYY-MM-DD).
	PriceAsOf string `yaml:"priceAsOf"`
	// Types lists the instance types.
	Types []InstanceType `yaml:"types"`
}

// Catalog is the whole instance catalogue.
type Catalog struct {
	AWS   Prices `yaml:"aws"`
	Azure Prices `yaml:"azure"`
}

//go:embed instances.yaml
var seed []byte

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the catalogue embedded in the binary. It panics only if the
// embedded file is malformed, which the package tests rule out.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = Parse(seed) })
	if defaultErr != nil {
		panic(fmt.Sprintf("catalog: embedded instances.yaml is invalid: %v", defaultErr))
	}
	return defaultCat
}

// Parse reads a catalogue document, rejecting unknown keys and duplicate names.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parsing instance catalogue: %w", err)
	}
	for _, p := range []struct {
		cloud Cloud
		types []InstanceType
	}{{AWS, c.AWS.Types}, {Azure, c.Azure.Types}} {
		seen := map[string]bool{}
		for _, t := range p.types {
			if seen[t.Name] {
				return nil, fmt.Errorf("parsing instance catalogue: %s type %q is listed twice", p.cloud, t.Name)
			}
			seen[t.Name] = true
		}
	}
	return &c, nil
}

func (c *Catalog) section(cloud Cloud) *Prices {
	if cloud == Azure {
		return &c.Azure
	}
	return &c.AWS
}

// Lookup returns the named type of a cloud and whether the catalogue lists it.
func (c *Catalog) Lookup(cloud Cloud, name string) (InstanceType, bool) {
	for _, t := range c.section(cloud).Types {
		if t.Name == name {
			return t, true
		}
	}
	return InstanceType{}, false
}

// Names returns the sorted type names of a cloud.
func (c *Catalog) Names(cloud Cloud) []string {
	types := c.section(cloud).Types
	names := make([]string, 0, len(types))
	for _, t := range types {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	return names
}

// PriceAsOf returns the date a cloud's prices were taken on.
func (c *Catalog) PriceAsOf(cloud Cloud) string { return c.section(cloud).PriceAsOf }
