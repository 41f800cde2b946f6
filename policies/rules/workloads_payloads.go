package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan/props"
)

const (
	wlS3Lifecycle      = tokens.AWSS3BucketLifecycleConfigurationV2
	wlAzureMgmtPolicy  = tokens.AzureStorageManagementPolicy
	payloadsFix        = "fix: declare models[].monitoring (features, loggable, payloadRetentionDays) in the environment file (docs/workflows/add-a-model.md)"
	payloadLoggerPaths = "spec.predictor.logger"
)

// payload-logging

// wlCheckPayloadLogging requires every model's predictor to log requests
// and responses through the payload filter into a blob archive.
func wlCheckPayloadLogging(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(wlInferenceService) {
		v, ok := r.Get(payloadLoggerPaths)
		if !ok || v == nil {
			out = append(out, Violation(r, "%s must log its requests and responses: it has no %s; %s", Subject(r), payloadLoggerPaths, payloadsFix))
			continue
		}
		if props.HasUnknown(v) {
			out = append(out, CannotVerify(r, payloadLoggerPaths))
			continue
		}
		logger, _ := props.Unwrap(v).(map[string]interface{})
		ns := namespaceOf(r)
		var problems []string
		if mode, _ := logger["mode"].(string); mode != "all" {
			problems = append(problems, fmt.Sprintf("mode is %q, not all (requests and responses)", mode))
		}
		if _, err := archiveURL(logger); err != nil {
			problems = append(problems, err.Error())
		}
		if m, _ := logger["marshallerUrl"].(string); m != serving.PayloadFilterURL(ns) {
			problems = append(problems, fmt.Sprintf("marshallerUrl is %q, not the payload filter %s, so undeclared fields would be kept", m, serving.PayloadFilterURL(ns)))
		}
		if p, _ := props.Lookup(logger, "storage.path"); props.Unwrap(p) == nil || props.Unwrap(p) == "" {
			problems = append(problems, "storage.path is not set, so KServe's agent writes nothing to the archive")
		}
		// KServe v0.20.0 refuses a logger storage without parameters and key
		// (pkg/apis/serving/v1beta1/component.go validateLogger).
		for _, k := range []string{"storage.key", "storage.parameters"} {
			if v, _ := props.Lookup(logger, k); props.Unwrap(v) == nil {
				problems = append(problems, k+" is not set, so KServe's webhook refuses the InferenceService")
			}
		}
		if len(problems) > 0 {
			out = append(out, Violation(r, "%s must log through the payload filter into the artifact store: %s; %s", Subject(r), strings.Join(problems, "; "), payloadsFix))
		}
	}
	return out
}

// archiveURL reads the logger's url: an s3:// or abfs:// address whose path
// is the payload root, so every object lands under a model's prefix.
func archiveURL(logger map[string]interface{}) (*url.URL, error) {
	raw, _ := logger["url"].(string)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "s3" && u.Scheme != "abfs") || strings.Trim(u.Path, "/") != serving.PayloadRoot {
		return nil, fmt.Errorf("url is %q, not s3://<bucket>/%[2]s or abfs://<container>@<account>.dfs.core.windows.net/%[2]s", raw, serving.PayloadRoot)
	}
	return u, nil
}

// namespaceOf is a namespaced object's namespace ("default" when unset).
func namespaceOf(r *Resource) string {
	if ns, ok := r.Get("metadata.namespace"); ok {
		if s, ok := ns.(string); ok && s != "" {
			return s
		}
	}
	return "default"
}

// payload-retention

