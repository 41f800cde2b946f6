package mlflow

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Type is the component's type token.
const Type = "mlplatform:k8s:MLflow"

const (
	// Version is the MLflow release the toolkit runs: 3.17.0, released
	// 2026-10-06 (CHANGELOG.md "## 3.17.0 (2026-10-06)").
	Version = "3.17.0"
	// Image is the release's "full" image, the one with the PostgreSQL
	// driver, boto3, azure-identity, prometheus-flask-exporter and the
	// basic-auth app (docker/Dockerfile.full installs
	// mlflow[extras,azure,db,gateway,genai,auth]; tags v<version>-full per
	// docker/README.md). That the tag exists on ghcr.io could not be
	// checked offline.
	Image = "ghcr.io/mlflow/mlflow:v" + Version + "-full"
	// User runs the server: the image has no USER line (it would run as
	// root), so the pod sets one, as the project's own chart does
	// (charts/values.yaml podSecurityContext runAsUser 1000).
	User = 1000
	// Name names the Deployment, Service, service account and secrets.
	Name = "mlflow"
	// Port is the server's port (mlflow server --port default 5000).
	Port = 5000
	// AdminUsername is the basic-auth app's bootstrap administrator.
	AdminUsername = "admin"
	// MetricsUsername is the user Prometheus scrapes /metrics as: under
	// basic-auth only /health and static files are open
	// (mlflow/server/auth/__init__.py unprotected routes).
	MetricsUsername = "prometheus"
	// RunDir is the writable emptyDir: the auth configuration, the
	// multiprocess metrics (--expose-prometheus) and HOME.
	RunDir = "/tmp"
	// ScriptDir holds start.py from the ConfigMap.
	ScriptDir = "/opt/mlplatform"
	// SecretPollSeconds is how often start.py looks for a rotated
	// database password.
	SecretPollSeconds = 300
	// CPUMillis and MemoryMi size the server (requests; memory is also
	// the limit). The project's chart sets none; four uvicorn workers of
	// a Flask app idle near 600 MiB in this project's estimate.
	CPUMillis = 500
	MemoryMi  = 2048
	// Workers is the number of uvicorn workers (mlflow server default 4).
	Workers = 4
)

// SecretStore names where start.py reads the database credentials.
type SecretStore string

// Secret stores start.py reads.
const (
	// AWSSecretsManager: the secret RDS manages for the master user, a
	// JSON document with username and password.
	AWSSecretsManager SecretStore = "aws-secrets-manager"
	// AzureKeyVault: a Key Vault secret holding the password; the URL is
	// https://<vault>.vault.azure.net/secrets/<name>.
	AzureKeyVault SecretStore = "azure-key-vault"
)

// Database is where the backend store is and how to read its credentials.
type Database struct {
	// Host, Port and Name address the database. Required.
	Host pulumi.StringInput
	Port pulumi.IntInput
	Name string
	// Username is the login (Azure; the AWS secret carries its own).
	Username string
	// Store and SecretRef name the credentials: the secret's ARN or URL.
	Store     SecretStore
	SecretRef pulumi.StringInput
	// CIDRs are where the database's addresses are: the server may open
	// connections to them on the database port only. Empty allows the port
	// anywhere (a network brought by the user, whose ranges are unknown):
	// the database's own firewall then decides.
	CIDRs []string
	// DatabasePort is the port the egress policy opens.
	DatabasePort int
}

// Identity is the server's cloud identity: what reads the credentials and
// writes artifacts.
type Identity struct {
	// ServiceAccountAnnotations bind the identity (IRSA's role ARN, Azure's
	// client id).
	ServiceAccountAnnotations pulumi.StringMapInput
	// PodLabels are added to the pod (azure.workload.identity/use).
	PodLabels map[string]string
	// Env is added to the server's environment (AWS_REGION).
	Env map[string]string
}

