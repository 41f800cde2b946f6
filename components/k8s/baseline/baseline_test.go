package baseline

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

// devConcerns are the platform's concerns with dev's quotas (stacks'
// TestConcernsForDev derives them from environments/dev.yaml).
func devConcerns(t *testing.T) []Concern {
	t.Helper()
	return PlatformConcerns(&Quota{CPUMillis: 11250, MemoryMi: 33280, GPUs: 2, Pods: 12}, &Quota{CPUMillis: 40000, MemoryMi: 112640, GPUs: 2, Pods: 17}, "")
}

func TestPlatformConcerns(t *testing.T) {
	byNS := map[string]Concern{}
	for _, c := range PlatformConcerns(nil, nil, "runner set dind runs Docker-in-Docker") {
		byNS[c.Namespace] = c
	}
	for ns, want := range map[string]string{NamespaceGPU: Privileged, NamespaceMonitoring: Privileged, NamespaceServing: Restricted, NamespaceRunners: Privileged, NamespaceKServe: Restricted} {
		if byNS[ns].PodSecurity != want {
			t.Errorf("%s pod security = %s, want %s", ns, byNS[ns].PodSecurity, want)
		}
	}
	if got := byNS[NamespaceRunners].PrivilegedReason; got != "runner set dind runs Docker-in-Docker" {
		t.Errorf("runners privileged reason = %q", got)
	}
	if got := (Quota{CPUMillis: 1000, MemoryMi: 1000, GPUs: 3, Pods: 4}).WithHeadroom(); *got != (Quota{CPUMillis: 1250, MemoryMi: 1250, GPUs: 3, Pods: 7}) {
		t.Errorf("WithHeadroom = %+v", *got)
	}
}

func record(t *testing.T, cs []Concern) *recorder.Recorder {
	t.Helper()
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewBaseline(ctx, "base", &BaselineArgs{Concerns: cs})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestNamespacesCarryPodSecurity(t *testing.T) {
	rec := record(t, devConcerns(t))
	serving, _ := rec.Named("kubernetes:core/v1:Namespace", "base-serving")
	recorder.AssertInputs(t, serving, map[string]interface{}{
		"metadata.name": "serving",
		"metadata.labels": map[string]interface{}{
			"app.kubernetes.io/instance":         "s",
			LabelModelNamespace:                  "true",
			"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
			LabelManagedBy: "pulumi", LabelPartOf: "mlplatform", "app.kubernetes.io/name": "serving",
		},
		"metadata.annotations": nil,
	})
	gpu, _ := rec.Named("kubernetes:core/v1:Namespace", "base-gpu")
	if l := gpu.StringMap("metadata.labels"); l["pod-security.kubernetes.io/enforce"] != "privileged" {
		t.Errorf("gpu namespace enforce = %q", l["pod-security.kubernetes.io/enforce"])
	}
	if a := gpu.StringMap("metadata.annotations"); a[AnnotationPSSReason] == "" {
		t.Error("privileged gpu namespace carries no reason")
	}
}

func TestEveryNamespaceDeniesByDefault(t *testing.T) {
	rec := record(t, devConcerns(t))
	policies := map[string][]string{}
	for _, p := range rec.ByType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		ns := p.InString("metadata.namespace")
		policies[ns] = append(policies[ns], p.InString("metadata.name"))
		if !reflect.DeepEqual(p.In("spec.podSelector"), map[string]interface{}{}) {
			t.Errorf("%s selects %v, want every pod", p.Name, p.In("spec.podSelector"))
		}
	}
	want := map[string][]string{
		"gpu":        {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "default-deny"},
		"monitoring": {"allow-dns", "allow-egress-all", "allow-egress-namespace", "allow-ingress", "default-deny"},
		"runners":    {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "default-deny"},
		"serving":    {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "default-deny"},
		// Webhook servers admit the API server on their port.
		"cert-manager":         {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "allow-webhooks", "default-deny"},
		"kserve":               {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "allow-webhooks", "default-deny"},
		"arc-system":           {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "default-deny"},
		"envoy-gateway-system": {"allow-dns", "allow-egress-https", "allow-egress-namespace", "allow-ingress", "default-deny"},
	}
	for ns := range policies {
		slices.Sort(policies[ns])
	}
	if !reflect.DeepEqual(policies, want) {
		t.Errorf("policies = %v, want %v", policies, want)
	}
	// An explainer calls its predictor on 8080 in the same namespace.
	same, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "base-serving-allow-egress-namespace")
	recorder.AssertInputs(t, same, map[string]interface{}{"spec.policyTypes": []interface{}{"Egress"},
		"spec.egress": []interface{}{map[string]interface{}{"to": []interface{}{map[string]interface{}{"podSelector": map[string]interface{}{}}}}}})
	deny, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "base-serving-default-deny")
	recorder.AssertInputs(t, deny, map[string]interface{}{"spec.policyTypes": []interface{}{"Ingress", "Egress"}, "spec.ingress": nil, "spec.egress": nil})
	ingress, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "base-serving-allow-ingress")
	hooks, _ := rec.Named("kubernetes:networking.k8s.io/v1:NetworkPolicy", "base-kserve-allow-webhooks")
	recorder.AssertInputs(t, hooks, map[string]interface{}{
		"spec.policyTypes": []interface{}{"Ingress"},
		"spec.ingress":     []interface{}{map[string]interface{}{"ports": []interface{}{map[string]interface{}{"protocol": "TCP", "port": 9443.0}}}},
	})
	recorder.AssertInputs(t, ingress, map[string]interface{}{
		"spec.ingress[0].from[1].namespaceSelector.matchLabels": map[string]interface{}{NamespaceNameLabel: "monitoring"},
	})
	ns, _ := rec.Named("kubernetes:core/v1:Namespace", "base-serving")
	if !slices.Contains(deny.DependsOn, ns.URN) {
		t.Error("the policy does not wait for its namespace")
	}
}

