package rules

import (
	"path"
	"slices"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// notebookSecurity is rule notebook-security.
var notebookSecurity = Rule{ID: "notebook-security", Category: Workloads, Kind: Fixed,
	Description: "Checks whether JupyterHub releases run notebooks non-root with no privilege escalation, every capability dropped and no privileged iptables init container, stop idle notebooks, keep homes on an explicit storage class with a size, keep the OAuth secret out of the values, and limit notebooks' egress (no open private or public ranges).",
	Resources:   "Helm releases of the jupyterhub chart",
	Mirrors:     "PSS restricted, zero-to-jupyterhub \"Security\" guide (cloud metadata, network policies), CIS 5.2.x",
	Check:       checkNotebookSecurity}

func isJupyterHub(r *Resource) bool {
	return r.Type == wlRelease && path.Base(r.Str("chart")) == "jupyterhub"
}

func checkNotebookSecurity(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(wlRelease) {
		if !isJupyterHub(r) {
			continue
		}
		if r.IsUnknown("values") {
			out = append(out, CannotVerify(r, "values"))
			continue
		}
		var why []string
		if uid, ok := r.Num("values.singleuser.uid"); !ok || uid == 0 {
			why = append(why, "singleuser.uid must be a non-root user (the chart's 1000)")
		}
		if esc, ok := r.Bool("values.singleuser.allowPrivilegeEscalation"); ok && esc {
			why = append(why, "singleuser.allowPrivilegeEscalation must be false")
		}
		if block, ok := r.Bool("values.singleuser.cloudMetadata.blockWithIptables"); !ok || block {
			why = append(why, "singleuser.cloudMetadata.blockWithIptables must be false: true adds a privileged root init container to every notebook (block the metadata server with the network policy)")
		}
		drop, _ := r.Get("values.hub.config.KubeSpawner.container_security_context.capabilities.drop")
		if !slices.Contains(props.Strings(drop), "ALL") {
			why = append(why, "hub.config.KubeSpawner.container_security_context must drop ALL capabilities")
		}
		if cull, ok := r.Bool("values.cull.enabled"); ok && !cull {
			why = append(why, "cull.enabled must not be false: an idle GPU notebook holds its GPU")
		}
		if r.Str("values.singleuser.storage.dynamic.storageClass") == "" || r.Str("values.singleuser.storage.capacity") == "" {
			why = append(why, "singleuser.storage must name its storage class (the encrypted one) and a capacity")
		}
		if r.Str("values.hub.existingSecret") == "" {
			why = append(why, "hub.existingSecret must hold the OAuth client secret")
		}
		for _, class := range []string{"GitHubOAuthenticator", "AzureAdOAuthenticator", "GenericOAuthenticator"} {
			if _, ok := r.Get("values.hub.config." + class + ".client_secret"); ok {
				why = append(why, "hub.config."+class+".client_secret must not be in the values, which Helm keeps in plain text in its release")
			}
		}
		for _, rule := range []string{"nonPrivateIPs", "privateIPs"} {
			if open, ok := r.Bool("values.singleuser.networkPolicy.egressAllowRules." + rule); !ok || open {
				why = append(why, "singleuser.networkPolicy.egressAllowRules."+rule+" must be false: notebooks reach MLflow and HTTPS only")
			}
		}
		if on, ok := r.Bool("values.singleuser.networkPolicy.enabled"); ok && !on {
			why = append(why, "singleuser.networkPolicy.enabled must not be false")
		}
		for _, w := range why {
			out = append(out, Violation(r, "%s: %s", Subject(r), w))
		}
	}
	return out
}
