package environments

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/components/catalog"
)

// MLflow configures the experiment tracking server and model registry. It
// is on in every environment: an environment without the section gets the
// defaults below; enabled: false turns it off.
type MLflow struct {
	// Enabled is false to run no MLflow; unset means on.
	Enabled *bool `yaml:"enabled,omitempty"`
	// Replicas of the tracking server, 1 to 5. Unset: 1, 2 in prod.
	Replicas int `yaml:"replicas,omitempty"`
	// DefaultPermission is what every signed-in user may do with an
	// experiment or model they did not create: READ (default), USE, EDIT,
	// MANAGE or NO_PERMISSIONS (MLflow's basic-auth default_permission).
	DefaultPermission string `yaml:"defaultPermission,omitempty"`
	// Database is the managed PostgreSQL backend store.
	Database MLflowDatabase `yaml:"database,omitempty"`
}

// MLflowDatabase sizes the managed PostgreSQL server that holds runs,
// experiments, the registry and MLflow's users.
type MLflowDatabase struct {
	// Version is the PostgreSQL major version: "16" or "17". Unset: "17".
	Version string `yaml:"version,omitempty"`
	// StorageGiB is the allocated storage, 20 to 1024. Unset: 20.
	StorageGiB int `yaml:"storageGiB,omitempty"`
	// BackupRetentionDays keeps automated backups this long, 7 to 35.
	// Unset: 7, 14 in prod.
	BackupRetentionDays int `yaml:"backupRetentionDays,omitempty"`
	// InstanceClass is the RDS instance class (AWS). Unset: db.t4g.small,
	// db.m6g.large in prod.
	InstanceClass string `yaml:"instanceClass,omitempty"`
	// SKU is the flexible server's compute size (Azure), tier included:
	// Burstable/Standard_B1ms, GeneralPurpose/Standard_D2ds_v5, ... Unset:
	// Burstable/Standard_B1ms, GeneralPurpose/Standard_D2ds_v5 in prod.
	SKU string `yaml:"sku,omitempty"`
	// AzureGeoBackup copies the flexible server's backups to the paired
	// region (Azure). A server encrypted with a customer-managed key
	// encrypts its geo-redundant backups with a key and identity in that
	// region, which this stack does not create. Required in prod.
	AzureGeoBackup *AzureGeoBackup `yaml:"azureGeoBackup,omitempty"`
}

// AzureGeoBackup names the paired region's key and the identity that may
// use it.
type AzureGeoBackup struct {
	// KeyURI is the key's versionless URI:
	// https://<vault>.vault.azure.net/keys/<name>.
	KeyURI string `yaml:"keyUri"`
	// IdentityID is the user-assigned identity's resource id.
	IdentityID string `yaml:"identityId"`
}

// MLflow permission levels (mlflow/server/auth/permissions.py names).
var MLflowPermissions = []string{"READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS"}

// PostgresVersions are the PostgreSQL majors the toolkit creates: both are
// offered by RDS and by Azure's flexible server (see docs/components/
// mlflow.md for the sources).
var PostgresVersions = []string{"16", "17"}

var burstableRE = regexp.MustCompile(`^db\.t[0-9]`)

// MLflowOn reports whether the environment runs MLflow.
func (e *Environment) MLflowOn() bool {
	return e.MLflow == nil || e.MLflow.Enabled == nil || *e.MLflow.Enabled
}

// applyMLflowDefaults fills in the MLflow section: present and sized for
// the environment unless turned off.
func (e *Environment) applyMLflowDefaults() {
	if e.MLflow == nil {
		e.MLflow = &MLflow{}
	}
	m := e.MLflow
	if !e.MLflowOn() {
		return
	}
	prod := e.IsProd()
	def := func(v *int, normal, inProd int) {
		if *v == 0 {
			*v = normal
			if prod {
				*v = inProd
			}
		}
	}
	def(&m.Replicas, 1, 2)
	def(&m.Database.StorageGiB, 20, 20)
	def(&m.Database.BackupRetentionDays, 7, 14)
	if m.DefaultPermission == "" {
		m.DefaultPermission = "READ"
	}
	d := &m.Database
	if d.Version == "" {
		d.Version = "17"
	}
	if d.InstanceClass == "" {
		d.InstanceClass = "db.t4g.small"
		if prod {
			d.InstanceClass = "db.m6g.large"
		}
	}
	if d.SKU == "" {
		d.SKU = "Burstable/Standard_B1ms"
		if prod {
			d.SKU = "GeneralPurpose/Standard_D2ds_v5"
		}
	}
}

