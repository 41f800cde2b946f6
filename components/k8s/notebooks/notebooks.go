package notebooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Type is the component's type token.
const Type = "mlplatform:k8s:Notebooks"

const (
	// ReleaseName is the Helm release; the chart names its objects after
	// it (hub, proxy-public, ...).
	ReleaseName = "jupyterhub"
	// ServiceAccount is what every notebook runs as: the notebook identity.
	ServiceAccount = "notebook"
	// OAuthSecret holds the OAuth client secret as chart values the hub
	// merges over its own (hub.existingSecret; zero-to-jupyterhub 4.4.0
	// jupyterhub/files/hub/z2jh.py merges existing-secret/values.yaml).
	OAuthSecret = "jupyterhub-oauth"
	// HubPort is the hub's API and metrics port (templates/hub/service.yaml).
	HubPort = 8081
	// UserUID and UserGID are the notebook user (the chart's singleuser.uid
	// and fsGid defaults, the images' jovyan user).
	UserUID = 1000
	UserGID = 100
	// Image is the notebook image: the chart's own at its release
	// (values.yaml singleuser.image). Teams bring richer images through
	// their profiles later; this one is pinned and known to start.
	ImageName = "quay.io/jupyterhub/k8s-singleuser-sample"
	ImageTag  = "4.4.0"
	// UserTolerationKey is the chart's user-pod toleration
	// (scheduling.userPods.tolerations: hub.jupyter.org/dedicated=user),
	// which a profile's own tolerations list replaces (kubespawner 7.0.0
	// _apply_overrides replaces lists), so each profile repeats it.
	UserTolerationKey = "hub.jupyter.org/dedicated"
)

// Auth is the hub's single sign-on: exactly one of GitHub and Entra.
type Auth struct {
	GitHub *GitHub
	Entra  *Entra
}

// GitHub admits the members of an organisation through a GitHub OAuth app.
type GitHub struct{ Organization, ClientID string }

// Entra admits the members of groups through an Entra ID app registration.
type Entra struct {
	TenantID, ClientID string
	AllowedGroups      []string
}

// Profile is one notebook size a user picks when starting.
type Profile struct {
	// Group is the node group the notebook runs on.
	Group string
	// GPU takes one GPU (a slice of one when Shared).
	GPU, Shared bool
	// CPU and Memory are the notebook's guarantee and limit ("2", "8G").
	CPU, Memory string
	// Taints are the group's own taints, tolerated (the GPU taint is
	// added for GPU profiles).
	Taints []nodes.Taint
}

// Identity is the notebook service account's cloud identity.
type Identity struct {
	ServiceAccountAnnotations pulumi.StringMapInput
	PodLabels                 map[string]string
}

// Args configure Notebooks.
type Args struct {
	// Namespace holds the hub, proxy and notebooks. Required; it must exist.
	Namespace string
	// Auth and CallbackURL configure sign-in; ClientSecret is the OAuth
	// app's secret, a Pulumi secret. Required.
	Auth         Auth
	CallbackURL  string
	ClientSecret pulumi.StringInput
	// HomeGiB sizes each user's home on StorageClass.
	HomeGiB      int
	StorageClass string
	// IdleTimeoutMinutes stops idle notebooks.
	IdleTimeoutMinutes int
	// Profiles are the sizes offered, the first the default. Required.
	Profiles []Profile
	// Identity is the notebooks' cloud identity.
	Identity Identity
	// MLflowURL is put in every notebook as MLFLOW_TRACKING_URI;
	// MLflowNamespace is the namespace notebooks may reach it in.
	MLflowURL, MLflowNamespace string
	// MLflowPort is the port the notebooks' egress policy opens to MLflow.
	MLflowPort int
	// WaitFor must exist first (the namespace, the storage class).
	WaitFor []pulumi.Resource
	// Metrics adds a ServiceMonitor on the hub, after MetricsAfter.
	Metrics      bool
	MetricsAfter []pulumi.Resource
}

// Notebooks is JupyterHub and what it needs.
type Notebooks struct {
	pulumi.ResourceState
	// Release is the chart's release.
	Release pulumi.Resource
}

