package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// pss-restricted

// Baseline allows these added capabilities; restricted only NET_BIND_SERVICE.
var wlBaselineCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

var wlSafeSysctls = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}

var wlRestrictedVolumes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}

var wlSELinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

func wlCheckPSS(s *Stack) []Finding {
	var out []Finding
	for _, ns := range s.ByType(wlNamespace) {
		out = append(out, wlNamespaceLevel(ns)...)
	}
	nss := wlNamespaces(s)
	for _, p := range wlPods(s) {
		if p.invalid != "" {
			continue
		}
		level := "restricted"
		if ns := nss[p.namespace]; ns != nil && !p.nsUnknown {
			level = wlWaivedLevel(ns)
		}
		if level == "privileged" {
			continue
		}
		if u := p.unknownIn([]string{"hostNetwork", "hostPID", "hostIPC", "securityContext", "volumes"}, []string{"securityContext", "ports"}); u != "" {
			out = append(out, CannotVerify(p.r, u))
			continue
		}
		msgs := wlPSSViolations(p, level == "restricted")
		if len(msgs) > 0 && p.nsUnknown {
			out = append(out, CannotVerify(p.r, "metadata.namespace"))
			continue
		}
		for _, m := range msgs {
			out = append(out, Violation(p.r, "%s must %s", Subject(p.r), m))
		}
	}
	return out
}

// wlNamespaceLevel checks a namespace's enforce label and, below
// restricted, its reason.
func wlNamespaceLevel(ns *Resource) []Finding {
	labels, unknown := props.StringMap(wlAt(ns.Inputs, "metadata.labels"))
	lvl, ok := labels[wlEnforceLabel]
	switch {
	case !ok && unknown:
		return []Finding{CannotVerify(ns, "metadata.labels")}
	case !ok:
		return []Finding{Violation(ns, "%s must carry the label %s", Subject(ns), wlEnforceLabel)}
	case lvl != "restricted" && lvl != "baseline" && lvl != "privileged":
		return []Finding{Violation(ns, "%s must set %s to restricted, baseline or privileged, not %q", Subject(ns), wlEnforceLabel, lvl)}
	case lvl == "restricted":
		return nil
	}
	ann, unknown := props.StringMap(wlAt(ns.Inputs, "metadata.annotations"))
	if strings.TrimSpace(ann[wlPSSReason]) == "" {
		if unknown {
			return []Finding{CannotVerify(ns, "metadata.annotations")}
		}
		return []Finding{Violation(ns, "%s must give the reason for Pod Security %s in the annotation %s", Subject(ns), lvl, wlPSSReason)}
	}
	return nil
}

// wlWaivedLevel is the level a namespace's pods must meet: its own when it
// is lowered with a reason, else restricted.
func wlWaivedLevel(ns *Resource) string {
	labels, _ := props.StringMap(wlAt(ns.Inputs, "metadata.labels"))
	ann, _ := props.StringMap(wlAt(ns.Inputs, "metadata.annotations"))
	if lvl := labels[wlEnforceLabel]; (lvl == "baseline" || lvl == "privileged") && strings.TrimSpace(ann[wlPSSReason]) != "" {
		return lvl
	}
	return "restricted"
}