func TestQuotaAndLimitRange(t *testing.T) {
	rec := record(t, devConcerns(t))
	q, _ := rec.Named("kubernetes:core/v1:ResourceQuota", "base-serving")
	recorder.AssertInputs(t, q, map[string]interface{}{
		"metadata.namespace": "serving",
		"spec.hard": map[string]interface{}{
			"requests.cpu": "11250m", "requests.memory": "33280Mi", "limits.memory": "33280Mi", "requests.nvidia.com/gpu": "2", "pods": "12",
		},
	})
	lr, _ := rec.Named("kubernetes:core/v1:LimitRange", "base-serving")
	recorder.AssertInputs(t, lr, map[string]interface{}{
		"spec.limits[0].defaultRequest": map[string]interface{}{"cpu": "100m", "memory": "128Mi"},
		"spec.limits[0].default":        map[string]interface{}{"memory": "512Mi"},
	})
	if _, err := rec.Named("kubernetes:core/v1:ResourceQuota", "base-gpu"); err == nil {
		t.Error("the gpu namespace (DaemonSets only) got a quota")
	}
	var classes []string
	for _, pc := range rec.ByType("kubernetes:scheduling.k8s.io/v1:PriorityClass") {
		classes = append(classes, pc.InString("metadata.name"))
		if pc.In("globalDefault") != false {
			t.Errorf("%s is a global default", pc.Name)
		}
	}
	if want := []string{"mlplatform-platform", "mlplatform-serving"}; !reflect.DeepEqual(classes, want) {
		t.Errorf("priority classes = %v, want %v", classes, want)
	}
}

func TestArgsErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		cs   []Concern
		want string
	}{
		"privileged without reason": {[]Concern{{Namespace: "gpu", PodSecurity: Privileged}}, `creating baseline "base": namespace gpu is privileged without a reason: say which workload cannot run restricted`},
		"baseline without reason":   {[]Concern{{Namespace: "x", PodSecurity: BaselinePSS}}, `creating baseline "base": namespace x is baseline without a reason: say which workload cannot run restricted`},
		"unknown level":             {[]Concern{{Namespace: "x", PodSecurity: "open"}}, `creating baseline "base": namespace x: PodSecurity "open" must be restricted, baseline or privileged`},
		"duplicate":                 {[]Concern{{Namespace: "x", PodSecurity: Restricted}, {Namespace: "x", PodSecurity: Restricted}}, `creating baseline "base": namespace "x" is empty or listed twice`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := recorder.Run(func(ctx *pulumi.Context) error {
				_, err := NewBaseline(ctx, "base", &BaselineArgs{Concerns: tc.cs})
				return err
			}, recorder.Options{Project: "p", Stack: "s"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
