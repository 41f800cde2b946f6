package stacks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/plan/stackfile"
	"github.com/pangea-ai/mlplatform/policies/rules"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

var update = flag.Bool("update", false, "rewrite test/golden from the current program")

const root = ".."

// record runs a committed stack's program exactly as `mlplat plan` does.
func record(t *testing.T, stack string, override map[string]string) *recorder.Recorder {
	t.Helper()
	cfg, err := readStack(root, stack)
	if err != nil {
		t.Fatal(err)
	}
	withServiceSecrets(&cfg)
	for k, v := range override {
		cfg.Values[k] = v
	}
	rec, err := recorder.Run(Program, recorder.Options{Project: Project, Stack: stack, Config: cfg.Values, SecretKeys: cfg.SecretKeys})
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	return rec
}

// withServiceSecrets sets what operators set with the pulumi CLI.
func withServiceSecrets(cfg *stackfile.Config) {
	for key, v := range map[string]string{
		"grafanaAdminPassword": "test-grafana-password", "githubAppId": "123456",
		"githubAppInstallationId": "654321", "githubAppPrivateKey": "test-private-key",
		"mlflowAdminPassword": "test-mlflow-admin", "mlflowFlaskSecretKey": "test-flask-key", "mlflowDatabasePassword": "Test-db-password-0123", "jupyterhubClientSecret": "test-oauth-secret",
	} {
		cfg.Values[Project+":"+key] = v
	}
	cfg.SecretKeys = append(cfg.SecretKeys, Project+":grafanaAdminPassword", Project+":githubAppPrivateKey",
		Project+":mlflowAdminPassword", Project+":mlflowFlaskSecretKey", Project+":mlflowDatabasePassword", Project+":jupyterhubClientSecret")
}

// readStack reads a stack's file as mlplat plan does.
func readStack(root, stack string) (stackfile.Config, error) {
	return stackfile.Read(root, stack, Project, CheckConfig)
}

func committedStacks(t *testing.T) []string {
	stacks := slices.DeleteFunc(stackfile.List(root), IsPreviewStack)
	if len(stacks) < 3 {
		t.Fatalf("committed stacks = %v, want at least aws-dev, aws-staging, aws-prod", stacks)
	}
	return stacks
}

// TestGoldenResourceLists pins every committed stack's resources by URN and
// type. A change that renames or re-parents a resource changes its URN, which
// replaces real infrastructure: it must show in review as a golden diff.
// Rewrite with: go test ./stacks -run Golden -update
func TestGoldenResourceLists(t *testing.T) {
	for _, stack := range committedStacks(t) {
		t.Run(stack, func(t *testing.T) {
			var b strings.Builder
			for _, r := range record(t, stack, nil).Resources() {
				fmt.Fprintf(&b, "%s\t%s\n", r.Type, r.URN)
			}
			path := filepath.Join(root, "test", "golden", stack+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the program's resources; review the diff, then run go test ./stacks -run Golden -update\n%s",
					path, lineDiff(string(want), got))
			}
		})
	}
}

