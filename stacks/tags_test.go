package stacks

import (
	"reflect"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

var tagsNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func tagsEnv(ephemeral bool) *environments.Environment {
	e := &environments.Environment{Name: "preview", Tags: map[string]string{
		"environment": "preview", "owner": "ml@pangea.ai", "cost-center": "cc-4821", "project": "mlplatform", "data-classification": "internal",
	}}
	if ephemeral {
		e.Ephemeral = &environments.Ephemeral{MaxTTL: "72h"}
	}
	return e
}

func TestBuildTags(t *testing.T) {
	got, err := BuildTags(tagsEnv(true), "aws-pr-42", "2026-11-25T12:00:00+01:00", tagsNow)
	if err != nil {
		t.Fatal(err)
	}
	want := tags.Set{
		"environment": "preview", "owner": "ml@pangea.ai", "cost-center": "cc-4821", "project": "mlplatform",
		"data-classification": "internal", "managed-by": "pulumi", "stack": "aws-pr-42", "expires-at": "2026-11-25T11:00:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BuildTags = %v, want %v", got, want)
	}
	if keys := got.Keys(); keys[0] != "cost-center" || keys[len(keys)-1] != "stack" {
		t.Errorf("Keys not sorted: %v", keys)
	}
	if w := got.With(map[string]string{"Name": "x"}); w["Name"] != "x" || got["Name"] != "" {
		t.Errorf("With must copy: %v / %v", w, got)
	}
}

func TestBuildTagsErrors(t *testing.T) {
	cases := map[string]struct {
		ephemeral bool
		expiresAt string
		want      string
	}{
		"missing on ephemeral": {true, "", `config mlplatform:expiresAt = "": environment preview is ephemeral and needs an RFC 3339 expiry; fix: set it, e.g. 2026-11-25T12:00:00Z (preview stacks set it when they are created)`},
		"in the past":          {true, "2026-11-23T11:00:00Z", `config mlplatform:expiresAt = "2026-11-23T11:00:00Z": must lie after now (2026-11-23T12:00:00Z) and within maxTTL 72h; fix: set a time within the next 72h`},
		"beyond the ttl":       {true, "2026-12-01T00:00:00Z", `config mlplatform:expiresAt = "2026-12-01T00:00:00Z": must lie after now (2026-11-23T12:00:00Z) and within maxTTL 72h; fix: set a time within the next 72h`},
		"on a lasting env":     {false, "2026-11-24T00:00:00Z", `config mlplatform:expiresAt = "2026-11-24T00:00:00Z": environment preview is not ephemeral; fix: remove expiresAt from the stack config`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := BuildTags(tagsEnv(tc.ephemeral), "s", tc.expiresAt, tagsNow)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