// mlflow checks the MLflow section after defaults.
func (v *validator) mlflow() {
	m := v.env.MLflow
	if m == nil || !v.env.MLflowOn() {
		return
	}
	if m.Replicas < 1 || m.Replicas > 5 {
		v.ps.add("mlflow.replicas", n(m.Replicas), "must be 1 to 5", "use 2 for a server that survives a node's loss")
	}
	if v.env.IsProd() && m.Replicas < 2 {
		v.ps.add("mlflow.replicas", n(m.Replicas), "prod runs at least 2 tracking servers, so a node's loss or a rollout never stops the registry", "use 2")
	}
	if !slices.Contains(MLflowPermissions, m.DefaultPermission) {
		v.ps.add("mlflow.defaultPermission", q(m.DefaultPermission), "must be one of "+strings.Join(MLflowPermissions, ", "), "use READ")
	}
	d := m.Database
	if !slices.Contains(PostgresVersions, d.Version) {
		v.ps.add("mlflow.database.version", q(d.Version), "must be one of "+strings.Join(PostgresVersions, ", "), `use "17"`)
	}
	if d.StorageGiB < 20 || d.StorageGiB > 1024 {
		v.ps.add("mlflow.database.storageGiB", n(d.StorageGiB), "must be 20 to 1024 (RDS's gp3 minimum is 20 GiB)", "use 20")
	}
	if d.BackupRetentionDays < 7 || d.BackupRetentionDays > 35 {
		v.ps.add("mlflow.database.backupRetentionDays", n(d.BackupRetentionDays), "must be 7 to 35 (both clouds keep at most 35 days of automated backups)", "use 7, 14 in prod")
	}
	if v.env.AWS != nil {
		if known := v.opts.Catalog.DatabaseNames(catalog.AWS); !slices.Contains(known, d.InstanceClass) {
			v.ps.add("mlflow.database.instanceClass", q(d.InstanceClass), "must be a class the instance catalogue prices: "+strings.Join(known, ", "), suggestion(d.InstanceClass, known, "db.t4g.small"))
		} else if v.env.IsProd() && burstableRE.MatchString(d.InstanceClass) {
			v.ps.add("mlflow.database.instanceClass", q(d.InstanceClass), "prod's database is not burstable: a burstable class throttles once its CPU credits run out", "use db.m6g.large")
		}
	}
	if v.env.Azure != nil {
		if known := v.opts.Catalog.DatabaseNames(catalog.Azure); !slices.Contains(known, d.SKU) {
			v.ps.add("mlflow.database.sku", q(d.SKU), "must be a size the instance catalogue prices, as tier/name: "+strings.Join(known, ", "), suggestion(d.SKU, known, "Burstable/Standard_B1ms"))
		} else if v.env.IsProd() && strings.HasPrefix(d.SKU, "Burstable/") {
			v.ps.add("mlflow.database.sku", q(d.SKU), "prod's database is not burstable, and Azure offers zone-redundant high availability only on General Purpose and Memory Optimized", "use GeneralPurpose/Standard_D2ds_v5")
		}
		v.azureGeoBackup(d)
	} else if d.AzureGeoBackup != nil {
		v.ps.add("mlflow.database.azureGeoBackup", "a mapping", "applies to Azure only, and the environment has no azure section", "remove it")
	}
}

var (
	keyURIRE     = regexp.MustCompile(`^https://[a-zA-Z0-9-]{3,24}\.vault\.azure\.net/keys/[a-zA-Z0-9-]{1,127}$`)
	identityIDRE = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$`)
)

// azureGeoBackup checks the geo-redundant backup's key and identity.
func (v *validator) azureGeoBackup(d MLflowDatabase) {
	g := d.AzureGeoBackup
	if g == nil {
		if v.env.IsProd() {
			v.ps.add("mlflow.database.azureGeoBackup", "<missing>", "prod's database keeps geo-redundant backups, which a customer-managed key encrypts in the paired region with a key and identity there",
				"create a vault, key and user-assigned identity in the paired region, and give keyUri and identityId")
		}
		return
	}
	if !keyURIRE.MatchString(g.KeyURI) {
		v.ps.add("mlflow.database.azureGeoBackup.keyUri", q(g.KeyURI), "must be a key's versionless URI", "write https://<vault>.vault.azure.net/keys/<name>")
	}
	if !identityIDRE.MatchString(g.IdentityID) {
		v.ps.add("mlflow.database.azureGeoBackup.identityId", q(g.IdentityID), "must be a user-assigned identity's resource id",
			"write /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>")
	}
}

// suggestion is a fix naming the closest known value, or def.
func suggestion(got string, known []string, def string) string {
	for _, k := range known {
		// A size written without its tier.
		if strings.HasSuffix(k, "/"+got) {
			return fmt.Sprintf("did you mean %q?", k)
		}
	}
	if s := catalog.ClosestOf(got, known); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return "use " + def
}
