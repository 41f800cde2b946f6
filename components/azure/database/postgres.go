package database

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azkeyvault "github.com/pangea-ai/mlplatform/components/azure/keyvault"
	"github.com/pangea-ai/mlplatform/components/azure/roles"
	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tags"
)

// PostgresType is the component's type token.
const PostgresType = "mlplatform:azure:Postgres"

// The flexible server is a generic ARM resource: the typed azure-native
// module for it is not available to this build. Its API version is the
// newest stable one in Azure/azure-rest-api-specs
// specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/
// PostgreSQL/readme.md (tag package-flexibleserver-2025-08-01); every
// property name below is from that version's openapi.json.
const (
	Namespace  = "Microsoft.DBforPostgreSQL"
	ServerType = "flexibleServers"
	APIVersion = "2025-08-01"
	// Port is PostgreSQL's.
	Port = 5432
	// TLSParameter requires TLS of every client; Azure's default is ON
	// ("Encrypted connectivity using TLS/SSL", Azure Database for
	// PostgreSQL), so setting it keeps it from being turned off by hand.
	TLSParameter = "require_secure_transport"
	// DatabaseName is the database created for the client.
	DatabaseName = "mlflow"
)

// PostgresArgs configure a Postgres.
type PostgresArgs struct {
	// ResourceGroupName and Location place the server. Required.
	ResourceGroupName pulumi.StringInput
	Location          string
	// SubscriptionID scopes role definitions; TenantID is Entra's. Required.
	SubscriptionID, TenantID string
	// ServerName is the server's globally unique name. Required.
	ServerName string
	// Version is the PostgreSQL major version ("16", "17"). Required.
	Version string
	// SKUTier and SKUName size the server (Burstable/Standard_B1ms). Required.
	SKUTier, SKUName string
	// StorageGiB is the allocated storage, grown automatically. At least 32.
	StorageGiB int
	// BackupRetentionDays keeps backups, 7 to 35.
	BackupRetentionDays int
	// ZoneRedundant keeps a standby in another zone (General Purpose and
	// Memory Optimized only).
	ZoneRedundant bool
	// GeoBackup, when set, copies backups to the paired region, encrypted
	// there with its own key; Azure allows this only at creation.
	GeoBackup *GeoBackup
	// SubnetID is the subnet delegated to flexible servers; DNSZoneID the
	// private zone the server registers in. Required.
	SubnetID, DNSZoneID pulumi.StringInput
	// AdministratorLogin is the password administrator (default "mlflow");
	// AdministratorPassword its password, a Pulumi secret. Required.
	AdministratorLogin    string
	AdministratorPassword pulumi.StringInput
	// EntraAdminGroupID is the Entra group that administers the server
	// with Entra tokens. Required.
	EntraAdminGroupID string
	// VaultName and VaultURI are the Key Vault holding the key and the
	// password's secret; KeyRotationDays rotates the key. Required.
	VaultName       pulumi.StringInput
	VaultURI        pulumi.StringInput
	KeyRotationDays int
	DeployerAccess  []pulumi.Resource
	Protect         bool
	Tags            tags.Set
}

// GeoBackup names the key and identity that encrypt geo-redundant backups
// in the paired region: a vault there, outside this stack.
type GeoBackup struct {
	KeyURI, IdentityID string
}

// Postgres is a flexible server and what it needs.
type Postgres struct {
	pulumi.ResourceState

	// Host is the server's private host name.
	Host pulumi.StringOutput `pulumi:"host"`
	// PasswordSecretURL is the Key Vault secret that holds the
	// administrator's password (https://<vault>.vault.azure.net/secrets/<name>).
	PasswordSecretURL pulumi.StringOutput `pulumi:"passwordSecretUrl"`
	// PasswordSecretID is the secret's ARM id: the scope of a reader's role.
	PasswordSecretID pulumi.StringOutput `pulumi:"passwordSecretId"`
	// DatabaseName and AdministratorLogin are what a client connects with.
	DatabaseName, AdministratorLogin string
	// Server is the server's last child, its database: what a client of it
	// waits for.
	Server *resources.Resource
}

var majorRE = regexp.MustCompile(`^[0-9]{2}$`)

