package serving

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// Drift and fairness: TrustyAI's service (trustyai-explainability,
// Apache-2.0) receives the payload filter's kept records, pairs each
// request with its response, and exports statistical parity difference,
// disparate impact ratio and the meanshift drift test per feature to
// Prometheus. Its operator assumes OpenShift (an OAuth proxy and service-CA
// certificates, controllers/tas/templates/service at v1.38.0), so the
// toolkit deploys the service itself, with certificates from cert-manager,
// and keeps its metric requests scheduled with a registrar beside it.
const (
	// QualityServiceName names TrustyAI's Deployment, Service, service
	// account and data volume in the serving namespace.
	QualityServiceName = "trustyai-service"
	// TrustyAIServiceImage is the service's release v0.28.0, the image
	// trustyai-service-operator v1.38.0 deploys (config/base/params.env
	// trustyaiServiceImage). That the tag exists on quay.io could not be
	// checked offline.
	TrustyAIServiceImage = "quay.io/trustyai/trustyai-service:v0.28.0"
	// TrustyAIUser is the user the image runs as: its Dockerfile (v0.28.0)
	// builds on registry.access.redhat.com/ubi8/openjdk-17-runtime with
	// ARG USER=185, the base image's default user.
	TrustyAIUser = 185
	// TrustyAIHTTPPort serves the API, health (/q/health/live, /ready) and
	// metrics (/q/metrics) in plain HTTP; TrustyAIHTTPSPort serves the same
	// with the certificate at /etc/tls/internal/tls.{crt,key}
	// (explainability-service/src/main/resources/application.properties
	// quarkus.http.ssl-port, quarkus.http.ssl.certificate.files).
	TrustyAIHTTPPort  = 8080
	TrustyAIHTTPSPort = 4443
	// TrustyAICertDir is where the service reads its certificate.
	TrustyAICertDir = "/etc/tls/internal"
	// TrustyAIDataDir holds its data on the volume (STORAGE_DATA_FOLDER;
	// the operator's template mounts the PVC at the same variable).
	TrustyAIDataDir = "/inputs"
	// TrustyAIBatchSize is how many of the latest rows each metric reads:
	// the operator's default (controllers/tas/deployment.go
	// defaultBatchSize).
	TrustyAIBatchSize = 5000
	// TrustyAIMetricsSchedule is how often the metrics are recomputed
	// (SERVICE_METRICS_SCHEDULE, a Quarkus @Scheduled "every" period,
	// prometheus/PrometheusScheduler.java).
	TrustyAIMetricsSchedule = "30s"

	// QualityTLSSecret holds TrustyAI's serving certificate; clients mount
	// only its ca.crt.
	QualityTLSSecret = QualityServiceName + "-tls"
	// QualityCASecret holds the CA that signs it.
	QualityCASecret = QualityServiceName + "-ca"
	// QualityRegistrarName names the registrar's container and ConfigMap.
	QualityRegistrarName = "trustyai-registrar"

	// StorageInitializerImage downloads a model's reference dataset with
	// the model's own identity, as KServe downloads the model: the
	// kserve-resources chart v0.20.0's storageInitializer image
	// (values.yaml kserve.storage.image, its tag defaulting to
	// kserve.version v0.20.0 in charts/_common/common-patches/
	// configmap-patch.yaml storageInitializer). It runs
	// as user 1000 (python/storage-initializer.Dockerfile USER 1000) and
	// takes <source URI> <destination> (its initializer-entrypoint).
	StorageInitializerImage = "docker.io/kserve/storage-initializer:v0.20.0"
	StorageInitializerUser  = 1000
)

// Quality is what a logging model measures of its traffic.
type Quality struct {
	// Reference is the reference dataset's path inside the model's storage
	// folder; set, drift is measured against it with DriftThreshold.
	Reference      string
	DriftThreshold float64
	// Fairness, when set, measures group fairness.
	Fairness *Fairness
}

// Fairness is one protected attribute's group-fairness metrics and their
// limits.
type Fairness struct {
	ProtectedAttribute                  string
	Privileged, Unprivileged, Favorable float64
	// DecisionThreshold, when set, turns scores into 0/1 decisions.
	DecisionThreshold *float64
	// SPDLimit bounds |SPD|; DIRLow and DIRHigh bound DIR.
	SPDLimit, DIRLow, DIRHigh float64
}

