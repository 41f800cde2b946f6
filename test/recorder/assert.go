package recorder

import (
	"reflect"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AssertInputs fails t for every path whose input differs from want. Numbers
// compare as float64, as property values hold them; nil means absent.
func AssertInputs(t testing.TB, res *Resource, want map[string]interface{}) {
	t.Helper()
	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if got := res.In(p); !reflect.DeepEqual(got, want[p]) {
			t.Errorf("%s %s = %#v, want %#v", res.Name, p, got, want[p])
		}
	}
}

// ExpectRejected runs program and fails t unless it returns exactly the error
// want and registered nothing: bad arguments must never half-create.
func ExpectRejected(t testing.TB, program pulumi.RunFunc, want string) {
	t.Helper()
	rec, err := Run(program, Options{Project: "p", Stack: "s"})
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("bad args still created %d resources", n)
	}
}
