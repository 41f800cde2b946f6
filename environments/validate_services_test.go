package environments

import "testing"

// TestValidateRejectsServices breaks one rule of the monitoring, models and
// runners sections per case and asserts the whole message.
func TestValidateRejectsServices(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"unknown model format": {
			mutate: func(e *Environment) { e.Models[0].Format = "onnx" },
			want:   `models[0].format = "onnx": is not a model format the platform serves; fix: use one of sklearn, xgboost, pytorch, tensorflow, huggingface`,
		},
		"gpu model without a gpu pool": {
			mutate: func(e *Environment) {
				delete(e.NodeGroups, "gpu")
				e.Runners = e.Runners[:1]
			},
			want: `models[1].gpus = 1: the environment has no gpu node group to run on; fix: add a group with kind: gpu, or set gpus: 0`,
		},
		"gpu model on a cpu group": {
			mutate: func(e *Environment) { e.Models[1].NodeGroup = "cpu" },
			want:   `models[1].nodeGroup = "cpu": is a cpu group, but the workload asks for 1 GPUs; fix: use a gpu group`,
		},
		"a model named like another model's explainer objects": {
			mutate: func(e *Environment) { e.Models[1].Name = "fraud-xgb-explainer" },
			want:   `models[1].name = "fraud-xgb-explainer": is the name of model fraud-xgb's explainer objects (the toolkit and KServe name a model's objects <model>-explainer, -predictor, -requests, -callers); fix: rename the model so it does not end in -explainer after another model's name`,
		},
		"a model bigger than any node of its group": {
			mutate: func(e *Environment) { e.Models[1].Resources.Memory = "64Gi"; e.Azure = nil },
			want:   `models[1].resources = cpu 2, memory 64Gi, 1 GPUs: fits no aws node it may run on (gpu g5.xlarge: 4 vCPU, 16 GiB, 1 GPUs; gpu g6.xlarge: 4 vCPU, 16 GiB, 1 GPUs; gpu g4dn.xlarge: 4 vCPU, 16 GiB, 1 GPUs); fix: lower the requests, or give the group larger instance types`,
		},
		"a runner asking for more GPUs than a node has": {
			mutate: func(e *Environment) { e.Runners[1].GPUs = 2; e.AWS = nil },
			want:   `runners[1].resources = cpu 4, memory 14Gi, 2 GPUs: fits no azure node it may run on (gpu Standard_NC4as_T4_v3: 4 vCPU, 28 GiB, 1 GPUs); fix: lower the requests, or give the group larger instance types`,
		},
		"an explainer bigger than every cpu node": {
			mutate: func(e *Environment) { e.Models[1].Explainer.Resources.CPU = "16"; e.Azure = nil },
			want:   `models[1].explainer.resources = cpu 16, memory 2Gi, 0 GPUs: fits no aws node it may run on (cpu m7i.xlarge: 4 vCPU, 16 GiB, 0 GPUs; cpu m6i.xlarge: 4 vCPU, 16 GiB, 0 GPUs); fix: lower the requests, or give the group larger instance types`,
		},
		"min replicas above max": {
			mutate: func(e *Environment) { e.Models[0].MinReplicas, e.Models[0].MaxReplicas = 3, 2 },
			want:   `models[0].minReplicas = 3: must be <= maxReplicas (2); fix: lower minReplicas or raise maxReplicas`,
		},
		"one replica in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.Models[0].MinReplicas = 1 },
			want:   `models[0].minReplicas = 1: must be at least 2 (KServe's Standard mode never scales to zero; prod keeps 2 for availability); fix: set minReplicas: 2`,
		},
		"storage uri outside the artifact store": {
			mutate: func(e *Environment) { e.Models[0].StorageURI = "s3://someone-elses-bucket/fraud/v3" },
			want:   `models[0].storageUri = "s3://someone-elses-bucket/fraud/v3": must be a path inside the platform's artifact store: models are read only from there, with the model's own read-only identity; fix: write the path under the model prefix, e.g. "fraud/v3"`,
		},
		"storage uri escaping the prefix": {
			mutate: func(e *Environment) { e.Models[0].StorageURI = "../secrets/v1" },
			want:   `models[0].storageUri = "../secrets/v1": must be a path inside the platform's artifact store: models are read only from there, with the model's own read-only identity; fix: write the path under the model prefix, e.g. "fraud/v3"`,
		},
		"duplicate model name": {
			mutate: func(e *Environment) { e.Models[1].Name = "fraud-xgb" },
			want:   `models[1].name = "fraud-xgb": is used by another model; fix: give each model its own name`,
		},
		"explainer image on latest": {
			mutate: func(e *Environment) {
				e.Models[0].Explainer = &Explainer{Type: "custom", Image: "explainers/shap-server:latest", Resources: e.Models[0].Explainer.Resources}
			},
			want: `models[0].explainer.image = "explainers/shap-server:latest": a custom explainer needs an image with a pinned tag or digest (never latest); fix: write e.g. "explainers/shap-server:1.2.0"`,
		},
		"bsl explainer type": {
			mutate: func(e *Environment) { e.Models[1].Explainer.Type = "alibi"; e.Models[1].Explainer.ARTAttack = "" },
			want:   `models[1].explainer.type = "alibi": must be one of trustyai, art, custom, none (licence-safe explainers only); fix: use trustyai for LIME and SHAP attributions`,
		},
		"an unknown trustyai method": {
			mutate: func(e *Environment) { e.Models[0].Explainer.Method = "anchors" },
			want:   `models[0].explainer.method = "anchors": must be one of all, lime, shap; fix: use all for LIME and SHAP`,
		},
		"an image on a trustyai explainer": {
			mutate: func(e *Environment) { e.Models[0].Explainer.Image = "explainers/lime:1.0.0" },
			want:   `models[0].explainer.type = "trustyai": a trustyai explainer runs the toolkit's pinned TrustyAI image, so it takes no image or artAttack; fix: remove them, or set type: custom`,
		},
		"a method on an art explainer": {
			mutate: func(e *Environment) { e.Models[1].Explainer.Method = "lime" },
			want:   `models[1].explainer.method = "lime": only a trustyai explainer takes a method; fix: remove method, or set type: trustyai`,
		},
		"an image on no explainer": {
			mutate: func(e *Environment) { e.Models[1].Explainer = &Explainer{Type: "none", Image: "explainers/x:1"} },
			want:   `models[1].explainer.type = "none": an explainer of type none runs nothing, so it takes no image or artAttack; fix: remove them, or pick a type`,
		},
		"bad memory quantity": {
			mutate: func(e *Environment) { e.Models[1].Resources.Memory = "8GB" },
			want:   `models[1].resources.memory = "8GB": must be a memory quantity in Mi or Gi; fix: write "512Mi" or "4Gi"`,
		},
		"runner min above max": {
			mutate: func(e *Environment) { e.Runners[0].MinRunners = 9 },
			want:   `runners[0].minRunners = 9: must be <= maxRunners (4); fix: lower minRunners or raise maxRunners`,
		},
		"runner url not github": {
			mutate: func(e *Environment) { e.Runners[0].GitHubConfigURL = "https://gitlab.com/pangea-ai" },
			want:   `runners[0].githubConfigUrl = "https://gitlab.com/pangea-ai": must be a GitHub organisation or repository URL; fix: write https://github.com/<org> or https://github.com/<org>/<repo>`,
		},
		"docker in docker on a shared pool": {
			mutate: func(e *Environment) { e.Runners[0].DockerInDocker = true; e.Runners[0].NodeGroup = "cpu" },
			want:   `runners[0].dockerInDocker = true: privileged Docker-in-Docker runs only on an isolated pool: a node group with a taint of its own; fix: set nodeGroup to a tainted group, or use the default kubernetes container mode`,
		},
		"runner on the system group": {
			mutate: func(e *Environment) { e.Runners[0].NodeGroup = "system" },
			want:   `runners[0].nodeGroup = "system": the system group runs cluster add-ons only; fix: use a cpu or gpu group`,
		},
		"time slicing on a cpu group": {
			mutate: func(e *Environment) {
				g := e.NodeGroups["cpu"]
				g.GPUSharing = &GPUSharing{TimeSlicingReplicas: 4}
				e.NodeGroups["cpu"] = g
			},
			want: `nodeGroups.cpu.gpuSharing = set: GPU sharing applies to gpu groups only; fix: remove it`,
		},
		"prometheus retention too long": {
			mutate: func(e *Environment) { e.Monitoring.RetentionDays = 400 },
			want:   `monitoring.retentionDays = 400: must be 1 to 90; fix: use 15, or remote write for longer history`,
		},
	})
}
