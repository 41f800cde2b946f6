// Package props is the one plain-value form of a resource's inputs that the
// offline plan, its estimators, the policy rules and the policy pack read.
//
// A property map (the mock monitor's resource.PropertyMap, or the analyzer's
// property.Map) is converted once, by FromPropertyMap, into plain Go values:
// map[string]any, []any, string, float64, bool and nil, with three markers
// for what is not a plain value: Secret wraps a value the program marked
// secret, Unknown stands for a value the engine does not know yet, Asset for
// an asset or archive. In JSON the markers print as "[secret]", "[unknown]"
// and "[asset]", so a plan document never shows a secret.
//
// Lookup is the one reader of a dotted path ("spec.containers[0].image").
package props

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Placeholders the markers print as in JSON and in Printable values.
const (
	SecretPlaceholder  = "[secret]"
	UnknownPlaceholder = "[unknown]"
	AssetPlaceholder   = "[asset]"
)

// Secret is a value the program marked secret.
type Secret struct{ Value any }

// Unknown is a value the engine does not know yet: an output of a resource a
// preview has not created. Readers never guess it.
type Unknown struct{}

// Asset is an asset or archive; nothing the toolkit reads.
type Asset struct{}

// MarshalJSON prints a secret as its placeholder, never its value.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + SecretPlaceholder + `"`), nil }

// MarshalJSON prints an unknown value as its placeholder.
func (Unknown) MarshalJSON() ([]byte, error) { return []byte(`"` + UnknownPlaceholder + `"`), nil }

// MarshalJSON prints an asset as its placeholder.
func (Asset) MarshalJSON() ([]byte, error) { return []byte(`"` + AssetPlaceholder + `"`), nil }

// FromPropertyMap converts a property map into plain values. "__defaults",
// the SDK's bookkeeping, is left out.
func FromPropertyMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		if k == "__defaults" {
			continue
		}
		out[k] = fromValue(v)
	}
	return out
}

// FromResourcePropertyMap converts the mock monitor's property map, through
// the SDK's own conversion to property.Map: outputs become their value (or
// Unknown), keeping their secretness.
func FromResourcePropertyMap(m resource.PropertyMap) map[string]any {
	return FromPropertyMap(resource.FromResourcePropertyMap(m))
}

func fromValue(v property.Value) any {
	var out any
	switch {
	case v.IsComputed():
		return Unknown{}
	case v.IsNull():
		out = nil
	case v.IsBool():
		out = v.AsBool()
	case v.IsNumber():
		out = v.AsNumber()
	case v.IsString():
		out = v.AsString()
	case v.IsArray():
		arr := v.AsArray().AsSlice()
		l := make([]any, len(arr))
		for i, e := range arr {
			l[i] = fromValue(e)
		}
		out = l
	case v.IsMap():
		out = FromPropertyMap(v.AsMap())
	case v.IsResourceReference():
		out = string(v.AsResourceReference().URN)
	default:
		out = Asset{}
	}
	if v.Secret() {
		return Secret{Value: out}
	}
	return out
}

// ToPropertyMap is FromPropertyMap's inverse, for feeding recorded values
// to what reads the engine's form (the policy pack's tests). Assets come
// back as null: nothing the toolkit reads holds one.
func ToPropertyMap(m map[string]any) property.Map {
	out := make(map[string]property.Value, len(m))
	for k, v := range m {
		out[k] = toValue(v)
	}
	return property.NewMap(out)
}

func toValue(v any) property.Value {
	switch t := v.(type) {
	case Secret:
		return toValue(t.Value).WithSecret(true)
	case Unknown:
		return property.New(property.Computed)
	case bool:
		return property.New(t)
	case float64:
		return property.New(t)
	case int:
		return property.New(float64(t))
	case string:
		return property.New(t)
	case []any:
		arr := make([]property.Value, len(t))
		for i, e := range t {
			arr[i] = toValue(e)
		}
		return property.New(property.NewArray(arr))
	case map[string]any:
		return property.New(ToPropertyMap(t))
	}
	return property.Value{}
}

