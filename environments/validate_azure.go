package environments

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

var (
	azureLocationRE   = regexp.MustCompile(`^[a-z][a-z0-9]{2,30}$`)
	postgresZoneIDRE  = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Network/privateDnsZones/[^/]+\.postgres\.database\.azure\.com$`)
	azureSubnetIDRE   = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$`)
	guidRE            = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	keyVaultNameRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)
	storageAccountRE  = regexp.MustCompile(`^[a-z0-9]{3,24}$`)
	registryNameRE    = regexp.MustCompile(`^[a-zA-Z0-9]{5,50}$`)
	blobContainerRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	maintenanceTimeRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Azure choices the validator accepts.
var (
	azureUpgradeChannels   = []string{"none", "patch", "stable", "rapid", "node-image"}
	azureNodeOSChannels    = []string{"None", "Unmanaged", "SecurityPatch", "NodeImage"}
	azureDaysOfWeek        = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	azureRegistrySKUs      = []string{"Basic", "Standard", "Premium"}
	azureNetworkPolicies   = []string{"cilium", "azure"}
	azureGPUDriverModes    = []string{"Install", "None"}
	azureAvailabilityZones = []string{"1", "2", "3"}
)

func (v *validator) azure() {
	a := v.env.Azure
	if !azureLocationRE.MatchString(a.Location) {
		v.ps.add("azure.location", q(a.Location), "must be an Azure region name", "use a region such as eastus or westeurope")
	}
	for i, z := range a.AvailabilityZones {
		p := fmt.Sprintf("azure.availabilityZones[%d]", i)
		if !slices.Contains(azureAvailabilityZones, z) {
			v.ps.add(p, q(z), "must be 1, 2 or 3", `list zones as ["1", "2", "3"]`)
		} else if slices.Index(a.AvailabilityZones, z) != i {
			v.ps.add(p, q(z), "is listed twice", "list each zone once")
		}
	}
	if r := v.env.Cluster.LogRetentionDays; r < 30 || r > 730 {
		v.ps.add("cluster.logRetentionDays", n(r), "Log Analytics keeps 30 to 730 days", "use 30, 90 or 365")
	}
	vnet := v.azureNetwork()
	v.azureCluster(vnet)
	v.azureKeyVault()
	v.azureArtifacts()
}

