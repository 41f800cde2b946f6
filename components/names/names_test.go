package names

import (
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	long40 := "m2345678901234567890123456789012345678x0"
	cases := map[string]struct {
		rule Rule
		in   string
		want string
	}{
		"fits unchanged":         {IAMRole, "aws-staging-model-fraud-xgb", "aws-staging-model-fraud-xgb"},
		"exactly the maximum":    {AgentPool, "abcdefghijkl", "abcdefghijkl"},
		"cut with hash":          {AKSCluster, "aks-" + strings.Repeat("a", 63), "aks-" + strings.Repeat("a", 50) + "-c0a28dcb"},
		"no separator doubled":   {AKSCluster, "aks-" + strings.Repeat("a", 49) + "-bbbbbbbbbbbb", "aks-" + strings.Repeat("a", 49) + "-31830177"},
		"alphanumeric no hyphen": {StorageAccount, "st" + strings.Repeat("x", 30), "st" + strings.Repeat("x", 14) + "b45b4c35"},
		"ECR path":               {ECRRepository, "team/" + long40, "team/" + long40},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := c.rule.Fit(c.in)
			if got != c.want {
				t.Fatalf("Fit(%q) = %q, want %q", c.in, got, c.want)
			}
			if err := c.rule.Check(got); err != nil {
				t.Fatalf("Fit's result fails its own rule: %v", err)
			}
		})
	}
}

// TestFitKeepsNamesApart: names that share everything the cut keeps still
// come out different, and the same name always comes out the same.
func TestFitKeepsNamesApart(t *testing.T) {
	a := IAMRole.Logical("aws-staging-model-" + strings.Repeat("x", 39) + "a")
	b := IAMRole.Logical("aws-staging-model-" + strings.Repeat("x", 39) + "b")
	if a == b {
		t.Fatalf("two names shortened to one: %q", a)
	}
	if again := IAMRole.Logical("aws-staging-model-" + strings.Repeat("x", 39) + "a"); again != a {
		t.Fatalf("Logical is not deterministic: %q then %q", a, again)
	}
	if n := len(a) + pulumiSuffix; n != IAMRole.Max {
		t.Fatalf("logical %q plus the suffix is %d characters, want exactly %d", a, n, IAMRole.Max)
	}
}

func TestCheck(t *testing.T) {
	cases := map[string]struct {
		rule Rule
		in   string
		want string
	}{
		"too long": {IAMRole, strings.Repeat("r", 65),
			`IAM role name "` + strings.Repeat("r", 65) + `" is 65 characters, allowed 1 to 64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)`},
		"bad characters and forbidden":   {KeyVault, "kv--x!", `Azure Key Vault name "kv--x!" must be letters, digits and '-', beginning with a letter and ending with a letter or digit; must not contain "--" (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault)`},
		"S3 double dot":                  {S3Bucket, "a..b", `S3 bucket name "a..b" must not contain ".." (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)`},
		"Service name starts with digit": {DNS1035Label, "1model", `Kubernetes DNS-1035 label name "1model" must be lowercase letters, digits and '-', beginning with a letter and ending with a letter or digit (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names)`},
		"ok":                             {EKSCluster, "mlplatform-aws-dev", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := c.rule.Check(c.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("Check(%q) =\n%s\nwant\n%s", c.in, got, c.want)
			}
		})
	}
}

func TestCheckAutonamed(t *testing.T) {
	logical := "aws-staging-model-" + strings.Repeat("m", 40)
	want := `IAM role name: logical name "` + logical + `" plus Pulumi's 8-character suffix is 66 characters, allowed 64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)`
	if err := IAMRole.CheckAutonamed(logical); err == nil || err.Error() != want {
		t.Fatalf("CheckAutonamed = %v, want %s", err, want)
	}
	if err := IAMRole.CheckAutonamed(IAMRole.Logical(logical)); err != nil {
		t.Fatalf("Logical's result is refused: %v", err)
	}
	if err := KeyVault.CheckAutonamed(strings.Repeat("k", 100)); err != nil {
		t.Fatalf("a target Pulumi never names is checked: %v", err)
	}
}

// TestEveryRuleIsComplete: a rule without a source or a shape cannot tell
// the user why a name was refused.
func TestEveryRuleIsComplete(t *testing.T) {
	for typ, fields := range ByType {
		for _, f := range fields {
			if f.Source == "" || f.Target == "" || f.Max == 0 || (f.Pattern != nil && f.Shape == "") {
				t.Errorf("%s.%s: rule %+v lacks a target, maximum, source or shape", typ, f.Key, f.Rule)
			}
			if f.Min > f.Max {
				t.Errorf("%s.%s: minimum %d above maximum %d", typ, f.Key, f.Min, f.Max)
			}
		}
	}
}