// splitSegment splits one dotted-path segment, a name and any [i] indexes
// after it ("containers[0]"), into its keys ("containers", "[0"); valid is
// false for anything else. Lookup runs for every rule on every resource, so
// this is hand-written rather than a regular expression.
func splitSegment(seg string) (keys []string, valid bool) {
	name, rest, indexed := strings.Cut(seg, "[")
	if name != "" {
		keys = append(keys, name)
	}
	if !indexed {
		return keys, true
	}
	rest = "[" + rest
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 2 {
			return nil, false
		}
		for _, c := range rest[1:end] {
			if c < '0' || c > '9' {
				return nil, false
			}
		}
		keys = append(keys, rest[:end])
		rest = rest[end+1:]
	}
	return keys, true
}

// Lookup reads a dotted path with [i] indexes ("a.b[0].c"); ok is false
// when the path does not exist. A value read from inside a secret is
// returned as a Secret; a path that runs into an unknown value returns
// Unknown, since what lies below it is not known either.
func Lookup(v any, path string) (out any, ok bool) {
	if path == "" {
		return v, true
	}
	secret := false
	step := func(next any) {
		v = next
		if s, isSecret := v.(Secret); isSecret {
			secret, v = true, s.Value
		}
	}
	step(v)
	for _, seg := range strings.Split(path, ".") {
		keys, valid := splitSegment(seg)
		if !valid {
			return nil, false
		}
		for _, key := range keys {
			if _, unknown := v.(Unknown); unknown {
				return Unknown{}, true
			}
			if idx, isIndex := strings.CutPrefix(key, "["); isIndex {
				arr, isArr := v.([]any)
				i, _ := strconv.Atoi(idx)
				if !isArr || i >= len(arr) {
					return nil, false
				}
				step(arr[i])
				continue
			}
			obj, isObj := v.(map[string]any)
			if !isObj {
				return nil, false
			}
			next, found := obj[key]
			if !found {
				return nil, false
			}
			step(next)
		}
	}
	if secret {
		return Secret{Value: v}, true
	}
	return v, true
}

// Unwrap returns the value inside any Secret wrappers.
func Unwrap(v any) any {
	for {
		s, ok := v.(Secret)
		if !ok {
			return v
		}
		v = s.Value
	}
}

// Printable returns v with its markers replaced by their placeholders, for
// output and for comparing with expected plain values; reveal shows what
// secrets hold instead.
func Printable(v any, reveal bool) any {
	switch t := v.(type) {
	case Secret:
		if reveal {
			return Printable(t.Value, reveal)
		}
		return SecretPlaceholder
	case Unknown:
		return UnknownPlaceholder
	case Asset:
		return AssetPlaceholder
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Printable(e, reveal)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Printable(e, reveal)
		}
		return out
	}
	return v
}

// HasUnknown reports whether v is or contains an Unknown.
func HasUnknown(v any) bool {
	switch t := Unwrap(v).(type) {
	case Unknown:
		return true
	case map[string]any:
		for _, e := range t {
			if HasUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if HasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// StringMap reads a map of strings (tags, labels); non-string values are
// skipped, and unknown reports an Unknown anywhere in it.
func StringMap(v any) (m map[string]string, unknown bool) {
	m = map[string]string{}
	switch t := Unwrap(v).(type) {
	case Unknown:
		return m, true
	case map[string]any:
		for k, e := range t {
			switch s := Unwrap(e).(type) {
			case string:
				m[k] = s
			case Unknown:
				unknown = true
			}
		}
	}
	return m, unknown
}

// Strings reads a list of strings; other elements are skipped.
func Strings(v any) []string {
	arr, _ := Unwrap(v).([]any)
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		if s, ok := Unwrap(e).(string); ok {
			out = append(out, s)
		}
	}
	return out
}
