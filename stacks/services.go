package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/gpu"
	"github.com/pangea-ai/mlplatform/components/k8s/mlflow"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/notebooks"
	"github.com/pangea-ai/mlplatform/components/k8s/runners"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/environments"
)

// cloudServices is what each cloud gives the platform services: encrypted
// storage, identities for models and runners, where models and images live.
type cloudServices struct {
	// Cloud is CloudAWS or CloudAzure.
	Cloud string
	// SpotTaint is the taint the cloud itself puts on spot nodes (AKS),
	// which workloads placed on a spot group must tolerate; nil when none.
	SpotTaint *nodes.Taint
	// StorageClass is the cloud's encrypted block storage.
	StorageClass monitoring.StorageClass
	// StorageReady are what must exist before volumes can be made (the
	// CSI driver add-on).
	StorageReady []pulumi.Resource
	// RemoteWrite, when set, ships metrics to the cloud's managed Prometheus.
	RemoteWrite *monitoring.RemoteWrite
	// RegistryPrefix is prepended to image paths inside the platform's
	// registry ("explainers/shap-server:1.2.0").
	RegistryPrefix string
	// ModelStorage is a model path's full address in the artifact store.
	ModelStorage func(path string) pulumi.StringInput
	// ModelIdentity is the model's read-only identity on its own prefix.
	ModelIdentity func(m environments.Model) (serving.Identity, []pulumi.Resource, error)
	// PayloadArchive is where model m, with identity id, writes its
	// filtered payloads; nil where models keep none (namespace previews).
	PayloadArchive func(m environments.Model, id serving.Identity) *serving.PayloadArchive
	// RunnerIdentity binds a runner set that pushes images to the registry.
	RunnerIdentity func(r environments.RunnerSet) (runners.Identity, error)
	// MLflow is the tracking server's database, artifact store and
	// identity; nil when the environment runs no MLflow.
	MLflow *mlflowCloud
	// NotebookIdentity is the notebooks' identity: read the models MLflow
	// keeps, read and write the experiments prefix.
	NotebookIdentity func() (notebooks.Identity, []pulumi.Resource, error)
}

// mlflowCloud is what a cloud gives MLflow's server.
type mlflowCloud struct {
	Database             mlflow.Database
	ArtifactsDestination pulumi.StringInput
	Identity             mlflow.Identity
	// Ready are the database and the identity's resources.
	Ready []pulumi.Resource
}

