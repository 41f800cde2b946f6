package noncompliant

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
)

// The workbench's resources: MLflow's databases and JupyterHub, each
// breaking the rules written beside it.

// awsDatabase is an RDS instance.
func awsDatabase(ctx *pulumi.Context, opts pulumi.ResourceOption) error {
	// database-encryption: unencrypted storage. database-private: public.
	// database-tls: the default parameter group, which does not force TLS
	// on PostgreSQL 14. database-backups: no backups, single-AZ, deletable.
	if _, err := rds.NewInstance(ctx, "tracking", &rds.InstanceArgs{
		Engine: pulumi.String("postgres"), EngineVersion: pulumi.String("14"), InstanceClass: pulumi.String("db.t4g.micro"),
		AllocatedStorage: pulumi.Int(20), Username: pulumi.String("mlflow"), Password: pulumi.String("not-a-real-password"),
		StorageEncrypted: pulumi.Bool(false), PubliclyAccessible: pulumi.Bool(true), BackupRetentionPeriod: pulumi.Int(0),
		SkipFinalSnapshot: pulumi.Bool(true),
	}, opts); err != nil {
		return err
	}
	return nil
}

// azureDatabase is a PostgreSQL flexible server and its TLS parameter.
func azureDatabase(ctx *pulumi.Context, rg *resources.ResourceGroup) error {
	// A PostgreSQL flexible server, a generic ARM resource. database-
	// encryption: the platform's key. database-private: public access.
	// database-backups: one day of backups, no HA, no geo copy. database-
	// tls: TLS turned off.
	if _, err := resources.NewResource(ctx, "tracking", &resources.ResourceArgs{
		ResourceGroupName: rg.Name, Location: pulumi.String("eastus"),
		ResourceProviderNamespace: pulumi.String("Microsoft.DBforPostgreSQL"), ResourceType: pulumi.String("flexibleServers"),
		ParentResourcePath: pulumi.String(""), ApiVersion: pulumi.String("2025-08-01"), ResourceName: pulumi.String("psql-noncompliant"),
		Sku: &resources.SkuArgs{Name: pulumi.String("Standard_B1ms"), Tier: pulumi.String("Burstable")},
		Properties: pulumi.Map{
			"version":        pulumi.String("16"),
			"network":        pulumi.Map{"publicNetworkAccess": pulumi.String("Enabled")},
			"dataEncryption": pulumi.Map{"type": pulumi.String("SystemManaged")},
			"backup":         pulumi.Map{"backupRetentionDays": pulumi.Int(1), "geoRedundantBackup": pulumi.String("Disabled")},
		},
		Tags: azureTags(),
	}); err != nil {
		return err
	}
	if _, err := resources.NewResource(ctx, "tracking-tls", &resources.ResourceArgs{
		ResourceGroupName: rg.Name, ResourceProviderNamespace: pulumi.String("Microsoft.DBforPostgreSQL"),
		ParentResourcePath: pulumi.String("flexibleServers/psql-noncompliant"), ResourceType: pulumi.String("configurations"),
		ApiVersion: pulumi.String("2025-08-01"), ResourceName: pulumi.String("require_secure_transport"),
		Properties: pulumi.Map{"value": pulumi.String("OFF"), "source": pulumi.String("user-override")},
	}); err != nil {
		return err
	}
	return nil
}

// notebooks is a JupyterHub release.
func notebooks(ctx *pulumi.Context, opts pulumi.ResourceOption) error {
	// notebook-security: the chart's defaults (the privileged iptables
	// init container, no storage class), the OAuth secret in the values.
	if _, err := charts.Install(ctx, "jupyterhub", charts.Chart{Name: "jupyterhub", Version: "4.4.0", Repo: "https://hub.jupyter.org/helm-chart/"},
		"jupyterhub", Namespace, map[string]interface{}{"hub": map[string]interface{}{"config": map[string]interface{}{"GitHubOAuthenticator": map[string]interface{}{
			"client_id": "Iv23liNoncompliant", "client_secret": "not-a-real-secret",
		}}}}, opts); err != nil {
		return err
	}
	return nil
}
