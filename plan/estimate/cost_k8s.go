package estimate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/plan"
)

// loadBalancers prices the load balancers Kubernetes creates: Services of
// type LoadBalancer and the Services Envoy Gateway creates for Gateways.
// On AWS each is its own load balancer; on AKS they share the cluster's
// load balancer and each public one adds a public IP.
func (c *coster) loadBalancers(rs []*plan.Resource) {
	type lb struct {
		urn      string
		internal bool
	}
	var lbs []lb
	for _, r := range ofType(rs, typeService) {
		if r.InString("spec.type") == "LoadBalancer" {
			lbs = append(lbs, lb{r.URN, internalLB(r.In("metadata.annotations"))})
		}
	}
	classes := map[string]*plan.Resource{}
	for _, r := range ofType(rs, typeGatewayClass) {
		classes[r.InString("metadata.name")] = r
	}
	proxies := map[string]*plan.Resource{}
	for _, r := range ofType(rs, typeEnvoyProxy) {
		proxies[r.InString("metadata.namespace")+"/"+r.InString("metadata.name")] = r
	}
	for _, gw := range ofType(rs, typeGateway) {
		class, ok := classes[gw.InString("spec.gatewayClassName")]
		if !ok || class.InString("spec.controllerName") != envoyGatewayController {
			continue
		}
		// The Gateway's own parameters win over its class's.
		ref, ns := "spec.infrastructure.parametersRef", gw.InString("metadata.namespace")
		src := gw
		if gw.InString(ref+".name") == "" {
			src, ref = class, "spec.parametersRef"
			ns = class.InString(ref + ".namespace")
		}
		svcType, annotations := "LoadBalancer", interface{}(nil) // Envoy Gateway's default
		if name := src.InString(ref + ".name"); name != "" && src.InString(ref+".kind") == "EnvoyProxy" {
			proxy, ok := proxies[ns+"/"+name]
			if !ok {
				c.note("gateway %s uses EnvoyProxy %s/%s, which is not in the plan: priced as Envoy Gateway's default LoadBalancer Service", gw.Name, ns, name)
			}
			svcType = firstOf(proxy.InString("spec.provider.kubernetes.envoyService.type"), "LoadBalancer")
			annotations = proxy.In("spec.provider.kubernetes.envoyService.annotations")
		}
		if svcType == "LoadBalancer" {
			lbs = append(lbs, lb{gw.URN, internalLB(annotations)})
		}
	}
	if len(lbs) == 0 {
		return
	}
	var urns []string
	public := 0
	for _, l := range lbs {
		urns = append(urns, l.urn)
		if !l.internal {
			public++
		}
	}
	if c.cloud == catalog.Azure {
		var h float64
		detail := fmt.Sprintf("%d LoadBalancer Services share the AKS cluster load balancer", len(lbs))
		if !c.aksOutboundLB {
			v := c.rate(catalog.RateLoadBalancerHour)
			h += v
			detail = fmt.Sprintf("%d LoadBalancer Services on one AKS cluster load balancer at %s/h", len(lbs), usd(v))
		}
		if public > 0 {
			v := c.rate(catalog.RatePublicIPv4Hour)
			h += float64(public) * v
			detail += fmt.Sprintf(", %d public IPs x %s/h", public, usd(v))
		}
		c.add("Kubernetes load balancers", "load-balancer", detail+"; rules and data processed not included", fixed(h), urns...)
		return
	}
	v := c.rate(catalog.RateLoadBalancerHour)
	c.add("Kubernetes load balancers", "load-balancer",
		fmt.Sprintf("%d LoadBalancer Services x %s/h; capacity units and data processed not included", len(lbs), usd(v)), fixed(float64(len(lbs))*v), urns...)
}

