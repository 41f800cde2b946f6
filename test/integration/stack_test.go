//go:build integration

package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/random"
	teststructure "github.com/gruntwork-io/terratest/modules/test-structure"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// deployCheckDestroy deploys the project as a new <prefix>-<random> stack with
// a file backend under workDir, hands its outputs to validate, requires a
// second preview with no changes, and destroys and removes the stack. Each
// step is a terratest stage (SKIP_<stage>=true skips it).
func deployCheckDestroy(t *testing.T, prefix, workDir string, config auto.ConfigMap, validate func(outputs auto.OutputMap)) {
	t.Helper()
	ctx := context.Background()
	stackName := prefix + "-" + strings.ToLower(random.UniqueId())
	root, err := filepath.Abs(projectRoot)
	if err != nil {
		t.Fatal(err)
	}
	stack, err := auto.UpsertStackLocalSource(ctx, "organization/mlplatform/"+stackName, root, auto.EnvVars(map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + filepath.Join(workDir, "state"),
		"PULUMI_CONFIG_PASSPHRASE": random.UniqueId(),
	}))
	if err != nil {
		t.Fatalf("creating stack %s: %v", stackName, err)
	}
	defer teststructure.RunTestStage(t, "teardown", func() {
		if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout), optdestroy.Remove()); err != nil {
			t.Errorf("destroying %s (clean up by hand if this failed): %v", stackName, err)
		}
	})
	if err := stack.SetAllConfig(ctx, config); err != nil {
		t.Fatal(err)
	}
	var outputs auto.OutputMap
	teststructure.RunTestStage(t, "deploy", func() {
		res, err := stack.Up(ctx, optup.ProgressStreams(os.Stdout))
		if err != nil {
			t.Fatalf("pulumi up: %v", err)
		}
		outputs = res.Outputs
	})
	teststructure.RunTestStage(t, "validate", func() { validate(outputs) })
	teststructure.RunTestStage(t, "idempotent", func() {
		if _, err := stack.Preview(ctx, optpreview.ExpectNoChanges()); err != nil {
			t.Errorf("a second preview shows changes; the program is not idempotent: %v", err)
		}
	})
}