// platformServices installs what runs on every cluster, on either cloud,
// through the cluster's Kubernetes provider: the baseline; monitoring; the
// GPU services; KServe and one ModelService per model; the CI runners.
func platformServices(ctx *pulumi.Context, env *environments.Environment, k8s *kubernetes.Provider, cloud cloudServices, secrets map[string]pulumi.StringOutput) error {
	base := ctx.Stack()
	concerns, err := concernsFor(env)
	if err != nil {
		return err
	}
	withK8s := pulumi.Provider(k8s)
	b, err := baseline.NewBaseline(ctx, base+"-baseline", &baseline.BaselineArgs{Concerns: concerns}, withK8s)
	if err != nil {
		return err
	}
	ns := func(name string, more ...pulumi.Resource) []pulumi.Resource {
		return append([]pulumi.Resource{b.Namespaces[name]}, more...)
	}
	// mon is the monitoring release: only monitors and rules wait for it
	// (its CRDs), so the other charts install beside it.
	var mon, storage, gateway []pulumi.Resource
	if m := env.Monitoring; m != nil {
		stack, err := monitoring.NewMonitoring(ctx, base+"-monitoring", &monitoring.MonitoringArgs{
			Namespace: baseline.NamespaceMonitoring, Cluster: base, Environment: env.Name,
			RetentionDays: m.RetentionDays, StorageGiB: m.StorageGiB,
			StorageClass: cloud.StorageClass, RetainVolumes: env.IsProd(),
			GrafanaAdminPassword: secrets["grafanaAdminPassword"],
			RemoteWrite:          cloud.RemoteWrite,
			Thresholds: monitoring.Thresholds{
				ServingP95LatencyMs: m.Alerts.ServingP95LatencyMs, ServingErrorRatePercent: m.Alerts.ServingErrorRatePercent,
				GPUTemperatureC: m.Alerts.GPUTemperatureC,
				RunnerBacklog:   m.Alerts.RunnerBacklog,
			},
			WaitFor: ns(baseline.NamespaceMonitoring, cloud.StorageReady...),
		}, withK8s)
		if err != nil {
			return err
		}
		mon = []pulumi.Resource{stack.Release}
		storage = []pulumi.Resource{stack.StorageClass}
	}
	timeSlicing := map[string]int{}
	for _, name := range sortedNames(env.NodeGroups) {
		if g := env.NodeGroups[name]; g.GPUSharing != nil {
			timeSlicing[name] = g.GPUSharing.TimeSlicingReplicas
		}
	}
	taints := groupTaints(env, cloud.SpotTaint)
	if _, err = gpu.NewGPU(ctx, base+"-gpu", &gpu.GPUArgs{
		Namespace: baseline.NamespaceGPU, TimeSlicing: timeSlicing,
		ServiceMonitor: len(mon) > 0, ServiceMonitorAfter: mon,
		WaitFor: ns(baseline.NamespaceGPU),
	}, withK8s); err != nil {
		return err
	}
	if len(env.Models) > 0 {
		replicas := 1
		if env.IsProd() {
			replicas = 2
		}
		ks, err := serving.NewKServe(ctx, base+"-kserve", &serving.KServeArgs{
			ServingNamespace: baseline.NamespaceServing, GatewayReplicas: replicas,
			Metrics: len(mon) > 0, MetricsAfter: mon, Runtimes: servingRuntimes(env.Models),
			WaitFor: ns(baseline.NamespaceKServe, b.Namespaces[baseline.NamespaceCertManager],
				b.Namespaces[baseline.NamespaceGateway], b.Namespaces[baseline.NamespaceServing]),
		}, withK8s)
		if err != nil {
			return err
		}
		gateway = []pulumi.Resource{ks.Gateway}
		var filter []pulumi.Resource
		if models := servingModels(env.Models); len(serving.LoggingModels(models)) > 0 {
			f, err := serving.NewPayloadFilter(ctx, base+"-payload-filter", &serving.PayloadFilterArgs{
				Namespace: baseline.NamespaceServing, Models: models, Replicas: PayloadFilterReplicas(env.IsProd()),
				Metrics: len(mon) > 0, MetricsAfter: mon, WaitFor: ns(baseline.NamespaceServing),
			}, withK8s)
			if err != nil {
				return err
			}
			filter = []pulumi.Resource{f.Deployment}
		}
		served := map[string]pulumi.Resource{}
		ids, refs := map[string]serving.Identity{}, map[string]pulumi.StringInput{}
		for _, m := range env.Models {
			args, deps, err := modelArgs(cloud, taints, m)
			if err != nil {
				return err
			}
			args.Namespace, args.HighAvailability = baseline.NamespaceServing, env.IsProd()
			if args.PayloadArchive != nil {
				deps = append(deps, filter...)
			}
			args.WaitFor, args.MetricsAfter = append(ns(baseline.NamespaceServing, ks.Controller, ks.RuntimeConfigs), deps...), mon
			svc, err := serving.NewModelService(ctx, base+"-model-"+m.Name, args, withK8s)
			if err != nil {
				return err
			}
			served[m.Name] = svc.ServiceAccount
			ids[m.Name] = args.Identity
			if m.Monitoring != nil && m.Monitoring.Reference != "" {
				refs[m.Name] = cloud.ModelStorage(m.StorageURI + "/" + m.Monitoring.Reference)
			}
		}
		if models := servingModels(env.Models); len(serving.QualityModels(models)) > 0 {
			// Drift and fairness: TrustyAI on the encrypted storage class,
			// its certificates from cert-manager.
			if _, err := serving.NewModelQuality(ctx, base+"-model-quality", &serving.QualityArgs{
				Namespace: baseline.NamespaceServing, Models: models, References: refs, Identities: ids,
				StorageClass: monitoring.StorageClassName,
				WaitFor:      append(ns(baseline.NamespaceServing, ks.CertManager), storage...),
				ModelsReady:  served, Metrics: len(mon) > 0, MetricsAfter: mon,
			}, withK8s); err != nil {
				return err
			}
		}
	}
	if m := env.MLflow; env.MLflowOn() && cloud.MLflow != nil {
		clients := mlflowClients(env)
		var route *mlflow.Route
		if len(gateway) > 0 {
			// In-cluster callers also reach MLflow through the model
			// gateway, at a host on its platform listener.
			route = &mlflow.Route{Gateway: serving.GatewayName, Namespace: baseline.NamespaceServing, Listener: serving.PlatformListener,
				Hostname: MLflowHost, After: gateway}
			clients = append(clients, baseline.NamespaceGateway)
		}
		if _, err := mlflow.New(ctx, base+"-mlflow", &mlflow.Args{
			Namespace: baseline.NamespaceMLflow, Replicas: m.Replicas, DefaultPermission: m.DefaultPermission,
			Database: cloud.MLflow.Database, ArtifactsDestination: cloud.MLflow.ArtifactsDestination, Identity: cloud.MLflow.Identity,
			AdminPassword: secrets["mlflowAdminPassword"], FlaskSecretKey: secrets["mlflowFlaskSecretKey"],
			ClientNamespaces: clients, Route: route,
			WaitFor:      ns(baseline.NamespaceMLflow, clientNamespaces(b, clients)...),
			BackendReady: cloud.MLflow.Ready,
			Metrics:      len(mon) > 0, MetricsAfter: mon,
		}, withK8s); err != nil {
			return err
		}
	}
	if j := env.JupyterHub; j != nil && cloud.NotebookIdentity != nil {
		id, deps, err := cloud.NotebookIdentity()
		if err != nil {
			return err
		}
		if _, err := notebooks.New(ctx, base+"-notebooks", &notebooks.Args{
			Namespace: baseline.NamespaceNotebooks, Auth: notebookAuth(j), CallbackURL: j.CallbackURL,
			ClientSecret: secrets["jupyterhubClientSecret"],
			HomeGiB:      j.HomeGiB, StorageClass: monitoring.StorageClassName, IdleTimeoutMinutes: j.IdleTimeoutMinutes,
			Profiles: notebookProfiles(env, taints), Identity: id,
			MLflowURL: mlflow.URL(baseline.NamespaceMLflow), MLflowNamespace: baseline.NamespaceMLflow, MLflowPort: mlflow.Port,
			WaitFor: append(append(ns(baseline.NamespaceNotebooks), storage...), deps...),
			Metrics: len(mon) > 0, MetricsAfter: mon,
		}, withK8s); err != nil {
			return err
		}
	}
	if len(env.Runners) > 0 {
		ids := map[string]runners.Identity{}
		for _, r := range env.Runners {
			if !r.PushImages {
				continue
			}
			if ids[r.Name], err = cloud.RunnerIdentity(r); err != nil {
				return err
			}
		}
		if _, err := runners.NewRunners(ctx, base+"-runners", &runners.RunnersArgs{
			Namespace: baseline.NamespaceRunners, Sets: runnerSets(env.Runners), Identities: ids, GroupTaints: taints,
			GitHubApp: runners.GitHubApp{
				AppID: secrets["githubAppId"], InstallationID: secrets["githubAppInstallationId"], PrivateKey: secrets["githubAppPrivateKey"],
			},
			WorkStorageClass: monitoring.StorageClassName,
			Metrics:          len(mon) > 0, MetricsAfter: mon,
			WaitFor: append(ns(baseline.NamespaceRunners, b.Namespaces[baseline.NamespaceARC]), storage...),
		}, withK8s); err != nil {
			return err
		}
	}
	return nil
}

