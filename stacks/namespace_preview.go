package stacks

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/azure/nodepool"
	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/nodes"
	"github.com/pangea-ai/mlplatform/components/tags"
	"github.com/pangea-ai/mlplatform/environments"
)

// Scopes a stack can have: the whole platform (the default), or a pull
// request's models in their own namespace on a cluster another stack owns.
const (
	ScopePlatform  = ""
	ScopeNamespace = "namespace"
)

// Preview labels and annotations on a pull request's namespace.
const (
	LabelPullRequest      = "mlplatform.pangea.ai/pull-request"
	AnnotationExpiresAt   = "mlplatform.pangea.ai/expires-at"
	previewNamespacePrefx = "pr-"
)

// PreviewNamespace is the namespace of pull request pr's models.
func PreviewNamespace(pr int) string { return previewNamespacePrefx + strconv.Itoa(pr) }

// previewOutputs are the base stack's outputs a namespace preview reads.
var previewOutputs = map[string][]string{
	CloudAWS:   {"kubeconfig", "oidcProviderArn", "oidcIssuerUrl", "artifactBucket", "artifactBucketArn", "dataKeyArn"},
	CloudAzure: {"kubeconfig", "oidcIssuerUrl"},
}

// NamespacePreview deploys the environment's models and explainers into
// namespace pr-<N> on the cluster of the base stack (the shared dev
// platform), reading that stack's outputs through a StackReference. It
// creates the namespace with the baseline's rules and a quota sized to the
// models, one read-only cloud identity per model (tagged expires-at), and
// the model services, routed through the base cluster's model gateway.
func NamespacePreview(ctx *pulumi.Context, env *environments.Environment, s Settings, now time.Time) error {
	at, err := time.Parse(time.RFC3339, s.ExpiresAt)
	if err != nil || !at.After(now) {
		return fmt.Errorf("config mlplatform:expiresAt = %q: a namespace preview needs an RFC 3339 expiry in the future; fix: set it, e.g. %s (mlplat preview up sets it)",
			s.ExpiresAt, now.Add(48*time.Hour).UTC().Format(time.RFC3339))
	}
	expires := at.UTC().Format(time.RFC3339)
	tagSet, err := BuildTags(env, ctx.Stack(), "", now)
	if err != nil {
		return err
	}
	tagSet = tagSet.With(map[string]string{tags.ExpiresAt: expires})
	ref, err := pulumi.NewStackReference(ctx, s.BaseStack, nil)
	if err != nil {
		return fmt.Errorf("reading the base stack %s: %w", s.BaseStack, err)
	}
	out := func(key string) pulumi.StringOutput { return ref.GetStringOutput(pulumi.String(key)) }
	k8s, err := kubernetes.NewProvider(ctx, "base-cluster", &kubernetes.ProviderArgs{
		Kubeconfig: out("kubeconfig"),
	})
	if err != nil {
		return err
	}
	ns := PreviewNamespace(s.PullRequest)
	models, err := previewModels(env, s.PreviewModels)
	if err != nil {
		return err
	}
	// A namespace preview keeps no payloads: it writes into the base
	// stack's artifact store, whose retention rules that stack owns, and
	// runs no payload filter of its own.
	for i := range models {
		models[i].Monitoring = nil
	}
	quota, err := servingQuota(models, false)
	if err != nil {
		return err
	}
	b, err := baseline.NewBaseline(ctx, ctx.Stack()+"-namespace", &baseline.BaselineArgs{
		NamespacesOnly: true,
		Concerns: []baseline.Concern{{
			Namespace: ns, PodSecurity: baseline.Restricted, Quota: quota,
			IngressFrom: []string{baseline.NamespaceMonitoring, baseline.NamespaceGateway}, EgressHTTPS: true,
			Labels: map[string]string{
				baseline.LabelModelNamespace: "true",
				LabelPullRequest:             strconv.Itoa(s.PullRequest),
			},
			Annotations: map[string]string{AnnotationExpiresAt: expires},
		}},
	}, pulumi.Provider(k8s))
	if err != nil {
		return err
	}
	var cloud cloudServices
	switch s.Cloud {
	case CloudAWS:
		cloud, err = awsPreviewServices(ctx, env, tagSet, ns, s.BaseStack, out)
	default:
		cloud, err = azurePreviewServices(ctx, env, tagSet, ns, s.BaseStack, out)
	}
	if err != nil {
		return err
	}
	taints := groupTaints(env, cloud.SpotTaint)
	for _, m := range models {
		args, deps, err := modelArgs(cloud, taints, m)
		if err != nil {
			return err
		}
		// Served by the dev cluster's gateway, in the serving namespace.
		args.Namespace, args.GatewayNamespace = ns, baseline.NamespaceServing
		args.WaitFor = append([]pulumi.Resource{b.Namespaces[ns]}, deps...)
		if _, err := serving.NewModelService(ctx, ctx.Stack()+"-model-"+m.Name, args, pulumi.Provider(k8s)); err != nil {
			return err
		}
	}
	ctx.Export("environment", pulumi.String(env.Name))
	ctx.Export("scope", pulumi.String(ScopeNamespace))
	ctx.Export("pullRequest", pulumi.Int(s.PullRequest))
	ctx.Export("expiresAt", pulumi.String(expires))
	ctx.Export("namespace", pulumi.String(ns))
	ctx.Export("baseStack", pulumi.String(s.BaseStack))
	return nil
}

