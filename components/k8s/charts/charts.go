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

// The pinned charts. Versions were checked against the charts' own
// Chart.yaml or index where the note says so.
var (
	// KubePrometheusStack: Chart.yaml in prometheus-community/helm-charts
	// (appVersion v0.88.0).
	KubePrometheusStack = Chart{Repo: "https://prometheus-community.github.io/helm-charts", Name: "kube-prometheus-stack", Version: "81.4.5"}
	// NVIDIADevicePlugin: NVIDIA/k8s-device-plugin releases (chart version
	// equals app version).
	NVIDIADevicePlugin = Chart{Repo: "https://nvidia.github.io/k8s-device-plugin", Name: "nvidia-device-plugin", Version: "0.18.0"}
	// GPUOperator: the gpu-operator index (2025-09-18).
	GPUOperator = Chart{Repo: "https://helm.ngc.nvidia.com/nvidia", Name: "gpu-operator", Version: "v25.3.4"}
	// DCGMExporter stays below 4.9, which renames the default metrics and
	// changes their units; the dashboards and alerts use the older names.
	DCGMExporter = Chart{Repo: "https://nvidia.github.io/dcgm-exporter/helm-charts", Name: "dcgm-exporter", Version: "4.8.1"}
	// KServeCRD and KServe stay on 0.15, whose deployment mode is named
	// RawDeployment (0.16 renamed it Standard).
	KServeCRD = Chart{Name: "oci://ghcr.io/kserve/charts/kserve-crd", Version: "v0.15.2"}
	KServe    = Chart{Name: "oci://ghcr.io/kserve/charts/kserve", Version: "v0.15.2"}
	// CertManager issues KServe's webhook certificates (KServe needs 1.15+).
	CertManager = Chart{Repo: "https://charts.jetstack.io", Name: "cert-manager", Version: "v1.18.2"}
	// EnvoyGateway implements the Gateway API that KServe's HTTPRoutes
	// attach to; its proxies count every model request by status. v1.9 is
	// the supported line for Kubernetes 1.33-1.36 (EOL 2027-02-14, per
	// gateway.envoyproxy.io/news/releases/matrix); v1.9.3 is its patch of
	// 2026-10-03 (release-notes/v1.9.3.yaml), with Envoy 1.39.2.
	EnvoyGateway = Chart{Name: "oci://docker.io/envoyproxy/gateway-helm", Version: "v1.9.3"}
	// ARCController and ARCScaleSet are actions-runner-controller's runner
	// scale set charts (Chart.yaml, appVersion 0.12.0).
	ARCController = Chart{Name: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set-controller", Version: "0.12.0"}
	ARCScaleSet   = Chart{Name: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set", Version: "0.12.0"}
)

// All lists every pinned chart, for checks and the render output.
func All() []Chart {
	return []Chart{KubePrometheusStack, NVIDIADevicePlugin, GPUOperator, DCGMExporter, KServeCRD, KServe, CertManager, EnvoyGateway, ARCController, ARCScaleSet}
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
