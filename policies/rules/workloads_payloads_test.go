package rules

import (
	"fmt"
	"testing"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// isvc is an InferenceService in namespace serving with logger as its
// predictor's logger (nil: none).
func isvc(name string, logger map[string]interface{}) *Resource {
	predictor := map[string]interface{}{"model": map[string]interface{}{"runtime": "kserve-xgbserver"}}
	if logger != nil {
		predictor["logger"] = logger
	}
	return res(wlInferenceService, name, map[string]interface{}{
		"metadata": map[string]interface{}{"name": name, "namespace": "serving"},
		"spec":     map[string]interface{}{"predictor": predictor},
	})
}

func goodLogger(url string) map[string]interface{} {
	return map[string]interface{}{
		"mode": "all", "url": url,
		"marshallerUrl": "http://payload-filter.serving.svc.cluster.local:8080/marshal",
		"storage":       map[string]interface{}{"path": "batches", "key": "credentials", "parameters": map[string]interface{}{"format": "json"}, "serviceAccountName": "fraud-xgb"},
	}
}

func TestPayloadLogging(t *testing.T) {
	fix := "fix: declare models[].monitoring (features, loggable, payloadRetentionDays) in the environment file (docs/workflows/add-a-model.md)"
	edited := func(edit func(l map[string]interface{})) map[string]interface{} {
		l := goodLogger("s3://artifacts-1a2b/payloads")
		edit(l)
		return l
	}
	runRule(t, "payload-logging", []ruleCase{
		{name: "S3 through the filter", stack: stackOf("prod", isvc("fraud-xgb", goodLogger("s3://artifacts-1a2b/payloads")))},
		{name: "Azure through the filter", stack: stackOf("prod", isvc("fraud-xgb", goodLogger("abfs://models@stmlplat.dfs.core.windows.net/payloads")))},
		{name: "no logger", stack: stackOf("prod", isvc("fraud-xgb", nil)),
			want: []string{`InferenceService "fraud-xgb" must log its requests and responses: it has no spec.predictor.logger; ` + fix}},
		{name: "everything wrong at once", stack: stackOf("prod", isvc("fraud-xgb", edited(func(l map[string]interface{}) {
			l["mode"] = "request"
			l["url"] = "http://collector.example/"
			delete(l, "marshallerUrl")
			l["storage"] = map[string]interface{}{}
		}))),
			want: []string{`InferenceService "fraud-xgb" must log through the payload filter into the artifact store: mode is "request", not all (requests and responses); ` +
				`url is "http://collector.example/", not s3://<bucket>/payloads or abfs://<container>@<account>.dfs.core.windows.net/payloads; ` +
				`marshallerUrl is "", not the payload filter http://payload-filter.serving.svc.cluster.local:8080/marshal, so undeclared fields would be kept; ` +
				`storage.path is not set, so KServe's agent writes nothing to the archive; ` +
				`storage.key is not set, so KServe's webhook refuses the InferenceService; ` +
				`storage.parameters is not set, so KServe's webhook refuses the InferenceService; ` + fix}},
		{name: "an archive outside the payload root", stack: stackOf("prod", isvc("fraud-xgb", edited(func(l map[string]interface{}) { l["url"] = "s3://artifacts-1a2b/models" }))),
			want: []string{`InferenceService "fraud-xgb" must log through the payload filter into the artifact store: url is "s3://artifacts-1a2b/models", not s3://<bucket>/payloads or abfs://<container>@<account>.dfs.core.windows.net/payloads; ` + fix}},
		{name: "a bucket not known yet", stack: stackOf("prod", isvc("fraud-xgb", edited(func(l map[string]interface{}) { l["url"] = props.Unknown{} }))),
			want: []string{`unverifiable: InferenceService "fraud-xgb": cannot verify during preview: spec.predictor.logger is not known until the resource is created`}},
	})
}

func TestPayloadRetention(t *testing.T) {
	s3 := func(rules ...interface{}) *Resource {
		return res(wlS3Lifecycle, "artifacts", map[string]interface{}{"bucket": "artifacts-1a2b", "rules": rules})
	}
	expire := func(prefix, status string, days float64) map[string]interface{} {
		return map[string]interface{}{"id": "expire-payloads-fraud-xgb", "status": status,
			"filter": map[string]interface{}{"prefix": prefix}, "expiration": map[string]interface{}{"days": days}}
	}
	azure := func(prefix string, days float64) *Resource {
		return res(wlAzureMgmtPolicy, "artifacts-expiry", map[string]interface{}{"policy": map[string]interface{}{"rules": []interface{}{
			map[string]interface{}{"name": "payloads0fraudxgb", "enabled": true, "type": "Lifecycle", "definition": map[string]interface{}{
				"filters": map[string]interface{}{"blobTypes": []interface{}{"blockBlob"}, "prefixMatch": []interface{}{prefix}},
				"actions": map[string]interface{}{"baseBlob": map[string]interface{}{"delete": map[string]interface{}{"daysAfterModificationGreaterThan": days}}},
			}},
		}}})
	}
	logging := isvc("fraud-xgb", goodLogger("s3://artifacts-1a2b/payloads"))
	onAzure := isvc("fraud-xgb", goodLogger("abfs://models@stmlplat.dfs.core.windows.net/payloads"))
	kept := `InferenceService "fraud-xgb" logs payloads under %s, but no lifecycle rule deletes them there: they would be kept forever; fix: set models[].monitoring.payloadRetentionDays (the stack then adds the rule)`
	runRule(t, "payload-retention", []ruleCase{
		{name: "an S3 rule on the model's prefix", stack: stackOf("dev", logging, s3(expire("payloads/serving/fraud-xgb/", "Enabled", 14)))},
		{name: "an Azure rule on the container and prefix", stack: stackOf("dev", onAzure, azure("models/payloads/serving/fraud-xgb/", 14))},
		{name: "a model that logs nothing needs no rule", stack: stackOf("dev", isvc("fraud-xgb", nil))},
		{name: "no rule", stack: stackOf("dev", logging, s3()),
			want: []string{fmt.Sprintf(kept, "payloads/serving/fraud-xgb/")}},
		{name: "a disabled rule", stack: stackOf("dev", logging, s3(expire("payloads/serving/fraud-xgb/", "Disabled", 14))),
			want: []string{fmt.Sprintf(kept, "payloads/serving/fraud-xgb/")}},
		{name: "a rule on another model's prefix", stack: stackOf("dev", logging, s3(expire("payloads/serving/fraud/", "Enabled", 14))),
			want: []string{fmt.Sprintf(kept, "payloads/serving/fraud-xgb/")}},
		{name: "an Azure rule without the container", stack: stackOf("dev", onAzure, azure("payloads/serving/fraud-xgb/", 14)),
			want: []string{fmt.Sprintf(kept, "models/payloads/serving/fraud-xgb/")}},
		{name: "rules not known yet", stack: stackOf("dev", logging, res(wlS3Lifecycle, "artifacts", map[string]interface{}{"rules": props.Unknown{}})),
			want: []string{`unverifiable: InferenceService "fraud-xgb": cannot verify during preview: the lifecycle configuration of its archive is not known until the resource is created`}},
	})
}