// wlPSSViolations are the Pod Security checks a pod fails, as the text
// after "must": baseline always, restricted when asked.
func wlPSSViolations(p *wlPod, restricted bool) []string {
	var out []string
	in := p.in()
	for _, f := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if b, _ := props.Unwrap(p.spec[f]).(bool); b {
			out = append(out, fmt.Sprintf("not set %s%s", f, in))
		}
	}
	psc := wlMap(p.spec["securityContext"])
	out = append(out, wlContextViolations(psc, in, restricted)...)
	for _, sc := range wlList(psc["sysctls"]) {
		if n := wlStr(wlAt(sc, "name")); !slices.Contains(wlSafeSysctls, n) {
			out = append(out, fmt.Sprintf("not set sysctl %s%s", n, in))
		}
	}
	for _, v := range wlList(p.spec["volumes"]) {
		name, kind := wlStr(wlAt(v, "name")), wlVolumeType(v)
		switch {
		case kind == "hostPath":
			out = append(out, fmt.Sprintf("not mount hostPath volume %q%s", name, in))
		case restricted && kind != "" && !slices.Contains(wlRestrictedVolumes, kind):
			out = append(out, fmt.Sprintf("not use %s volume %q%s: restricted allows only %s volumes", kind, name, in, wlAllowedVolumes))
		}
	}
	podNonRoot, _ := props.Unwrap(psc["runAsNonRoot"]).(bool)
	podSeccomp := wlStr(wlAt(psc, "seccompProfile.type"))
	for _, c := range p.containers {
		on := " on " + p.of(c)
		sc := wlMap(c.spec["securityContext"])
		if b, _ := props.Unwrap(sc["privileged"]).(bool); b {
			out = append(out, "not set privileged"+on)
		}
		allowed := wlBaselineCaps
		if restricted {
			allowed = []string{"NET_BIND_SERVICE"}
		}
		for _, cp := range props.Strings(wlAt(sc, "capabilities.add")) {
			if !slices.Contains(allowed, cp) {
				out = append(out, fmt.Sprintf("not add capability %s%s", cp, on))
			}
		}
		for _, port := range wlList(c.spec["ports"]) {
			if hp, _ := props.Unwrap(wlAt(port, "hostPort")).(float64); hp != 0 {
				out = append(out, fmt.Sprintf("not set hostPort %s%s", wlNum(hp), on))
			}
		}
		if pm := wlStr(sc["procMount"]); pm != "" && pm != "Default" {
			out = append(out, fmt.Sprintf("not set procMount %s%s", pm, on))
		}
		out = append(out, wlContextViolations(sc, on, restricted)...)
		if !restricted {
			continue
		}
		if b, ok := props.Unwrap(sc["allowPrivilegeEscalation"]).(bool); !ok || b {
			out = append(out, "set allowPrivilegeEscalation to false"+on)
		}
		nonRoot := podNonRoot
		if b, ok := props.Unwrap(sc["runAsNonRoot"]).(bool); ok {
			nonRoot = b
		}
		if !nonRoot {
			out = append(out, "set runAsNonRoot"+on)
		}
		if !slices.Contains(props.Strings(wlAt(sc, "capabilities.drop")), "ALL") {
			out = append(out, "drop ALL capabilities"+on)
		}
		seccomp := podSeccomp
		if t := wlStr(wlAt(sc, "seccompProfile.type")); t != "" {
			seccomp = t
		}
		if seccomp != "RuntimeDefault" && seccomp != "Localhost" {
			out = append(out, "set seccompProfile RuntimeDefault or Localhost"+on)
		}
	}
	return out
}

// wlContextViolations are the checks a pod or container security context
// shares: no root UID (restricted), AppArmor, SELinux and, at baseline,
// seccomp not Unconfined (restricted checks the effective profile instead).
func wlContextViolations(sc map[string]interface{}, where string, restricted bool) []string {
	var out []string
	if uid, ok := props.Unwrap(sc["runAsUser"]).(float64); ok && uid == 0 && restricted {
		out = append(out, "not set runAsUser 0"+where)
	}
	if wlStr(wlAt(sc, "appArmorProfile.type")) == "Unconfined" {
		out = append(out, "not set appArmorProfile Unconfined"+where)
	}
	if se := wlMap(sc["seLinuxOptions"]); se != nil {
		if t := wlStr(se["type"]); !slices.Contains(wlSELinuxTypes, t) {
			out = append(out, fmt.Sprintf("not set seLinuxOptions type %s%s", t, where))
		}
		if wlStr(se["user"]) != "" || wlStr(se["role"]) != "" {
			out = append(out, "not set seLinuxOptions user or role"+where)
		}
	}
	if !restricted && wlStr(wlAt(sc, "seccompProfile.type")) == "Unconfined" {
		out = append(out, "not set seccompProfile Unconfined"+where)
	}
	return out
}

// wlVolumeType is a volume's source field (hostPath, emptyDir, …).
func wlVolumeType(v interface{}) string {
	for _, k := range SortedKeys(wlMap(v)) {
		if k != "name" {
			return k
		}
	}
	return ""
}
