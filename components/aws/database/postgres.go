package database

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pangea-ai/mlplatform/components/names"
)

// PostgresType is the component's type token.
const PostgresType = "mlplatform:aws:Postgres"

// Port is PostgreSQL's port; the instance listens on it and the security
// group opens only it.
const Port = 5432

// ForceSSLParameter is the RDS for PostgreSQL parameter that refuses
// connections without TLS ("Requiring an SSL/TLS connection to an RDS for
// PostgreSQL DB instance", Amazon RDS User Guide,
// PostgreSQL.Concepts.General.SSL.html). Its default is 1 only from
// PostgreSQL 15 on, so the toolkit sets it on every version.
const ForceSSLParameter = "rds.force_ssl"

// ExtendedSupportDisabled keeps RDS from enrolling a major version past its
// standard support in paid Extended Support; the provider's default enrols
// it (pulumi-aws sdk v6.83.4 go/aws/rds/instance.go, engineLifecycleSupport).
const ExtendedSupportDisabled = "open-source-rds-extended-support-disabled"

// PostgresArgs configure a Postgres.
type PostgresArgs struct {
	// Identifier is the RDS instance identifier. Required.
	Identifier string
	// DatabaseName is the database created with the instance. Unset: "mlflow".
	DatabaseName string
	// Username is the master user. Unset: "mlflow".
	Username string
	// Version is the PostgreSQL major version ("16", "17"); RDS picks the
	// newest minor and upgrades minors in the maintenance window. Required.
	Version string
	// InstanceClass is the RDS class, e.g. db.t4g.small. Required.
	InstanceClass string
	// StorageGiB is the allocated gp3 storage; it may grow to four times
	// this. At least 20.
	StorageGiB int
	// BackupRetentionDays keeps automated backups, 1 to 35. Required.
	BackupRetentionDays int
	// MultiAZ keeps a synchronous standby in another zone (prod).
	MultiAZ bool
	// DeletionProtection refuses deletes through the API (prod).
	DeletionProtection bool
	// SkipFinalSnapshot deletes without a last snapshot: for ephemeral
	// environments only.
	SkipFinalSnapshot bool
	// Protect marks the instance protected in Pulumi (prod).
	Protect bool
	// VPCID is the VPC the security group lives in. Required.
	VPCID pulumi.StringInput
	// SubnetIDs are the private subnets, in at least two zones. Required.
	SubnetIDs pulumi.StringArrayInput
	// ClientSecurityGroupIDs may connect on Port: the cluster's security
	// group, which EKS puts on managed nodes. Required.
	ClientSecurityGroupIDs []pulumi.StringInput
	// KMSKeyARN encrypts the storage, its snapshots and the master user's
	// secret. Required.
	KMSKeyARN pulumi.StringInput
}

// Postgres is an RDS for PostgreSQL instance and what it needs.
type Postgres struct {
	pulumi.ResourceState

	// Address is the instance's DNS name.
	Address pulumi.StringOutput `pulumi:"address"`
	// Port is the port it listens on.
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretARN is the Secrets Manager secret RDS keeps the master user's
	// credentials in ({"username": ..., "password": ...}) and rotates.
	SecretARN pulumi.StringOutput `pulumi:"secretArn"`
	// SecurityGroupID is the instance's security group.
	SecurityGroupID pulumi.StringOutput `pulumi:"securityGroupId"`
	// DatabaseName and Username are what a client connects with.
	DatabaseName, Username string
	// Instance is the RDS instance: what a client of it waits for.
	Instance *rds.Instance
}

var majorRE = regexp.MustCompile(`^[0-9]{2}$`)

func (a *PostgresArgs) withDefaults() (PostgresArgs, error) {
	if a == nil {
		return PostgresArgs{}, fmt.Errorf("args are required")
	}
	out := *a
	if out.DatabaseName == "" {
		out.DatabaseName = "mlflow"
	}
	if out.Username == "" {
		out.Username = "mlflow"
	}
	switch {
	case out.Identifier == "" || out.InstanceClass == "" || out.VPCID == nil || out.SubnetIDs == nil || out.KMSKeyARN == nil:
		return out, fmt.Errorf("Identifier, InstanceClass, VPCID, SubnetIDs and KMSKeyARN are required")
	case !majorRE.MatchString(out.Version):
		return out, fmt.Errorf("Version %q must be a PostgreSQL major version such as \"17\"", out.Version)
	case out.StorageGiB < 20:
		return out, fmt.Errorf("StorageGiB %d is below RDS's gp3 minimum of 20", out.StorageGiB)
	case out.BackupRetentionDays < 1 || out.BackupRetentionDays > 35:
		return out, fmt.Errorf("BackupRetentionDays %d must be 1 to 35: 0 would turn automated backups off", out.BackupRetentionDays)
	case len(out.ClientSecurityGroupIDs) == 0:
		return out, fmt.Errorf("ClientSecurityGroupIDs is empty: nothing could connect; pass the cluster's security group")
	}
	return out, nil
}

