package scrape

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Pod is a workload's pod template as far as scraping is concerned.
type Pod struct {
	// Source says where the facts come from (a rendered object, or the
	// upstream file that proves a chart's pods look like this).
	Source     string
	Namespace  string
	Labels     map[string]string
	Containers []Container
}

// Container is one container and the ports it declares.
type Container struct {
	Name  string
	Ports []Port
}

// Port is a declared port.
type Port struct {
	Name   string
	Number int
}

// Service is a Service a ServiceMonitor may select.
type Service struct {
	Source, Namespace, Name string
	Labels                  map[string]string
	Ports                   []Port
}

// Check reports every way one monitor (a PodMonitor or ServiceMonitor
// manifest) would scrape nothing.
func Check(monitor map[string]interface{}, pods []Pod, services []Service) []string {
	meta := mapOf(monitor["metadata"])
	id := fmt.Sprintf("%s %s/%s", str(monitor["kind"]), str(meta["namespace"]), str(meta["name"]))
	spec := mapOf(monitor["spec"])
	namespaces, err := namespacesOf(spec, str(meta["namespace"]))
	if err != nil {
		return []string{id + ": " + err.Error()}
	}
	selector, err := matchLabels(spec)
	if err != nil {
		return []string{id + ": " + err.Error()}
	}
	switch str(monitor["kind"]) {
	case "PodMonitor":
		var selected []Pod
		for _, p := range pods {
			if namespaces(p.Namespace) && subset(selector, p.Labels) {
				selected = append(selected, p)
			}
		}
		if len(selected) == 0 {
			return []string{fmt.Sprintf("%s: selects no pod: no rendered workload or known chart workload in its namespaces carries %s", id, labelString(selector))}
		}
		var out []string
		for i, ep := range list(spec["podMetricsEndpoints"]) {
			for _, p := range selected {
				if msg := checkPodEndpoint(mapOf(ep), p); msg != "" {
					out = append(out, fmt.Sprintf("%s: podMetricsEndpoints[%d] on pods of %s: %s", id, i, p.Source, msg))
				}
			}
		}
		return out
	case "ServiceMonitor":
		var selected []Service
		for _, s := range services {
			if namespaces(s.Namespace) && subset(selector, s.Labels) {
				selected = append(selected, s)
			}
		}
		if len(selected) == 0 {
			return []string{fmt.Sprintf("%s: selects no Service: no known Service in its namespaces carries %s", id, labelString(selector))}
		}
		var out []string
		for i, ep := range list(spec["endpoints"]) {
			port := str(mapOf(ep)["port"])
			for _, s := range selected {
				if port == "" {
					out = append(out, fmt.Sprintf("%s: endpoints[%d]: names no Service port (of %s: %s)", id, i, s.Source, portList(s.Ports)))
				} else if !hasPortName(s.Ports, port) {
					out = append(out, fmt.Sprintf("%s: endpoints[%d]: Service %s/%s (%s) has no port named %q; it has %s", id, i, s.Namespace, s.Name, s.Source, port, portList(s.Ports)))
				}
			}
		}
		return out
	}
	return []string{id + ": not a PodMonitor or ServiceMonitor"}
}

// checkPodEndpoint is empty when the endpoint scrapes the pod.
func checkPodEndpoint(ep map[string]interface{}, p Pod) string {
	var all []Port
	for _, c := range p.Containers {
		all = append(all, c.Ports...)
	}
	switch {
	case str(ep["port"]) != "":
		if !hasPortName(all, str(ep["port"])) {
			return fmt.Sprintf("no container declares a port named %q (declared: %s)", str(ep["port"]), portList(all))
		}
		return ""
	case ep["portNumber"] != nil, ep["targetPort"] != nil:
		field, v := "portNumber", ep["portNumber"]
		if v == nil {
			field, v = "targetPort", ep["targetPort"]
		}
		if s, ok := v.(string); ok {
			if !hasPortName(all, s) {
				return fmt.Sprintf("%s %q: no container declares a port by that name (declared: %s)", field, s, portList(all))
			}
			return ""
		}
		n := toInt(v)
		for _, port := range all {
			if port.Number == n {
				return ""
			}
		}
		return fmt.Sprintf("%s %d keeps only targets whose container declares port %d, and none does (declared: %s); name a declared port or rewrite __address__", field, n, n, portList(all))
	}
	// No port chosen: only an explicit address rewrite makes a target.
	rewrites, keeps := false, ""
	for _, r := range list(ep["relabelings"]) {
		rm := mapOf(r)
		if str(rm["targetLabel"]) == "__address__" {
			rewrites = true
		}
		if strings.EqualFold(str(rm["action"]), "keep") && len(list(rm["sourceLabels"])) == 1 && str(list(rm["sourceLabels"])[0]) == "__meta_kubernetes_pod_container_name" {
			keeps = str(rm["regex"])
		}
	}
	if !rewrites {
		return "names no port and does not rewrite __address__: Prometheus would scrape every declared port and a port-free target per container"
	}
	if keeps == "" {
		return "rewrites __address__ without keeping one container: every container of the pod becomes a target on the same address"
	}
	re, err := regexp.Compile("^(?:" + keeps + ")$")
	if err != nil {
		return fmt.Sprintf("keep regex %q: %v", keeps, err)
	}
	for _, c := range p.Containers {
		if re.MatchString(c.Name) {
			return ""
		}
	}
	return fmt.Sprintf("keeps container %q, which the pod does not have", keeps)
}

func namespacesOf(spec map[string]interface{}, own string) (func(string) bool, error) {
	ns := mapOf(spec["namespaceSelector"])
	if ns == nil {
		return func(n string) bool { return n == own }, nil
	}
	if ns["any"] == true {
		return func(string) bool { return true }, nil
	}
	names := map[string]bool{}
	for _, n := range list(ns["matchNames"]) {
		names[str(n)] = true
	}
	return func(n string) bool { return names[n] }, nil
}

func matchLabels(spec map[string]interface{}) (map[string]string, error) {
	sel := mapOf(spec["selector"])
	if len(list(sel["matchExpressions"])) > 0 {
		return nil, fmt.Errorf("selector.matchExpressions is not supported by this check")
	}
	out := map[string]string{}
	for k, v := range mapOf(sel["matchLabels"]) {
		out[k] = str(v)
	}
	return out, nil
}

func subset(want, have map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func hasPortName(ports []Port, name string) bool {
	for _, p := range ports {
		if p.Name == name {
			return true
		}
	}
	return false
}

func portList(ports []Port) string {
	if len(ports) == 0 {
		return "none"
	}
	var out []string
	for _, p := range ports {
		out = append(out, fmt.Sprintf("%s/%d", or(p.Name, "(unnamed)"), p.Number))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func labelString(m map[string]string) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return "{" + strings.Join(out, ", ") + "}"
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func toInt(v interface{}) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return -1
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func mapOf(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}