// internalLB reports whether Service annotations ask for an internal load
// balancer on AKS.
func internalLB(annotations interface{}) bool {
	m, _ := annotations.(map[string]interface{})
	return m["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"
}

// volumes prices the persistent volumes the plan requests: PVC objects and
// the volume claims of the charts the platform installs. Volumes that come
// and go with runners are counted at the scale sets' min and max runners.
func (c *coster) volumes(rs []*plan.Resource) {
	var gib Range
	var urns, items []string
	addItem := func(urn, what string, r Range) {
		gib = gib.add(r)
		urns = append(urns, urn)
		items = append(items, fmt.Sprintf("%s %s GiB", what, sizes(r.Min, r.Desired, r.Max)))
	}
	quantity := func(owner *plan.Resource, path string) (float64, bool) {
		q := owner.In(path)
		if q == nil {
			return 0, false
		}
		v, err := parseGiB(q)
		if err != nil {
			c.note("%s: %s = %v: %v; not priced", owner.Name, path, q, err)
			return 0, false
		}
		return v, true
	}
	for _, r := range ofType(rs, typePVC) {
		if v, ok := quantity(r, "spec.resources.requests.storage"); ok {
			addItem(r.URN, "claim "+firstOf(r.InString("metadata.name"), r.Name), fixed(v))
		}
	}
	for _, r := range ofType(rs, typeHelmRelease) {
		chart := r.InString("chart")
		chart = chart[strings.LastIndex(chart, "/")+1:]
		values := &plan.Resource{Name: r.Name, Inputs: valuesOf(r)}
		switch chart {
		case "kube-prometheus-stack":
			for _, s := range []struct{ what, spec, path string }{
				{"Prometheus", "prometheus.prometheusSpec", "storageSpec.volumeClaimTemplate.spec.resources.requests.storage"},
				{"Alertmanager", "alertmanager.alertmanagerSpec", "storage.volumeClaimTemplate.spec.resources.requests.storage"},
			} {
				v, ok := quantity(values, s.spec+"."+s.path)
				if !ok {
					continue
				}
				// One claim per replica (and per Prometheus shard); both default to 1.
				n := 1.0
				for _, k := range []string{".replicas", ".shards"} {
					if m, ok := values.InNumber(s.spec + k); ok {
						n *= m
					}
				}
				addItem(r.URN, s.what, fixed(n*v))
			}
			if values.In("grafana.persistence.enabled") == true {
				if v, ok := quantity(values, "grafana.persistence.size"); ok {
					addItem(r.URN, "Grafana", fixed(v))
				} else {
					c.note("%s: Grafana persistence is on but sets no size: not priced", r.Name)
				}
			}
		case "gha-runner-scale-set":
			v, ok := quantity(values, "containerMode.kubernetesModeWorkVolumeClaim.resources.requests.storage")
			if !ok {
				continue
			}
			lo, _ := values.InNumber("minRunners")
			hi, ok := values.InNumber("maxRunners")
			if !ok {
				hi = lo
				c.note("%s sets no maxRunners: its work volumes are priced at minRunners", r.Name)
			}
			addItem(r.URN, firstOf(values.InString("runnerScaleSetName"), r.Name)+" work volumes", Range{Min: lo * v, Desired: lo * v, Max: hi * v})
		}
	}
	if len(items) == 0 {
		return
	}
	v := c.rate(catalog.RateBlockStorageGBMonth)
	c.add("persistent volumes", "storage", fmt.Sprintf("%s GiB at %s/GiB-month: %s", sizes(gib.Min, gib.Desired, gib.Max), usd(v), strings.Join(items, ", ")),
		gib.scale(v/HoursPerMonth), dedupe(urns)...)
}

// valuesOf returns a Helm release's values as a map.
func valuesOf(r *plan.Resource) map[string]interface{} {
	m, _ := r.In("values").(map[string]interface{})
	return m
}

var quantityRe = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$`)

// parseGiB reads a Kubernetes storage quantity ("500Gi", "1Ti", "50G") in GiB.
func parseGiB(q interface{}) (float64, error) {
	s, ok := q.(string)
	if !ok {
		if f, ok := q.(float64); ok {
			return f / (1 << 30), nil // a bare number is bytes
		}
		return 0, fmt.Errorf("not a quantity")
	}
	m := quantityRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("not a storage quantity such as 500Gi")
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]float64{
		"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50,
		"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
	}[m[2]]
	return v * unit / (1 << 30), nil
}
