package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/plan/estimate"
	"github.com/pangea-ai/mlplatform/plan/offline"
)

// TestCriticalPathHoldsOnlyTheControlPlaneChain checks the program's
// dependency graph, not the durations: on every committed stack, the chain
// that decides the deploy time is network → control plane → the nodes the
// add-ons need → the slowest chart, or the platform's database (on Azure it
// starts with the network; a zone-redundant server outlasts the cluster).
// Buckets, registries, IAM for services, GPU groups and the other charts
// must run beside it. A dependency added without need shows up here as a
// longer path.
func TestCriticalPathHoldsOnlyTheControlPlaneChain(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for _, stack := range offline.CommittedStacks(root) {
		t.Run(stack, func(t *testing.T) {
			p, err := buildPlan(planFlags{stack: stack, root: root}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			dt := p.Doc.DeployTime
			if len(dt.CriticalPath) == 0 || dt.CriticalPath[len(dt.CriticalPath)-1].FinishSeconds != dt.TotalSeconds {
				t.Fatalf("the critical path does not end at the total: %+v", dt)
			}
			cluster, database := false, false
			for _, s := range dt.CriticalPath {
				bad := ""
				switch {
				case strings.HasPrefix(s.Type, "aws:s3/"), strings.HasPrefix(s.Type, "azure-native:storage:"):
					bad = "an artifact store"
				case strings.HasPrefix(s.Type, "aws:ecr/"), strings.HasPrefix(s.Type, "azure-native:containerregistry:"):
					bad = "a registry"
				case s.Type == "aws:iam/role:Role" && !strings.HasSuffix(s.Name, "-vpc-cni"):
					bad = "an IAM role the nodes do not need"
				case strings.HasPrefix(s.Type, "azure-native:managedidentity:"), s.Type == "aws:iam/policy:Policy":
					bad = "a service identity"
				case s.Type == "kubernetes:helm.sh/v3:Release" && !strings.HasSuffix(s.Name, "-monitoring-stack"):
					bad = "a chart other than the slowest"
				case s.Type == "aws:eks/nodeGroup:NodeGroup" || strings.HasSuffix(s.Type, ":AgentPool"):
					group := strings.TrimPrefix(s.Name, stack+"-")
					if g, ok := p.Env.NodeGroups[group]; !ok || g.Kind == "gpu" {
						bad = "a GPU node group"
					}
				case strings.HasSuffix(s.Type, ":ManagedCluster"), s.Type == "aws:eks/cluster:Cluster":
					cluster = true
				case s.Type == "aws:rds/instance:Instance", s.Type == "azure-native:resources:Resource" && s.Name == stack+"-mlflow":
					database = true
				}
				if bad != "" {
					t.Errorf("%s %s (%s) is on the critical path; it should run beside the control-plane chain. Path:\n%s", bad, s.Name, s.Type, pathNames(dt))
				}
			}
			if !cluster && !database {
				t.Errorf("neither the control plane nor the database is on the critical path:\n%s", pathNames(dt))
			}
		})
	}
}

// TestCriticalPathOfTheDevStacks pins the whole chain of the dev stacks, so
// a change to it is a reviewed change. On AWS it runs through MLflow's
// database: its security group admits the cluster's, which exists only
// once the cluster does, and RDS then takes about 7.5 minutes.
func TestCriticalPathOfTheDevStacks(t *testing.T) {
	cases := map[string]struct {
		path  string
		total int
	}{
		"aws-dev": {path: `pulumi:providers:aws aws
aws:kms/key:Key aws-dev-secrets
aws:cloudwatch/logGroup:LogGroup aws-dev-control-plane
aws:eks/cluster:Cluster aws-dev
aws:ec2/securityGroup:SecurityGroup aws-dev-mlflow
aws:rds/instance:Instance aws-dev-mlflow
aws:iam/rolePolicy:RolePolicy aws-dev-mlflow
kubernetes:apps/v1:Deployment aws-dev-mlflow`, total: 1080},
		"azure-dev": {path: `pulumi:providers:azure-native azure
azure-native:resources:ResourceGroup azure-dev
azure-native:network:VirtualNetwork azure-dev
azure-native:network:Subnet azure-dev-system
azure-native:network:Subnet azure-dev-user
azure-native:network:Subnet azure-dev-endpoints
azure-native:network:Subnet azure-dev-apiserver
azure-native:authorization:RoleAssignment azure-dev-cluster-network-2
azure-native:containerservice/v20240902preview:ManagedCluster azure-dev
pulumi:providers:kubernetes azure-dev
kubernetes:scheduling.k8s.io/v1:PriorityClass azure-dev-baseline-mlplatform-platform
kubernetes:core/v1:Namespace azure-dev-baseline-monitoring
kubernetes:core/v1:ConfigMap azure-dev-monitoring-dashboard-mlplatform-explainers
kubernetes:helm.sh/v3:Release azure-dev-monitoring-stack
kubernetes:monitoring.coreos.com/v1:ServiceMonitor azure-dev-gpu-dcgm-metrics`, total: 757},
	}
	root, _ := filepath.Abs("../..")
	for stack, tc := range cases {
		t.Run(stack, func(t *testing.T) {
			p, err := buildPlan(planFlags{stack: stack, root: root}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if got := pathNames(p.Doc.DeployTime); got != tc.path {
				t.Errorf("critical path:\n%s\nwant:\n%s", got, tc.path)
			}
			if p.Doc.DeployTime.TotalSeconds != tc.total {
				t.Errorf("total %d s, want %d s", p.Doc.DeployTime.TotalSeconds, tc.total)
			}
		})
	}
}

// BenchmarkPlan measures a whole offline plan (program under mocks, policies,
// cost and deploy time) of the largest committed stack.
func BenchmarkPlan(b *testing.B) {
	root, _ := filepath.Abs("../..")
	for _, stack := range []string{"aws-prod", "azure-prod"} {
		b.Run(stack, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := buildPlan(planFlags{stack: stack, root: root}, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// pathNames lists the critical path's resources as "type name" for test
// messages.
func pathNames(dt estimate.DeployTime) string {
	var out []string
	for _, s := range dt.CriticalPath {
		out = append(out, s.Type+" "+s.Name)
	}
	return strings.Join(out, "\n")
}