// QualityModels are the models with drift or fairness metrics, sorted.
func QualityModels(models []Model) []Model {
	var out []Model
	for _, m := range models {
		if m.Payloads != nil && m.Payloads.Quality != nil {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Model) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// QualityURL is TrustyAI's HTTPS endpoint in namespace, the name its
// certificate carries.
func QualityURL(namespace string) string {
	return fmt.Sprintf("https://%s.%s.svc:443", QualityServiceName, namespace)
}

// QualityCAPath is where clients mount TrustyAI's CA.
const QualityCAPath = "/etc/trustyai-ca/ca.crt"

// qualityCAVolume mounts only ca.crt of the serving certificate's Secret
// (cert-manager writes the issuing CA there), never its key.
func qualityCAVolume() (corev1.VolumeArgs, corev1.VolumeMountArgs) {
	return corev1.VolumeArgs{
			Name: pulumi.String("trustyai-ca"),
			Secret: corev1.SecretVolumeSourceArgs{
				SecretName: pulumi.String(QualityTLSSecret),
				Items:      corev1.KeyToPathArray{corev1.KeyToPathArgs{Key: pulumi.String("ca.crt"), Path: pulumi.String("ca.crt")}},
			},
		}, corev1.VolumeMountArgs{
			Name: pulumi.String("trustyai-ca"), MountPath: pulumi.String(path.Dir(QualityCAPath)), ReadOnly: pulumi.Bool(true),
		}
}

// RegistrarModel is one model's entry of the registrar's configuration: the
// same JSON shape as cmd/payload-filter/filter's ModelQuality.
type RegistrarModel struct {
	Model    string             `json:"model"`
	Loggable []string           `json:"loggable"`
	Drift    *RegistrarDrift    `json:"drift,omitempty"`
	Fairness *RegistrarFairness `json:"fairness,omitempty"`
}

// RegistrarDrift is a model's drift request.
type RegistrarDrift struct {
	Threshold float64 `json:"threshold"`
}

// RegistrarFairness is a model's fairness requests.
type RegistrarFairness struct {
	ProtectedAttribute string  `json:"protectedAttribute"`
	Privileged         float64 `json:"privileged"`
	Unprivileged       float64 `json:"unprivileged"`
	Favorable          float64 `json:"favorable"`
	SPDLimit           float64 `json:"spdLimit"`
	DIRLow             float64 `json:"dirLow"`
}

// RegistrarConfig is the registrar's configuration for models.
func RegistrarConfig(models []Model) ([]byte, error) {
	entries := []RegistrarModel{}
	for _, m := range QualityModels(models) {
		q := m.Payloads.Quality
		e := RegistrarModel{Model: m.Name, Loggable: append([]string{}, m.Payloads.Loggable...)}
		if q.Reference != "" {
			e.Drift = &RegistrarDrift{Threshold: q.DriftThreshold}
		}
		if f := q.Fairness; f != nil {
			e.Fairness = &RegistrarFairness{ProtectedAttribute: f.ProtectedAttribute, Privileged: f.Privileged,
				Unprivileged: f.Unprivileged, Favorable: f.Favorable, SPDLimit: f.SPDLimit, DIRLow: f.DIRLow}
		}
		entries = append(entries, e)
	}
	return json.MarshalIndent(map[string]interface{}{"models": entries, "batchSize": TrustyAIBatchSize}, "", "  ")
}

// QualityType is the component's type token.
const QualityType = "mlplatform:k8s:ModelQuality"

// QualityArgs configure the drift and fairness service.
type QualityArgs struct {
	// Namespace is the serving namespace.
	Namespace string
	// Models are the namespace's models; those with Payloads.Quality are
	// measured.
	Models []Model
	// References are the reference datasets' storage URIs, by model, as
	// KServe's storage initializer takes them; Identities are the models'
	// identities, whose service accounts (named after the models) read
	// them.
	References map[string]pulumi.StringInput
	Identities map[string]Identity
	// StorageClass and StorageGiB size TrustyAI's data volume.
	StorageClass string
	StorageGiB   int
	// WaitFor are resources to create after (the namespace, cert-manager's
	// release with its CRDs).
	WaitFor []pulumi.Resource
	// ModelsReady are the models' service accounts, by model name: a
	// model's reference job runs as its model's account and waits for it
	// alone (waiting for every model's made the plan quadratic in them).
	ModelsReady map[string]pulumi.Resource
	// Metrics adds the PodMonitor and the alerting rules, after
	// MetricsAfter (their CRDs' release).
	Metrics      bool
	MetricsAfter []pulumi.Resource
}

// ModelQuality is TrustyAI's service and what keeps it fed and scheduled.
type ModelQuality struct {
	pulumi.ResourceState
	// Deployment is TrustyAI's.
	Deployment *appsv1.Deployment
}

// Resources of TrustyAI's container (requests; memory is also the limit)
// and the registrar's. Upstream's operator sets none for the service.
const (
	TrustyAICPUMillis   = 500
	TrustyAIMemoryMi    = 2048
	RegistrarCPUMillis  = 50
	RegistrarMemoryMi   = 64
	ReferenceCPUMillis  = 100
	ReferenceMemoryMi   = 256
	QualityStorageGiB   = 10
	qualityCertDuration = "2160h" // 90 days, renewed 30 days before
	qualityCertRenew    = "720h"
)

func (a *QualityArgs) check() error {
	var problems []string
	if a.Namespace == "" {
		problems = append(problems, "Namespace is required")
	}
	if a.StorageClass == "" {
		problems = append(problems, "StorageClass is required (TrustyAI's data volume)")
	}
	measured := QualityModels(a.Models)
	for _, m := range measured {
		if m.Payloads.Quality.Reference != "" && a.References[m.Name] == nil {
			problems = append(problems, fmt.Sprintf("model %s has a reference but References has no URI for it", m.Name))
		}
		if len(m.Payloads.Loggable) == 0 {
			problems = append(problems, fmt.Sprintf("model %s logs no feature: drift and fairness need at least one", m.Name))
		}
	}
	if len(measured) == 0 {
		problems = append(problems, "no model has Payloads.Quality")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%v", problems)
	}
	return nil
}

// NewModelQuality creates cert-manager's issuers and TrustyAI's
// certificate, its service account, data volume, Deployment (with the
// registrar), Service, one reference job per model with a reference, and,
// with Metrics, its PodMonitor and the model-quality alerting rules.
func NewModelQuality(ctx *pulumi.Context, name string, args *QualityArgs, opts ...pulumi.ResourceOption) (*ModelQuality, error) {
	if args == nil {
		return nil, fmt.Errorf("creating model quality %q: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("creating model quality %q: %w", name, err)
	}
	registrar, err := RegistrarConfig(args.Models)
	if err != nil {
		return nil, fmt.Errorf("creating model quality %q: %w", name, err)
	}
	comp := &ModelQuality{}
	if err := ctx.RegisterComponentResource(QualityType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent, after := pulumi.Parent(comp), pulumi.DependsOn(args.WaitFor)
	ns := args.Namespace
	meta := func(n string) metav1.ObjectMetaArgs {
		return metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: pulumi.String(ns), Labels: qualityLabels(ctx.Stack())}
	}
	custom := func(rname, apiVersion, kind, objName string, spec map[string]interface{}, deps []pulumi.Resource) (pulumi.Resource, error) {
		return apiextensions.NewCustomResource(ctx, rname, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(apiVersion), Kind: pulumi.String(kind), Metadata: meta(objName),
			OtherFields: map[string]interface{}{"spec": spec},
		}, parent, pulumi.DependsOn(deps))
	}

	// A namespace CA bootstrapped from a self-signed issuer, as cert-manager
	// documents for CA issuers (CRD fields from cert-manager v1.21.1's
	// crds.yaml): the CA outlives the serving certificate, so clients'
	// trust survives its renewals. PKCS#8 RSA keys, which Quarkus 3.8's PEM
	// reader takes.
	selfSigned, err := custom(name+"-selfsigned", "cert-manager.io/v1", "Issuer", QualityServiceName+"-selfsigned",
		map[string]interface{}{"selfSigned": map[string]interface{}{}}, args.WaitFor)
	if err != nil {
		return nil, err
	}
	key := map[string]interface{}{"algorithm": "RSA", "size": 2048, "encoding": "PKCS8", "rotationPolicy": "Always"}
	caCert, err := custom(name+"-ca", "cert-manager.io/v1", "Certificate", QualityCASecret, map[string]interface{}{
		"isCA": true, "commonName": QualityServiceName + "-ca", "secretName": QualityCASecret,
		"duration": "87600h", "renewBefore": "720h", "privateKey": key,
		"issuerRef": map[string]interface{}{"name": QualityServiceName + "-selfsigned", "kind": "Issuer", "group": "cert-manager.io"},
	}, []pulumi.Resource{selfSigned})
	if err != nil {
		return nil, err
	}
	caIssuer, err := custom(name+"-ca-issuer", "cert-manager.io/v1", "Issuer", QualityCASecret,
		map[string]interface{}{"ca": map[string]interface{}{"secretName": QualityCASecret}}, []pulumi.Resource{caCert})
	if err != nil {
		return nil, err
	}
	svcName := QualityServiceName
	cert, err := custom(name+"-tls", "cert-manager.io/v1", "Certificate", QualityTLSSecret, map[string]interface{}{
		"secretName": QualityTLSSecret, "duration": qualityCertDuration, "renewBefore": qualityCertRenew,
		"dnsNames":   []interface{}{svcName, svcName + "." + ns + ".svc", svcName + "." + ns + ".svc.cluster.local"},
		"usages":     []interface{}{"server auth", "digital signature", "key encipherment"},
		"privateKey": key,
		"issuerRef":  map[string]interface{}{"name": QualityCASecret, "kind": "Issuer", "group": "cert-manager.io"},
	}, []pulumi.Resource{caIssuer})
	if err != nil {
		return nil, err
	}

	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: meta(QualityServiceName), AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent, after)
	if err != nil {
		return nil, err
	}
	gib := args.StorageGiB
	if gib == 0 {
		gib = QualityStorageGiB
	}
	pvc, err := corev1.NewPersistentVolumeClaim(ctx, name+"-data", &corev1.PersistentVolumeClaimArgs{
		Metadata: meta(QualityServiceName + "-data"),
		Spec: corev1.PersistentVolumeClaimSpecArgs{
			AccessModes:      pulumi.StringArray{pulumi.String("ReadWriteOnce")},
			StorageClassName: pulumi.String(args.StorageClass),
			Resources:        corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.Sprintf("%dGi", gib)}},
		},
	}, parent, after)
	if err != nil {
		return nil, err
	}
	cm, err := corev1.NewConfigMap(ctx, name+"-registrar", &corev1.ConfigMapArgs{
		Metadata: meta(QualityRegistrarName), Data: pulumi.StringMap{"config.json": pulumi.String(registrar)},
	}, parent, after)
	if err != nil {
		return nil, err
	}
	d, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: meta(QualityServiceName),
		Spec:     qualitySpec(ctx.Stack(), string(registrar)),
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{sa, pvc, cm, cert}, args.WaitFor...)))
	if err != nil {
		return nil, err
	}
	comp.Deployment = d
	if _, err := corev1.NewService(ctx, name, &corev1.ServiceArgs{
		Metadata: meta(QualityServiceName),
		Spec: corev1.ServiceSpecArgs{
			Selector: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(QualityServiceName)},
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("https"), Port: pulumi.Int(443), TargetPort: pulumi.String("https"), Protocol: pulumi.String("TCP"),
			}},
		},
	}, parent, after); err != nil {
		return nil, err
	}
	for _, m := range QualityModels(args.Models) {
		if m.Payloads.Quality.Reference == "" {
			continue
		}
		if _, err := referenceJob(ctx, name+"-reference-"+m.Name, ns, m, args.References[m.Name], args.Identities[m.Name],
			parent, pulumi.DependsOn(jobAfter(args.ModelsReady[m.Name], d, cert))); err != nil {
			return nil, err
		}
	}
	if args.Metrics {
		if _, err := custom(name+"-metrics", "monitoring.coreos.com/v1", "PodMonitor", QualityServiceName, map[string]interface{}{
			"selector": map[string]interface{}{"matchLabels": map[string]interface{}{"app.kubernetes.io/name": QualityServiceName}},
			"podMetricsEndpoints": []interface{}{map[string]interface{}{
				"port": "http", "path": "/q/metrics", "interval": "30s",
				// Only TrustyAI's own series, as its operator's
				// ServiceMonitor keeps them (service-monitor-local.tmpl.yaml).
				"metricRelabelings": []interface{}{map[string]interface{}{
					"action": "keep", "sourceLabels": []interface{}{"__name__"}, "regex": "trustyai_.*",
				}},
			}},
		}, append([]pulumi.Resource{d}, args.MetricsAfter...)); err != nil {
			return nil, err
		}
		rules := QualityRules(ns, args.Models)
		if _, err := custom(name+"-rules", "monitoring.coreos.com/v1", "PrometheusRule", "mlplatform-"+rules.Name,
			map[string]interface{}{"groups": []interface{}{rules.Spec()}}, args.MetricsAfter); err != nil {
			return nil, err
		}
	}
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{})
}