func (a *Args) check() error {
	var p []string
	if a.Namespace == "" || a.ClientSecret == nil || a.StorageClass == "" || a.MLflowURL == "" || a.MLflowNamespace == "" || a.MLflowPort == 0 {
		p = append(p, "Namespace, ClientSecret, StorageClass, MLflowURL, MLflowNamespace and MLflowPort are required")
	}
	if (a.Auth.GitHub == nil) == (a.Auth.Entra == nil) {
		p = append(p, "Auth needs exactly one of GitHub and Entra")
	}
	if !strings.HasPrefix(a.CallbackURL, "https://") || !strings.HasSuffix(a.CallbackURL, "/hub/oauth_callback") {
		p = append(p, fmt.Sprintf("CallbackURL %q must be https://<host>/hub/oauth_callback", a.CallbackURL))
	}
	if a.HomeGiB < 1 || a.IdleTimeoutMinutes < 1 {
		p = append(p, "HomeGiB and IdleTimeoutMinutes must be positive")
	}
	if len(a.Profiles) == 0 {
		p = append(p, "Profiles is empty: users could start no notebook")
	}
	if len(p) > 0 {
		return fmt.Errorf("%s", strings.Join(p, "; "))
	}
	return nil
}

// New creates the notebook service account, the OAuth secret, the chart
// release and, with Metrics, the hub's ServiceMonitor.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Notebooks, error) {
	if args == nil {
		return nil, fmt.Errorf("creating notebooks %q: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating notebooks %q: %w", name, err)
	}
	a := *args
	comp := &Notebooks{}
	if err := ctx.RegisterComponentResource(Type, name, comp, opts...); err != nil {
		return nil, err
	}
	parent, after := pulumi.Parent(comp), pulumi.DependsOn(a.WaitFor)
	labels := baseline.CommonLabels()
	labels["app.kubernetes.io/instance"] = pulumi.String(ctx.Stack())
	sa, err := corev1.NewServiceAccount(ctx, name+"-notebook", &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{
			Name: pulumi.String(ServiceAccount), Namespace: pulumi.String(a.Namespace), Labels: labels,
			Annotations: a.Identity.ServiceAccountAnnotations,
		},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("creating notebooks %q: %w", name, err)
	}
	secret, err := corev1.NewSecret(ctx, name+"-oauth", &corev1.SecretArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(OAuthSecret), Namespace: pulumi.String(a.Namespace), Labels: labels},
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"values.yaml": pulumi.ToSecret(a.ClientSecret.ToStringOutput().ApplyT(func(s string) (string, error) {
			return SecretValues(a.Auth, s)
		})).(pulumi.StringOutput)},
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("creating notebooks %q: %w", name, err)
	}
	rel, err := charts.Install(ctx, name, charts.JupyterHub, ReleaseName, a.Namespace, Values(a), parent,
		pulumi.DependsOn(append([]pulumi.Resource{sa, secret}, a.WaitFor...)))
	if err != nil {
		return nil, err
	}
	comp.Release = rel
	if a.Metrics {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-hub-metrics", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
			Kind:       pulumi.String("ServiceMonitor"),
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String("jupyterhub-hub"), Namespace: pulumi.String(a.Namespace), Labels: labels},
			OtherFields: map[string]interface{}{"spec": map[string]interface{}{
				// The hub's Service (templates/hub/service.yaml): legacy labels
				// component and app, port "hub".
				"selector":  map[string]interface{}{"matchLabels": map[string]interface{}{"component": "hub", "app": "jupyterhub", "release": ReleaseName}},
				"endpoints": []interface{}{map[string]interface{}{"port": "hub", "path": "/hub/metrics", "interval": "30s"}},
			}},
		}, parent, pulumi.DependsOn(append(append([]pulumi.Resource{rel}, a.WaitFor...), a.MetricsAfter...))); err != nil {
			return nil, fmt.Errorf("creating notebooks %q: %w", name, err)
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

// SecretValues are the chart values kept out of the release: the OAuth
// client secret under the authenticator's class.
func SecretValues(auth Auth, clientSecret string) (string, error) {
	class := "GitHubOAuthenticator"
	if auth.Entra != nil {
		class = "AzureAdOAuthenticator"
	}
	b, err := yaml.Marshal(map[string]interface{}{"hub": map[string]interface{}{"config": map[string]interface{}{
		class: map[string]interface{}{"client_secret": clientSecret},
	}}})
	return string(b), err
}

// Values are the chart values. Every key is in zero-to-jupyterhub 4.4.0's
// values.yaml (shared/upstream/charts/jupyterhub/4.4.0), checked by
// TestHelmValuesExistUpstream against that file and its strict schema.
func Values(a Args) map[string]interface{} {
	system := map[string]interface{}{"nodeSelector": nodes.SystemSelector(), "tolerations": nodes.SystemTolerations()}
	hubConfig := map[string]interface{}{
		"KubeSpawner": map[string]interface{}{
			// The restricted Pod Security Standard: kubespawner 7.0.0's
			// container_security_context and pod_security_context
			// (kubespawner/spawner.py) win over uid and
			// allow_privilege_escalation.
			"container_security_context": map[string]interface{}{
				"runAsUser": UserUID, "runAsGroup": UserGID, "runAsNonRoot": true, "allowPrivilegeEscalation": false,
				"capabilities": map[string]interface{}{"drop": []interface{}{"ALL"}},
			},
			"pod_security_context": map[string]interface{}{
				"fsGroup": UserGID, "runAsNonRoot": true, "seccompProfile": map[string]interface{}{"type": "RuntimeDefault"},
			},
		},
	}
	switch {
	case a.Auth.GitHub != nil:
		hubConfig["JupyterHub"] = map[string]interface{}{"authenticator_class": "github"}
		hubConfig["GitHubOAuthenticator"] = map[string]interface{}{
			"client_id": a.Auth.GitHub.ClientID, "oauth_callback_url": a.CallbackURL,
			"allowed_organizations": []interface{}{a.Auth.GitHub.Organization},
			// Private memberships count only with read:org
			// (docs/source/administrator/authentication.md, GitHub).
			"scope": []interface{}{"read:org"},
		}
	case a.Auth.Entra != nil:
		groups := make([]interface{}, 0, len(a.Auth.Entra.AllowedGroups))
		for _, g := range a.Auth.Entra.AllowedGroups {
			groups = append(groups, g)
		}
		hubConfig["JupyterHub"] = map[string]interface{}{"authenticator_class": "azuread"}
		hubConfig["AzureAdOAuthenticator"] = map[string]interface{}{
			"tenant_id": a.Auth.Entra.TenantID, "client_id": a.Auth.Entra.ClientID, "oauth_callback_url": a.CallbackURL,
			"allowed_groups": groups, "manage_groups": true,
			// The default claim is the display name, which is neither unique
			// nor stable (oauthenticator 17.4.0 azuread.py); the object id is.
			"username_claim": "oid",
		}
	}
	hub := map[string]interface{}{
		"config": hubConfig, "existingSecret": OAuthSecret,
		"nodeSelector": system["nodeSelector"], "tolerations": system["tolerations"],
		// Metrics without a token, reachable only from monitoring: the
		// policy below admits that namespace to the hub's port.
		"authenticatePrometheus": false,
		"networkPolicy": map[string]interface{}{"ingress": []interface{}{map[string]interface{}{
			"ports": []interface{}{map[string]interface{}{"port": "http"}},
			"from": []interface{}{map[string]interface{}{"namespaceSelector": map[string]interface{}{
				"matchLabels": map[string]interface{}{baseline.NamespaceNameLabel: baseline.NamespaceMonitoring}}}},
		}}},
	}
	var profiles []interface{}
	for i, p := range a.Profiles {
		profiles = append(profiles, profile(p, i == 0))
	}
	singleuser := map[string]interface{}{
		"image":                    map[string]interface{}{"name": ImageName, "tag": ImageTag},
		"uid":                      UserUID,
		"fsGid":                    UserGID,
		"allowPrivilegeEscalation": false,
		"serviceAccountName":       ServiceAccount,
		// The chart's iptables init container runs privileged as root,
		// which the restricted standard refuses; the network policy keeps
		// notebooks from the metadata server instead.
		"cloudMetadata": map[string]interface{}{"blockWithIptables": false},
		"storage": map[string]interface{}{
			"type": "dynamic", "capacity": fmt.Sprintf("%dGi", a.HomeGiB),
			"dynamic": map[string]interface{}{"storageClass": a.StorageClass},
		},
		"extraEnv": map[string]interface{}{"MLFLOW_TRACKING_URI": a.MLflowURL},
		"networkPolicy": map[string]interface{}{
			"egressAllowRules": map[string]interface{}{
				"cloudMetadataServer": false, "privateIPs": false, "nonPrivateIPs": false,
			},
			// HTTPS anywhere but the metadata server (the artifact store,
			// package mirrors), and MLflow.
			"egress": []interface{}{
				map[string]interface{}{
					"ports": []interface{}{map[string]interface{}{"port": 443, "protocol": "TCP"}},
					"to":    []interface{}{map[string]interface{}{"ipBlock": map[string]interface{}{"cidr": "0.0.0.0/0", "except": []interface{}{"169.254.169.254/32"}}}},
				},
				map[string]interface{}{
					"ports": []interface{}{map[string]interface{}{"port": a.MLflowPort, "protocol": "TCP"}},
					"to": []interface{}{map[string]interface{}{
						"namespaceSelector": map[string]interface{}{"matchLabels": map[string]interface{}{baseline.NamespaceNameLabel: a.MLflowNamespace}},
					}},
				},
			},
		},
		"profileList": profiles,
	}
	if len(a.Identity.PodLabels) > 0 {
		extra := map[string]interface{}{"hub.jupyter.org/network-access-hub": "true"}
		for _, k := range sortedKeys(a.Identity.PodLabels) {
			extra[k] = a.Identity.PodLabels[k]
		}
		singleuser["extraLabels"] = extra
	}
	return map[string]interface{}{
		"hub":        hub,
		"proxy":      map[string]interface{}{"service": map[string]interface{}{"type": "ClusterIP"}, "chp": system},
		"singleuser": singleuser,
		// The user scheduler (kube-scheduler v1.30.14) and placeholders
		// pack users onto few nodes; the cluster autoscaler does this
		// platform's packing, and an old scheduler is one more thing to keep.
		"scheduling": map[string]interface{}{
			"userScheduler":   map[string]interface{}{"enabled": false},
			"userPlaceholder": map[string]interface{}{"enabled": false},
		},
		// The pre-pullers run on every node, GPU nodes included, and keep
		// them from scaling to zero.
		"prePuller": map[string]interface{}{
			"hook": map[string]interface{}{"enabled": false}, "continuous": map[string]interface{}{"enabled": false},
		},
		"cull": map[string]interface{}{"enabled": true, "timeout": a.IdleTimeoutMinutes * 60, "every": 600},
	}
}

// profile is one profileList entry (kubespawner 7.0.0 profile_list):
// pinned to its group, tolerating the chart's user toleration (which its
// own list replaces), the GPU taint when it takes a GPU, and the group's
// taints.
func profile(p Profile, first bool) map[string]interface{} {
	tolerations := []interface{}{map[string]interface{}{"key": UserTolerationKey, "operator": "Equal", "value": "user", "effect": "NoSchedule"}}
	gpus := 0
	if p.GPU {
		gpus = 1
	}
	selector, tol := nodes.Placement(p.Group, gpus, p.Taints)
	tolerations = append(tolerations, tol...)
	override := map[string]interface{}{
		"node_selector": selector, "tolerations": tolerations,
		"cpu_guarantee": cpuFloat(p.CPU), "cpu_limit": cpuFloat(p.CPU), "mem_guarantee": p.Memory, "mem_limit": p.Memory,
	}
	kind, what := "cpu", fmt.Sprintf("%s CPU, %s memory", p.CPU, p.Memory)
	if p.GPU {
		override["extra_resource_limits"] = map[string]interface{}{nodes.GPUResource: "1"}
		kind, what = "gpu", what+", one GPU"
		if p.Shared {
			kind, what = "shared-gpu", what+" slice, shared with other notebooks"
		}
	}
	return map[string]interface{}{
		"display_name":         fmt.Sprintf("%s on %s", strings.ToUpper(kind[:1])+kind[1:], p.Group),
		"slug":                 kind + "-" + p.Group,
		"description":          what,
		"default":              first,
		"kubespawner_override": override,
	}
}

func cpuFloat(s string) float64 {
	var f float64
	if strings.HasSuffix(s, "m") {
		fmt.Sscanf(strings.TrimSuffix(s, "m"), "%g", &f)
		return f / 1000
	}
	fmt.Sscanf(s, "%g", &f)
	return f
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
