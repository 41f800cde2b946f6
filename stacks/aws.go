package stacks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/artifacts"
	"github.com/pangea-ai/mlplatform/components/aws/database"
	"github.com/pangea-ai/mlplatform/components/aws/eks"
	"github.com/pangea-ai/mlplatform/components/aws/kms"
	"github.com/pangea-ai/mlplatform/components/aws/network"
	"github.com/pangea-ai/mlplatform/components/aws/nodegroup"
	"github.com/pangea-ai/mlplatform/components/catalog"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// ClusterName is the EKS cluster name of a stack.
func ClusterName(stack string) string { return names.EKSCluster.Fit("mlplatform-" + stack) }

// AWS composes the AWS platform: keys, network, cluster, node groups, the
// add-ons that need nodes, and artifacts. Keys, IAM and artifacts depend on
// nothing in the cluster chain, so the engine runs them beside it.
func AWS(ctx *pulumi.Context, env *environments.Environment, tagSet tags.Set) error {
	a := env.AWS
	base := ctx.Stack()
	// Every value only operators hold is read, and every missing one
	// reported, before anything is registered.
	secrets, err := serviceSecrets(ctx, env, CloudAWS)
	if err != nil {
		return err
	}
	prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(a.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: tagSet.StringMap()},
	})
	if err != nil {
		return err
	}
	withProv := pulumi.Provider(prov)
	caller, err := aws.GetCallerIdentity(ctx, nil, withProv)
	if err != nil {
		return fmt.Errorf("looking up the AWS account: %w", err)
	}
	prod := env.IsProd()
	platformKey, err := kms.NewKey(ctx, base+"-platform", &kms.KeyArgs{
		Description: fmt.Sprintf("mlplatform %s: flow logs and node volumes", base),
		AccountID:   caller.AccountId, Region: a.Region, CloudWatchLogs: true, AutoScaling: true,
	}, withProv, pulumi.Protect(prod))
	if err != nil {
		return err
	}
	dataKey, err := kms.NewKey(ctx, base+"-data", &kms.KeyArgs{
		Description: fmt.Sprintf("mlplatform %s: model artifacts and container images", base),
		AccountID:   caller.AccountId, Region: a.Region,
	}, withProv, pulumi.Protect(prod))
	if err != nil {
		return err
	}
	net, err := network.NewNetwork(ctx, base, networkArgs(env, base, caller.AccountId, platformKey.ARN), withProv)
	if err != nil {
		return err
	}
	cluster, err := eks.NewCluster(ctx, base, &eks.ClusterArgs{
		ClusterName:       ClusterName(base),
		KubernetesVersion: env.Cluster.KubernetesVersion,
		SubnetIDs:         net.PrivateSubnetIDs,
		PublicAccessCIDRs: env.Cluster.PublicAccessCIDRs,
		LogRetentionDays:  env.Cluster.LogRetentionDays,
		SupportType:       a.Cluster.SupportType,
		AdminRoleARNs:     a.Cluster.AdminRoleARNs,
		AddonVersions:     a.Cluster.AddonVersions,
		AccountID:         caller.AccountId,
		Region:            a.Region,
		Protect:           prod,
	}, withProv)
	if err != nil {
		return err
	}
	// The add-ons' pods (CoreDNS, the EBS CSI controller) run on the
	// system and CPU groups; GPU groups are tainted, so waiting for them
	// would only put GPU capacity on the deploy's critical path.
	var addonGroups []pulumi.Resource
	groupNames := pulumi.StringArray{}
	for _, name := range sortedNames(env.NodeGroups) {
		args, err := nodeGroupArgs(name, env.NodeGroups[name], env.Catalog(), cluster, net, platformKey.ARN, tagSet)
		if err != nil {
			return err
		}
		args.WaitFor = cluster.ComputeDependencies
		ng, err := nodegroup.NewNodeGroup(ctx, base+"-"+name, args, withProv)
		if err != nil {
			return err
		}
		if env.NodeGroups[name].Kind != "gpu" {
			addonGroups = append(addonGroups, ng.ManagedNodeGroup)
		}
		groupNames = append(groupNames, ng.NodeGroupName)
	}
	addons, err := eks.NewWorkloadAddons(ctx, base+"-workload", &eks.WorkloadAddonsArgs{
		Cluster: cluster, VolumeKMSKeyARN: platformKey.ARN, WaitFor: addonGroups,
	}, withProv)
	if err != nil {
		return err
	}
	art, err := artifacts.NewArtifacts(ctx, base, &artifacts.ArtifactsArgs{
		KMSKeyARN:              dataKey.ARN,
		AccountID:              caller.AccountId,
		Repositories:           explainerRepositories(env, a.Artifacts.Repositories),
		RepositoryNamespace:    base,
		ModelPrefix:            a.Artifacts.ModelPrefix,
		NoncurrentVersionDays:  a.Artifacts.NoncurrentVersionDays,
		AccessLogRetentionDays: a.Artifacts.AccessLogRetentionDays,
		UntaggedImageDays:      a.Artifacts.UntaggedImageDays,
		ExpiringPrefixes:       awsPayloadExpiry(env.Models),
		Protect:                prod,
	}, withProv)
	if err != nil {
		return err
	}
	services, err := awsServices(ctx, env, caller.AccountId, cluster, addons, art, platformKey.ARN, dataKey.ARN, withProv)
	if err != nil {
		return err
	}
	if env.MLflowOn() {
		db, err := database.NewPostgres(ctx, base+"-mlflow", mlflowDatabaseArgs(env, base, net, cluster, platformKey.ARN), withProv)
		if err != nil {
			return err
		}
		if services.MLflow, err = awsMLflow(ctx, env, cluster, art, db, platformKey.ARN, dataKey.ARN, withProv); err != nil {
			return err
		}
		ctx.Export("mlflowDatabaseAddress", db.Address)
		ctx.Export("mlflowDatabaseSecretArn", db.SecretARN)
	}
	if err := platformServices(ctx, env, cluster.Provider, services, secrets); err != nil {
		return err
	}
	ctx.Export("environment", pulumi.String(env.Name))
	ctx.Export("region", pulumi.String(a.Region))
	ctx.Export("vpcId", net.VPCID)
	ctx.Export("privateSubnetIds", net.PrivateSubnetIDs)
	ctx.Export("clusterName", cluster.Name)
	ctx.Export("clusterEndpoint", cluster.Endpoint)
	ctx.Export("oidcIssuerUrl", cluster.OIDCIssuerURL)
	ctx.Export("oidcProviderArn", cluster.OIDCProviderARN)
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	ctx.Export("nodeGroups", groupNames)
	ctx.Export("ebsCsiRoleArn", addons.EBSCSIRoleARN)
	ctx.Export("artifactBucket", art.BucketName)
	ctx.Export("artifactBucketArn", art.BucketARN)
	// Pull-request previews give their models read access with this key.
	ctx.Export("dataKeyArn", dataKey.ARN)
	ctx.Export("registryUrls", art.RepositoryURLs)
	ctx.Export("modelsReadOnlyPolicyArn", art.ReadOnlyPolicyARN)
	ctx.Export("modelsReadWritePolicyArn", art.ReadWritePolicyARN)
	ctx.Export("registryPullPolicyArn", art.PullPolicyARN)
	ctx.Export("registryPushPolicyArn", art.PushPolicyARN)
	return nil
}