// NewPostgres creates the security group, subnet group, parameter group
// and instance.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	a, err := args.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("creating database %q: %w", name, err)
	}
	comp := &Postgres{DatabaseName: a.DatabaseName, Username: a.Username}
	if err := ctx.RegisterComponentResource(PostgresType, name, comp, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(comp)
	clients := pulumi.StringArray{}
	for _, id := range a.ClientSecurityGroupIDs {
		clients = append(clients, id)
	}
	// No egress rule: the database starts no connections.
	sg, err := ec2.NewSecurityGroup(ctx, names.SecurityGroup.Logical(name), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("PostgreSQL %s: port %d from the cluster's nodes only", a.Identifier, Port),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL from the cluster"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(Port), ToPort: pulumi.Int(Port), SecurityGroups: clients,
		}},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating security group of database %q: %w", name, err)
	}
	subnets, err := rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Name:        pulumi.String(names.DBSubnetGroup.Fit(a.Identifier)),
		Description: pulumi.Sprintf("Private subnets of %s", a.Identifier),
		SubnetIds:   a.SubnetIDs,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating subnet group of database %q: %w", name, err)
	}
	params, err := rds.NewParameterGroup(ctx, name, &rds.ParameterGroupArgs{
		Name:        pulumi.String(names.DBParameterGroup.Fit(a.Identifier + "-pg" + a.Version)),
		Family:      pulumi.String("postgres" + a.Version),
		Description: pulumi.Sprintf("%s: TLS required", a.Identifier),
		Parameters: rds.ParameterGroupParameterArray{rds.ParameterGroupParameterArgs{
			Name: pulumi.String(ForceSSLParameter), Value: pulumi.String("1"), ApplyMethod: pulumi.String("pending-reboot"),
		}},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating parameter group of database %q: %w", name, err)
	}
	inst, err := rds.NewInstance(ctx, name, &rds.InstanceArgs{
		Identifier:               pulumi.String(a.Identifier),
		Engine:                   pulumi.String("postgres"),
		EngineVersion:            pulumi.String(a.Version),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		EngineLifecycleSupport:   pulumi.String(ExtendedSupportDisabled),
		InstanceClass:            pulumi.String(a.InstanceClass),
		DbName:                   pulumi.String(a.DatabaseName),
		Username:                 pulumi.String(a.Username),
		ManageMasterUserPassword: pulumi.Bool(true),
		MasterUserSecretKmsKeyId: a.KMSKeyARN,
		StorageType:              pulumi.String("gp3"),
		AllocatedStorage:         pulumi.Int(a.StorageGiB),
		MaxAllocatedStorage:      pulumi.Int(4 * a.StorageGiB),
		StorageEncrypted:         pulumi.Bool(true),
		KmsKeyId:                 a.KMSKeyARN,
		DbSubnetGroupName:        subnets.Name,
		VpcSecurityGroupIds:      pulumi.StringArray{sg.ID()},
		PubliclyAccessible:       pulumi.Bool(false),
		ParameterGroupName:       params.Name,
		Port:                     pulumi.Int(Port),
		MultiAz:                  pulumi.Bool(a.MultiAZ),
		BackupRetentionPeriod:    pulumi.Int(a.BackupRetentionDays),
		CopyTagsToSnapshot:       pulumi.Bool(true),
		DeleteAutomatedBackups:   pulumi.Bool(a.SkipFinalSnapshot),
		SkipFinalSnapshot:        pulumi.Bool(a.SkipFinalSnapshot),
		FinalSnapshotIdentifier:  finalSnapshot(a),
		DeletionProtection:       pulumi.Bool(a.DeletionProtection),
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating database %q: %w", name, err)
	}
	comp.Instance = inst
	comp.Address, comp.Port, comp.SecurityGroupID = inst.Address, inst.Port, sg.ID().ToStringOutput()
	comp.SecretARN = inst.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem()
	return comp, ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"address": comp.Address, "port": comp.Port, "secretArn": comp.SecretARN, "securityGroupId": comp.SecurityGroupID,
	})
}

// finalSnapshot names the snapshot RDS takes when the instance is deleted;
// nil when it takes none.
func finalSnapshot(a PostgresArgs) pulumi.StringPtrInput {
	if a.SkipFinalSnapshot {
		return nil
	}
	return pulumi.String(names.DBInstance.Fit(a.Identifier + "-final"))
}