func qualityLabels(stack string) pulumi.StringMap {
	l := payloadFilterLabels(stack)
	l["app.kubernetes.io/name"] = pulumi.String(QualityServiceName)
	return l
}

// restricted is the restricted Pod Security Standard's container context.
func restricted() corev1.SecurityContextArgs {
	return corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true), RunAsNonRoot: pulumi.Bool(true),
		Capabilities: corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
	}
}

// sized requests cpu millicores and mem MiB, and limits memory to it.
func sized(cpu, mem int) corev1.ResourceRequirementsArgs {
	return corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.Sprintf("%dm", cpu), "memory": pulumi.Sprintf("%dMi", mem)},
		Limits:   pulumi.StringMap{"memory": pulumi.Sprintf("%dMi", mem)},
	}
}

func systemTolerations() corev1.TolerationArray {
	return corev1.TolerationArray{corev1.TolerationArgs{
		Key: pulumi.String(nodes.CriticalAddonsTaint.Key), Operator: pulumi.String("Exists"), Effect: pulumi.String(nodes.CriticalAddonsTaint.Effect),
	}}
}

// qualitySpec runs TrustyAI and the registrar on the system group: one
// replica (its data volume is ReadWriteOnce, so a rollout stops the old pod
// first), under the restricted standard. The two containers share the
// process namespace and user so the registrar can restart TrustyAI when
// its certificate is renewed (payload-filter register -tls-cert).
func qualitySpec(stack, registrar string) appsv1.DeploymentSpecArgs {
	env := func(kv ...string) corev1.EnvVarArray {
		var out corev1.EnvVarArray
		for i := 0; i < len(kv); i += 2 {
			out = append(out, corev1.EnvVarArgs{Name: pulumi.String(kv[i]), Value: pulumi.String(kv[i+1])})
		}
		return out
	}
	probe := func(p string, initial int) corev1.ProbeArgs {
		return corev1.ProbeArgs{HttpGet: corev1.HTTPGetActionArgs{Path: pulumi.String(p), Port: pulumi.String("http")},
			InitialDelaySeconds: pulumi.Int(initial), PeriodSeconds: pulumi.Int(10), TimeoutSeconds: pulumi.Int(2)}
	}
	user := func(c corev1.SecurityContextArgs) corev1.SecurityContextArgs {
		c.RunAsUser, c.RunAsGroup = pulumi.Int(TrustyAIUser), pulumi.Int(TrustyAIUser)
		return c
	}
	mount := func(n, p string, ro bool) corev1.VolumeMountArgs {
		return corev1.VolumeMountArgs{Name: pulumi.String(n), MountPath: pulumi.String(p), ReadOnly: pulumi.Bool(ro)}
	}
	selector := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(QualityServiceName)}
	pod := corev1.PodSpecArgs{
		PriorityClassName:            pulumi.String(PriorityClass),
		ServiceAccountName:           pulumi.String(QualityServiceName),
		AutomountServiceAccountToken: pulumi.Bool(false),
		ShareProcessNamespace:        pulumi.Bool(true),
		NodeSelector:                 pulumi.StringMap{nodes.LabelKind: pulumi.String(nodes.KindSystem)},
		Tolerations:                  systemTolerations(),
		SecurityContext: corev1.PodSecurityContextArgs{
			RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(TrustyAIUser), RunAsGroup: pulumi.Int(TrustyAIUser), FsGroup: pulumi.Int(TrustyAIUser),
			SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Containers: corev1.ContainerArray{
			corev1.ContainerArgs{
				Name:  pulumi.String(QualityServiceName),
				Image: pulumi.String(TrustyAIServiceImage),
				// The operator's PVC settings (controllers/tas/templates/
				// service/deployment.tmpl.yaml at v1.38.0): data as CSV on
				// the volume, the database off.
				Env: env("SERVICE_STORAGE_FORMAT", "PVC", "STORAGE_DATA_FOLDER", TrustyAIDataDir, "STORAGE_DATA_FILENAME", "data.csv",
					"SERVICE_DATA_FORMAT", "CSV", "QUARKUS_HIBERNATE_ORM_ACTIVE", "false",
					"SERVICE_METRICS_SCHEDULE", TrustyAIMetricsSchedule, "SERVICE_BATCH_SIZE", strconv.Itoa(TrustyAIBatchSize)),
				Ports: corev1.ContainerPortArray{
					corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(TrustyAIHTTPPort), Protocol: pulumi.String("TCP")},
					corev1.ContainerPortArgs{Name: pulumi.String("https"), ContainerPort: pulumi.Int(TrustyAIHTTPSPort), Protocol: pulumi.String("TCP")},
				},
				Resources:       sized(TrustyAICPUMillis, TrustyAIMemoryMi),
				SecurityContext: restricted(),
				ReadinessProbe:  probe("/q/health/ready", 10),
				LivenessProbe:   probe("/q/health/live", 30),
				VolumeMounts: corev1.VolumeMountArray{
					mount("tls", TrustyAICertDir, true), mount("data", TrustyAIDataDir, false), mount("tmp", "/tmp", false),
				},
			},
			corev1.ContainerArgs{
				Name:  pulumi.String(QualityRegistrarName),
				Image: pulumi.String(PayloadFilterImage),
				Args: pulumi.StringArray{pulumi.String("register"), pulumi.String("-config=/etc/trustyai-registrar/config.json"),
					pulumi.Sprintf("-service=http://127.0.0.1:%d", TrustyAIHTTPPort),
					pulumi.String("-tls-cert=" + TrustyAICertDir + "/tls.crt"), pulumi.Sprintf("-tls-addr=127.0.0.1:%d", TrustyAIHTTPSPort)},
				Resources:       sized(RegistrarCPUMillis, RegistrarMemoryMi),
				SecurityContext: user(restricted()),
				VolumeMounts: corev1.VolumeMountArray{
					mount("registrar", "/etc/trustyai-registrar", true), mount("tls", TrustyAICertDir, true),
				},
			},
		},
		Volumes: corev1.VolumeArray{
			corev1.VolumeArgs{Name: pulumi.String("tls"), Secret: corev1.SecretVolumeSourceArgs{
				SecretName: pulumi.String(QualityTLSSecret),
				Items: corev1.KeyToPathArray{
					corev1.KeyToPathArgs{Key: pulumi.String("tls.crt"), Path: pulumi.String("tls.crt")},
					corev1.KeyToPathArgs{Key: pulumi.String("tls.key"), Path: pulumi.String("tls.key")},
				},
			}},
			corev1.VolumeArgs{Name: pulumi.String("data"), PersistentVolumeClaim: corev1.PersistentVolumeClaimVolumeSourceArgs{ClaimName: pulumi.String(QualityServiceName + "-data")}},
			corev1.VolumeArgs{Name: pulumi.String("tmp"), EmptyDir: corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("1Gi")}},
			corev1.VolumeArgs{Name: pulumi.String("registrar"), ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(QualityRegistrarName)}},
		},
	}
	return appsv1.DeploymentSpecArgs{
		Replicas: pulumi.Int(1),
		Strategy: appsv1.DeploymentStrategyArgs{Type: pulumi.String("Recreate")},
		Selector: metav1.LabelSelectorArgs{MatchLabels: selector},
		Template: corev1.PodTemplateSpecArgs{
			Metadata: metav1.ObjectMetaArgs{
				Labels: qualityLabels(stack),
				// A changed registration restarts TrustyAI, whose requests
				// live in memory: the registrar schedules the new ones.
				Annotations: pulumi.StringMap{"mlplatform.pangea.ai/config-sha256": pulumi.String(sha256Hex(registrar))},
			},
			Spec: pod,
		},
	}
}

