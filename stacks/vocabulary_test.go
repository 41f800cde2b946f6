package stacks

import (
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/components/aws/eks"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/environments"
)

// These tests keep what environment files may say and what the components
// can build in step. They live here, where both are seen: components never
// import the environment file format.

// TestEveryFormatHasARuntime: a format the validator admits that the
// serving component has no runtime for would plan a model KServe cannot
// serve.
func TestEveryFormatHasARuntime(t *testing.T) {
	for _, f := range environments.ModelFormats {
		if serving.Runtimes[f] == "" {
			t.Errorf("format %s has no default runtime", f)
		}
	}
}

// TestAddonPinsCoverEverySupportedVersion keeps the version table and the
// pins in step: a minor added to environments without pins would silently
// get whatever EKS defaults to.
func TestAddonPinsCoverEverySupportedVersion(t *testing.T) {
	for _, v := range environments.KubernetesVersions {
		for _, addon := range []string{eks.AddonKubeProxy, eks.AddonCoreDNS} {
			if eks.AddonVersion(addon, v.Minor, nil) == "" {
				t.Errorf("no pinned %s version for Kubernetes %s in components/aws/eks/versions.go", addon, v.Minor)
			}
		}
		if want := "v" + v.Minor + "."; !strings.HasPrefix(eks.AddonVersion(eks.AddonKubeProxy, v.Minor, nil), want) {
			t.Errorf("kube-proxy pin for %s is %s: it must match the minor", v.Minor, eks.AddonVersion(eks.AddonKubeProxy, v.Minor, nil))
		}
	}
}

// TestV2OnlyAgreesWithTheRuntimes holds the environment's notion of a model
// served over v2 only (which decides that it gets no default explainer and
// may not have a v1 one) to the serving component's runtimes, for every
// format's default and every runtime the chart installs.
func TestV2OnlyAgreesWithTheRuntimes(t *testing.T) {
	for _, f := range environments.ModelFormats {
		m := environments.Model{Format: f}
		if got, want := m.ServedOverV2Only(), serving.V2Only(serving.Runtimes[f]); got != want {
			t.Errorf("format %s: the environment says v2 only = %v, the runtime %s says %v", f, got, serving.Runtimes[f], want)
		}
	}
	for _, r := range serving.ChartRuntimes {
		m := environments.Model{Format: "pytorch", Runtime: r.Name}
		if got, want := m.ServedOverV2Only(), serving.V2Only(r.Name); got != want {
			t.Errorf("runtime %s: the environment says v2 only = %v, the serving component %v", r.Name, got, want)
		}
	}
}
