package catalog

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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

// DatabaseClass is one managed PostgreSQL size.
type DatabaseClass struct {
	// Name is the RDS class ("db.t4g.small") or the flexible server SKU as
	// tier/name ("Burstable/Standard_B1ms").
	Name string `yaml:"name"`
	// VCPU and MemoryGiB size it.
	VCPU      int     `yaml:"vcpu"`
	MemoryGiB float64 `yaml:"memoryGiB"`
	// OnDemandUSD is the single-instance price per hour; a standby (RDS
	// Multi-AZ, Azure zone-redundant HA) bills as a second instance.
	OnDemandUSD float64 `yaml:"onDemand"`
	// Source says where the price was read, and what of it is unconfirmed.
	Source string `yaml:"source"`
}

// Database returns the managed PostgreSQL size called name.
func (c *Catalog) Database(cloud Cloud, name string) (DatabaseClass, bool) {
	for _, d := range c.section(cloud).Databases {
		if d.Name == name {
			return d, true
		}
	}
	return DatabaseClass{}, false
}

// DatabaseNames lists the cloud's managed PostgreSQL sizes in catalogue order.
func (c *Catalog) DatabaseNames(cloud Cloud) []string {
	var out []string
	for _, d := range c.section(cloud).Databases {
		out = append(out, d.Name)
	}
	return out
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
	// Databases are the managed PostgreSQL sizes (RDS instance classes,
	// flexible server SKUs as tier/name).
	Databases []DatabaseClass `yaml:"databases"`
	// Rates are the service prices the cost model uses beside instances,
	// keyed by name (see the Rate* constants); the unit is in the name.
	Rates map[string]float64 `yaml:"rates"`
}

// Catalog is the whole instance catalogue.
type Catalog struct {
	AWS   Prices `yaml:"aws"`
	Azure Prices `yaml:"azure"`
	// Durations are the reference provisioning times of the deploy-time model.
	Durations Durations `yaml:"durations"`
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
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("parsing instance catalogue: %w", err)
	}
	return &c, nil
}

// check rejects duplicate names, negative prices and unknown rate keys.
func (c *Catalog) check() error {
	for _, p := range []struct {
		cloud Cloud
		sec   *Prices
	}{{AWS, &c.AWS}, {Azure, &c.Azure}} {
		seen := map[string]bool{}
		for _, t := range p.sec.Types {
			if seen[t.Name] {
				return fmt.Errorf("%s type %q is listed twice", p.cloud, t.Name)
			}
			seen[t.Name] = true
			if t.OnDemandUSD < 0 || t.SpotUSD < 0 {
				return fmt.Errorf("%s type %q: prices must not be negative", p.cloud, t.Name)
			}
		}
		for _, d := range p.sec.Databases {
			if seen["db:"+d.Name] || d.OnDemandUSD <= 0 || d.Source == "" {
				return fmt.Errorf("%s database %q: listed twice, or without a positive price and its source", p.cloud, d.Name)
			}
			seen["db:"+d.Name] = true
		}
		for k, v := range p.sec.Rates {
			if !knownRate(p.cloud, k) {
				return fmt.Errorf("%s rate %q is not one the cost model reads; known rates: %s", p.cloud, k, strings.Join(rateNames(p.cloud), ", "))
			}
			if v < 0 {
				return fmt.Errorf("%s rate %q = %g must not be negative", p.cloud, k, v)
			}
		}
	}
	return c.Durations.check()
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

// Rate returns a cloud's service price by key and whether the catalogue has it.
func (c *Catalog) Rate(cloud Cloud, key string) (float64, bool) {
	v, ok := c.section(cloud).Rates[key]
	return v, ok
}

// PriceRegion returns the region a cloud's prices were taken in.
func (c *Catalog) PriceRegion(cloud Cloud) string { return c.section(cloud).PriceRegion }

// OverrideFile is the name of the optional catalogue override beside the
// environment files (environments/catalog-overrides.yaml).
const OverrideFile = "catalog-overrides.yaml"

// WithOverride returns a copy of c with an override document laid over it:
// instance types replace the type of the same name or are added, rates and
// durations replace their key, and a priceAsOf/priceRegion replaces the
// section's (an override that changes prices should say when they were taken).
func (c *Catalog) WithOverride(data []byte) (*Catalog, error) {
	var o Catalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("parsing catalogue override: %w", err)
	}
	// Check the override on its own first, so problems name its own indexes
	// and a type listed twice is caught before merging hides it.
	for i := range o.Durations.Types {
		o.Durations.Types[i].Type = NormalizeType(o.Durations.Types[i].Type)
	}
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("catalogue override: %w", err)
	}
	out := c.clone()
	for _, p := range []struct{ dst, src *Prices }{{&out.AWS, &o.AWS}, {&out.Azure, &o.Azure}} {
		if p.src.PriceAsOf != "" {
			p.dst.PriceAsOf = p.src.PriceAsOf
		}
		if p.src.PriceRegion != "" {
			p.dst.PriceRegion = p.src.PriceRegion
		}
		for _, t := range p.src.Types {
			replaced := false
			for i := range p.dst.Types {
				if p.dst.Types[i].Name == t.Name {
					p.dst.Types[i], replaced = t, true
				}
			}
			if !replaced {
				p.dst.Types = append(p.dst.Types, t)
			}
		}
		for _, d := range p.src.Databases {
			i := slices.IndexFunc(p.dst.Databases, func(x DatabaseClass) bool { return x.Name == d.Name })
			if i < 0 {
				p.dst.Databases = append(p.dst.Databases, d)
			} else {
				p.dst.Databases[i] = d
			}
		}
		for k, v := range p.src.Rates {
			p.dst.Rates[k] = v
		}
	}
	if o.Durations.AsOf != "" {
		out.Durations.AsOf = o.Durations.AsOf
	}
	if o.Durations.DefaultSeconds != 0 {
		out.Durations.DefaultSeconds = o.Durations.DefaultSeconds
	}
	for _, d := range o.Durations.Types {
		replaced := false
		for i := range out.Durations.Types {
			if out.Durations.Types[i].Type == d.Type && out.Durations.Types[i].Chart == d.Chart {
				out.Durations.Types[i], replaced = d, true
			}
		}
		if !replaced {
			out.Durations.Types = append(out.Durations.Types, d)
		}
	}
	if err := out.check(); err != nil {
		return nil, fmt.Errorf("catalogue override: %w", err)
	}
	return out, nil
}

// LoadForEnvironments returns the default catalogue with dir's
// catalog-overrides.yaml laid over it when that file exists.
func LoadForEnvironments(dir string) (*Catalog, error) {
	path := filepath.Join(dir, OverrideFile)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	c, err := Default().WithOverride(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (c *Catalog) clone() *Catalog {
	out := *c
	for _, p := range []*Prices{&out.AWS, &out.Azure} {
		p.Types = append([]InstanceType(nil), p.Types...)
		p.Databases = append([]DatabaseClass(nil), p.Databases...)
		rates := make(map[string]float64, len(p.Rates))
		for k, v := range p.Rates {
			rates[k] = v
		}
		p.Rates = rates
	}
	out.Durations.Types = append([]Duration(nil), c.Durations.Types...)
	return &out
}
