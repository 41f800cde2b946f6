package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pangea-ai/mlplatform/plan/offline"
)

func mlplat(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPlanJSONFollowsTheContract(t *testing.T) {
	code, out, stderr := mlplat(t, "plan", "--stack", "aws-prod", "--format", "json", "--root", "../..")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"stack", "environment", "resources", "violations", "cost", "deployTime", "placeholders"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("plan JSON lacks %q", k)
		}
	}
	if len(raw) != 7 {
		t.Errorf("plan JSON has %d keys, want exactly 7", len(raw))
	}
	var p struct {
		Stack, Environment string
		Resources          []map[string]json.RawMessage
		Violations         []interface{}
		Cost               map[string]interface{}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Stack != "aws-prod" || p.Environment != "prod" || p.Violations == nil || len(p.Violations) != 0 || p.Cost == nil {
		t.Errorf("stack %q env %q violations %v cost %v", p.Stack, p.Environment, p.Violations, p.Cost)
	}
	if len(p.Resources) < 60 {
		t.Errorf("%d resources, want at least 60", len(p.Resources))
	}
	for _, r := range p.Resources {
		for _, k := range []string{"urn", "type", "name", "parent", "inputs", "protect", "dependsOn", "provider"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("resource %s lacks %q", r["urn"], k)
			}
		}
	}
	if strings.Contains(out, "clusters") && strings.Contains(out, "certificate-authority-data") {
		t.Error("the kubeconfig leaked into the plan in plaintext")
	}
	if !strings.Contains(out, `"kubeconfig": "[secret]"`) {
		t.Error("the kubeconfig is not shown as [secret]")
	}
}

func TestPlanTextShowsTreeAndCounts(t *testing.T) {
	_, doc, _ := mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--format", "json")
	var p offline.Plan
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		fmt.Sprintf("Plan for stack aws-dev (environment dev, aws us-east-1): %d resources", len(p.Resources)),
		"├─ mlplatform:aws:Cluster  aws-dev\n",
		"│  ├─ aws:eks/cluster:Cluster  aws-dev\n",
		"aws:eks/nodeGroup:NodeGroup  aws-dev-gpu  [ignores changes to scalingConfig.desiredSize]",
		"Resources by type:\n",
		"     3  aws:eks/nodeGroup:NodeGroup\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text plan lacks %q", want)
		}
	}
}

func TestPlanInvalidEnvironmentListsEveryProblemAndExits2(t *testing.T) {
	code, out, stderr := mlplat(t, "plan", "--stack", "aws-dev", "--root", "../..", "--environment-file", "../../test/testdata/invalid/dev.yaml")
	if code != exitInvalid || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := `test/testdata/invalid/dev.yaml: 6 problems:
 - tags.cost-center = "4821": must be cc- and 4 to 6 digits; fix: use a cost center such as cc-4821
 - cluster.kubernetesVersion = "1.28": is not a supported version; fix: use one of "1.32", "1.33", "1.34", "1.35"
 - nodeGroups.gpu.minSize = 3: must be <= maxSize (2); fix: lower minSize or raise maxSize
 - nodeGroups.gpu.aws.instanceTypes[0] = "g5.xlage": unknown instance type; fix: did you mean "g5.xlarge"?
 - aws.network.privateSubnetCidrs[1] = "10.10.16.0/20": overlaps aws.network.privateSubnetCidrs[0] (10.10.0.0/19); fix: pick a block that no other subnet uses
 - aws.network.privateSubnetCidrs[2] = "10.11.64.0/19": lies outside the VPC 10.10.0.0/16; fix: pick a block inside vpcCidr
`
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

func TestPlanErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"unknown stack": {[]string{"plan", "--stack", "aws-qa", "--root", "../.."}, exitFailed,
			"no stack \"aws-qa\": stacks/Pulumi.aws-qa.yaml does not exist; stacks here: aws-dev, aws-prod, aws-staging, azure-dev, azure-prod, azure-staging\n"},
		"no stack":        {[]string{"plan"}, exitUsage, "mlplat plan: --stack is required and --format is text or json\n"},
		"bad format":      {[]string{"plan", "--stack", "aws-dev", "--format", "yaml"}, exitUsage, "mlplat plan: --stack is required and --format is text or json\n"},
		"no command":      {nil, exitUsage, "mlplat: the mlplatform toolkit's command line\n"},
		"unknown command": {[]string{"apply"}, exitUsage, "mlplat: unknown command \"apply\"\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := mlplat(t, tc.args...)
			if code != tc.code || !strings.HasPrefix(stderr, tc.want) {
				t.Errorf("exit %d stderr %q, want %d and prefix %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