// mlflowDatabaseArgs size MLflow's RDS instance from the environment: in
// the private subnets, open to the cluster's security group, encrypted
// with the platform key; Multi-AZ, undeletable and protected in prod; no
// final snapshot for an ephemeral environment.
func mlflowDatabaseArgs(env *environments.Environment, stack string, net *network.Network, cluster *eks.Cluster, keyARN pulumi.StringInput) *database.PostgresArgs {
	d, prod := env.MLflow.Database, env.IsProd()
	return &database.PostgresArgs{
		Identifier: names.DBInstance.Fit("mlplatform-" + stack + "-mlflow"),
		Version:    d.Version, InstanceClass: d.InstanceClass, StorageGiB: d.StorageGiB, BackupRetentionDays: d.BackupRetentionDays,
		MultiAZ: prod, DeletionProtection: prod, Protect: prod, SkipFinalSnapshot: env.Ephemeral != nil,
		VPCID: net.VPCID, SubnetIDs: net.PrivateSubnetIDs,
		ClientSecurityGroupIDs: []pulumi.StringInput{cluster.ClusterSecurityGroupID},
		KMSKeyARN:              keyARN,
	}
}

func networkArgs(env *environments.Environment, stack, accountID string, keyARN pulumi.StringInput) *network.NetworkArgs {
	n := env.AWS.Network
	args := &network.NetworkArgs{
		AvailabilityZones:    n.AvailabilityZones,
		Region:               env.AWS.Region,
		AccountID:            accountID,
		ClusterName:          ClusterName(stack),
		FlowLogKMSKeyARN:     keyARN,
		FlowLogRetentionDays: n.FlowLogRetentionDays,
	}
	if n.Existing != nil {
		args.Existing = &network.Existing{VPCID: n.Existing.VPCID, PrivateSubnetIDs: n.Existing.PrivateSubnetIDs, PublicSubnetIDs: n.Existing.PublicSubnetIDs}
		return args
	}
	args.CIDR, args.PrivateSubnetCIDRs, args.PublicSubnetCIDRs = n.VPCCIDR, n.PrivateSubnetCIDRs, n.PublicSubnetCIDRs
	args.NAT = network.NATStrategy(n.NATGateways)
	// A private-only API means nodes reach AWS services without the internet path.
	args.InterfaceEndpoints = len(env.Cluster.PublicAccessCIDRs) == 0
	return args
}