func (a *PostgresArgs) withDefaults() (PostgresArgs, error) {
	if a == nil {
		return PostgresArgs{}, fmt.Errorf("args are required")
	}
	out := *a
	if out.AdministratorLogin == "" {
		out.AdministratorLogin = "mlflow"
	}
	switch {
	case out.ResourceGroupName == nil || out.Location == "" || out.SubscriptionID == "" || out.TenantID == "" || out.ServerName == "" ||
		out.SKUTier == "" || out.SKUName == "" || out.SubnetID == nil || out.DNSZoneID == nil || out.AdministratorPassword == nil ||
		out.EntraAdminGroupID == "" || out.VaultName == nil || out.VaultURI == nil:
		return out, fmt.Errorf("ResourceGroupName, Location, SubscriptionID, TenantID, ServerName, SKUTier, SKUName, SubnetID, DNSZoneID, AdministratorPassword, EntraAdminGroupID, VaultName and VaultURI are required")
	case !majorRE.MatchString(out.Version):
		return out, fmt.Errorf("Version %q must be a PostgreSQL major version such as \"17\"", out.Version)
	case out.StorageGiB < 32:
		return out, fmt.Errorf("StorageGiB %d is below the flexible server's smallest disk, 32 GiB", out.StorageGiB)
	case out.BackupRetentionDays < 7 || out.BackupRetentionDays > 35:
		return out, fmt.Errorf("BackupRetentionDays %d must be 7 to 35", out.BackupRetentionDays)
	case out.ZoneRedundant && out.SKUTier == "Burstable":
		return out, fmt.Errorf("ZoneRedundant needs the GeneralPurpose or MemoryOptimized tier: Azure offers no zone-redundant HA on Burstable")
	case out.KeyRotationDays == 0:
		out.KeyRotationDays = 90
	}
	return out, nil
}

// PasswordSecretName is the Key Vault secret holding the administrator's
// password.
func PasswordSecretName(server string) string { return names.KeyVaultSecret.Fit(server + "-password") }

