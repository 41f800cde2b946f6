package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/aws/artifacts"
	"github.com/pangea-ai/mlplatform/components/aws/database"
	"github.com/pangea-ai/mlplatform/components/aws/eks"
	"github.com/pangea-ai/mlplatform/components/aws/irsa"
	"github.com/pangea-ai/mlplatform/components/aws/policydoc"
	"github.com/pangea-ai/mlplatform/components/k8s/baseline"
	"github.com/pangea-ai/mlplatform/components/k8s/mlflow"
	"github.com/pangea-ai/mlplatform/components/k8s/monitoring"
	"github.com/pangea-ai/mlplatform/components/k8s/notebooks"
	"github.com/pangea-ai/mlplatform/components/k8s/runners"
	"github.com/pangea-ai/mlplatform/components/k8s/serving"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/environments"
)

// PrometheusServiceAccount is the service account kube-prometheus-stack
// gives Prometheus (<release>-prometheus).
const PrometheusServiceAccount = monitoring.ReleaseName + "-prometheus"

// awsServices gives the platform services EBS volumes encrypted with the
// platform key, per-model IRSA roles on the model's own prefix, IRSA push
// roles for runner sets that push images, and Amazon Managed Service for
// Prometheus when remote write is on.
func awsServices(ctx *pulumi.Context, env *environments.Environment, accountID string, cluster *eks.Cluster, addons *eks.WorkloadAddons,
	art *artifacts.Artifacts, platformKeyARN, dataKeyARN pulumi.StringInput, opts ...pulumi.ResourceOption) (cloudServices, error) {
	base := ctx.Stack()
	a := env.AWS
	role := func(name, namespace, sa string, r *irsa.RoleArgs) (*irsa.Role, error) {
		r.OIDCProviderARN, r.OIDCIssuerURL, r.Namespace, r.ServiceAccount = cluster.OIDCProviderARN, cluster.OIDCIssuerURL, namespace, sa
		return irsa.NewRole(ctx, name, r, opts...)
	}
	cs := cloudServices{
		Cloud: CloudAWS,
		StorageClass: monitoring.StorageClass{Provisioner: "ebs.csi.aws.com", Parameters: pulumi.StringMap{
			"type": pulumi.String("gp3"), "encrypted": pulumi.String("true"), "kmsKeyId": platformKeyARN,
		}},
		StorageReady:   addons.Ready,
		RegistryPrefix: fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", accountID, a.Region, base),
		ModelStorage: func(path string) pulumi.StringInput {
			return pulumi.Sprintf("s3://%s/%s%s", art.BucketName, a.Artifacts.ModelPrefix, path)
		},
		ModelIdentity: func(m environments.Model) (serving.Identity, []pulumi.Resource, error) {
			return awsModelIdentity(ctx, base+"-model-"+m.Name, baseline.NamespaceServing, m, a,
				cluster.OIDCProviderARN, cluster.OIDCIssuerURL, art.BucketARN, dataKeyARN, opts...)
		},
		PayloadArchive: func(environments.Model, serving.Identity) *serving.PayloadArchive {
			return &serving.PayloadArchive{URL: pulumi.Sprintf("s3://%s/%s", art.BucketName, serving.PayloadRoot)}
		},
		RunnerIdentity: func(s environments.RunnerSet) (runners.Identity, error) {
			r, err := role(base+"-runner-"+s.Name, baseline.NamespaceRunners, s.Name+"-runner", &irsa.RoleArgs{
				PolicyARNs: []pulumi.StringInput{art.PushPolicyARN},
			})
			if err != nil {
				return runners.Identity{}, err
			}
			return runners.Identity{ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": r.ARN}}, nil
		},
	}
	cs.NotebookIdentity = func() (notebooks.Identity, []pulumi.Resource, error) {
		r, err := role(base+"-notebooks", baseline.NamespaceNotebooks, notebooks.ServiceAccount, &irsa.RoleArgs{
			InlinePolicy: pulumi.All(art.BucketARN, dataKeyARN).ApplyT(func(v []interface{}) string {
				return NotebookPolicy(v[0].(string), v[1].(string), a.Artifacts.ModelPrefix).JSON()
			}).(pulumi.StringOutput),
		})
		if err != nil {
			return notebooks.Identity{}, nil, err
		}
		return notebooks.Identity{ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": r.ARN}}, r.Ready, nil
	}
	if env.Monitoring != nil && env.Monitoring.RemoteWrite {
		ws, err := amp.NewWorkspace(ctx, base+"-metrics", &amp.WorkspaceArgs{Alias: pulumi.String(names.PrometheusAlias.Fit("mlplatform-" + base))}, opts...)
		if err != nil {
			return cs, err
		}
		r, err := role(base+"-prometheus", baseline.NamespaceMonitoring, PrometheusServiceAccount, &irsa.RoleArgs{
			InlinePolicy: ws.Arn.ApplyT(func(arn string) string {
				return policydoc.New(policydoc.Statement{Sid: "RemoteWrite", Effect: policydoc.Allow, Action: []string{"aps:RemoteWrite"}, Resource: []string{arn}}).JSON()
			}).(pulumi.StringOutput),
		})
		if err != nil {
			return cs, err
		}
		cs.RemoteWrite = &monitoring.RemoteWrite{
			URL:                       pulumi.Sprintf("%sapi/v1/remote_write", ws.PrometheusEndpoint),
			SigV4Region:               a.Region,
			ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": r.ARN},
		}
	}
	return cs, nil
}

// MLflowPrefix is where MLflow keeps artifacts, under the model store: a
// registered version's files are then a model path like any other
// (mlplat promote writes it), readable by the model's own identity.
const MLflowPrefix = "mlflow"

// awsMLflow gives MLflow's server an IRSA role that reads its database
// secret (and the platform key that encrypts it) and reads and writes the
// mlflow/ prefix of the model store with the data key.
func awsMLflow(ctx *pulumi.Context, env *environments.Environment, cluster *eks.Cluster, art *artifacts.Artifacts, db *database.Postgres,
	platformKeyARN, dataKeyARN pulumi.StringInput, opts ...pulumi.ResourceOption) (*mlflowCloud, error) {
	a := env.AWS
	prefix := a.Artifacts.ModelPrefix + MLflowPrefix + "/"
	r, err := irsa.NewRole(ctx, ctx.Stack()+"-mlflow", &irsa.RoleArgs{
		OIDCProviderARN: cluster.OIDCProviderARN, OIDCIssuerURL: cluster.OIDCIssuerURL,
		Namespace: baseline.NamespaceMLflow, ServiceAccount: mlflow.Name,
		InlinePolicy: pulumi.All(art.BucketARN, dataKeyARN, db.SecretARN, platformKeyARN).ApplyT(func(v []interface{}) string {
			doc := artifacts.BucketAccess(v[0].(string), v[1].(string), prefix, true)
			doc.Statement = append(doc.Statement,
				policydoc.Statement{Sid: "ReadDatabaseSecret", Effect: policydoc.Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{v[2].(string)}},
				policydoc.Statement{Sid: "DecryptDatabaseSecret", Effect: policydoc.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{v[3].(string)},
					Condition: map[string]map[string]string{"StringEquals": {"kms:ViaService": fmt.Sprintf("secretsmanager.%s.amazonaws.com", a.Region)}}},
			)
			return doc.JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &mlflowCloud{
		Database: mlflow.Database{
			Host: db.Address, Port: db.Port, Name: db.DatabaseName,
			Store: mlflow.AWSSecretsManager, SecretRef: db.SecretARN,
			CIDRs: env.AWS.Network.PrivateSubnetCIDRs, DatabasePort: database.Port,
		},
		ArtifactsDestination: pulumi.Sprintf("s3://%s/%s%s", art.BucketName, a.Artifacts.ModelPrefix, MLflowPrefix),
		Identity: mlflow.Identity{
			ServiceAccountAnnotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": r.ARN},
			Env:                       map[string]string{"AWS_REGION": a.Region, "AWS_DEFAULT_REGION": a.Region},
		},
		Ready: append([]pulumi.Resource{db.Instance}, r.Ready...),
	}, nil
}

// ExperimentsPrefix is where notebooks keep their own files in the
// artifact store, read and write.
const ExperimentsPrefix = "experiments"

// NotebookPolicy lets notebooks read what MLflow keeps (registered and
// tracked models) and read and write the experiments prefix, with the data
// key; nothing else in the bucket (models placed by hand, payload archives).
func NotebookPolicy(bucketARN, keyARN, modelPrefix string) policydoc.Document {
	read := modelPrefix + MLflowPrefix + "/"
	rw := ExperimentsPrefix + "/"
	return policydoc.New(
		policydoc.Statement{Sid: "ListTheirPrefixes", Effect: policydoc.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN},
			Condition: map[string]map[string]string{"StringLike": {"s3:prefix": read + "*"}}},
		policydoc.Statement{Sid: "ListExperiments", Effect: policydoc.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN},
			Condition: map[string]map[string]string{"StringLike": {"s3:prefix": rw + "*"}}},
		policydoc.Statement{Sid: "ReadMLflowModels", Effect: policydoc.Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{bucketARN + "/" + read + "*"}},
		policydoc.Statement{Sid: "ReadWriteExperiments", Effect: policydoc.Allow,
			Action: []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}, Resource: []string{bucketARN + "/" + rw + "*"}},
		policydoc.Statement{Sid: "TheBucketKey", Effect: policydoc.Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{keyARN}},
	)
}

// awsPayloadExpiry are the artifact bucket's lifecycle rules for the
// models' payload archives.
func awsPayloadExpiry(models []environments.Model) []artifacts.ExpiringPrefix {
	var out []artifacts.ExpiringPrefix
	for _, r := range payloadExpiry(models) {
		out = append(out, artifacts.ExpiringPrefix{ID: "expire-payloads-" + r.Model, Prefix: r.Prefix, Days: r.Days})
	}
	return out
}

// awsModelIdentity gives model m's service account (namespace/<model>) an
// IRSA role that reads the model's own prefix of the artifact bucket, with
// the data key that encrypts it, and, when the model logs payloads, adds
// objects under its payload prefix.
func awsModelIdentity(ctx *pulumi.Context, name, namespace string, m environments.Model, a *environments.AWS,
	oidcProviderARN, oidcIssuerURL, bucketARN, keyARN pulumi.StringInput, opts ...pulumi.ResourceOption) (serving.Identity, []pulumi.Resource, error) {
	prefix := a.Artifacts.ModelPrefix + m.StorageURI + "/"
	r, err := irsa.NewRole(ctx, name, &irsa.RoleArgs{
		OIDCProviderARN: oidcProviderARN, OIDCIssuerURL: oidcIssuerURL, Namespace: namespace, ServiceAccount: m.Name,
		InlinePolicy: pulumi.All(bucketARN, keyARN).ApplyT(func(v []interface{}) string {
			doc := artifacts.BucketAccess(v[0].(string), v[1].(string), prefix, false)
			if m.Monitoring != nil {
				// KServe's agent in the model's pod writes its payloads.
				doc.Statement = append(doc.Statement, artifacts.PayloadWrite(v[0].(string), v[1].(string), serving.PayloadPrefix(namespace, m.Name))...)
			}
			return doc.JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return serving.Identity{}, nil, err
	}
	return serving.Identity{ServiceAccountAnnotations: pulumi.StringMap{
		"eks.amazonaws.com/role-arn": r.ARN,
		// The storage initializer signs S3 requests for the bucket's region.
		"serving.kserve.io/s3-region": pulumi.String(a.Region),
	}}, r.Ready, nil
}

// explainerRepositories are the registry repositories the environment's
// custom explainer images need, beside the configured ones.
func explainerRepositories(env *environments.Environment, configured []string) []string {
	out := append([]string{}, configured...)
	seen := map[string]bool{}
	for _, r := range configured {
		seen[r] = true
	}
	for _, m := range env.Models {
		if m.Explainer == nil || m.Explainer.Type != "custom" || isFullReference(m.Explainer.Image) {
			continue
		}
		if repo := imageRepository(m.Explainer.Image); !seen[repo] {
			seen[repo] = true
			out = append(out, repo)
		}
	}
	return out
}
