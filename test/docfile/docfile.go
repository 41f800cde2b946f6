// Package docfile checks a page generated from code against the committed
// file, and rewrites it when asked: a stale page fails its test.
package docfile

import (
	"os"
	"testing"
)

// Check fails t when the file at path differs from want; with update it
// first writes want there. fix is the command that regenerates the page.
func Check(t *testing.T, path, want string, update bool, fix string) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run %s", path, fix)
	}
}
