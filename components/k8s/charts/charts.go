package charts

import (
	"fmt"
	"regexp"
	"strings"
)

// Chart is one pinned Helm chart.
type Chart struct {
	// Repo is the chart repository URL; empty for OCI charts.
	Repo string
	// Name is the chart name, or the full oci:// reference for OCI charts.
	Name string
	// Version is the exact chart version.
	Version string
}

// The pinned charts. Every version is a release of the chart's source
// repository: it is listed in shared/upstream/releases.yaml (read from the
// repositories' release tags), and TestPinsAreReleased fails on one that is
// not. Values passed to each are checked against that version's values.yaml
// and schema (test/upstream).
var (
	// KubePrometheusStack: prometheus-community/helm-charts tag
	// kube-prometheus-stack-88.5.3 (appVersion v0.93.1 of prometheus-operator;
	// grafana 12.11.1 from grafana-community, kube-state-metrics 8.4.0,
	// prometheus-node-exporter 4.56.1 inside, per its Chart.lock).
	KubePrometheusStack = Chart{Repo: "https://prometheus-community.github.io/helm-charts", Name: "kube-prometheus-stack", Version: "88.5.3"}
	// NVIDIADevicePlugin: NVIDIA/k8s-device-plugin tag v0.20.0 (chart
	// version equals app version).
	NVIDIADevicePlugin = Chart{Repo: "https://nvidia.github.io/k8s-device-plugin", Name: "nvidia-device-plugin", Version: "0.20.0"}
	// DCGMExporter: NVIDIA/dcgm-exporter chart 4.8.2; the metrics the
	// dashboards and alerts read are in its default counters
	// (shared/upstream/metrics/dcgm-exporter-4.8.2-default-counters.csv).
	DCGMExporter = Chart{Repo: "https://nvidia.github.io/dcgm-exporter/helm-charts", Name: "dcgm-exporter", Version: "4.8.2"}
	// KServeCRD, KServe and KServeRuntimes are KServe v0.20.0 (kserve/kserve
	// tag v0.20.0, charts/): the CRDs, the controller (chart
	// kserve-resources; up to 0.16 the chart was published as "kserve") and,
	// since v0.17.0, the ClusterServingRuntimes in a chart of their own
	// (kserve-runtime-configs, released by the same tags).
	KServeCRD      = Chart{Name: "oci://ghcr.io/kserve/charts/kserve-crd", Version: "v0.20.0"}
	KServe         = Chart{Name: "oci://ghcr.io/kserve/charts/kserve-resources", Version: "v0.20.0"}
	KServeRuntimes = Chart{Name: "oci://ghcr.io/kserve/charts/kserve-runtime-configs", Version: "v0.20.0"}
	// CertManager issues KServe's webhook certificates: cert-manager tag
	// v1.21.1 (deploy/charts/cert-manager).
	CertManager = Chart{Repo: "https://charts.jetstack.io", Name: "cert-manager", Version: "v1.21.1"}
	// EnvoyGateway implements the Gateway API that KServe's HTTPRoutes
	// attach to; its proxies count every model request by status.
	// envoyproxy/gateway tag v1.9.0 (charts/gateway-helm), which ships the
	// Gateway API v1.6.1 CRDs. v1.9.3 was pinned before and could not be
	// confirmed from any source.
	EnvoyGateway = Chart{Name: "oci://docker.io/envoyproxy/gateway-helm", Version: "v1.9.0"}
	// ARCController and ARCScaleSet are actions-runner-controller's runner
	// scale set charts: tag gha-runner-scale-set-0.14.2 (charts/).
	ARCController = Chart{Name: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set-controller", Version: "0.14.2"}
	ARCScaleSet   = Chart{Name: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set", Version: "0.14.2"}
	// JupyterHub is zero-to-jupyterhub-k8s tag 4.4.0 (jupyterhub 5.5.0,
	// kubespawner 7.0.0 and oauthenticator 17.4.0 in its hub image,
	// images/hub/requirements.txt), from its chart repository.
	JupyterHub = Chart{Repo: "https://hub.jupyter.org/helm-chart/", Name: "jupyterhub", Version: "4.4.0"}
)

// All lists every pinned chart, for checks and the render output. Only
// charts a component installs are pinned: a pin nothing installs is never
// exercised, so nobody notices when it goes stale.
func All() []Chart {
	return []Chart{KubePrometheusStack, NVIDIADevicePlugin, DCGMExporter, KServeCRD, KServe, KServeRuntimes, CertManager, EnvoyGateway, ARCController, ARCScaleSet, JupyterHub}
}

// ShortName is the chart's own name, without repository or OCI path: the
// name its source repository and releases know it by.
func (c Chart) ShortName() string {
	return c.Name[strings.LastIndex(c.Name, "/")+1:]
}

var versionRE = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+$`)

// Check reports a chart that is not pinned to an exact version or whose
// source is neither an https repository nor an OCI reference.
func (c Chart) Check() error {
	oci := strings.HasPrefix(c.Name, "oci://")
	switch {
	case !versionRE.MatchString(c.Version):
		return fmt.Errorf("chart %s: version %q is not an exact version", c.Name, c.Version)
	case oci && c.Repo != "":
		return fmt.Errorf("chart %s: an OCI chart takes no repository", c.Name)
	case !oci && !strings.HasPrefix(c.Repo, "https://"):
		return fmt.Errorf("chart %s: repository %q must be https", c.Name, c.Repo)
	}
	return nil
}
