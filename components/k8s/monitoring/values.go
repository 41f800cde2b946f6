package monitoring

import (
	"fmt"

	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/nodes"
)

// PriorityClass is the baseline's class for platform services.
const PriorityClass = baseline.PriorityPlatform

// NodeLabelsAllowlist are the node labels kube-state-metrics exports on
// kube_node_labels, so dashboards can count nodes per node group.
var NodeLabelsAllowlist = []string{nodes.LabelNodeGroup, nodes.LabelKind, "node.kubernetes.io/instance-type"}

// Values are the kube-prometheus-stack chart's values.
func Values(a *MonitoringArgs) (map[string]interface{}, error) {
	// Leave a tenth of the volume free: Prometheus deletes the oldest
	// blocks at retentionSize instead of failing on a full disk.
	retentionSize := fmt.Sprintf("%dGB", a.StorageGiB*9/10)
	spec := map[string]interface{}{
		"retention":     fmt.Sprintf("%dd", a.RetentionDays),
		"retentionSize": retentionSize,
		"storageSpec": map[string]interface{}{"volumeClaimTemplate": map[string]interface{}{"spec": map[string]interface{}{
			"storageClassName": StorageClassName,
			"accessModes":      []interface{}{"ReadWriteOnce"},
			"resources":        map[string]interface{}{"requests": map[string]interface{}{"storage": fmt.Sprintf("%dGi", a.StorageGiB)}},
		}}},
		// Select every ServiceMonitor, PodMonitor and PrometheusRule in the
		// cluster, not only those labelled with this release's name.
		"serviceMonitorSelectorNilUsesHelmValues": false,
		"podMonitorSelectorNilUsesHelmValues":     false,
		"ruleSelectorNilUsesHelmValues":           false,
		"priorityClassName":                       PriorityClass,
		"nodeSelector":                            nodes.SystemSelector(),
		"tolerations":                             nodes.SystemTolerations(),
		"externalLabels":                          map[string]interface{}{"cluster": a.Cluster, "environment": a.Environment},
		"resources": map[string]interface{}{
			"requests": map[string]interface{}{"cpu": "500m", "memory": "2Gi"},
			"limits":   map[string]interface{}{"memory": "4Gi"},
		},
	}
	prometheus := map[string]interface{}{"prometheusSpec": spec}
	if rw := a.RemoteWrite; rw != nil {
		target := map[string]interface{}{"url": rw.URL}
		switch {
		case rw.SigV4Region != "":
			target["sigv4"] = map[string]interface{}{"region": rw.SigV4Region}
		case rw.AzureTenantID != nil:
			// sdk authenticates with the Azure SDK's default credential,
			// which reads the workload identity the webhook injects.
			target["azureAd"] = map[string]interface{}{"cloud": "AzurePublic", "sdk": map[string]interface{}{"tenantId": rw.AzureTenantID}}
		default:
			return nil, fmt.Errorf("remote write needs SigV4Region (AWS) or AzureTenantID (Azure)")
		}
		spec["remoteWrite"] = []interface{}{target}
		if rw.ServiceAccountAnnotations != nil {
			prometheus["serviceAccount"] = map[string]interface{}{"annotations": rw.ServiceAccountAnnotations}
		}
		if len(rw.PodLabels) > 0 {
			pl := map[string]interface{}{}
			for k, v := range rw.PodLabels {
				pl[k] = v
			}
			spec["podMetadata"] = map[string]interface{}{"labels": pl}
		}
	}
	allow := ""
	for i, l := range NodeLabelsAllowlist {
		if i > 0 {
			allow += ","
		}
		allow += l
	}
	// Every pod of the chart runs on the system group at platform priority.
	// The chart sets neither by default (values.yaml at 88.5.3: operator,
	// its webhook-patch Jobs, Grafana and kube-state-metrics have no
	// priorityClassName and an empty nodeSelector), so without these they
	// would land on any untainted node, spot included, and be the first
	// evicted under pressure. The node exporter runs on every node, as the
	// device plugin does, at system-node-critical.
	system, tolerate := nodes.SystemSelector(), nodes.SystemTolerations()
	return map[string]interface{}{
		"crds":       map[string]interface{}{"enabled": true},
		"prometheus": prometheus,
		"alertmanager": map[string]interface{}{"alertmanagerSpec": map[string]interface{}{
			"priorityClassName": PriorityClass,
			"nodeSelector":      system,
			"tolerations":       tolerate,
		}},
		"prometheusOperator": map[string]interface{}{
			"priorityClassName": PriorityClass,
			"nodeSelector":      system,
			"tolerations":       tolerate,
			"admissionWebhooks": map[string]interface{}{"patch": map[string]interface{}{
				"priorityClassName": PriorityClass,
				"nodeSelector":      system,
				"tolerations":       tolerate,
			}},
		},
		"grafana": map[string]interface{}{
			"priorityClassName": PriorityClass,
			"nodeSelector":      system,
			"tolerations":       tolerate,
			"admin": map[string]interface{}{
				"existingSecret": GrafanaAdminSecret, "userKey": "admin-user", "passwordKey": "admin-password",
			},
			"defaultDashboardsTimezone": "utc",
			// Dashboards are code: nothing edited in the UI needs to survive.
			"persistence": map[string]interface{}{"enabled": false},
			"sidecar": map[string]interface{}{"dashboards": map[string]interface{}{
				"enabled": true, "label": DashboardLabel, "labelValue": "1",
				"folderAnnotation": DashboardFolderAnnotation,
				"provider":         map[string]interface{}{"foldersFromFilesStructure": true},
			}},
		},
		"kube-state-metrics": map[string]interface{}{
			"metricLabelsAllowlist": []interface{}{"nodes=[" + allow + "]"},
			"priorityClassName":     PriorityClass,
			"nodeSelector":          system,
			"tolerations":           tolerate,
		},
		"prometheus-node-exporter": map[string]interface{}{
			"priorityClassName": "system-node-critical",
			// Node metrics from GPU nodes too.
			"tolerations": []interface{}{map[string]interface{}{"operator": "Exists", "effect": "NoSchedule"}},
		},
	}, nil
}
