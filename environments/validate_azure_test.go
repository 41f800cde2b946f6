package environments

import "testing"

// TestValidateRejectsAzure breaks one Azure rule per case and asserts the
// whole message.
func TestValidateRejectsAzure(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"unknown vm size": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].Azure.VMSize = "Standard_NC4as_T4_v2" },
			want:   `nodeGroups.gpu.azure.vmSize = "Standard_NC4as_T4_v2": unknown VM size; fix: did you mean "Standard_NC4as_T4_v3"?`,
		},
		"vm size without host encryption": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].Azure.VMSize = "Standard_ND96asr_v4" },
			want:   `nodeGroups.gpu.azure.vmSize = "Standard_ND96asr_v4": does not support encryption at host, which every pool requires; fix: pick a size whose catalogue entry has encryptionAtHost: true`,
		},
		"cpu size in a gpu pool": {
			mutate: func(e *Environment) { e.NodeGroups["gpu"].Azure.VMSize = "Standard_D8s_v5" },
			want:   `nodeGroups.gpu.azure.vmSize = "Standard_D8s_v5": a gpu pool needs a GPU VM size; fix: use a GPU size such as Standard_NC4as_T4_v3`,
		},
		"gpu driver on a cpu pool": {
			mutate: func(e *Environment) { e.NodeGroups["cpu"].Azure.GPUDriver = "Install" },
			want:   `nodeGroups.cpu.azure.gpuDriver = "Install": is Install or None, on gpu pools only; fix: remove it, or use Install`,
		},
		"system pool below one": {
			mutate: func(e *Environment) {
				g := e.NodeGroups["system"]
				g.MinSize, g.DesiredSize = 0, 0
				e.NodeGroups["system"] = g
			},
			want: `nodeGroups.system.minSize = 0: the system group runs cluster add-ons and needs at least 1 node; fix: set minSize: 2 (1 in dev)`,
		},
		"spot system pool": {
			mutate: func(e *Environment) { g := e.NodeGroups["system"]; g.CapacityType = "SPOT"; e.NodeGroups["system"] = g },
			want:   `nodeGroups.system.capacityType = "SPOT": AKS system pools cannot be spot; fix: set capacityType: ON_DEMAND`,
		},
		"service cidr overlapping the vnet": {
			mutate: func(e *Environment) {
				e.Azure.Cluster.ServiceCIDR = "10.60.128.0/17"
				e.Azure.Cluster.DNSServiceIP = "10.60.128.10"
			},
			want: `azure.cluster.serviceCidr = "10.60.128.0/17": overlaps the virtual network 10.60.0.0/16; fix: use a block outside it, such as 172.16.0.0/16`,
		},
		"pod cidr overlapping the vnet": {
			mutate: func(e *Environment) { e.Azure.Cluster.PodCIDR = "10.0.0.0/8" },
			want:   `azure.cluster.podCidr = "10.0.0.0/8": overlaps the virtual network 10.60.0.0/16; fix: use a block outside it, such as 192.168.0.0/16`,
		},
		"dns service ip outside the service cidr": {
			mutate: func(e *Environment) { e.Azure.Cluster.DNSServiceIP = "172.17.0.10" },
			want:   `azure.cluster.dnsServiceIp = "172.17.0.10": lies outside serviceCidr 172.16.0.0/16; fix: use an address inside it, e.g. its tenth`,
		},
		"dns service ip is the kubernetes service": {
			mutate: func(e *Environment) { e.Azure.Cluster.DNSServiceIP = "172.16.0.1" },
			want:   `azure.cluster.dnsServiceIp = "172.16.0.1": is the service CIDR's network address or the kubernetes service's address; fix: use its tenth address`,
		},
		"storage account name with capitals": {
			mutate: func(e *Environment) { e.Azure.Artifacts.StorageAccountName = "MlPlatDev" },
			want:   `azure.artifacts.storageAccountName = "MlPlatDev": storage account names are 3-24 lowercase letters and digits, globally unique; fix: rename it, or leave it unset to derive one`,
		},
		"storage account name too long": {
			mutate: func(e *Environment) { e.Azure.Artifacts.StorageAccountName = "mlplatformdevartifacts2026" },
			want:   `azure.artifacts.storageAccountName = "mlplatformdevartifacts2026": storage account names are 3-24 lowercase letters and digits, globally unique; fix: rename it, or leave it unset to derive one`,
		},
		"key vault name with double hyphen": {
			mutate: func(e *Environment) { e.Azure.KeyVault.Name = "kv--mlplat" },
			want:   `azure.keyVault.name = "kv--mlplat": Key Vault names are 3-24 letters, digits and single hyphens, starting with a letter and not ending with a hyphen; fix: rename it, or leave it unset to derive one`,
		},
		"free tier in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.Azure.Cluster.SKUTier = "Free" },
			want:   `azure.cluster.skuTier = "Free": prod needs the Standard tier's uptime SLA; fix: set skuTier: Standard`,
		},
		"standard registry in prod": {
			file: "prod.yaml",
			mutate: func(e *Environment) {
				e.Azure.Artifacts.RegistrySKU = "Standard"
				e.Azure.Artifacts.UntaggedRetentionDays = 0
			},
			want: `azure.artifacts.registrySku = "Standard": prod needs Premium (retention of untagged manifests); fix: set registrySku: Premium`,
		},
		"retention without premium": {
			mutate: func(e *Environment) { e.Azure.Artifacts.UntaggedRetentionDays = 7 },
			want:   `azure.artifacts.untaggedRetentionDays = 7: the retention policy is Premium-only; fix: remove it, or use registrySku: Premium`,
		},
		"admin group not a guid": {
			mutate: func(e *Environment) { e.Azure.Cluster.AdminGroupObjectIDs[0] = "platform-admins" },
			want:   `azure.cluster.adminGroupObjectIds[0] = "platform-admins": must be an Entra ID object id (a GUID); fix: copy the group's Object ID from Entra ID`,
		},
		"api server subnet too small": {
			mutate: func(e *Environment) { e.Azure.Network.APIServerSubnetCIDR = "10.60.5.0/29" },
			want:   `azure.network.apiServerSubnetCidr = "10.60.5.0/29": the API server subnet must be at least a /28; fix: use a /28 or larger`,
		},
		"subnet outside the vnet": {
			mutate: func(e *Environment) { e.Azure.Network.UserSubnetCIDR = "10.61.16.0/20" },
			want:   `azure.network.userSubnetCidr = "10.61.16.0/20": lies outside the virtual network 10.60.0.0/16; fix: pick a block inside vnetCidr`,
		},
		"vault open to the internet": {
			mutate: func(e *Environment) { e.Azure.KeyVault.AllowedCIDRs = []string{"0.0.0.0/0"} },
			want:   `azure.keyVault.allowedCidrs[0] = "0.0.0.0/0": must not open the vault to the whole internet; fix: list the CI and office egress CIDRs`,
		},
		"vault allow-list covering everything": {
			mutate: func(e *Environment) {
				e.Azure.KeyVault.AllowedCIDRs = []string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"}
			},
			want: `azure.keyVault.allowedCidrs = 3 entries: together they cover every IPv4 address: the vault would be open to the whole internet; fix: list the office and CI egress CIDRs only`,
		},
		"storage open to the internet": {
			mutate: func(e *Environment) { e.Azure.Artifacts.AllowedCIDRs = []string{"0.0.0.0/0"} },
			want:   `azure.artifacts.allowedCidrs[0] = "0.0.0.0/0": must not open the storage account to the whole internet; fix: list the CI and office egress CIDRs, or rely on the private endpoint`,
		},
		"bad maintenance day": {
			mutate: func(e *Environment) { e.Azure.Cluster.MaintenanceWindow.DayOfWeek = "sunday" },
			want:   `azure.cluster.maintenanceWindow.dayOfWeek = "sunday": must be a day of the week, capitalised; fix: use Sunday`,
		},
		"pool name AKS cannot take": {
			mutate: func(e *Environment) { e.NodeGroups["gpu-a10"] = e.NodeGroups["gpu"]; delete(e.NodeGroups, "gpu") },
			want:   `nodeGroups.gpu-a10 = "gpu-a10": group names are 1-12 lowercase letters and digits, starting with a letter (AKS pool names; the same name serves EKS); fix: rename the group, e.g. gpularge`,
		},
	})
}

