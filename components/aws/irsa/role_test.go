package irsa

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/test/recorder"
)

func TestTrustIsPinnedToOneServiceAccount(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewRole(ctx, "model-a", &RoleArgs{
			OIDCProviderARN:   pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"),
			OIDCIssuerURL:     pulumi.String("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"),
			Namespace:         "serving",
			ServiceAccount:    "model-a",
			ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnly"},
			PolicyARNs:        []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:policy/models-read")},
			InlinePolicy:      pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
		})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	role, err := rec.Named("aws:iam/role:Role", "model-a")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policydoc.Parse(role.InString("assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statement[0]
	wantCond := map[string]map[string]string{"StringEquals": {
		"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:serving:model-a",
		"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
	}}
	if len(doc.Statement) != 1 || st.Effect != "Allow" || !reflect.DeepEqual(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) ||
		st.Principal["Federated"] != "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC" ||
		!reflect.DeepEqual(st.Condition, wantCond) {
		t.Errorf("trust policy = %+v", doc)
	}
	var attached []string
	for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached = append(attached, a.Name+"="+a.InString("policyArn"))
	}
	want := []string{"model-a-0=arn:aws:iam::aws:policy/ReadOnly", "model-a-1=arn:aws:iam::123456789012:policy/models-read"}
	if !reflect.DeepEqual(attached, want) {
		t.Errorf("attachments %v, want %v", attached, want)
	}
	if len(rec.ByType("aws:iam/rolePolicy:RolePolicy")) != 1 {
		t.Errorf("inline policy missing")
	}
}

func TestMissingServiceAccountIsAnError(t *testing.T) {
	_, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewRole(ctx, "r", &RoleArgs{OIDCProviderARN: pulumi.String("a"), OIDCIssuerURL: pulumi.String("b"), Namespace: "ns"})
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	want := `creating IRSA role "r": OIDCProviderARN, OIDCIssuerURL, Namespace and ServiceAccount are required`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestPreviewLeavesTrustUnknown runs as `pulumi preview` does before the
// cluster exists: the issuer is unknown, so the trust policy must stay
// unknown (never a guessed or empty policy) and the role is still registered.
func TestPreviewLeavesTrustUnknown(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewRole(ctx, "r", &RoleArgs{
			OIDCProviderARN: pulumi.String("arn:aws:iam::1:oidc-provider/x"),
			OIDCIssuerURL:   pulumi.UnsafeUnknownOutput(nil).ApplyT(func(interface{}) string { return "never" }).(pulumi.StringOutput),
			Namespace:       "ns", ServiceAccount: "sa",
		})
		return err
	}, recorder.Options{Project: "p", Stack: "s", Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	role, err := rec.Named("aws:iam/role:Role", "r")
	if err != nil {
		t.Fatal(err)
	}
	if got := role.In("assumeRolePolicy"); got != recorder.UnknownPlaceholder {
		t.Errorf("trust policy during preview = %v, want %s", got, recorder.UnknownPlaceholder)
	}
}
