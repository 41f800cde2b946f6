package props

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// inputs is a recorded input map with every kind of value a program sends:
// a secret, an unknown, a known output that is secret, a resource reference
// and nesting through lists and maps.
func inputs() resource.PropertyMap {
	return resource.PropertyMap{
		"name":     resource.NewStringProperty("models"),
		"replicas": resource.NewNumberProperty(3),
		"enabled":  resource.NewBoolProperty(true),
		"password": resource.MakeSecret(resource.NewStringProperty("hunter2")),
		"arn":      resource.MakeComputed(resource.NewStringProperty("")),
		"token": resource.NewOutputProperty(resource.Output{
			Element: resource.NewStringProperty("t0k3n"), Known: true, Secret: true,
		}),
		"later": resource.NewOutputProperty(resource.Output{Known: false}),
		"spec": resource.NewObjectProperty(resource.PropertyMap{
			"containers": resource.NewArrayProperty([]resource.PropertyValue{
				resource.NewObjectProperty(resource.PropertyMap{"image": resource.NewStringProperty("ghcr.io/x:1")}),
			}),
			"auth": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
				"key": resource.NewStringProperty("k"),
			})),
		}),
		"__defaults": resource.NewArrayProperty(nil),
	}
}

func TestFromResourcePropertyMap(t *testing.T) {
	got := FromResourcePropertyMap(inputs())
	want := map[string]any{
		"name": "models", "replicas": 3.0, "enabled": true,
		"password": Secret{Value: "hunter2"},
		"arn":      Unknown{},
		"token":    Secret{Value: "t0k3n"},
		"later":    Unknown{},
		"spec": map[string]any{
			"containers": []any{map[string]any{"image": "ghcr.io/x:1"}},
			"auth":       Secret{Value: map[string]any{"key": "k"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromResourcePropertyMap() =\n%#v\nwant\n%#v", got, want)
	}
}

// A plan document prints markers as placeholders and never a secret.
func TestJSONPrintsPlaceholders(t *testing.T) {
	out, err := json.Marshal(FromResourcePropertyMap(inputs()))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"arn":"[unknown]","enabled":true,"later":"[unknown]","name":"models","password":"[secret]",` +
		`"replicas":3,"spec":{"auth":"[secret]","containers":[{"image":"ghcr.io/x:1"}]},"token":"[secret]"}`
	if string(out) != want {
		t.Errorf("json =\n%s\nwant\n%s", out, want)
	}
}

func TestLookup(t *testing.T) {
	v := FromResourcePropertyMap(inputs())
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"name", "models", true},
		{"spec.containers[0].image", "ghcr.io/x:1", true},
		{"spec.containers[1].image", nil, false},
		{"spec.containers.image", nil, false},
		{"spec.missing", nil, false},
		{"name.deeper", nil, false},
		{"password", Secret{Value: "hunter2"}, true},
		// What is read from inside a secret stays secret.
		{"spec.auth.key", Secret{Value: "k"}, true},
		// Below an unknown nothing is known either.
		{"arn.part[2]", Unknown{}, true},
		{"spec[", nil, false},
		{"", v, true},
	} {
		got, ok := Lookup(v, tc.path)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Lookup(%q) = %#v, %v; want %#v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPrintable(t *testing.T) {
	v := map[string]any{"a": Secret{Value: []any{"x", Unknown{}}}, "b": Asset{}, "c": 1.0}
	if got, want := Printable(v, false), map[string]any{"a": SecretPlaceholder, "b": AssetPlaceholder, "c": 1.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("Printable(hidden) = %#v, want %#v", got, want)
	}
	if got, want := Printable(v, true), map[string]any{"a": []any{"x", UnknownPlaceholder}, "b": AssetPlaceholder, "c": 1.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("Printable(revealed) = %#v, want %#v", got, want)
	}
}

// ToPropertyMap undoes FromPropertyMap: secrets stay secret, unknowns
// computed.
func TestToPropertyMapRoundTrips(t *testing.T) {
	plain := FromResourcePropertyMap(inputs())
	back := ToPropertyMap(plain)
	if !back.Get("password").Secret() || !back.Get("arn").IsComputed() {
		t.Errorf("secret %v, computed %v: markers lost", back.Get("password").Secret(), back.Get("arn").IsComputed())
	}
	if again := FromPropertyMap(back); !reflect.DeepEqual(again, plain) {
		t.Errorf("round trip =\n%#v\nwant\n%#v", again, plain)
	}
	if v := ToPropertyMap(map[string]any{"n": 2, "a": Asset{}}); v.Get("n").AsNumber() != 2 || !v.Get("a").IsNull() {
		t.Errorf("int and asset = %v", v)
	}
}

func TestReaders(t *testing.T) {
	v := map[string]any{
		"tags":  map[string]any{"team": "ml", "cost": Secret{Value: "x"}, "n": 1.0, "later": Unknown{}},
		"list":  Secret{Value: []any{"a", 1.0, Secret{Value: "b"}}},
		"deep":  []any{map[string]any{"x": Unknown{}}},
		"plain": []any{"a"},
	}
	m, unknown := StringMap(v["tags"])
	if want := map[string]string{"team": "ml", "cost": "x"}; !reflect.DeepEqual(m, want) || !unknown {
		t.Errorf("StringMap = %v, %v; want %v, true", m, unknown, want)
	}
	if got := Strings(v["list"]); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Strings = %v", got)
	}
	if !HasUnknown(v["deep"]) || HasUnknown(v["plain"]) {
		t.Errorf("HasUnknown(deep) = %v, HasUnknown(plain) = %v", HasUnknown(v["deep"]), HasUnknown(v["plain"]))
	}
	if got := Unwrap(Secret{Value: Secret{Value: "s"}}); got != "s" {
		t.Errorf("Unwrap = %v", got)
	}
}

// TestSplitSegment pins the path segments Lookup accepts: a name, [i]
// indexes after it, or both; anything else is no path.
func TestSplitSegment(t *testing.T) {
	cases := map[string]struct {
		keys  []string
		valid bool
	}{
		"name":               {[]string{"name"}, true},
		"containers[0]":      {[]string{"containers", "[0"}, true},
		"matrix[1][23]":      {[]string{"matrix", "[1", "[23"}, true},
		"[2]":                {[]string{"[2"}, true},
		"":                   {nil, true},
		"a[":                 {nil, false},
		"a[]":                {nil, false},
		"a[x]":               {nil, false},
		"a[1]b":              {nil, false},
		"a[1]]":              {nil, false},
		"a[-1]":              {nil, false},
		"mlplatform.io/x[0]": {[]string{"mlplatform.io/x", "[0"}, true},
	}
	for seg, want := range cases {
		keys, valid := splitSegment(seg)
		if valid != want.valid || !slices.Equal(keys, want.keys) {
			t.Errorf("splitSegment(%q) = %q, %v; want %q, %v", seg, keys, valid, want.keys, want.valid)
		}
	}
}