// Args configure an MLflow.
type Args struct {
	// Namespace runs the server. Required; it must exist (WaitFor).
	Namespace string
	// Replicas of the server; 1 to 5.
	Replicas int
	// DefaultPermission is what signed-in users may do with what they did
	// not create (READ, USE, EDIT, MANAGE, NO_PERMISSIONS).
	DefaultPermission string
	// Database is the backend store. Required.
	Database Database
	// ArtifactsDestination is where the server keeps artifacts it proxies:
	// s3://<bucket>/<prefix> or wasbs://<container>@<account>.blob.core.windows.net/<prefix>. Required.
	ArtifactsDestination pulumi.StringInput
	// Identity is the server's workload identity. Required.
	Identity Identity
	// AdminPassword is the bootstrap administrator's password (at least
	// 12 characters, a Pulumi secret); FlaskSecretKey signs its CSRF
	// tokens and must be the same on every replica. Required.
	AdminPassword, FlaskSecretKey pulumi.StringInput
	// ClientNamespaces may call the server (notebooks, runners, serving,
	// and the gateway's when Route is set).
	ClientNamespaces []string
	// Route, when set, exposes the server through the platform's gateway.
	Route *Route
	// WaitFor must exist first (the namespaces).
	WaitFor []pulumi.Resource
	// BackendReady are the database and the identity's resources: only
	// the Deployment waits for them.
	BackendReady []pulumi.Resource
	// Metrics adds a PodMonitor, after MetricsAfter (its CRD's release).
	Metrics      bool
	MetricsAfter []pulumi.Resource
}

// Route attaches the server to a Gateway listener under a host name.
type Route struct {
	// Gateway and Namespace name the Gateway; Listener its section.
	Gateway, Namespace, Listener string
	// Hostname is the host the route answers for.
	Hostname string
	// After is the Gateway resource (and its CRDs' release).
	After []pulumi.Resource
}

// MLflow is the tracking server and what it needs on the cluster.
type MLflow struct {
	pulumi.ResourceState
	// URL is the in-cluster address clients use.
	URL pulumi.StringOutput `pulumi:"url"`
	// Deployment is the server's.
	Deployment *appsv1.Deployment
}

// URL is the in-cluster address of the server in namespace.
func URL(namespace string) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", Name, namespace, Port)
}

// AllowedHosts are the Host headers the server answers: its Service names,
// localhost (probes, port-forward) and the private ranges pod addresses
// come from (Prometheus scrapes a pod by its IP). MLflow's security
// middleware refuses any other with 403 (--allowed-hosts, env
// MLFLOW_SERVER_ALLOWED_HOSTS, mlflow/cli/__init__.py; charts/README.md).
// Its default also admits the private ranges; that its wildcard matches
// "10.*" as written here is read from that default, not run.
func AllowedHosts(namespace string, route *Route) []string {
	svc := Name + "." + namespace + ".svc"
	out := []string{svc, fmt.Sprintf("%s:%d", svc, Port), svc + ".cluster.local", fmt.Sprintf("%s.cluster.local:%d", svc, Port),
		"localhost", "localhost:*", "127.0.0.1:*", "10.*", "172.*", "192.168.*"}
	if route != nil {
		out = append(out, route.Hostname, route.Hostname+":*")
	}
	return out
}

//go:embed start.py
var startScript string

// StartScript is start.py, what the container runs.
func StartScript() string { return startScript }

var permissions = []string{"READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS"}

func (a *Args) check() error {
	var p []string
	if a.Namespace == "" || a.ArtifactsDestination == nil || a.AdminPassword == nil || a.FlaskSecretKey == nil {
		p = append(p, "Namespace, ArtifactsDestination, AdminPassword and FlaskSecretKey are required")
	}
	if a.Replicas < 1 || a.Replicas > 5 {
		p = append(p, fmt.Sprintf("Replicas %d must be 1 to 5", a.Replicas))
	}
	if !slices.Contains(permissions, a.DefaultPermission) {
		p = append(p, fmt.Sprintf("DefaultPermission %q must be one of %s", a.DefaultPermission, strings.Join(permissions, ", ")))
	}
	d := a.Database
	if d.Host == nil || d.Port == nil || d.Name == "" || d.SecretRef == nil || d.DatabasePort == 0 {
		p = append(p, "Database.Host, Port, Name, SecretRef and DatabasePort are required")
	}
	switch d.Store {
	case AWSSecretsManager:
	case AzureKeyVault:
		if d.Username == "" {
			p = append(p, "Database.Username is required with Azure Key Vault: the secret holds only the password")
		}
	default:
		p = append(p, fmt.Sprintf("Database.Store %q must be %s or %s", d.Store, AWSSecretsManager, AzureKeyVault))
	}
	if len(p) > 0 {
		return fmt.Errorf("%s", strings.Join(p, "; "))
	}
	return nil
}

