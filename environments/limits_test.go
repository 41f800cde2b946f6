package environments

import (
	"fmt"
	"testing"
)

// cidrs returns n distinct public /32 entries.
func cidrs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("198.51.%d.%d/32", 100+i/250, 1+i%250)
	}
	return out
}

// copies adds n copies of group from, named c1..cn.
func copies(e *Environment, from string, n, maxSize int) {
	for i := 1; i <= n; i++ {
		g := e.NodeGroups[from]
		g.MaxSize = maxSize
		e.NodeGroups[fmt.Sprintf("c%d", i)] = g
	}
}

// monitoredModels replaces the models with n copies of the first, which
// has monitoring, named m0001 on, each with its own storage path.
func monitoredModels(e *Environment, n int) {
	first := e.Models[0]
	e.Models = nil
	for i := 1; i <= n; i++ {
		m := first
		m.Name, m.StorageURI = fmt.Sprintf("m%04d", i), fmt.Sprintf("bench/m%04d", i)
		e.Models = append(e.Models, m)
	}
}

// TestCloudLimits breaks one documented cloud limit per case (limits.go
// cites each) and asserts the whole message. dev.yaml has both an aws and
// an azure section; cases for one cloud remove the other.
func TestCloudLimits(t *testing.T) {
	azureOnly := func(e *Environment) { e.AWS = nil }
	awsOnly := func(e *Environment) { e.Azure = nil }
	runRejectCases(t, map[string]rejectCase{
		"EKS group above the default quota": {
			mutate: func(e *Environment) { g := e.NodeGroups["cpu"]; g.MaxSize = 451; e.NodeGroups["cpu"] = g },
			want:   `nodeGroups.cpu.maxSize = 451: EKS allows 450 nodes per managed node group (the default service quota); fix: lower maxSize to 450 or split the group; if AWS raised your quota, set aws.quotas.nodesPerNodeGroup`,
		},
		"EKS group above a raised quota": {
			mutate: func(e *Environment) {
				e.AWS.Quotas.NodesPerNodeGroup = 600
				g := e.NodeGroups["cpu"]
				g.MaxSize = 601
				e.NodeGroups["cpu"] = g
				awsOnly(e)
			},
			want: `nodeGroups.cpu.maxSize = 601: EKS allows 600 nodes per managed node group (aws.quotas); fix: lower maxSize to 600 or split the group; if AWS raised your quota, set aws.quotas.nodesPerNodeGroup`,
		},
		"negative quota": {
			mutate: func(e *Environment) { e.AWS.Quotas.NodeGroupsPerCluster = -1 },
			want:   `aws.quotas = {nodesPerNodeGroup: 0, nodeGroupsPerCluster: -1}: quotas are positive numbers; fix: write the applied values the Service Quotas console shows, or remove them to use EKS's defaults`,
		},
		"31 EKS groups": {
			mutate: func(e *Environment) { copies(e, "cpu", 28, 4) },
			want:   `nodeGroups = 31 groups: EKS allows 30 managed node groups per cluster (the default service quota); fix: merge groups; if AWS raised your quota, set aws.quotas.nodeGroupsPerCluster`,
		},
		"AKS pool above 1000": {
			mutate: func(e *Environment) {
				azureOnly(e)
				g := e.NodeGroups["cpu"]
				g.MaxSize = 1001
				e.NodeGroups["cpu"] = g
			},
			want: `nodeGroups.cpu.maxSize = 1001: AKS allows 1000 nodes per node pool; fix: lower maxSize to 1000 or split the group`,
		},
		"AKS cluster above 5000": {
			mutate: func(e *Environment) { azureOnly(e); copies(e, "cpu", 5, 1000) },
			want:   `nodeGroups = maxSize totals 5009: AKS allows 5000 nodes per cluster across all pools; fix: lower the groups' maxSize, or run a second cluster`,
		},
		"101 AKS pools": {
			mutate: func(e *Environment) { azureOnly(e); copies(e, "cpu", 98, 1) },
			want:   `nodeGroups = 101 groups: AKS allows 100 node pools per cluster; fix: merge groups`,
		},
		"41 EKS public access CIDRs": {
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = cidrs(41) },
			want:   `cluster.publicAccessCidrs = 41 entries: EKS (public access CIDRs) allows at most 40; fix: merge adjacent ranges into wider ones`,
		},
		"201 AKS authorized ranges": {
			mutate: func(e *Environment) { azureOnly(e); e.Cluster.PublicAccessCIDRs = cidrs(201) },
			want:   `cluster.publicAccessCidrs = 201 entries: AKS (API server authorized IP ranges) allows at most 200; fix: merge adjacent ranges into wider ones`,
		},
		"1001 Key Vault rules": {
			mutate: func(e *Environment) { e.Azure.KeyVault.AllowedCIDRs = cidrs(1001) },
			want:   `azure.keyVault.allowedCidrs = 1001 entries: Key Vault (IPv4 rules) allows at most 1000; fix: merge adjacent ranges into wider ones`,
		},
		"401 storage rules": {
			mutate: func(e *Environment) { e.Azure.Artifacts.AllowedCIDRs = cidrs(401) },
			want:   `azure.artifacts.allowedCidrs = 401 entries: Azure Storage (IP address rules) allows at most 400; fix: merge adjacent ranges into wider ones`,
		},
		"101 monitored models on Azure": {
			mutate: func(e *Environment) { azureOnly(e); monitoredModels(e, 101) },
			want:   `models = 101 models with monitoring: each archives payloads under a lifecycle rule, and the storage account's management policy holds at most 100 such rules; fix: monitor fewer models in this environment, or split them across environments`,
		},
		"999 monitored models on AWS": {
			mutate: func(e *Environment) { awsOnly(e); monitoredModels(e, 999) },
			want:   `models = 999 models with monitoring: each archives payloads under a lifecycle rule, and the artifact bucket's lifecycle configuration (1000 rules, 2 of them its own) holds at most 998 such rules; fix: monitor fewer models in this environment, or split them across environments`,
		},
		"a private range admits nobody": {
			mutate: func(e *Environment) { e.Cluster.PublicAccessCIDRs = []string{"10.20.0.0/16"} },
			want:   `cluster.publicAccessCidrs[0] = "10.20.0.0/16": is a private (RFC 1918) range: no request to the API endpoint comes from it, so it admits nobody; fix: list the public egress CIDRs of the office and CI`,
		},
		"loopback on the vault": {
			mutate: func(e *Environment) { e.Azure.KeyVault.AllowedCIDRs = []string{"127.0.0.1/32"} },
			want:   `azure.keyVault.allowedCidrs[0] = "127.0.0.1/32": is a loopback range: no request to the vault comes from it, so it admits nobody; fix: list the public egress CIDRs of the office and CI`,
		},
	})
}

// TestRaisedQuotaAdmitsLargerGroups: a quota the account has had raised,
// declared under aws.quotas, lets a group past EKS's default.
func TestRaisedQuotaAdmitsLargerGroups(t *testing.T) {
	env, err := LoadFile("dev.yaml", opts())
	if err != nil {
		t.Fatal(err)
	}
	env.Azure = nil
	env.AWS.Quotas.NodesPerNodeGroup = 1000
	g := env.NodeGroups["cpu"]
	g.MaxSize = 900
	env.NodeGroups["cpu"] = g
	if err := Validate("environments/dev.yaml", env, opts()); err != nil {
		t.Fatalf("a group within the declared quota was refused: %v", err)
	}
}