func lineDiff(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// TestEveryTaggableResourceCarriesTheTagSet checks the effective tags of
// every AWS and Azure resource the stacks create, and that no resource type
// is left unclassified. On AWS effective tags are the provider's default
// tags merged with the resource's own, as AWS does; azure-native has no
// default tags, so there every taggable resource must carry the set itself.
func TestEveryTaggableResourceCarriesTheTagSet(t *testing.T) {
	for _, stack := range committedStacks(t) {
		t.Run(stack, func(t *testing.T) {
			cfg, err := readStack(root, stack)
			if err != nil {
				t.Fatal(err)
			}
			settings, err := SettingsFrom(cfg.Values)
			if err != nil {
				t.Fatal(err)
			}
			env, err := LoadEnvironment(root, settings, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			want, err := BuildTags(env, stack, "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			rec := record(t, stack, nil)
			checked := 0
			for _, r := range rec.Resources() {
				if !r.Custom || r.IsProvider() {
					continue
				}
				var class tags.Taggability
				switch {
				case strings.HasPrefix(r.Type, "aws:"):
					class = tags.AWSTaggability(r.Type)
				case strings.HasPrefix(r.Type, "azure-native:"):
					class = tags.AzureResourceTaggability(r.Type, r.InString("parentResourcePath"))
				default:
					continue
				}
				switch class {
				case tags.Unclassified:
					t.Errorf("%s is neither taggable nor untaggable in components/tags: classify it", r.Type)
				case tags.Taggable:
					checked++
					got := rec.EffectiveTags(r)
					for k, v := range want {
						if got[k] != v {
							t.Errorf("%s: tag %s = %q, want %q", r.URN, k, got[k], v)
						}
					}
				}
			}
			if checked < 20 {
				t.Errorf("checked only %d taggable resources", checked)
			}
		})
	}
}

// TestAWSResourcesUseTheTaggedProvider: on AWS the tag set travels through
// the provider's default tags, so every resource must use that provider.
func TestAWSResourcesUseTheTaggedProvider(t *testing.T) {
	rec := record(t, "aws-dev", nil)
	prov, err := rec.Named("pulumi:providers:aws", "aws")
	if err != nil {
		t.Fatal(err)
	}
	if d := prov.StringMap("defaultTags.tags"); d[tags.Stack] != "aws-dev" || d[tags.ManagedBy] != "pulumi" || d["environment"] != "dev" {
		t.Errorf("default tags = %v", d)
	}
	for _, r := range rec.Resources() {
		if r.Custom && strings.HasPrefix(r.Type, "aws:") && r.Provider != prov.URN {
			t.Errorf("%s does not use the stack's AWS provider (%q): its default tags would not apply", r.URN, r.Provider)
		}
	}
}

func TestProdPlatformIsComplete(t *testing.T) {
	rec := record(t, "aws-prod", nil)
	if n := len(rec.Resources()); n < 60 {
		t.Errorf("aws-prod has %d resources, want at least 60", n)
	}
	for typ, want := range map[string]int{
		"aws:eks/cluster:Cluster": 1, "aws:eks/nodeGroup:NodeGroup": 4, "aws:eks/addon:Addon": 5, "aws:kms/key:Key": 3,
		"aws:s3/bucketV2:BucketV2": 2, "aws:ecr/repository:Repository": 4, "aws:ec2/natGateway:NatGateway": 3,
		"aws:ec2/vpcEndpoint:VpcEndpoint": 5, "pulumi:providers:kubernetes": 1,
		// Four ECR repositories: the three declared and defect-detector's
		// custom explainer's. Platform services: both models with an explainer, a disruption
		// budget per component and one for the two payload filters, remote
		// write to a managed workspace, and the model gateway (two proxies,
		// its own budget); KServe is three charts (CRDs, controller,
		// runtimes) beside cert-manager. fraud-xgb's drift and fairness:
		// TrustyAI with a CA and a serving certificate, its reference job,
		// and the model-quality rules. MLflow: two servers with their
		// budget, on a Multi-AZ RDS instance.
		"kubernetes:cert-manager.io/v1:Certificate": 2, "kubernetes:cert-manager.io/v1:Issuer": 2, "kubernetes:batch/v1:Job": 1,
		"kubernetes:serving.kserve.io/v1beta1:InferenceService": 2, "kubernetes:policy/v1:PodDisruptionBudget": 6, "aws:rds/instance:Instance": 1,
		"aws:amp/workspace:Workspace": 1, "kubernetes:helm.sh/v3:Release": 12,
		"kubernetes:gateway.networking.k8s.io/v1:Gateway": 1, "kubernetes:monitoring.coreos.com/v1:PrometheusRule": 8,
	} {
		if got := len(rec.ByType(typ)); got != want {
			t.Errorf("%s: %d, want %d", typ, got, want)
		}
	}
	for _, p := range rec.ByType("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy") {
		if r := p.In("spec.provider.kubernetes.envoyDeployment.replicas"); r != 2.0 {
			t.Errorf("prod model gateway runs %v proxies, want 2", r)
		}
	}
	cluster, _ := rec.Named("aws:eks/cluster:Cluster", "aws-prod")
	if cluster.In("vpcConfig.endpointPublicAccess") != false || !cluster.Protect {
		t.Errorf("prod cluster public=%v protected=%v", cluster.In("vpcConfig.endpointPublicAccess"), cluster.Protect)
	}
	for _, typ := range []string{"aws:kms/key:Key", "aws:s3/bucketV2:BucketV2", "aws:ecr/repository:Repository"} {
		for _, r := range rec.ByType(typ) {
			if !r.Protect {
				t.Errorf("prod %s is not protected", r.URN)
			}
		}
	}
	dev := record(t, "aws-dev", nil)
	for _, typ := range []string{"aws:eks/cluster:Cluster", "aws:s3/bucketV2:BucketV2"} {
		for _, r := range dev.ByType(typ) {
			if r.Protect {
				t.Errorf("dev %s is protected: dev must tear down cleanly", r.URN)
			}
		}
	}
	if n := len(dev.ByType("aws:ec2/natGateway:NatGateway")); n != 1 {
		t.Errorf("dev has %d NAT gateways, want 1", n)
	}
}

// TestOrdering checks the dependencies that make a first deploy work and
// keep the critical path short.
func TestOrdering(t *testing.T) {
	rec := record(t, "aws-dev", nil)
	cni, _ := rec.Named("aws:eks/addon:Addon", "aws-dev-vpc-cni")
	coredns, _ := rec.Named("aws:eks/addon:Addon", "aws-dev-workload-coredns")
	for _, ng := range rec.ByType("aws:eks/nodeGroup:NodeGroup") {
		if !slices.Contains(ng.DependsOn, cni.URN) {
			t.Errorf("%s does not wait for vpc-cni: nodes would never become Ready", ng.Name)
		}
	}
	// CoreDNS runs on the system and CPU groups: it waits for them (or EKS
	// reports it degraded) and for no GPU group, whose taint keeps it off
	// and whose nodes would only lengthen the first deploy.
	for _, ng := range rec.ByType("aws:eks/nodeGroup:NodeGroup") {
		gpu := strings.HasSuffix(ng.Name, "-gpu")
		if waits := slices.Contains(coredns.DependsOn, ng.URN); waits == gpu {
			t.Errorf("coredns waits for node group %s: %v; want %v", ng.Name, waits, !gpu)
		}
	}
	// Artifacts and keys take nothing from the cluster chain.
	for _, r := range rec.Resources() {
		if !strings.Contains(r.URN, "mlplatform:aws:Artifacts") {
			continue
		}
		for _, d := range r.DependsOn {
			if strings.Contains(d, "mlplatform:aws:Cluster") || strings.Contains(d, "mlplatform:aws:Network") || strings.Contains(d, "mlplatform:aws:NodeGroup") {
				t.Errorf("%s waits for %s: artifacts belong beside the cluster chain, not on it", r.URN, d)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]struct {
		config map[string]string
		want   string
	}{
		"region disagrees": {map[string]string{"mlplatform:environment": "dev", "mlplatform:cloud": "aws", "aws:region": "eu-west-1"},
			`stack config aws:region = "eu-west-1" but environments/dev.yaml says aws.region = "us-east-1"; fix: make them agree (the environment file decides the region)`},
		"nothing set": {map[string]string{},
			`stack config: mlplatform:environment is not set; fix: pulumi config set environment <dev|staging|prod|preview>; mlplatform:cloud = "": must be aws or azure; fix: pulumi config set cloud <aws|azure>`},
		"preview without expiry": {map[string]string{"mlplatform:environment": "preview", "mlplatform:cloud": "aws"},
			"config mlplatform:expiresAt = \"\": environment preview is ephemeral and needs an RFC 3339 expiry; fix: set it, e.g. "},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec, err := recorder.Run(Program, recorder.Options{Project: Project, Stack: "aws-x", Config: tc.config})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want prefix %q", err, tc.want)
			}
			if len(rec.Resources()) != 0 {
				t.Errorf("a config error still created %d resources", len(rec.Resources()))
			}
		})
	}
}

func TestReadStackConfig(t *testing.T) {
	cfg, err := readStack(root, "aws-dev")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"mlplatform:environment": "dev", "mlplatform:cloud": "aws", "aws:region": "us-east-1"}
	if !reflect.DeepEqual(cfg.Values, want) {
		t.Errorf("config = %v, want %v", cfg.Values, want)
	}
	if _, err := readStack(root, "aws-nope"); err == nil || !strings.Contains(err.Error(), "stacks here: aws-dev, aws-prod, aws-staging") {
		t.Errorf("unknown stack error = %v", err)
	}
}

func TestAzureProdPlatform(t *testing.T) {
	rec := record(t, "azure-prod", nil)
	cluster, err := rec.Named("azure-native:containerservice/v20240902preview:ManagedCluster", "azure-prod")
	if err != nil {
		t.Fatal(err)
	}
	if cluster.In("apiServerAccessProfile.enablePrivateCluster") != true || !cluster.Protect || cluster.In("sku.tier") != "Standard" {
		t.Errorf("prod cluster private=%v protected=%v tier=%v", cluster.In("apiServerAccessProfile.enablePrivateCluster"), cluster.Protect, cluster.In("sku.tier"))
	}
	// The control plane must hold its network, Key Vault and kubelet rights first.
	var access int
	for _, ra := range rec.ByType("azure-native:authorization:RoleAssignment") {
		if slices.Contains(cluster.DependsOn, ra.URN) {
			access++
		}
	}
	if access != 6 {
		t.Errorf("cluster waits for %d role assignments, want 6 (3 subnets, KMS crypto, KMS private link, kubelet operator)", access)
	}
	for _, typ := range []string{"azure-native:keyvault:Vault", "azure-native:keyvault:Key", "azure-native:storage:StorageAccount", "azure-native:containerregistry:Registry"} {
		for _, r := range rec.ByType(typ) {
			if !r.Protect {
				t.Errorf("prod %s is not protected", r.URN)
			}
		}
	}
	reg, _ := rec.Named("azure-native:containerregistry:Registry", "azure-prod")
	if reg.In("sku.name") != "Premium" {
		t.Errorf("prod registry sku = %v", reg.In("sku.name"))
	}
	var pools []string
	for _, p := range rec.ByType("azure-native:containerservice/v20240902preview:AgentPool") {
		pools = append(pools, p.InString("agentPoolName"))
	}
	if want := []string{"cpu", "gpu", "gpularge"}; !reflect.DeepEqual(pools, want) {
		t.Errorf("user pools = %v, want %v", pools, want)
	}
	dev := record(t, "azure-dev", nil)
	devCluster, _ := dev.Named("azure-native:containerservice/v20240902preview:ManagedCluster", "azure-dev")
	if devCluster.In("apiServerAccessProfile.enablePrivateCluster") != false || !reflect.DeepEqual(devCluster.In("apiServerAccessProfile.authorizedIPRanges"), []interface{}{"203.0.113.0/24"}) {
		t.Errorf("dev API access = %v", devCluster.In("apiServerAccessProfile"))
	}
}

func TestAzureNames(t *testing.T) {
	env, err := LoadEnvironment(root, Settings{Environment: "dev"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	n := AzureNamesFor("azure-pr-1234", env.Azure)
	want := AzureNames{
		ResourceGroup: "rg-mlplatform-azure-pr-1234", NodeResourceGroup: "rg-mlplatform-azure-pr-1234-nodes",
		VNet: "vnet-azure-pr-1234", Cluster: "aks-azure-pr-1234",
		KeyVault: "kvazurepr1234" + n.KeyVault[13:], StorageAccount: "stazurepr1234" + n.StorageAccount[13:], Registry: "acrazurepr1234" + n.Registry[14:],
	}
	if n != want {
		t.Errorf("names = %+v, want %+v", n, want)
	}
	// Derived global names must pass the validator's own name rules.
	e := *env.Azure
	e.KeyVault.Name, e.Artifacts.StorageAccountName, e.Artifacts.RegistryName = n.KeyVault, n.StorageAccount, n.Registry
	copyEnv := *env
	copyEnv.Azure = &e
	if err := environments.Validate("environments/dev.yaml", &copyEnv, environments.Options{Now: time.Now()}); err != nil {
		t.Errorf("derived names are invalid: %v", err)
	}
	if long := AzureNamesFor("azure-a-very-long-preview-stack-name-0001", env.Azure); len(long.StorageAccount) != 24 || len(long.KeyVault) != 24 {
		t.Errorf("long names not truncated to 24: %q %q", long.StorageAccount, long.KeyVault)
	}
}

// TestAzureRemoteWrite checks the prod metrics path to Azure Monitor: a
// workspace, this stack's own endpoint and rule into it, and Prometheus's
// workload identity allowed to publish through that rule and nothing else.
func TestAzureRemoteWrite(t *testing.T) {
	rec := record(t, "azure-prod", nil)
	ws, err := rec.Named("azure-native:resources:Resource", "azure-prod-metrics")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%v/%v@%v %v", ws.In("resourceProviderNamespace"), ws.In("resourceType"), ws.In("apiVersion"), ws.In("resourceName")); got != "Microsoft.Monitor/accounts@2023-04-03 amw-azure-prod" {
		t.Errorf("workspace = %s", got)
	}
	dce, _ := rec.Named("azure-native:insights:DataCollectionEndpoint", "azure-prod-metrics")
	dcr, _ := rec.Named("azure-native:insights:DataCollectionRule", "azure-prod-metrics")
	if dce == nil || dcr == nil {
		t.Fatalf("endpoint %v, rule %v", dce, dcr)
	}
	if dcr.In("dataCollectionEndpointId") != dce.ID {
		t.Errorf("rule's endpoint = %v, want %s", dcr.In("dataCollectionEndpointId"), dce.ID)
	}
	wantDest := map[string]interface{}{"monitoringAccounts": []interface{}{map[string]interface{}{"accountResourceId": ws.ID, "name": "workspace"}}}
	if !reflect.DeepEqual(dcr.In("destinations"), wantDest) {
		t.Errorf("rule destinations = %v, want %v", dcr.In("destinations"), wantDest)
	}
	wantFlows := []interface{}{map[string]interface{}{"streams": []interface{}{"Microsoft-PrometheusMetrics"}, "destinations": []interface{}{"workspace"}}}
	if !reflect.DeepEqual(dcr.In("dataFlows"), wantFlows) {
		t.Errorf("rule data flows = %v, want %v", dcr.In("dataFlows"), wantFlows)
	}
	id, _ := rec.Named("azure-native:managedidentity:UserAssignedIdentity", "azure-prod-prometheus")
	fic, _ := rec.Named("azure-native:managedidentity:FederatedIdentityCredential", "azure-prod-prometheus")
	if id == nil || fic == nil {
		t.Fatalf("prometheus identity %v, federated credential %v", id, fic)
	}
	if fic.In("subject") != "system:serviceaccount:monitoring:kube-prometheus-stack-prometheus" {
		t.Errorf("federated subject = %v", fic.In("subject"))
	}
	ra, _ := rec.Named("azure-native:authorization:RoleAssignment", "azure-prod-prometheus-publish")
	if ra == nil {
		t.Fatal("no Monitoring Metrics Publisher assignment")
	}
	if ra.In("scope") != dcr.ID || ra.In("principalId") != id.Out("principalId") ||
		!strings.HasSuffix(ra.InString("roleDefinitionId"), "/3913510d-42f4-4e42-8a64-420c390055eb") {
		t.Errorf("publisher assignment = scope %v principal %v role %v; want the rule %s, the prometheus identity, Monitoring Metrics Publisher",
			ra.In("scope"), ra.In("principalId"), ra.In("roleDefinitionId"), dcr.ID)
	}
	var kps *recorder.Resource
	for _, r := range rec.ByType("kubernetes:helm.sh/v3:Release") {
		if r.In("name") == "kube-prometheus-stack" {
			kps = r
		}
	}
	if kps == nil {
		t.Fatal("no kube-prometheus-stack release")
	}
	url := fmt.Sprintf("%v/dataCollectionRules/%v/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24",
		dce.Out("metricsIngestion.endpoint"), dcr.Out("immutableId"))
	wantRW := []interface{}{map[string]interface{}{"url": url, "azureAd": map[string]interface{}{
		"cloud": "AzurePublic", "sdk": map[string]interface{}{"tenantId": recorder.DefaultWorld.TenantID}}}}
	if got := kps.In("values.prometheus.prometheusSpec.remoteWrite"); !reflect.DeepEqual(got, wantRW) {
		t.Errorf("remoteWrite = %v\nwant %v", got, wantRW)
	}
	if got := kps.In("values.prometheus.serviceAccount.annotations"); !reflect.DeepEqual(got, map[string]interface{}{"azure.workload.identity/client-id": id.Out("clientId")}) {
		t.Errorf("prometheus service account annotations = %v", got)
	}
	if got := kps.In("values.prometheus.prometheusSpec.podMetadata.labels"); !reflect.DeepEqual(got, map[string]interface{}{"azure.workload.identity/use": "true"}) {
		t.Errorf("prometheus pod labels = %v", got)
	}
	// dev keeps metrics in the cluster.
	dev := record(t, "azure-dev", nil)
	if n := len(dev.ByType("azure-native:insights:DataCollectionRule")); n != 0 {
		t.Errorf("azure-dev has %d data collection rules, want none (remoteWrite off)", n)
	}
}

// TestCommittedStacksPassMandatoryPolicies runs every policy rule over every
// committed stack, as mlplat plan and the policy pack do: no mandatory
// violation may remain unwaived.
func TestCommittedStacksPassMandatoryPolicies(t *testing.T) {
	now := time.Now()
	for _, stack := range committedStacks(t) {
		t.Run(stack, func(t *testing.T) {
			rec := record(t, stack, nil)
			cfg, err := readStack(root, stack)
			if err != nil {
				t.Fatal(err)
			}
			settings, err := SettingsFrom(cfg.Values)
			if err != nil {
				t.Fatal(err)
			}
			env, err := LoadEnvironment(root, settings, now)
			if err != nil {
				t.Fatal(err)
			}
			pol, err := rules.SettingsFor(env, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range rules.Violations(rules.Evaluate(rules.FromPlan(rec, env.Name, rules.ContextFor(env, now)), rules.All(), pol)) {
				if v.Level == rules.Mandatory {
					t.Errorf("[%s] %s", v.Policy, v.Message)
				}
			}
		})
	}
}

// AKS taints spot pools itself; models and runners on a spot pool must
// tolerate that taint or they never schedule (found on the control-plane
// suite, test/cluster).
func TestAzureSpotPoolsAreTolerated(t *testing.T) {
	rec := record(t, "azure-dev", nil)
	for _, cm := range rec.ByType("kubernetes:core/v1:ConfigMap") {
		if strings.HasSuffix(cm.Name, "-job-template") && !strings.Contains(cm.StringMap("data")["job.yaml"], "kubernetes.azure.com/scalesetpriority") {
			t.Errorf("%s: the job pod does not tolerate the AKS spot taint", cm.Name)
		}
	}
	spot := map[string]interface{}{"key": "kubernetes.azure.com/scalesetpriority", "operator": "Equal", "value": "spot", "effect": "NoSchedule"}
	for _, isvc := range rec.ByType("kubernetes:serving.kserve.io/v1beta1:InferenceService") {
		for _, c := range []string{"predictor", "explainer"} {
			tol, _ := isvc.In("spec." + c + ".tolerations").([]interface{})
			if !slices.ContainsFunc(tol, func(x interface{}) bool { return reflect.DeepEqual(x, spot) }) {
				t.Errorf("%s %s tolerations %v lack the AKS spot taint", isvc.Name, c, tol)
			}
		}
	}
}