// ReferenceJobName is model m's reference job: named after the reference
// file, so a new reference uploads once, and an unchanged one never again.
func ReferenceJobName(m Model, uri string) string {
	return fmt.Sprintf("%s-reference-%s", m.Name, sha256Hex(uri)[:8])
}

// referenceJob downloads model m's reference dataset with the model's own
// service account and identity (KServe's storage initializer, as the
// model's own pods download the model) and uploads it to TrustyAI
// (payload-filter reference). Pulumi does not wait for it to finish: its
// pods retry until TrustyAI answers.
func referenceJob(ctx *pulumi.Context, name, ns string, m Model, uri pulumi.StringInput, id Identity, opts ...pulumi.ResourceOption) (*batchv1.Job, error) {
	jobName := uri.ToStringOutput().ApplyT(func(u string) string { return ReferenceJobName(m, u) }).(pulumi.StringOutput)
	podLabels := qualityLabels(ctx.Stack())
	podLabels["app.kubernetes.io/name"] = pulumi.String("trustyai-reference")
	podLabels["mlplatform.pangea.ai/model"] = pulumi.String(m.Name)
	for k, v := range id.PodLabels {
		podLabels[k] = pulumi.String(v)
	}
	caVol, caMount := qualityCAVolume()
	refDir := "/mnt/reference"
	file := refDir + "/" + path.Base(m.Payloads.Quality.Reference)
	downloader := restricted()
	downloader.RunAsUser = pulumi.Int(StorageInitializerUser)
	uploader := restricted()
	uploader.RunAsUser = pulumi.Int(PayloadFilterUser)
	return batchv1.NewJob(ctx, name, &batchv1.JobArgs{
		Metadata: metav1.ObjectMetaArgs{
			Name: jobName, Namespace: pulumi.String(ns), Labels: podLabels,
			// The job's pods wait for TrustyAI; the deploy does not wait for
			// them (pulumi-kubernetes' await logic honours skipAwait).
			Annotations: pulumi.StringMap{"pulumi.com/skipAwait": pulumi.String("true")},
		},
		Spec: batchv1.JobSpecArgs{
			BackoffLimit: pulumi.Int(6),
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: podLabels},
				Spec: corev1.PodSpecArgs{
					RestartPolicy:      pulumi.String("Never"),
					ServiceAccountName: pulumi.String(m.Name),
					PriorityClassName:  pulumi.String(PriorityClass),
					NodeSelector:       pulumi.StringMap{nodes.LabelKind: pulumi.String(nodes.KindSystem)},
					Tolerations:        systemTolerations(),
					SecurityContext: corev1.PodSecurityContextArgs{
						RunAsNonRoot: pulumi.Bool(true), SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					InitContainers: corev1.ContainerArray{corev1.ContainerArgs{
						Name: pulumi.String("storage-initializer"), Image: pulumi.String(StorageInitializerImage),
						Args:      pulumi.StringArray{uri, pulumi.String(refDir)},
						Resources: sized(ReferenceCPUMillis, ReferenceMemoryMi), SecurityContext: downloader,
						VolumeMounts: corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("reference"), MountPath: pulumi.String(refDir)}},
					}},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name: pulumi.String("upload"), Image: pulumi.String(PayloadFilterImage),
						Args: pulumi.StringArray{pulumi.String("reference"), pulumi.String("-config=/etc/payload-filter/config.json"),
							pulumi.String("-model=" + ns + "/" + m.Name), pulumi.String("-file=" + file),
							pulumi.String("-service=" + QualityURL(ns)), pulumi.String("-ca=" + QualityCAPath)},
						Resources: sized(ReferenceCPUMillis, ReferenceMemoryMi), SecurityContext: uploader,
						VolumeMounts: corev1.VolumeMountArray{
							corev1.VolumeMountArgs{Name: pulumi.String("reference"), MountPath: pulumi.String(refDir), ReadOnly: pulumi.Bool(true)},
							corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String("/etc/payload-filter"), ReadOnly: pulumi.Bool(true)},
							caMount,
						},
					}},
					Volumes: corev1.VolumeArray{
						corev1.VolumeArgs{Name: pulumi.String("reference"), EmptyDir: corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("1Gi")}},
						corev1.VolumeArgs{Name: pulumi.String("config"), ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(PayloadFilterName)}},
						caVol,
					},
				},
			},
		},
	}, opts...)
}

