package rules

import (
	"github.com/pangea-ai/mlplatform/components/tokens"
)

// Types the database rules read. A flexible server is a generic ARM
// resource of kind Microsoft.DBforPostgreSQL/flexibleServers.
const (
	dbRDSInstance    = tokens.AWSRDSInstance
	dbParameterGroup = tokens.AWSRDSParameterGroup
	dbGeneric        = tokens.AzureResourcesResource
)

// flexibleServers are the stack's PostgreSQL flexible servers.
func flexibleServers(s *Stack) []*Resource {
	var out []*Resource
	for _, r := range s.ByType(dbGeneric) {
		if isFlexibleServer(r) {
			out = append(out, r)
		}
	}
	return out
}

func isFlexibleServer(r *Resource) bool {
	return r.Type == dbGeneric && r.Str("resourceProviderNamespace") == "Microsoft.DBforPostgreSQL" &&
		r.Str("resourceType") == "flexibleServers" && r.Str("parentResourcePath") == ""
}

// serverChild returns the generic child resource of kind typ named name
// of flexible server srv, or nil.
func serverChild(s *Stack, srv *Resource, typ, name string) *Resource {
	for _, r := range s.ByType(dbGeneric) {
		if r.Str("resourceProviderNamespace") == "Microsoft.DBforPostgreSQL" && r.Str("resourceType") == typ &&
			r.Str("parentResourcePath") == "flexibleServers/"+srv.Str("resourceName") && r.Str("resourceName") == name {
			return r
		}
	}
	return nil
}

// databaseEncryption is rule database-encryption.
var databaseEncryption = Rule{ID: "database-encryption", Category: Encryption, Kind: Fixed,
	Description: "Checks whether managed databases encrypt their storage with a customer-managed key: RDS instances with a KMS key (and the master password RDS manages with one), PostgreSQL flexible servers with a Key Vault key.",
	Resources:   "RDS instances, PostgreSQL flexible servers",
	Mirrors:     "CKV_AWS_16, CKV_AWS_354, AWS Config rds-storage-encrypted, Azure Policy \"PostgreSQL flexible servers should use customer-managed keys\"",
	Check:       checkDatabaseEncryption}

func checkDatabaseEncryption(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(dbRDSInstance) {
		enc, _ := r.Bool("storageEncrypted")
		managed, _ := r.Bool("manageMasterUserPassword")
		switch {
		case r.IsUnknown("kmsKeyId"):
			out = append(out, CannotVerify(r, "kmsKeyId"))
		case !enc || !cmkARN.MatchString(r.Str("kmsKeyId")):
			out = append(out, Violation(r, "%s must encrypt its storage with a customer-managed KMS key (storageEncrypted = %v, kmsKeyId = %q)", Subject(r), enc, r.Str("kmsKeyId")))
		case managed && !r.IsUnknown("masterUserSecretKmsKeyId") && !cmkARN.MatchString(r.Str("masterUserSecretKmsKeyId")):
			out = append(out, Violation(r, "%s must encrypt the master password RDS manages with a customer-managed KMS key (masterUserSecretKmsKeyId = %q)", Subject(r), r.Str("masterUserSecretKmsKeyId")))
		}
	}
	for _, r := range flexibleServers(s) {
		switch {
		case r.IsUnknown("properties.dataEncryption"):
			out = append(out, CannotVerify(r, "properties.dataEncryption"))
		case r.Str("properties.dataEncryption.type") != "AzureKeyVault" || r.Str("properties.dataEncryption.primaryKeyURI") == "":
			out = append(out, Violation(r, "%s must encrypt its data with a customer-managed key (properties.dataEncryption.type AzureKeyVault with a primaryKeyURI; got %q)", Subject(r), r.Str("properties.dataEncryption.type")))
		}
	}
	return out
}

// databasePrivate is rule database-private.
var databasePrivate = Rule{ID: "database-private", Category: Network, Kind: Fixed,
	Description: "Checks whether managed databases are unreachable from the internet: RDS instances not publicly accessible, PostgreSQL flexible servers with public network access disabled inside a delegated subnet.",
	Resources:   "RDS instances, PostgreSQL flexible servers",
	Mirrors:     "CKV_AWS_17, AWS Config rds-instance-public-access-check, Azure Policy \"Public network access should be disabled for PostgreSQL flexible servers\"",
	Check:       checkDatabasePrivate}