// MLflowHost is the host MLflow answers for on the model gateway.
const MLflowHost = "mlflow." + serving.PlatformDomain

// clientNamespaces are the baseline's namespaces of the given names.
func clientNamespaces(b *baseline.Baseline, names []string) []pulumi.Resource {
	var out []pulumi.Resource
	for _, n := range names {
		out = append(out, b.Namespaces[n])
	}
	return out
}

// mlflowClients are the namespaces whose pods may call MLflow.
func mlflowClients(env *environments.Environment) []string {
	out := []string{baseline.NamespaceRunners, baseline.NamespaceServing}
	if env.JupyterHub != nil {
		out = append(out, baseline.NamespaceNotebooks)
	}
	return out
}

// notebookAuth is the hub's sign-in from the environment's.
func notebookAuth(j *environments.JupyterHub) notebooks.Auth {
	if g := j.Auth.GitHub; g != nil {
		return notebooks.Auth{GitHub: &notebooks.GitHub{Organization: g.Organization, ClientID: g.ClientID}}
	}
	e := j.Auth.Entra
	return notebooks.Auth{Entra: &notebooks.Entra{TenantID: e.TenantID, ClientID: e.ClientID, AllowedGroups: e.AllowedGroups}}
}

// modelArgs are model m's ModelServiceArgs apart from where it runs: its
// cloud identity, storage, explainer image and the taints it tolerates. It
// also returns what the model must wait for (its identity's resources).
func modelArgs(cloud cloudServices, taints nodes.GroupTaints, m environments.Model) (*serving.ModelServiceArgs, []pulumi.Resource, error) {
	id, deps, err := cloud.ModelIdentity(m)
	if err != nil {
		return nil, nil, err
	}
	image := ""
	if m.Explainer != nil && m.Explainer.Type == "custom" {
		image = ResolveImage(cloud.RegistryPrefix, m.Explainer.Image)
	}
	args := &serving.ModelServiceArgs{
		Model: ServingModel(m), StorageURI: cloud.ModelStorage(m.StorageURI), Identity: id, ExplainerImage: image,
		NodeGroupTaints: taints.For(m.NodeGroup, m.GPUs), CPUGroupTaints: taints.For("", 0),
	}
	if m.Monitoring != nil && cloud.PayloadArchive != nil {
		args.PayloadArchive = cloud.PayloadArchive(m, id)
	}
	return args, deps, nil
}

// ResolveImage puts an image path inside the platform registry under the
// registry's prefix; a full reference stays as is.
func ResolveImage(prefix, image string) string {
	if isFullReference(image) {
		return image
	}
	return fmt.Sprintf("%s/%s", prefix, image)
}

// isFullReference reports whether an image names its registry (its first
// part is a host).
func isFullReference(image string) bool {
	first, _, _ := strings.Cut(image, "/")
	return strings.ContainsAny(first, ".:") || first == "localhost"
}

// imageRepository is an image path's repository, without tag or digest.
func imageRepository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}