// QualityRules are the model-quality rules of namespace: each model's
// thresholds as recorded series, and alerts on TrustyAI's gauges
// (trustyai_spd, trustyai_dir, trustyai_meanshift with one series per
// feature, label subcategory; labels model and requestName,
// prometheus/PrometheusPublisher.java at v0.28.0) and on records the payload
// filter could not forward.
func QualityRules(namespace string, models []Model) monitoring.RuleGroup {
	g := monitoring.RuleGroup{Name: "model-quality"}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, m := range QualityModels(models) {
		q := m.Payloads.Quality
		l := map[string]string{"namespace": namespace, "model": m.Name}
		if q.Reference != "" {
			g.Rules = append(g.Rules, monitoring.Rule{Record: monitoring.DriftThresholdRecord, Expr: "vector(" + num(q.DriftThreshold) + ")", Labels: l})
		}
		if f := q.Fairness; f != nil {
			g.Rules = append(g.Rules,
				monitoring.Rule{Record: monitoring.SPDLimitRecord, Expr: "vector(" + num(f.SPDLimit) + ")", Labels: l},
				monitoring.Rule{Record: monitoring.DIRLowRecord, Expr: "vector(" + num(f.DIRLow) + ")", Labels: l},
				monitoring.Rule{Record: monitoring.DIRHighRecord, Expr: "vector(" + num(f.DIRHigh) + ")", Labels: l})
		}
	}
	req := func(metric string) string {
		return fmt.Sprintf(`%s{namespace=%q, requestName="mlplatform-%s"}`, metric, namespace, metric[len("trustyai_"):])
	}
	on := " on (namespace, model) group_left "
	g.Rules = append(g.Rules,
		monitoring.Rule{Alert: "ModelFeatureDrift", Severity: "warning", For: "1h",
			Expr:        req(monitoring.DriftMetric) + " <" + on + monitoring.DriftThresholdRecord,
			Summary:     "A model's input has drifted from its reference",
			Description: "Feature {{ $labels.subcategory }} of model {{ $labels.model }} has differed from the reference dataset for an hour (meanshift p-value {{ $value | humanize }}, under the threshold the environment sets): check the data pipeline, then whether to retrain."},
		monitoring.Rule{Alert: "ModelStatisticalParity", Severity: "warning", For: "30m",
			Expr:        "abs(" + req(monitoring.SPDMetric) + ") >" + on + monitoring.SPDLimitRecord,
			Summary:     "A model's statistical parity difference is over its limit",
			Description: "Model {{ $labels.model }} gives the favourable outcome {{ $value | humanize }} more or less often to one group of {{ $labels.protected }} than the other over the last batch, beyond the limit the environment sets, for 30 minutes: tell the model's owner and the fairness reviewer."},
		monitoring.Rule{Alert: "ModelDisparateImpact", Severity: "warning", For: "30m",
			Expr:        "(" + req(monitoring.DIRMetric) + " <" + on + monitoring.DIRLowRecord + ") or (" + req(monitoring.DIRMetric) + " >" + on + monitoring.DIRHighRecord + ")",
			Summary:     "A model's disparate impact ratio is outside its range",
			Description: "Model {{ $labels.model }}'s disparate impact ratio for {{ $labels.protected }} has been {{ $value | humanize }} for 30 minutes, outside the range the environment sets: tell the model's owner and the fairness reviewer."},
		monitoring.Rule{Alert: "ModelQualityDataLost", Severity: "warning", For: "15m",
			Expr:        fmt.Sprintf(`sum by (namespace, model) (increase(%s{namespace=%q, outcome=~"failed|dropped"}[15m])) > 0`, monitoring.ForwardedMetric, namespace),
			Summary:     "Drift and fairness metrics are missing records",
			Description: "The payload filter could not hand {{ $value | humanize }} records of model {{ $labels.model }} to TrustyAI in 15 minutes: its metrics read a sample. The archive has every record. Check TrustyAI's pod and its certificate."},
	)
	return g
}

// jobAfter is what a reference job waits for: TrustyAI's deployment and
// certificate, and its model's service account when there is one.
func jobAfter(account pulumi.Resource, rest ...pulumi.Resource) []pulumi.Resource {
	if account == nil {
		return rest
	}
	return append(rest, account)
}