func nodeGroupArgs(name string, g environments.NodeGroup, cat *catalog.Catalog, c *eks.Cluster, net *network.Network, keyARN pulumi.StringInput, tagSet tags.Set) (*nodegroup.NodeGroupArgs, error) {
	args := &nodegroup.NodeGroupArgs{
		ClusterName: c.Name, GroupName: name, SubnetIDs: net.PrivateSubnetIDs,
		GPU:           g.Kind == "gpu",
		System:        g.Kind == "system",
		InstanceTypes: g.AWS.InstanceTypes, AMIType: g.AWS.AMIType, CapacityType: g.CapacityType,
		MinSize: g.MinSize, MaxSize: g.MaxSize, DesiredSize: g.DesiredSize, DiskSizeGiB: g.DiskSizeGiB,
		Labels: g.Labels, VolumeKMSKeyARN: keyARN, Tags: tagSet,
		Bottlerocket: environments.IsBottlerocketAMIType(g.AWS.AMIType),
		TimeSliced:   g.GPUSharing != nil,
	}
	for _, t := range g.Taints {
		args.Taints = append(args.Taints, nodegroup.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
	}
	if args.GPU {
		var models []string
		for i, it := range g.AWS.InstanceTypes {
			t, ok := cat.Lookup(catalog.AWS, it)
			if !ok {
				return nil, fmt.Errorf("node group %s: instance type %q is not in the catalogue", name, it)
			}
			if i == 0 || t.GPUs < args.GPUsPerNode {
				args.GPUsPerNode = t.GPUs
			}
			if !slices.Contains(models, t.GPUModel) {
				models = append(models, t.GPUModel)
			}
		}
		if len(models) == 1 {
			args.GPUModel = models[0]
		}
	}
	return args, nil
}

func sortedNames(m map[string]environments.NodeGroup) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