func checkDatabasePrivate(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(dbRDSInstance) {
		if public, _ := r.Bool("publiclyAccessible"); public {
			out = append(out, Violation(r, "%s must not be publicly accessible (publiclyAccessible = true)", Subject(r)))
		}
	}
	for _, r := range flexibleServers(s) {
		switch {
		case r.IsUnknown("properties.network"):
			out = append(out, CannotVerify(r, "properties.network"))
		case r.Str("properties.network.publicNetworkAccess") != "Disabled" || r.Str("properties.network.delegatedSubnetResourceId") == "":
			out = append(out, Violation(r, "%s must be reached only through its delegated subnet (properties.network.publicNetworkAccess = %q, delegatedSubnetResourceId = %q)",
				Subject(r), r.Str("properties.network.publicNetworkAccess"), r.Str("properties.network.delegatedSubnetResourceId")))
		}
	}
	return out
}

// databaseTLS is rule database-tls.
var databaseTLS = Rule{ID: "database-tls", Category: Encryption, Kind: Fixed,
	Description: "Checks whether managed PostgreSQL refuses connections without TLS: rds.force_ssl = 1 in the RDS instance's parameter group, require_secure_transport not turned off on a flexible server.",
	Resources:   "RDS instances and parameter groups, PostgreSQL flexible servers and their configurations",
	Mirrors:     "AWS \"Requiring an SSL/TLS connection to an RDS for PostgreSQL DB instance\", Azure Policy \"Enforce SSL connection should be enabled for PostgreSQL database servers\"",
	Check:       checkDatabaseTLS}

func checkDatabaseTLS(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(dbRDSInstance) {
		if r.Str("engine") != "postgres" {
			continue
		}
		groups := s.DependsOnType(r, dbParameterGroup)
		forced := false
		for _, g := range groups {
			ps, _ := g.Get("parameters")
			list, _ := ps.([]interface{})
			for _, p := range list {
				m, _ := p.(map[string]interface{})
				if m["name"] == "rds.force_ssl" && m["value"] == "1" {
					forced = true
				}
			}
		}
		if !forced {
			out = append(out, Violation(r, "%s must use a parameter group that sets rds.force_ssl = 1, so no client connects in plain text", Subject(r)))
		}
	}
	for _, r := range flexibleServers(s) {
		if c := serverChild(s, r, "configurations", "require_secure_transport"); c != nil && c.Str("properties.value") != "ON" {
			out = append(out, Violation(r, "%s must require TLS (require_secure_transport = %q)", Subject(r), c.Str("properties.value")))
		}
	}
	return out
}

// databaseBackups is rule database-backups.
var databaseBackups = Rule{ID: "database-backups", Category: Reliability, Kind: Lowerable,
	Description: "Checks whether managed databases keep at least 7 days of automated backups and, in prod, survive the loss of a zone and an accidental delete: RDS Multi-AZ with deletion protection and a final snapshot, flexible servers zone-redundant with geo-redundant backups.",
	Resources:   "RDS instances, PostgreSQL flexible servers",
	Mirrors:     "CKV_AWS_133, CKV_AWS_157, CKV_AWS_293, AWS Config db-instance-backup-enabled, Azure Policy \"Geo-redundant backup should be enabled for Azure Database for PostgreSQL\"",
	Check:       checkDatabaseBackups}

func checkDatabaseBackups(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.ByType(dbRDSInstance) {
		days, _ := r.Num("backupRetentionPeriod")
		if days < 7 {
			out = append(out, Violation(r, "%s must keep at least 7 days of automated backups (backupRetentionPeriod = %v)", Subject(r), days))
		}
		if !s.IsProd() {
			continue
		}
		multi, _ := r.Bool("multiAz")
		protect, _ := r.Bool("deletionProtection")
		skip, _ := r.Bool("skipFinalSnapshot")
		if !multi || !protect || skip {
			out = append(out, Violation(r, "%s must run Multi-AZ with deletion protection and a final snapshot in prod (multiAz = %v, deletionProtection = %v, skipFinalSnapshot = %v)", Subject(r), multi, protect, skip))
		}
	}
	for _, r := range flexibleServers(s) {
		days, _ := r.Num("properties.backup.backupRetentionDays")
		if days < 7 {
			out = append(out, Violation(r, "%s must keep at least 7 days of backups (properties.backup.backupRetentionDays = %v)", Subject(r), days))
		}
		if s.IsProd() && (r.Str("properties.backup.geoRedundantBackup") != "Enabled" || r.Str("properties.highAvailability.mode") != "ZoneRedundant") {
			out = append(out, Violation(r, "%s must be zone-redundant with geo-redundant backups in prod (highAvailability.mode = %q, geoRedundantBackup = %q)",
				Subject(r), r.Str("properties.highAvailability.mode"), r.Str("properties.backup.geoRedundantBackup")))
		}
	}
	return out
}
