// Package serving provides KServe, the model-serving control plane, and
// ModelService, one served model with its explainer.
//
// KServe runs in Standard mode: each model is a plain Deployment,
// Service and HorizontalPodAutoscaler, so neither Knative nor Istio is
// installed. Its webhooks need certificates, so cert-manager comes first.
// Requests reach models through the model gateway: Envoy Gateway proxies on
// a Gateway API Gateway that KServe attaches its HTTPRoutes to, which count
// every request by status for the error-rate objective. All four are pinned
// Helm Releases (see components/k8s/charts).
//
// A ModelService is an InferenceService whose predictor loads the model
// from the platform's artifact store with the model's own service account,
// bound by the cloud stack to read-only access on the model's own prefix
// (IRSA on AWS, workload identity on Azure), and an explainer beside it:
// KServe's ART explainer or a custom container such as a SHAP or LIME
// server. Both run under the restricted Pod Security Standard. Each model
// also gets a NetworkPolicy admitting the gateway's proxies, PodMonitors,
// recording rules for its request and error rates and, in prod,
// PodDisruptionBudgets.
package serving
