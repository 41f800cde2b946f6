package rules

import "testing"

const testKey = "arn:aws:kms:us-east-1:111122223333:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"

func rdsInstance(mut func(map[string]interface{})) *Resource {
	in := map[string]interface{}{
		"engine": "postgres", "storageEncrypted": true, "kmsKeyId": testKey, "manageMasterUserPassword": true,
		"masterUserSecretKmsKeyId": testKey, "publiclyAccessible": false, "backupRetentionPeriod": 14.0,
		"multiAz": true, "deletionProtection": true, "skipFinalSnapshot": false,
	}
	if mut != nil {
		mut(in)
	}
	return res(dbRDSInstance, "db", in)
}

func flexServer(mut func(map[string]interface{})) *Resource {
	props := map[string]interface{}{
		"network":          map[string]interface{}{"publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "/subscriptions/x/subnets/snet-database"},
		"dataEncryption":   map[string]interface{}{"type": "AzureKeyVault", "primaryKeyURI": "https://kv.vault.azure.net/keys/psql"},
		"backup":           map[string]interface{}{"backupRetentionDays": 14.0, "geoRedundantBackup": "Enabled"},
		"highAvailability": map[string]interface{}{"mode": "ZoneRedundant"},
	}
	if mut != nil {
		mut(props)
	}
	return res(dbGeneric, "psql", map[string]interface{}{
		"resourceProviderNamespace": "Microsoft.DBforPostgreSQL", "resourceType": "flexibleServers", "parentResourcePath": "",
		"resourceName": "psql-prod", "properties": props,
	})
}

func TestDatabaseRules(t *testing.T) {
	runRule(t, "database-encryption", []ruleCase{
		{name: "encrypted with the platform's keys", stack: stackOf("prod", rdsInstance(nil), flexServer(nil))},
		{name: "RDS unencrypted", stack: stackOf("dev", rdsInstance(func(m map[string]interface{}) { m["storageEncrypted"] = false })),
			want: []string{`Instance "db" must encrypt its storage with a customer-managed KMS key (storageEncrypted = false, kmsKeyId = "` + testKey + `")`}},
		{name: "flexible server on Microsoft's key", stack: stackOf("dev", flexServer(func(p map[string]interface{}) {
			p["dataEncryption"] = map[string]interface{}{"type": "SystemManaged"}
		})),
			want: []string{`flexibleServers "psql" must encrypt its data with a customer-managed key (properties.dataEncryption.type AzureKeyVault with a primaryKeyURI; got "SystemManaged")`}},
	})
	runRule(t, "database-private", []ruleCase{
		{name: "private", stack: stackOf("prod", rdsInstance(nil), flexServer(nil))},
		{name: "both public", stack: stackOf("dev", rdsInstance(func(m map[string]interface{}) { m["publiclyAccessible"] = true }), flexServer(func(p map[string]interface{}) {
			p["network"] = map[string]interface{}{"publicNetworkAccess": "Enabled"}
		})),
			want: []string{
				`Instance "db" must not be publicly accessible (publiclyAccessible = true)`,
				`flexibleServers "psql" must be reached only through its delegated subnet (properties.network.publicNetworkAccess = "Enabled", delegatedSubnetResourceId = "")`,
			}},
	})
	pg := res(dbParameterGroup, "pg", map[string]interface{}{"parameters": []interface{}{map[string]interface{}{"name": "rds.force_ssl", "value": "1"}}})
	withPG := rdsInstance(nil)
	withPG.DependsOn = []string{pg.URN}
	tlsOff := res(dbGeneric, "psql-tls", map[string]interface{}{
		"resourceProviderNamespace": "Microsoft.DBforPostgreSQL", "resourceType": "configurations",
		"parentResourcePath": "flexibleServers/psql-prod", "resourceName": "require_secure_transport", "properties": map[string]interface{}{"value": "OFF"},
	})
	runRule(t, "database-tls", []ruleCase{
		{name: "TLS forced", stack: stackOf("prod", pg, withPG, flexServer(nil))},
		{name: "no parameter group, TLS turned off", stack: stackOf("dev", rdsInstance(nil), flexServer(nil), tlsOff),
			want: []string{
				`Instance "db" must use a parameter group that sets rds.force_ssl = 1, so no client connects in plain text`,
				`flexibleServers "psql" must require TLS (require_secure_transport = "OFF")`,
			}},
	})
	runRule(t, "database-backups", []ruleCase{
		{name: "prod survives a zone and a delete", stack: stackOf("prod", rdsInstance(nil), flexServer(nil))},
		{name: "dev may run single-AZ", stack: stackOf("dev", rdsInstance(func(m map[string]interface{}) { m["multiAz"], m["deletionProtection"] = false, false }))},
		{name: "prod single-AZ and no geo copy", stack: stackOf("prod",
			rdsInstance(func(m map[string]interface{}) { m["multiAz"], m["backupRetentionPeriod"] = false, 1.0 }),
			flexServer(func(p map[string]interface{}) {
				p["backup"] = map[string]interface{}{"backupRetentionDays": 7.0, "geoRedundantBackup": "Disabled"}
			})),
			want: []string{
				`Instance "db" must keep at least 7 days of automated backups (backupRetentionPeriod = 1)`,
				`Instance "db" must run Multi-AZ with deletion protection and a final snapshot in prod (multiAz = false, deletionProtection = true, skipFinalSnapshot = false)`,
				`flexibleServers "psql" must be zone-redundant with geo-redundant backups in prod (highAvailability.mode = "ZoneRedundant", geoRedundantBackup = "Disabled")`,
			}},
	})
}