// New creates the server's service account, secrets, start script,
// Deployment, disruption budget, Service, network policies and, with
// Metrics, its PodMonitor.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*MLflow, error) {
	if args == nil {
		return nil, fmt.Errorf("creating MLflow %q: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	a := *args
	comp := &MLflow{}
	if err := ctx.RegisterComponentResource(Type, name, comp, opts...); err != nil {
		return nil, err
	}
	parent, after := pulumi.Parent(comp), pulumi.DependsOn(a.WaitFor)
	meta := func(n string) metav1.ObjectMetaArgs {
		return metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: pulumi.String(a.Namespace), Labels: labels(ctx.Stack())}
	}
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{
			Name: pulumi.String(Name), Namespace: pulumi.String(a.Namespace), Labels: labels(ctx.Stack()),
			Annotations: a.Identity.ServiceAccountAnnotations,
		},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	// The metrics user's password is derived from the Flask key, so the
	// operator sets one secret fewer; it stays a Pulumi secret.
	metricsPassword := pulumi.ToSecret(a.FlaskSecretKey.ToStringOutput().ApplyT(metricsPasswordOf)).(pulumi.StringOutput)
	auth, err := corev1.NewSecret(ctx, name+"-auth", &corev1.SecretArgs{
		Metadata: meta(Name + "-auth"),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"MLFLOW_AUTH_ADMIN_PASSWORD":     pulumi.ToSecret(a.AdminPassword).(pulumi.StringOutput),
			"MLFLOW_FLASK_SERVER_SECRET_KEY": pulumi.ToSecret(a.FlaskSecretKey).(pulumi.StringOutput),
			"MLPLATFORM_METRICS_PASSWORD":    metricsPassword,
		},
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	script, err := corev1.NewConfigMap(ctx, name+"-start", &corev1.ConfigMapArgs{
		Metadata: meta(Name + "-start"),
		Data:     pulumi.StringMap{"start.py": pulumi.String(startScript)},
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	dep, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: meta(Name),
		Spec:     deploymentSpec(ctx.Stack(), a),
	}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{sa, auth, script}, a.WaitFor...), a.BackendReady...)))
	if err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	comp.Deployment = dep
	if a.Replicas > 1 {
		if _, err := policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
			Metadata: meta(Name),
			Spec: policyv1.PodDisruptionBudgetSpecArgs{
				MinAvailable: pulumi.Int(a.Replicas - 1),
				Selector:     metav1.LabelSelectorArgs{MatchLabels: selector()},
			},
		}, parent, after); err != nil {
			return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
		}
	}
	if _, err := corev1.NewService(ctx, name, &corev1.ServiceArgs{
		Metadata: meta(Name),
		Spec: corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: selector(),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(Port), TargetPort: pulumi.String("http"), Protocol: pulumi.String("TCP"),
			}},
		},
	}, parent, after); err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	if err := policies(ctx, name, a, parent, after); err != nil {
		return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
	}
	if r := a.Route; r != nil {
		// An HTTPRoute (gateway.networking.k8s.io/v1) on the gateway's
		// platform listener; the basic-auth app still guards every call.
		if _, err := apiextensions.NewCustomResource(ctx, name+"-route", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("gateway.networking.k8s.io/v1"),
			Kind:       pulumi.String("HTTPRoute"),
			Metadata:   meta(Name),
			OtherFields: map[string]interface{}{"spec": map[string]interface{}{
				"parentRefs": []interface{}{map[string]interface{}{"name": r.Gateway, "namespace": r.Namespace, "sectionName": r.Listener}},
				"hostnames":  []interface{}{r.Hostname},
				"rules": []interface{}{map[string]interface{}{
					"backendRefs": []interface{}{map[string]interface{}{"name": Name, "port": Port}},
				}},
			}},
		}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{}, a.WaitFor...), r.After...))); err != nil {
			return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
		}
	}
	if a.Metrics {
		if err := podMonitor(ctx, name, a, meta, parent); err != nil {
			return nil, fmt.Errorf("creating MLflow %q: %w", name, err)
		}
	}
	comp.URL = pulumi.String(URL(a.Namespace)).ToStringOutput()
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{"url": comp.URL})
}

