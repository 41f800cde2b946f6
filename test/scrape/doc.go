// Package scrape checks that every PodMonitor and ServiceMonitor the
// toolkit renders will find something to scrape: that it selects pods (or
// Services) that exist, and that the port it names is one those pods
// really declare, or that it rewrites the target address itself.
//
// prometheus-operator turns a PodMonitor endpoint's port into a keep rule
// on the pods' declared container ports (pkg/prometheus/promcfg.go at
// v0.93.0, the operator kube-prometheus-stack 88.5.3 ships): port keeps
// __meta_kubernetes_pod_container_port_name, portNumber and a numeric
// targetPort keep __meta_kubernetes_pod_container_port_number. A pod that
// declares no such port yields no target, silently. With none of the three
// set there is no keep rule, and Prometheus makes one target per declared
// port plus a port-free one per container without ports.
package scrape