// awsPreviewServices gives preview models an IRSA role each on the base
// stack's artifact bucket, limited to the model's own prefix.
func awsPreviewServices(ctx *pulumi.Context, env *environments.Environment, tagSet tags.Set, ns, baseStack string, out func(string) pulumi.StringOutput) (cloudServices, error) {
	a := env.AWS
	prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(a.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: tagSet.StringMap()},
	})
	if err != nil {
		return cloudServices{}, err
	}
	withProv := pulumi.Provider(prov)
	caller, err := aws.GetCallerIdentity(ctx, nil, withProv)
	if err != nil {
		return cloudServices{}, fmt.Errorf("looking up the AWS account: %w", err)
	}
	base := ctx.Stack()
	return cloudServices{
		// Explainer images come from the base stack's repositories.
		RegistryPrefix: fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", caller.AccountId, a.Region, path.Base(baseStack)),
		ModelStorage: func(path string) pulumi.StringInput {
			return pulumi.Sprintf("s3://%s/%s%s", out("artifactBucket"), a.Artifacts.ModelPrefix, path)
		},
		ModelIdentity: func(m environments.Model) (serving.Identity, []pulumi.Resource, error) {
			return awsModelIdentity(ctx, base+"-model-"+m.Name, ns, m, a,
				out("oidcProviderArn"), out("oidcIssuerUrl"), out("artifactBucketArn"), out("dataKeyArn"), withProv)
		},
	}, nil
}

// azurePreviewServices gives preview models a workload identity each, in the
// base stack's resource group, with Storage Blob Data Reader on the model's
// own prefix of the base stack's models container.
func azurePreviewServices(ctx *pulumi.Context, env *environments.Environment, tagSet tags.Set, ns, baseStack string, out func(string) pulumi.StringOutput) (cloudServices, error) {
	a := env.Azure
	names := AzureNamesFor(path.Base(baseStack), a)
	container := modelsContainer(a)
	prov, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(a.Location)})
	if err != nil {
		return cloudServices{}, err
	}
	withProv := pulumi.Provider(prov)
	client, err := authorization.GetClientConfig(ctx, withProv)
	if err != nil {
		return cloudServices{}, fmt.Errorf("looking up the Azure subscription: %w", err)
	}
	scope := azureIdentityScope{
		ResourceGroupName: pulumi.String(names.ResourceGroup), SubscriptionID: client.SubscriptionId,
		IssuerURL: out("oidcIssuerUrl"), Tags: tagSet,
		ModelsContainerID: pulumi.String(fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Storage/storageAccounts/%s/blobServices/default/containers/%s",
			client.SubscriptionId, names.ResourceGroup, names.StorageAccount, container)),
	}
	base := ctx.Stack()
	return cloudServices{
		SpotTaint:      &nodepool.SpotTaint,
		RegistryPrefix: names.Registry + ".azurecr.io",
		ModelStorage: func(path string) pulumi.StringInput {
			return pulumi.String(fmt.Sprintf("https://%s.blob.core.windows.net/%s/%s", names.StorageAccount, container, path))
		},
		ModelIdentity: func(m environments.Model) (serving.Identity, []pulumi.Resource, error) {
			return azureModelIdentity(ctx, base+"-model-"+m.Name, ns, m, a.Location, scope, withProv)
		},
	}, nil
}

// previewModels returns the environment's models a preview deploys: those
// named, in the environment's order, or all of them when none are named.
func previewModels(env *environments.Environment, names []string) ([]environments.Model, error) {
	if len(names) == 0 {
		return slices.Clone(env.Models), nil
	}
	var out []environments.Model
	var known []string
	for _, m := range env.Models {
		known = append(known, m.Name)
		if slices.Contains(names, m.Name) {
			out = append(out, m)
		}
	}
	var unknown []string
	for _, n := range names {
		if !slices.Contains(known, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("config mlplatform:previewModels names %s, not in environments/%s.yaml; fix: name models the environment has (%s)",
			strings.Join(unknown, ", "), env.Name, strings.Join(known, ", "))
	}
	return out, nil
}

// groupTaints returns each node group's taints (and the cloud's spot taint
// on spot groups), plus the union per kind for workloads placed by kind.
func groupTaints(env *environments.Environment, spot *nodes.Taint) nodes.GroupTaints {
	taints := nodes.GroupTaints{}
	for _, name := range sortedNames(env.NodeGroups) {
		g := env.NodeGroups[name]
		for _, t := range g.Taints {
			taints[name] = append(taints[name], nodes.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
		}
		if spot != nil && g.CapacityType == "SPOT" {
			taints[name] = append(taints[name], *spot)
		}
		for _, t := range taints[name] {
			all := nodes.AnyOfKind(g.Kind)
			if !slices.Contains(taints[all], t) {
				taints[all] = append(taints[all], t)
			}
		}
	}
	return taints
}