func labels(stack string) pulumi.StringMap {
	l := baseline.CommonLabels()
	l["app.kubernetes.io/instance"] = pulumi.String(stack)
	l["app.kubernetes.io/name"] = pulumi.String(Name)
	l["app.kubernetes.io/version"] = pulumi.String(Version)
	return l
}

func selector() pulumi.StringMap {
	return pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(Name)}
}

// ServerArgs are the `mlflow server` arguments start.py runs. The backend
// store and the auth configuration come from start.py's environment.
func ServerArgs() []string {
	return []string{
		"mlflow", "server",
		"--host", "0.0.0.0", "--port", strconv.Itoa(Port), "--workers", strconv.Itoa(Workers),
		// Clients never touch the bucket: the server proxies artifacts with
		// its own identity (--serve-artifacts is the default; named here).
		"--serve-artifacts",
		"--app-name", "basic-auth",
		"--expose-prometheus", RunDir + "/metrics",
	}
}

// deploymentSpec runs start.py on the system group under the restricted
// Pod Security Standard with a read-only root, restarted when its
// start script changes.
func deploymentSpec(stack string, a Args) appsv1.DeploymentSpecArgs {
	env := corev1.EnvVarArray{}
	add := func(k string, v pulumi.StringInput) {
		env = append(env, corev1.EnvVarArgs{Name: pulumi.String(k), Value: v})
	}
	fromSecret := func(k string) {
		env = append(env, corev1.EnvVarArgs{Name: pulumi.String(k), ValueFrom: corev1.EnvVarSourceArgs{
			SecretKeyRef: corev1.SecretKeySelectorArgs{Name: pulumi.String(Name + "-auth"), Key: pulumi.String(k)},
		}})
	}
	d := a.Database
	add("HOME", pulumi.String(RunDir))
	add("MLPLATFORM_RUN_DIR", pulumi.String(RunDir))
	add("MLPLATFORM_PORT", pulumi.String(strconv.Itoa(Port)))
	add("MLPLATFORM_DB_SECRET_SOURCE", pulumi.String(string(d.Store)))
	add("MLPLATFORM_DB_SECRET", d.SecretRef)
	add("MLPLATFORM_DB_HOST", d.Host)
	add("MLPLATFORM_DB_PORT", d.Port.ToIntOutput().ApplyT(strconv.Itoa).(pulumi.StringOutput))
	add("MLPLATFORM_DB_NAME", pulumi.String(d.Name))
	if d.Username != "" {
		add("MLPLATFORM_DB_USER", pulumi.String(d.Username))
	}
	add("MLPLATFORM_DB_SECRET_POLL_SECONDS", pulumi.String(strconv.Itoa(SecretPollSeconds)))
	add("MLPLATFORM_DEFAULT_PERMISSION", pulumi.String(a.DefaultPermission))
	add("MLPLATFORM_METRICS_USERNAME", pulumi.String(MetricsUsername))
	fromSecret("MLPLATFORM_METRICS_PASSWORD")
	add("MLFLOW_AUTH_ADMIN_USERNAME", pulumi.String(AdminUsername))
	fromSecret("MLFLOW_AUTH_ADMIN_PASSWORD")
	fromSecret("MLFLOW_FLASK_SERVER_SECRET_KEY")
	add("MLFLOW_ARTIFACTS_DESTINATION", a.ArtifactsDestination)
	add("MLFLOW_SERVER_ALLOWED_HOSTS", pulumi.String(strings.Join(AllowedHosts(a.Namespace, a.Route), ",")))
	for _, k := range sortedKeys(a.Identity.Env) {
		add(k, pulumi.String(a.Identity.Env[k]))
	}
	podLabels := labels(stack)
	for k, v := range a.Identity.PodLabels {
		podLabels[k] = pulumi.String(v)
	}
	// Probes name localhost: the security middleware answers only the
	// allowed hosts, and the kubelet would send the pod's IP.
	probe := func(initial, period, failures int) corev1.ProbeArgs {
		return corev1.ProbeArgs{
			HttpGet: corev1.HTTPGetActionArgs{
				Path: pulumi.String("/health"), Port: pulumi.String("http"),
				HttpHeaders: corev1.HTTPHeaderArray{corev1.HTTPHeaderArgs{Name: pulumi.String("Host"), Value: pulumi.String("localhost")}},
			},
			InitialDelaySeconds: pulumi.Int(initial), PeriodSeconds: pulumi.Int(period), FailureThreshold: pulumi.Int(failures),
		}
	}
	res := pulumi.StringMap{"cpu": pulumi.Sprintf("%dm", CPUMillis), "memory": pulumi.Sprintf("%dMi", MemoryMi)}
	pod := corev1.PodSpecArgs{
		PriorityClassName:            pulumi.String(baseline.PriorityPlatform),
		ServiceAccountName:           pulumi.String(Name),
		AutomountServiceAccountToken: pulumi.Bool(false),
		NodeSelector:                 pulumi.StringMap{nodes.LabelKind: pulumi.String(nodes.KindSystem)},
		Tolerations: corev1.TolerationArray{corev1.TolerationArgs{
			Key: pulumi.String(nodes.CriticalAddonsTaint.Key), Operator: pulumi.String("Exists"), Effect: pulumi.String(nodes.CriticalAddonsTaint.Effect),
		}},
		SecurityContext: corev1.PodSecurityContextArgs{
			RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(User), RunAsGroup: pulumi.Int(User), FsGroup: pulumi.Int(User),
			SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Containers: corev1.ContainerArray{corev1.ContainerArgs{
			Name:    pulumi.String(Name),
			Image:   pulumi.String(Image),
			Command: pulumi.StringArray{pulumi.String("python"), pulumi.String(ScriptDir + "/start.py")},
			Args:    pulumi.ToStringArray(ServerArgs()),
			Env:     env,
			Ports:   corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(Port), Protocol: pulumi.String("TCP")}},
			Resources: corev1.ResourceRequirementsArgs{
				Requests: res, Limits: pulumi.StringMap{"memory": pulumi.Sprintf("%dMi", MemoryMi)},
			},
			SecurityContext: corev1.SecurityContextArgs{
				AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true), RunAsNonRoot: pulumi.Bool(true),
				Capabilities: corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
			},
			StartupProbe:   probe(5, 5, 60),
			ReadinessProbe: probe(0, 10, 3),
			LivenessProbe:  probe(0, 20, 3),
			VolumeMounts: corev1.VolumeMountArray{
				corev1.VolumeMountArgs{Name: pulumi.String("run"), MountPath: pulumi.String(RunDir)},
				corev1.VolumeMountArgs{Name: pulumi.String("start"), MountPath: pulumi.String(ScriptDir), ReadOnly: pulumi.Bool(true)},
			},
		}},
		Volumes: corev1.VolumeArray{
			corev1.VolumeArgs{Name: pulumi.String("run"), EmptyDir: corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("1Gi")}},
			corev1.VolumeArgs{Name: pulumi.String("start"), ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(Name + "-start")}},
		},
	}
	if a.Replicas > 1 {
		pod.TopologySpreadConstraints = corev1.TopologySpreadConstraintArray{corev1.TopologySpreadConstraintArgs{
			MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String("kubernetes.io/hostname"), WhenUnsatisfiable: pulumi.String("ScheduleAnyway"),
			LabelSelector: metav1.LabelSelectorArgs{MatchLabels: selector()},
		}}
	}
	sum := sha256.Sum256([]byte(startScript))
	return appsv1.DeploymentSpecArgs{
		Replicas: pulumi.Int(a.Replicas),
		Selector: metav1.LabelSelectorArgs{MatchLabels: selector()},
		Template: corev1.PodTemplateSpecArgs{
			Metadata: metav1.ObjectMetaArgs{
				Labels:      podLabels,
				Annotations: pulumi.StringMap{"mlplatform.pangea.ai/start-sha256": pulumi.String(hex.EncodeToString(sum[:]))},
			},
			Spec: pod,
		},
	}
}