// azureNetwork checks the virtual network and returns its block when valid.
func (v *validator) azureNetwork() netip.Prefix {
	nw := v.env.Azure.Network
	if nw.Existing != nil {
		for _, c := range []struct{ key, val string }{
			{"vnetCidr", nw.VNetCIDR}, {"systemSubnetCidr", nw.SystemSubnetCIDR},
			{"userSubnetCidr", nw.UserSubnetCIDR}, {"privateEndpointSubnetCidr", nw.PrivateEndpointSubnetCIDR},
			{"apiServerSubnetCidr", nw.APIServerSubnetCIDR}, {"databaseSubnetCidr", nw.DatabaseSubnetCIDR},
		} {
			if c.val != "" {
				v.ps.add("azure.network."+c.key, q(c.val), "conflicts with azure.network.existing: a brought network is not created or changed", "remove "+c.key+" or remove existing")
			}
		}
		for _, s := range []struct{ key, val string }{
			{"systemSubnetId", nw.Existing.SystemSubnetID}, {"userSubnetId", nw.Existing.UserSubnetID},
			{"privateEndpointSubnetId", nw.Existing.PrivateEndpointSubnetID}, {"apiServerSubnetId", nw.Existing.APIServerSubnetID},
		} {
			if !azureSubnetIDRE.MatchString(s.val) {
				v.ps.add("azure.network.existing."+s.key, q(s.val), "must be a subnet resource id", "write /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name>")
			}
		}
		if v.env.MLflowOn() {
			if !azureSubnetIDRE.MatchString(nw.Existing.DatabaseSubnetID) {
				v.ps.add("azure.network.existing.databaseSubnetId", q(nw.Existing.DatabaseSubnetID), "MLflow's database needs a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers, given by resource id",
					"write the subnet's id, or turn MLflow off with mlflow.enabled: false")
			}
			if !postgresZoneIDRE.MatchString(nw.Existing.PostgresDNSZoneID) {
				v.ps.add("azure.network.existing.postgresDnsZoneId", q(nw.Existing.PostgresDNSZoneID), "MLflow's database registers in a private DNS zone whose name ends in .postgres.database.azure.com, linked to the network",
					"write /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/<name>.postgres.database.azure.com")
			}
		}
		return netip.Prefix{}
	}
	vnet, ok := v.cidr("azure.network.vnetCidr", nw.VNetCIDR)
	if ok && (vnet.Bits() < 8 || vnet.Bits() > 24) {
		v.ps.add("azure.network.vnetCidr", q(nw.VNetCIDR), "must be /8 to /24", "use a /16 such as 10.50.0.0/16")
		ok = false
	}
	type subnet struct {
		path string
		p    netip.Prefix
	}
	var seen []subnet
	subnets := []struct{ key, val string }{
		{"systemSubnetCidr", nw.SystemSubnetCIDR}, {"userSubnetCidr", nw.UserSubnetCIDR},
		{"privateEndpointSubnetCidr", nw.PrivateEndpointSubnetCIDR}, {"apiServerSubnetCidr", nw.APIServerSubnetCIDR},
	}
	if v.env.MLflowOn() || nw.DatabaseSubnetCIDR != "" {
		subnets = append(subnets, struct{ key, val string }{"databaseSubnetCidr", nw.DatabaseSubnetCIDR})
	}
	for _, s := range subnets {
		path := "azure.network." + s.key
		if s.key == "databaseSubnetCidr" && s.val == "" {
			v.ps.add(path, "<missing>", "MLflow's database needs a subnet of its own, delegated to PostgreSQL flexible servers", "add a free /24 inside vnetCidr, or turn MLflow off with mlflow.enabled: false")
			continue
		}
		sp, sok := v.cidr(path, s.val)
		if !sok {
			continue
		}
		if s.key == "apiServerSubnetCidr" && sp.Bits() > 28 {
			v.ps.add(path, q(s.val), "the API server subnet must be at least a /28", "use a /28 or larger")
		}
		if s.key == "databaseSubnetCidr" && sp.Bits() > 28 {
			v.ps.add(path, q(s.val), "a flexible server's delegated subnet must be at least a /28", "use a /28 or larger; a /24 leaves room for high availability and more servers")
		}
		if ok && !(vnet.Contains(sp.Addr()) && sp.Bits() >= vnet.Bits()) {
			v.ps.add(path, q(s.val), fmt.Sprintf("lies outside the virtual network %s", vnet), "pick a block inside vnetCidr")
			continue
		}
		for _, prev := range seen {
			if prev.p.Overlaps(sp) {
				v.ps.add(path, q(s.val), fmt.Sprintf("overlaps %s (%s)", prev.path, prev.p), "pick a block that no other subnet uses")
			}
		}
		seen = append(seen, subnet{path, sp})
	}
	if !ok {
		return netip.Prefix{}
	}
	return vnet
}