// TestValidateRejectsAzureDatabaseNetwork: MLflow's database needs its
// delegated subnet, made or brought.
func TestValidateRejectsAzureDatabaseNetwork(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"no database subnet": {
			mutate: func(e *Environment) { e.Azure.Network.DatabaseSubnetCIDR = "" },
			want:   `azure.network.databaseSubnetCidr = <missing>: MLflow's database needs a subnet of its own, delegated to PostgreSQL flexible servers; fix: add a free /24 inside vnetCidr, or turn MLflow off with mlflow.enabled: false`,
		},
		"a database subnet on the user subnet": {
			mutate: func(e *Environment) { e.Azure.Network.DatabaseSubnetCIDR = "10.60.16.0/24" },
			want:   `azure.network.databaseSubnetCidr = "10.60.16.0/24": overlaps azure.network.userSubnetCidr (10.60.16.0/20); fix: pick a block that no other subnet uses`,
		},
		"a database subnet too small": {
			mutate: func(e *Environment) { e.Azure.Network.DatabaseSubnetCIDR = "10.60.6.0/29" },
			want:   `azure.network.databaseSubnetCidr = "10.60.6.0/29": a flexible server's delegated subnet must be at least a /28; fix: use a /28 or larger; a /24 leaves room for high availability and more servers`,
		},
	})
}
