package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/names"
)

// ClusterAdminPolicyARN is the EKS access policy admin roles are associated with.
const ClusterAdminPolicyARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// clusterRole is the role the EKS service assumes, with the cluster policy and
// just enough of the secrets key to envelope-encrypt.
func clusterRole(ctx *pulumi.Context, name string, keyARN pulumi.StringOutput, parent pulumi.ResourceOption) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, names.IAMRole.Logical(name+"-cluster"), &iam.RoleArgs{
		Description:      pulumi.String("Assumed by the EKS control plane"),
		AssumeRolePolicy: pulumi.String(policydoc.ServiceTrust("eks.amazonaws.com").JSON()),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, name+"-cluster-policy", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-cluster-encryption", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: keyARN.ApplyT(func(arn string) string {
			return policydoc.New(policydoc.Statement{
				Effect:   policydoc.Allow,
				Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"},
				Resource: []string{arn},
			}).JSON()
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}
	return role, nil
}

// adminAccess gives each admin role an access entry with the cluster-admin
// access policy, cluster-wide.
func adminAccess(ctx *pulumi.Context, name string, cluster pulumi.StringOutput, roles []string, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for i, arn := range roles {
		entryName := fmt.Sprintf("%s-admin-%d", name, i)
		entry, err := eks.NewAccessEntry(ctx, entryName, &eks.AccessEntryArgs{
			ClusterName: cluster, PrincipalArn: pulumi.String(arn), Type: pulumi.String("STANDARD"),
		}, parent)
		if err != nil {
			return nil, err
		}
		assoc, err := eks.NewAccessPolicyAssociation(ctx, entryName, &eks.AccessPolicyAssociationArgs{
			ClusterName:  cluster,
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String(ClusterAdminPolicyARN),
			AccessScope:  eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, parent)
		if err != nil {
			return nil, err
		}
		out = append(out, assoc)
	}
	return out, nil
}