func (v *validator) azureCluster(vnet netip.Prefix) {
	c := v.env.Azure.Cluster
	if c.SKUTier != "Free" && c.SKUTier != "Standard" {
		v.ps.add("azure.cluster.skuTier", q(c.SKUTier), "must be Free or Standard", "use Free in dev, Standard in prod")
	} else if v.env.IsProd() && c.SKUTier != "Standard" {
		v.ps.add("azure.cluster.skuTier", q(c.SKUTier), "prod needs the Standard tier's uptime SLA", "set skuTier: Standard")
	}
	if !slices.Contains(azureNetworkPolicies, c.NetworkPolicy) {
		v.ps.add("azure.cluster.networkPolicy", q(c.NetworkPolicy), "must be cilium or azure", "use cilium")
	}
	pod, podOK := v.cidr("azure.cluster.podCidr", c.PodCIDR)
	if podOK && vnet.IsValid() && pod.Overlaps(vnet) {
		v.ps.add("azure.cluster.podCidr", q(c.PodCIDR), fmt.Sprintf("overlaps the virtual network %s", vnet), "use a block outside it, such as 192.168.0.0/16")
	}
	svc, svcOK := v.cidr("azure.cluster.serviceCidr", c.ServiceCIDR)
	if svcOK {
		switch {
		case vnet.IsValid() && svc.Overlaps(vnet):
			v.ps.add("azure.cluster.serviceCidr", q(c.ServiceCIDR), fmt.Sprintf("overlaps the virtual network %s", vnet), "use a block outside it, such as 172.16.0.0/16")
		case podOK && svc.Overlaps(pod):
			v.ps.add("azure.cluster.serviceCidr", q(c.ServiceCIDR), fmt.Sprintf("overlaps podCidr %s", pod), "use a block outside it, such as 172.16.0.0/16")
		}
	}
	dns, err := netip.ParseAddr(c.DNSServiceIP)
	switch {
	case err != nil || !dns.Is4():
		v.ps.add("azure.cluster.dnsServiceIp", q(c.DNSServiceIP), "must be an IPv4 address", "use the tenth address of serviceCidr, e.g. 172.16.0.10")
	case svcOK && !svc.Contains(dns):
		v.ps.add("azure.cluster.dnsServiceIp", q(c.DNSServiceIP), fmt.Sprintf("lies outside serviceCidr %s", svc), "use an address inside it, e.g. its tenth")
	case svcOK && (dns == svc.Addr() || dns == svc.Addr().Next()):
		v.ps.add("azure.cluster.dnsServiceIp", q(c.DNSServiceIP), "is the service CIDR's network address or the kubernetes service's address", "use its tenth address")
	}
	if len(c.AdminGroupObjectIDs) == 0 {
		v.ps.add("azure.cluster.adminGroupObjectIds", missing, "the cluster needs an Entra ID admin group: local accounts are off", "list the platform team's group object id")
	}
	for i, id := range c.AdminGroupObjectIDs {
		if !guidRE.MatchString(id) {
			v.ps.add(fmt.Sprintf("azure.cluster.adminGroupObjectIds[%d]", i), q(id), "must be an Entra ID object id (a GUID)", "copy the group's Object ID from Entra ID")
		}
	}
	v.noRepeats("azure.cluster.adminGroupObjectIds", c.AdminGroupObjectIDs, "list each group once")
	if !slices.Contains(azureUpgradeChannels, c.UpgradeChannel) {
		v.ps.add("azure.cluster.upgradeChannel", q(c.UpgradeChannel), "must be one of "+strings.Join(azureUpgradeChannels, ", "), "use patch")
	}
	if !slices.Contains(azureNodeOSChannels, c.NodeOSUpgradeChannel) {
		v.ps.add("azure.cluster.nodeOSUpgradeChannel", q(c.NodeOSUpgradeChannel), "must be one of "+strings.Join(azureNodeOSChannels, ", "), "use NodeImage")
	}
	w := c.MaintenanceWindow
	if !slices.Contains(azureDaysOfWeek, w.DayOfWeek) {
		v.ps.add("azure.cluster.maintenanceWindow.dayOfWeek", q(w.DayOfWeek), "must be a day of the week, capitalised", "use Sunday")
	}
	if !maintenanceTimeRE.MatchString(w.StartTime) {
		v.ps.add("azure.cluster.maintenanceWindow.startTime", q(w.StartTime), "must be HH:MM (UTC)", `use "02:00"`)
	}
	if w.DurationHours < 4 || w.DurationHours > 24 {
		v.ps.add("azure.cluster.maintenanceWindow.durationHours", n(w.DurationHours), "must be 4 to 24", "use 4")
	}
}

func (v *validator) azureKeyVault() {
	kv := v.env.Azure.KeyVault
	if kv.Name != "" && (!keyVaultNameRE.MatchString(kv.Name) || strings.Contains(kv.Name, "--")) {
		v.ps.add("azure.keyVault.name", q(kv.Name), "Key Vault names are 3-24 letters, digits and single hyphens, starting with a letter and not ending with a hyphen", "rename it, or leave it unset to derive one")
	}
	for i, c := range kv.AllowedCIDRs {
		p := fmt.Sprintf("azure.keyVault.allowedCidrs[%d]", i)
		if pref, ok := v.cidr(p, c); ok && pref.Bits() == 0 {
			v.ps.add(p, q(c), "must not open the vault to the whole internet", "list the CI and office egress CIDRs")
		}
	}
	v.allowList("azure.keyVault.allowedCidrs", kv.AllowedCIDRs, "the vault", listLimit{keyVaultIPRules, "Key Vault (IPv4 rules)"})
	if kv.SoftDeleteRetentionDays < 7 || kv.SoftDeleteRetentionDays > 90 {
		v.ps.add("azure.keyVault.softDeleteRetentionDays", n(kv.SoftDeleteRetentionDays), "must be 7 to 90", "use 90")
	}
	if kv.KeyRotationDays < 28 || kv.KeyRotationDays > 730 {
		v.ps.add("azure.keyVault.keyRotationDays", n(kv.KeyRotationDays), "must be 28 to 730", "use 90")
	}
}

