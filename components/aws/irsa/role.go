package irsa

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
)

// RoleType is the component's type token.
const RoleType = "mlplatform:aws:IRSARole"

// RoleArgs configure a Role.
type RoleArgs struct {
	// OIDCProviderARN is the cluster's IAM OIDC provider. Required.
	OIDCProviderARN pulumi.StringInput
	// OIDCIssuerURL is the cluster's issuer ("https://oidc.eks..."). Required.
	OIDCIssuerURL pulumi.StringInput
	// Namespace and ServiceAccount name the one service account that may
	// assume the role. Required.
	Namespace, ServiceAccount string
	// ManagedPolicyARNs are attached to the role.
	ManagedPolicyARNs []string
	// PolicyARNs are attached too; use them for policies created in the same
	// program (their ARNs are outputs).
	PolicyARNs []pulumi.StringInput
	// InlinePolicy, when set, is added as the role's own policy.
	InlinePolicy pulumi.StringInput
}

// Role is an IRSA role.
type Role struct {
	pulumi.ResourceState

	// ARN is what the service account's eks.amazonaws.com/role-arn annotation holds.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// Name is the role's name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Ready are the role and its policies: what a workload using the role
	// waits for. Waiting for these rather than the component keeps the
	// dependency exact (the SDK expands a component to the children it has
	// seen so far, which varies between runs).
	Ready []pulumi.Resource
}

// NewRole creates the role, its trust policy and its policies.
func NewRole(ctx *pulumi.Context, name string, args *RoleArgs, opts ...pulumi.ResourceOption) (*Role, error) {
	if args == nil || args.OIDCProviderARN == nil || args.OIDCIssuerURL == nil || args.Namespace == "" || args.ServiceAccount == "" {
		return nil, fmt.Errorf("creating IRSA role %q: OIDCProviderARN, OIDCIssuerURL, Namespace and ServiceAccount are required", name)
	}
	comp := &Role{}
	if err := ctx.RegisterComponentResource(RoleType, name, comp, opts...); err != nil {
		return nil, err
	}
	trust := pulumi.All(args.OIDCProviderARN, args.OIDCIssuerURL).ApplyT(func(v []interface{}) string {
		return TrustPolicy(v[0].(string), v[1].(string), args.Namespace, args.ServiceAccount).JSON()
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, names.IAMRole.Logical(name), &iam.RoleArgs{
		Description:      pulumi.Sprintf("IRSA role for service account %s/%s", args.Namespace, args.ServiceAccount),
		AssumeRolePolicy: trust,
	}, pulumi.Parent(comp))
	if err != nil {
		return nil, fmt.Errorf("creating IRSA role %q: %w", name, err)
	}
	comp.Ready = []pulumi.Resource{role}
	policies := make([]pulumi.StringInput, 0, len(args.ManagedPolicyARNs)+len(args.PolicyARNs))
	for _, arn := range args.ManagedPolicyARNs {
		policies = append(policies, pulumi.String(arn))
	}
	policies = append(policies, args.PolicyARNs...)
	for i, arn := range policies {
		att, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: arn,
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, fmt.Errorf("attaching policy %d to IRSA role %q: %w", i, name, err)
		}
		comp.Ready = append(comp.Ready, att)
	}
	if args.InlinePolicy != nil {
		inline, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
			Role: role.Name, Policy: args.InlinePolicy,
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, fmt.Errorf("adding inline policy to IRSA role %q: %w", name, err)
		}
		comp.Ready = append(comp.Ready, inline)
	}
	comp.ARN, comp.Name = role.Arn, role.Name
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": role.Arn, "name": role.Name})
}

// TrustPolicy lets exactly one service account assume a role through the
// cluster's OIDC provider.
func TrustPolicy(providerARN, issuerURL, namespace, serviceAccount string) policydoc.Document {
	issuer := strings.TrimPrefix(issuerURL, "https://")
	return policydoc.New(policydoc.Statement{
		Effect:    policydoc.Allow,
		Principal: map[string]interface{}{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]string{"StringEquals": {
			issuer + ":sub": fmt.Sprintf("system:serviceaccount:%s:%s", namespace, serviceAccount),
			issuer + ":aud": "sts.amazonaws.com",
		}},
	})
}
