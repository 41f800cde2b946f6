package database

import (
	"reflect"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/test/recorder"
)

func args() *PostgresArgs {
	return &PostgresArgs{
		Identifier: "mlplatform-aws-prod-mlflow", Version: "17", InstanceClass: "db.m6g.large",
		StorageGiB: 20, BackupRetentionDays: 14, MultiAZ: true, DeletionProtection: true, Protect: true,
		VPCID:                  pulumi.String("vpc-1"),
		SubnetIDs:              pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		ClientSecurityGroupIDs: []pulumi.StringInput{pulumi.String("sg-cluster")},
		KMSKeyARN:              pulumi.String("arn:aws:kms:us-east-1:111122223333:key/k"),
	}
}

// TestPostgresIsPrivateEncryptedAndTLSOnly asserts the inputs that make
// the database what the issue asks: encrypted with the given key, its
// password managed by RDS with that key, private, TLS enforced, backed up,
// Multi-AZ and undeletable when asked. The mock proves the inputs, not
// that RDS accepts them.
func TestPostgresIsPrivateEncryptedAndTLSOnly(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		_, err := NewPostgres(ctx, "aws-prod-mlflow", args())
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rec.Named("aws:rds/instance:Instance", "aws-prod-mlflow")
	if err != nil {
		t.Fatal(err)
	}
	recorder.AssertInputs(t, inst, map[string]interface{}{
		"identifier": "mlplatform-aws-prod-mlflow", "engine": "postgres", "engineVersion": "17",
		"engineLifecycleSupport": "open-source-rds-extended-support-disabled", "autoMinorVersionUpgrade": true,
		"instanceClass": "db.m6g.large", "dbName": "mlflow", "username": "mlflow",
		"manageMasterUserPassword": true, "masterUserSecretKmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k",
		"password":         nil,
		"storageEncrypted": true, "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k", "storageType": "gp3",
		"allocatedStorage": 20.0, "maxAllocatedStorage": 80.0,
		"publiclyAccessible": false, "multiAz": true, "deletionProtection": true,
		"backupRetentionPeriod": 14.0, "skipFinalSnapshot": false, "deleteAutomatedBackups": false,
		"finalSnapshotIdentifier": "mlplatform-aws-prod-mlflow-final", "copyTagsToSnapshot": true, "port": 5432.0,
	})
	if !inst.Protect {
		t.Error("the prod instance is not protected")
	}
	pg, _ := rec.Named("aws:rds/parameterGroup:ParameterGroup", "aws-prod-mlflow")
	recorder.AssertInputs(t, pg, map[string]interface{}{
		"family": "postgres17", "parameters[0].name": "rds.force_ssl", "parameters[0].value": "1",
	})
	sg, _ := rec.Named("aws:ec2/securityGroup:SecurityGroup", "aws-prod-mlflow")
	recorder.AssertInputs(t, sg, map[string]interface{}{
		"vpcId": "vpc-1", "ingress[0].fromPort": 5432.0, "ingress[0].toPort": 5432.0,
		"ingress[0].securityGroups": []interface{}{"sg-cluster"}, "ingress[0].cidrBlocks": nil, "egress": nil,
	})
	var kids []string
	for _, r := range rec.Resources() {
		if r.Parent != "" && r.Type != "mlplatform:aws:Postgres" {
			kids = append(kids, r.Type+" "+r.Name)
		}
	}
	want := []string{
		"aws:ec2/securityGroup:SecurityGroup aws-prod-mlflow", "aws:rds/instance:Instance aws-prod-mlflow",
		"aws:rds/parameterGroup:ParameterGroup aws-prod-mlflow", "aws:rds/subnetGroup:SubnetGroup aws-prod-mlflow",
	}
	sort.Strings(kids)
	if !reflect.DeepEqual(kids, want) {
		t.Errorf("children %v, want %v", kids, want)
	}
}

// TestEphemeralDatabaseLeavesNothingBehind: a preview's database is
// deleted without a final snapshot and with its automated backups.
func TestEphemeralDatabaseLeavesNothingBehind(t *testing.T) {
	rec, err := recorder.Run(func(ctx *pulumi.Context) error {
		a := args()
		a.SkipFinalSnapshot, a.Protect, a.DeletionProtection, a.MultiAZ = true, false, false, false
		_, err := NewPostgres(ctx, "preview-mlflow", a)
		return err
	}, recorder.Options{Project: "p", Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := rec.Named("aws:rds/instance:Instance", "preview-mlflow")
	recorder.AssertInputs(t, inst, map[string]interface{}{
		"skipFinalSnapshot": true, "finalSnapshotIdentifier": nil, "deleteAutomatedBackups": true, "multiAz": false,
	})
}

func TestPostgresRejectsBadArgs(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*PostgresArgs)
		want   string
	}{
		"no backups":      {func(a *PostgresArgs) { a.BackupRetentionDays = 0 }, `creating database "db": BackupRetentionDays 0 must be 1 to 35: 0 would turn automated backups off`},
		"no clients":      {func(a *PostgresArgs) { a.ClientSecurityGroupIDs = nil }, `creating database "db": ClientSecurityGroupIDs is empty: nothing could connect; pass the cluster's security group`},
		"a minor version": {func(a *PostgresArgs) { a.Version = "17.2" }, `creating database "db": Version "17.2" must be a PostgreSQL major version such as "17"`},
		"tiny storage":    {func(a *PostgresArgs) { a.StorageGiB = 5 }, `creating database "db": StorageGiB 5 is below RDS's gp3 minimum of 20`},
		"no key":          {func(a *PostgresArgs) { a.KMSKeyARN = nil }, `creating database "db": Identifier, InstanceClass, VPCID, SubnetIDs and KMSKeyARN are required`},
	} {
		t.Run(name, func(t *testing.T) {
			a := args()
			tc.mutate(a)
			recorder.ExpectRejected(t, func(ctx *pulumi.Context) error {
				_, err := NewPostgres(ctx, "db", a)
				return err
			}, tc.want)
		})
	}
}