// wlCheckPayloadRetention requires, for every model that logs to the
// archive, a lifecycle rule that deletes its prefix: on AWS an Enabled rule
// of the stack's bucket lifecycle with that prefix and an expiration in
// days; on Azure a rule of the account's management policy matching
// <container>/<prefix> that deletes base blobs after some days.
func wlCheckPayloadRetention(s *Stack) []Finding {
	var out []Finding
	// Each lifecycle resource is read once: with a rule per model, reading
	// it again for every model made this check quadratic in the models.
	var expiries []map[string]int
	lifecycleUnknown := false
	for _, l := range append(s.ByType(wlS3Lifecycle), s.ByType(wlAzureMgmtPolicy)...) {
		if lifecycleRulesUnknown(l) {
			lifecycleUnknown = true
			continue
		}
		expiries = append(expiries, LifecycleExpiry(l.Type, l.Inputs))
	}
	for _, r := range s.ByType(wlInferenceService) {
		v, ok := r.Get(payloadLoggerPaths)
		if !ok || v == nil || props.HasUnknown(v) {
			continue // payload-logging says so
		}
		logger, _ := props.Unwrap(v).(map[string]interface{})
		u, err := archiveURL(logger)
		if err != nil {
			continue
		}
		model, _ := r.Get("metadata.name")
		name, _ := model.(string)
		prefix := serving.PayloadPrefix(namespaceOf(r), name)
		want := prefix
		if u.Scheme == "abfs" && u.User != nil {
			want = u.User.Username() + "/" + prefix
		}
		found := false
		for _, e := range expiries {
			if _, ok := e[want]; ok {
				found = true
			}
		}
		switch {
		case found:
		case lifecycleUnknown:
			out = append(out, CannotVerify(r, "the lifecycle configuration of its archive"))
		default:
			out = append(out, Violation(r, "%s logs payloads under %s, but no lifecycle rule deletes them there: they would be kept forever; fix: set models[].monitoring.payloadRetentionDays (the stack then adds the rule)", Subject(r), want))
		}
	}
	return out
}

// lifecycleRulesUnknown says whether the rules of lifecycle resource l are
// not known yet (a preview), so what it deletes cannot be told.
func lifecycleRulesUnknown(l *Resource) bool {
	path := "rules"
	if l.Type == wlAzureMgmtPolicy {
		path = "policy.rules"
	}
	v, _ := l.Get(path)
	return props.HasUnknown(v)
}

// LifecycleExpiry reads, from the inputs of an S3 bucket lifecycle
// configuration or an Azure storage management policy, after how many days
// the objects under each prefix are deleted (an Azure prefix is
// <container>/<path>). Disabled rules, and rules that delete nothing after
// a positive number of days, are left out.
func LifecycleExpiry(typ string, inputs map[string]interface{}) map[string]int {
	out := map[string]int{}
	add := func(prefix, days interface{}) {
		p, ok := props.Unwrap(prefix).(string)
		if d, positive := positiveDays(props.Unwrap(days)); ok && positive {
			out[p] = d
		}
	}
	switch typ {
	case wlS3Lifecycle:
		v, _ := props.Lookup(inputs, "rules")
		rules, _ := props.Unwrap(v).([]interface{})
		for _, raw := range rules {
			rule, _ := props.Unwrap(raw).(map[string]interface{})
			if props.Unwrap(rule["status"]) != "Enabled" {
				continue
			}
			p, _ := props.Lookup(rule, "filter.prefix")
			days, _ := props.Lookup(rule, "expiration.days")
			add(p, days)
		}
	case wlAzureMgmtPolicy:
		v, _ := props.Lookup(inputs, "policy.rules")
		rules, _ := props.Unwrap(v).([]interface{})
		for _, raw := range rules {
			rule, _ := props.Unwrap(raw).(map[string]interface{})
			if enabled, ok := props.Unwrap(rule["enabled"]).(bool); ok && !enabled {
				continue
			}
			matches, _ := props.Lookup(rule, "definition.filters.prefixMatch")
			days, _ := props.Lookup(rule, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan")
			list, _ := props.Unwrap(matches).([]interface{})
			for _, m := range list {
				add(m, days)
			}
		}
	}
	return out
}

// positiveDays reads a day count greater than zero.
func positiveDays(v interface{}) (int, bool) {
	switch n := v.(type) {
	case float64:
		return int(n), n > 0
	case int:
		return n, n > 0
	}
	return 0, false
}
