package plan

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Placeholders for values that must not or cannot be shown.
const (
	SecretPlaceholder  = "[secret]"
	UnknownPlaceholder = "[unknown]"
)

// Plain turns a property map into plain Go values for JSON: secrets become
// "[secret]" (a plan never prints them), unknowns "[unknown]", resource
// references their URN.
func Plain(m resource.PropertyMap) map[string]interface{} { return plainMap(m, false) }

// Revealed is Plain with secrets shown, for tests that check a secret's value.
func Revealed(m resource.PropertyMap) map[string]interface{} { return plainMap(m, true) }

func plainMap(m resource.PropertyMap, reveal bool) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		if k == "__defaults" {
			continue // SDK bookkeeping, not an input
		}
		out[string(k)] = plainValue(v, reveal)
	}
	return out
}

func plainValue(v resource.PropertyValue, reveal bool) interface{} {
	switch {
	case v.IsSecret() && reveal:
		return plainValue(v.SecretValue().Element, reveal)
	case v.IsSecret():
		return SecretPlaceholder
	case v.IsComputed():
		return UnknownPlaceholder
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret && !reveal {
			return SecretPlaceholder
		}
		if !o.Known {
			return UnknownPlaceholder
		}
		return plainValue(o.Element, reveal)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]interface{}, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e, reveal)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue(), reveal)
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return nil
}

// SortedKeys returns a property map's keys in order.
func SortedKeys(m resource.PropertyMap) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	return keys
}