func (v *validator) azureArtifacts() {
	art := v.env.Azure.Artifacts
	if art.StorageAccountName != "" && !storageAccountRE.MatchString(art.StorageAccountName) {
		v.ps.add("azure.artifacts.storageAccountName", q(art.StorageAccountName), "storage account names are 3-24 lowercase letters and digits, globally unique", "rename it, or leave it unset to derive one")
	}
	if art.RegistryName != "" && !registryNameRE.MatchString(art.RegistryName) {
		v.ps.add("azure.artifacts.registryName", q(art.RegistryName), "registry names are 5-50 letters and digits, globally unique", "rename it, or leave it unset to derive one")
	}
	switch {
	case !slices.Contains(azureRegistrySKUs, art.RegistrySKU):
		v.ps.add("azure.artifacts.registrySku", q(art.RegistrySKU), "must be Basic, Standard or Premium", "use Standard, Premium in prod")
	case v.env.IsProd() && art.RegistrySKU != "Premium":
		v.ps.add("azure.artifacts.registrySku", q(art.RegistrySKU), "prod needs Premium (retention of untagged manifests)", "set registrySku: Premium")
	case art.UntaggedRetentionDays != 0 && art.RegistrySKU != "Premium":
		v.ps.add("azure.artifacts.untaggedRetentionDays", n(art.UntaggedRetentionDays), "the retention policy is Premium-only", "remove it, or use registrySku: Premium")
	}
	if art.UntaggedRetentionDays < 0 || art.UntaggedRetentionDays > 365 {
		v.ps.add("azure.artifacts.untaggedRetentionDays", n(art.UntaggedRetentionDays), "must be 0 to 365", "use 7")
	}
	for i, c := range art.AllowedCIDRs {
		p := fmt.Sprintf("azure.artifacts.allowedCidrs[%d]", i)
		if pref, ok := v.cidr(p, c); ok && pref.Bits() == 0 {
			v.ps.add(p, q(c), "must not open the storage account to the whole internet", "list the CI and office egress CIDRs, or rely on the private endpoint")
		}
	}
	v.allowList("azure.artifacts.allowedCidrs", art.AllowedCIDRs, "the storage account", listLimit{storageIPRules, "Azure Storage (IP address rules)"})
	if art.SoftDeleteDays < 1 || art.SoftDeleteDays > 365 {
		v.ps.add("azure.artifacts.softDeleteDays", n(art.SoftDeleteDays), "must be 1 to 365", "use 30")
	}
	if !blobContainerRE.MatchString(art.ModelsContainer) || strings.Contains(art.ModelsContainer, "--") {
		v.ps.add("azure.artifacts.modelsContainer", q(art.ModelsContainer), "container names are 3-63 lowercase letters, digits and single hyphens", `use "models"`)
	}
}

func (v *validator) nodeGroupAzure(p string, g NodeGroup) {
	a := g.Azure
	if a == nil {
		v.ps.add(p+".azure", missing, "every node group needs its AKS settings when the environment has an azure section", "add azure: {vmSize: ...}")
		return
	}
	ip := p + ".azure.vmSize"
	it, ok := v.opts.Catalog.Lookup(catalog.Azure, a.VMSize)
	switch {
	case !ok:
		fix := "add it to components/catalog/instances.yaml or use a listed size"
		if s := v.opts.Catalog.Suggest(catalog.Azure, a.VMSize); s != "" {
			fix = fmt.Sprintf("did you mean %q?", s)
		}
		v.ps.add(ip, q(a.VMSize), "unknown VM size", fix)
	case !it.EncryptionAtHost:
		v.ps.add(ip, q(a.VMSize), "does not support encryption at host, which every pool requires", "pick a size whose catalogue entry has encryptionAtHost: true")
	case g.Kind == "gpu" && !it.IsGPU():
		v.ps.add(ip, q(a.VMSize), "a gpu pool needs a GPU VM size", "use a GPU size such as Standard_NC4as_T4_v3")
	case g.Kind != "gpu" && it.IsGPU():
		v.ps.add(ip, q(a.VMSize), fmt.Sprintf("is a GPU size (%d x %s) in a %s pool", it.GPUs, it.GPUModel, g.Kind), "use a CPU size, or set kind: gpu")
	}
	if a.GPUDriver != "" && (g.Kind != "gpu" || !slices.Contains(azureGPUDriverModes, a.GPUDriver)) {
		v.ps.add(p+".azure.gpuDriver", q(a.GPUDriver), "is Install or None, on gpu pools only", "remove it, or use Install")
	}
	switch {
	case a.SpotMaxPrice != 0 && g.CapacityType != "SPOT":
		v.ps.add(p+".azure.spotMaxPrice", fmt.Sprint(a.SpotMaxPrice), "applies to SPOT pools only", "remove it")
	case a.SpotMaxPrice != 0 && a.SpotMaxPrice != -1 && a.SpotMaxPrice < 0:
		v.ps.add(p+".azure.spotMaxPrice", fmt.Sprint(a.SpotMaxPrice), "must be -1 (up to the on-demand price) or a positive hourly price", "use -1")
	}
	if g.Kind == "system" && g.CapacityType == "SPOT" {
		v.ps.add(p+".capacityType", q(g.CapacityType), "AKS system pools cannot be spot", "set capacityType: ON_DEMAND")
	}
}