// NewPostgres creates the server's key and identity, the password secret,
// the server, its TLS parameter and its Entra administrator.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating database %q: %w", name, err)
	}
	comp := &Postgres{DatabaseName: DatabaseName, AdministratorLogin: a.AdministratorLogin}
	if err := ctx.RegisterComponentResource(PostgresType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	fail := func(what string, err error) (*Postgres, error) {
		return nil, fmt.Errorf("creating %s of database %q: %w", what, name, err)
	}
	// Customer-managed keys need a user-assigned identity with Key Vault
	// Crypto Service Encryption User on the key, chosen at creation.
	id, err := managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		ResourceName: pulumi.String(names.ManagedIdentity.Fit("id-" + a.ServerName)), Tags: a.Tags.StringMap(),
	}, parent)
	if err != nil {
		return fail("identity", err)
	}
	key, err := keyvault.NewKey(ctx, name, &keyvault.KeyArgs{
		ResourceGroupName: a.ResourceGroupName, VaultName: a.VaultName,
		KeyName: pulumi.String(names.KeyVaultKey.Fit(a.ServerName)),
		Properties: keyvault.KeyPropertiesArgs{
			Kty: pulumi.String("RSA"), KeySize: pulumi.Int(2048),
			KeyOps: pulumi.ToStringArray([]string{"wrapKey", "unwrapKey"}),
			// The server follows a versionless key URI to new versions, so
			// old ones may expire.
			RotationPolicy: azkeyvault.RotationPolicy(a.KeyRotationDays, true),
		},
		Tags: a.Tags.StringMap(),
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn(a.DeployerAccess))
	if err != nil {
		return fail("key", err)
	}
	access, err := roles.Assign(ctx, name+"-key", a.SubscriptionID, roles.Assignment{
		PrincipalID: id.PrincipalId, PrincipalType: roles.ServicePrincipal, Role: roles.KeyVaultCryptoServiceEncryptionUser, Scope: key.ID(),
	}, parent)
	if err != nil {
		return fail("key access", err)
	}
	secretName := PasswordSecretName(a.ServerName)
	secret, err := keyvault.NewSecret(ctx, name+"-password", &keyvault.SecretArgs{
		ResourceGroupName: a.ResourceGroupName, VaultName: a.VaultName, SecretName: pulumi.String(secretName),
		Properties: keyvault.SecretPropertiesArgs{
			Value:       pulumi.ToSecret(a.AdministratorPassword).(pulumi.StringOutput).ToStringPtrOutput(),
			ContentType: pulumi.String("text/plain; PostgreSQL administrator password"),
		},
		Tags: a.Tags.StringMap(),
	}, parent, pulumi.DependsOn(a.DeployerAccess))
	if err != nil {
		return fail("password secret", err)
	}
	geo := "Disabled"
	encryption := pulumi.Map{
		"type": pulumi.String("AzureKeyVault"), "primaryKeyURI": key.KeyUri, "primaryUserAssignedIdentityId": id.ID(),
	}
	if a.GeoBackup != nil {
		geo = "Enabled"
		encryption["geoBackupKeyURI"] = pulumi.String(a.GeoBackup.KeyURI)
		encryption["geoBackupUserAssignedIdentityId"] = pulumi.String(a.GeoBackup.IdentityID)
	}
	ha := "Disabled"
	if a.ZoneRedundant {
		ha = "ZoneRedundant"
	}
	identities := pulumi.StringArray{id.ID()}
	if a.GeoBackup != nil {
		identities = append(identities, pulumi.String(a.GeoBackup.IdentityID))
	}
	server, err := resources.NewResource(ctx, name, &resources.ResourceArgs{
		ResourceGroupName: a.ResourceGroupName, Location: pulumi.String(a.Location),
		ResourceProviderNamespace: pulumi.String(Namespace), ResourceType: pulumi.String(ServerType), ParentResourcePath: pulumi.String(""),
		ApiVersion: pulumi.String(APIVersion), ResourceName: pulumi.String(a.ServerName),
		Sku:      &resources.SkuArgs{Name: pulumi.String(a.SKUName), Tier: pulumi.String(a.SKUTier)},
		Identity: &resources.IdentityArgs{Type: resources.ResourceIdentityTypeUserAssigned, UserAssignedIdentities: identities},
		Properties: pulumi.Map{
			"version":                    pulumi.String(a.Version),
			"administratorLogin":         pulumi.String(a.AdministratorLogin),
			"administratorLoginPassword": pulumi.ToSecret(a.AdministratorPassword),
			"storage":                    pulumi.Map{"storageSizeGB": pulumi.Int(a.StorageGiB), "autoGrow": pulumi.String("Enabled")},
			"backup":                     pulumi.Map{"backupRetentionDays": pulumi.Int(a.BackupRetentionDays), "geoRedundantBackup": pulumi.String(geo)},
			"network": pulumi.Map{
				"delegatedSubnetResourceId": a.SubnetID, "privateDnsZoneArmResourceId": a.DNSZoneID,
				"publicNetworkAccess": pulumi.String("Disabled"),
			},
			"authConfig": pulumi.Map{
				"activeDirectoryAuth": pulumi.String("Enabled"), "passwordAuth": pulumi.String("Enabled"), "tenantId": pulumi.String(a.TenantID),
			},
			"dataEncryption":   encryption,
			"highAvailability": pulumi.Map{"mode": pulumi.String(ha)},
		},
		Tags: a.Tags.StringMap(),
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn([]pulumi.Resource{access}))
	if err != nil {
		return fail("server", err)
	}
	child := func(suffix, typ, resName string, props pulumi.Map, after pulumi.Resource) (*resources.Resource, error) {
		return resources.NewResource(ctx, name+"-"+suffix, &resources.ResourceArgs{
			ResourceGroupName: a.ResourceGroupName, ResourceProviderNamespace: pulumi.String(Namespace),
			ParentResourcePath: pulumi.String(ServerType + "/" + a.ServerName), ResourceType: pulumi.String(typ),
			ApiVersion: pulumi.String(APIVersion), ResourceName: pulumi.String(resName), Properties: props,
		}, parent, pulumi.DependsOn([]pulumi.Resource{after}))
	}
	tls, err := child("tls", "configurations", TLSParameter, pulumi.Map{"value": pulumi.String("ON"), "source": pulumi.String("user-override")}, server)
	if err != nil {
		return fail("TLS parameter", err)
	}
	// Azure applies one server change at a time: each child after the
	// last.
	admin, err := child("entra-admin", "administrators", a.EntraAdminGroupID, pulumi.Map{
		"principalType": pulumi.String("Group"), "principalName": pulumi.String(a.EntraAdminGroupID), "tenantId": pulumi.String(a.TenantID),
	}, tls)
	if err != nil {
		return fail("Entra administrator", err)
	}
	db, err := child("database", "databases", DatabaseName, pulumi.Map{"charset": pulumi.String("UTF8"), "collation": pulumi.String("en_US.utf8")}, admin)
	if err != nil {
		return fail("database", err)
	}
	comp.Server = db
	comp.Host = pulumi.Sprintf("%s.postgres.database.azure.com", a.ServerName)
	comp.PasswordSecretURL = pulumi.Sprintf("%ssecrets/%s", a.VaultURI, secretName)
	comp.PasswordSecretID = secret.ID().ToStringOutput()
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"host": comp.Host, "passwordSecretUrl": comp.PasswordSecretURL, "passwordSecretId": comp.PasswordSecretID,
	})
}