// policies admit the client namespaces (and Prometheus) to the server's
// port, let the server reach its database, and let each client namespace
// reach the server: the baseline denies everything else.
func policies(ctx *pulumi.Context, name string, a Args, opts ...pulumi.ResourceOption) error {
	tcp := func(port int) networkingv1.NetworkPolicyPortArray {
		return networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(port)}}
	}
	nsPeer := func(ns string) networkingv1.NetworkPolicyPeerArgs {
		return networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{baseline.NamespaceNameLabel: pulumi.String(ns)}}}
	}
	server := metav1.LabelSelectorArgs{MatchLabels: selector()}
	callers := networkingv1.NetworkPolicyPeerArray{nsPeer(baseline.NamespaceMonitoring)}
	for _, ns := range a.ClientNamespaces {
		callers = append(callers, nsPeer(ns))
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-callers", &networkingv1.NetworkPolicyArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(Name + "-callers"), Namespace: pulumi.String(a.Namespace), Labels: labels(ctx.Stack())},
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: server, PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{From: callers, Ports: tcp(Port)}},
		},
	}, opts...); err != nil {
		return err
	}
	db := networkingv1.NetworkPolicyPeerArray{}
	for _, c := range a.Database.CIDRs {
		db = append(db, networkingv1.NetworkPolicyPeerArgs{IpBlock: networkingv1.IPBlockArgs{Cidr: pulumi.String(c)}})
	}
	if len(db) == 0 {
		db = append(db, networkingv1.NetworkPolicyPeerArgs{IpBlock: networkingv1.IPBlockArgs{Cidr: pulumi.String("0.0.0.0/0")}})
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-database", &networkingv1.NetworkPolicyArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(Name + "-database"), Namespace: pulumi.String(a.Namespace), Labels: labels(ctx.Stack())},
		Spec: networkingv1.NetworkPolicySpecArgs{
			PodSelector: server, PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{To: db, Ports: tcp(a.Database.DatabasePort)}},
		},
	}, opts...); err != nil {
		return err
	}
	for _, ns := range a.ClientNamespaces {
		if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-from-"+ns, &networkingv1.NetworkPolicyArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("allow-egress-mlflow"), Namespace: pulumi.String(ns), Labels: labels(ctx.Stack())},
			Spec: networkingv1.NetworkPolicySpecArgs{
				PodSelector: metav1.LabelSelectorArgs{}, PolicyTypes: pulumi.StringArray{pulumi.String("Egress")},
				Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
					To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
						NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{baseline.NamespaceNameLabel: pulumi.String(a.Namespace)}},
						PodSelector:       server,
					}},
					Ports: tcp(Port),
				}},
			},
		}, opts...); err != nil {
			return err
		}
	}
	return nil
}

