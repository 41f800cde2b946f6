package upstream

// ChartRules are what each chart does with values its values.yaml does not
// spell out key by key: maps it passes through whole (Free), keys it reads
// though values.yaml only mentions them in comments (Free too: the key
// exists, the chart takes what is below it as is), and subtrees it copies
// into a custom resource (CRDs), which are checked against that CRD. Each
// entry names the chart file, at the pinned tag, that proves it.
var ChartRules = map[string]Rules{
	"kube-prometheus-stack": {
		Free: []Free{
			{"prometheus.serviceAccount.annotations", "prometheus-community/helm-charts@kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack/templates/prometheus/serviceaccount.yaml:12 (with .Values.prometheus.serviceAccount.annotations)"},
			{"prometheusOperator.priorityClassName", "charts/kube-prometheus-stack/templates/prometheus-operator/deployment.yaml:41-42 (values.yaml has it only as a comment)"},
			{"prometheusOperator.nodeSelector", "charts/kube-prometheus-stack/templates/prometheus-operator/deployment.yaml:241-242 (with ... toYaml)"},
			{"prometheusOperator.admissionWebhooks.patch.nodeSelector", "charts/kube-prometheus-stack/templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml:58 and job-patchWebhook.yaml:67"},
			{"grafana.priorityClassName", "grafana-community/helm-charts@grafana-12.11.1 charts/grafana/templates/_pod.tpl:28-29 (values.yaml has it only as a comment)"},
			{"grafana.nodeSelector", "grafana-community/helm-charts@grafana-12.11.1 charts/grafana/templates/_pod.tpl:1548-1549"},
			{"kube-state-metrics.priorityClassName", "prometheus-community/helm-charts@kube-state-metrics-8.4.0 charts/kube-state-metrics/templates/deployment.yaml:54-55 (values.yaml has it only as a comment)"},
			{"kube-state-metrics.nodeSelector", "prometheus-community/helm-charts@kube-state-metrics-8.4.0 charts/kube-state-metrics/templates/deployment.yaml:355-356"},
			{"prometheus-node-exporter.priorityClassName", "prometheus-community/helm-charts@prometheus-node-exporter-4.56.1 charts/prometheus-node-exporter/templates/daemonset.yaml:38-39 (values.yaml has it only as a comment)"},
		},
		CRDs: []CRDField{
			{Path: "prometheus.prometheusSpec.externalLabels", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.externalLabels",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:64-66 (externalLabels: toYaml .Values.prometheus.prometheusSpec.externalLabels)"},
			{Path: "prometheus.prometheusSpec.resources", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.resources",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:157-159"},
			{Path: "prometheus.prometheusSpec.storageSpec", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.storage",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:304-306 (storage: toYaml ...storageSpec)"},
			{Path: "prometheus.prometheusSpec.remoteWrite", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.remoteWrite",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:250-253"},
			{Path: "prometheus.prometheusSpec.nodeSelector", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.nodeSelector",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:90-92"},
			{Path: "alertmanager.alertmanagerSpec.nodeSelector", CRD: "alertmanagers.monitoring.coreos.com", Version: "v1", Field: "spec.nodeSelector",
				Proof: "charts/kube-prometheus-stack/templates/alertmanager/alertmanager.yaml:51-53"},
			{Path: "prometheus.prometheusSpec.podMetadata", CRD: "prometheuses.monitoring.coreos.com", Version: "v1", Field: "spec.podMetadata",
				Proof: "charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:312-314"},
		},
	},
	"nvidia-device-plugin": {
		Free: []Free{
			{"nodeSelector", "NVIDIA/k8s-device-plugin@v0.20.0 deployments/helm/nvidia-device-plugin/templates/daemonset-device-plugin.yml:264 (with .Values.nodeSelector, toYaml)"},
			{"config.map", "deployments/helm/nvidia-device-plugin/templates/configmap.yml (range $name, $contents := $.Values.config.map: one config file per key)"},
		},
	},
	"cert-manager": {
		Free: []Free{
			{"global.nodeSelector", "cert-manager/cert-manager@v1.21.1 deploy/charts/cert-manager/templates/deployment.yaml:229, webhook-deployment.yaml:195, cainjector-deployment.yaml:142, startupapicheck-job.yaml:94 (merged into each component's nodeSelector)"},
		},
	},
	"gateway-helm": {
		Free: []Free{
			{"deployment.pod.nodeSelector", "envoyproxy/gateway@v1.9.0 charts/gateway-helm/templates/envoy-gateway-deployment.yaml:43-44"},
			{"certgen.job.nodeSelector", "envoyproxy/gateway@v1.9.0 charts/gateway-helm/templates/certgen.yaml:72-73"},
		},
	},
	"kserve-resources": {
		Free: []Free{
			{"kserve.controller.nodeSelector", "kserve/kserve@v0.20.0 charts/kserve-resources/files/kserve/deployment-patch.yaml:29-30 (with .Values.kserve.controller.nodeSelector)"},
		},
	},
	"dcgm-exporter": {
		Free: []Free{
			{"nodeSelector", "NVIDIA/dcgm-exporter@4.5.3-4.8.2 deployment/templates/daemonset.yaml:70-72 (toYaml .Values.nodeSelector)"},
		},
	},
	"gha-runner-scale-set-controller": {
		Free: []Free{
			{"nodeSelector", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 charts/gha-runner-scale-set-controller/templates/deployment.yaml:169-170"},
			{"metrics", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 charts/gha-runner-scale-set-controller/templates/deployment.yaml:76-80 (metrics.listenerAddr, listenerEndpoint, controllerManagerAddr; values.yaml has them only as comments)"},
			{"podSecurityContext", "charts/gha-runner-scale-set-controller/templates/deployment.yaml:39 (with .Values.podSecurityContext: the pod's securityContext as is)"},
			{"securityContext", "charts/gha-runner-scale-set-controller/templates/deployment.yaml:152 (with .Values.securityContext: the container's securityContext as is)"},
		},
	},
	"gha-runner-scale-set": {
		Free: []Free{
			{"runnerScaleSetName", "actions/actions-runner-controller@gha-runner-scale-set-0.14.2 charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:75"},
			{"minRunners", "charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:153-157"},
			{"maxRunners", "charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:146-150"},
			{"controllerServiceAccount", "charts/gha-runner-scale-set/templates/_helpers.tpl:569-572 (controllerServiceAccount.name and .namespace)"},
			{"containerMode", "charts/gha-runner-scale-set/templates/_helpers.tpl:186 (containerMode.kubernetesModeWorkVolumeClaim becomes the work volume's claim spec) and autoscalingrunnerset.yaml:54 (containerMode.type)"},
		},
		CRDs: []CRDField{
			{Path: "listenerTemplate", CRD: "autoscalingrunnersets.actions.github.com", Version: "v1alpha1", Field: "spec.listenerTemplate",
				Chart: "gha-runner-scale-set-controller", ChartVersion: "0.14.2",
				Proof: "charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:160-162 (listenerTemplate: toYaml)"},
			{Path: "listenerMetrics", CRD: "autoscalingrunnersets.actions.github.com", Version: "v1alpha1", Field: "spec.listenerMetrics",
				Chart: "gha-runner-scale-set-controller", ChartVersion: "0.14.2",
				Proof: "charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:165-167 (listenerMetrics: toYaml)"},
			{Path: "template", CRD: "autoscalingrunnersets.actions.github.com", Version: "v1alpha1", Field: "spec.template",
				Chart: "gha-runner-scale-set-controller", ChartVersion: "0.14.2",
				Proof: "charts/gha-runner-scale-set/templates/autoscalingrunnerset.yaml:209-235 (every template.spec key copied into the pod template; containers and volumes merged with the container mode's)"},
		},
	},
}