// podMonitor scrapes /metrics with the metrics user's credentials, which
// the PodMonitor reads from a Secret in its own namespace.
func podMonitor(ctx *pulumi.Context, name string, a Args, meta func(string) metav1.ObjectMetaArgs, parent pulumi.ResourceOption) error {
	creds, err := corev1.NewSecret(ctx, name+"-metrics", &corev1.SecretArgs{
		Metadata: meta(Name + "-metrics"),
		Type:     pulumi.String("kubernetes.io/basic-auth"),
		StringData: pulumi.StringMap{
			"username": pulumi.String(MetricsUsername),
			"password": pulumi.ToSecret(a.FlaskSecretKey.ToStringOutput().ApplyT(metricsPasswordOf)).(pulumi.StringOutput),
		},
	}, parent, pulumi.DependsOn(a.WaitFor))
	if err != nil {
		return err
	}
	_, err = apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PodMonitor"),
		Metadata:   meta(Name),
		OtherFields: map[string]interface{}{"spec": map[string]interface{}{
			"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"app.kubernetes.io/name": Name}},
			"podMetricsEndpoints": []interface{}{map[string]interface{}{
				"port": "http", "path": "/metrics", "interval": "30s",
				"basicAuth": map[string]interface{}{
					"username": map[string]interface{}{"name": Name + "-metrics", "key": "username"},
					"password": map[string]interface{}{"name": Name + "-metrics", "key": "password"},
				},
			}},
		}},
	}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{creds}, a.WaitFor...), a.MetricsAfter...)))
	return err
}

func metricsPasswordOf(k string) string {
	sum := sha256.Sum256([]byte("mlplatform-mlflow-metrics\x00" + k))
	return hex.EncodeToString(sum[:])
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
