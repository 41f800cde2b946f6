package environments

import "testing"

// TestMLflowDefaults: an environment without an mlflow section runs MLflow,
// sized for its kind; enabled: false turns it off and applies nothing.
func TestMLflowDefaults(t *testing.T) {
	for file, want := range map[string]MLflow{
		"dev.yaml":  {Replicas: 1, DefaultPermission: "READ", Database: MLflowDatabase{Version: "17", StorageGiB: 20, BackupRetentionDays: 7, InstanceClass: "db.t4g.small", SKU: "Burstable/Standard_B1ms"}},
		"prod.yaml": {Replicas: 2, DefaultPermission: "READ", Database: MLflowDatabase{Version: "17", StorageGiB: 20, BackupRetentionDays: 14, InstanceClass: "db.m6g.large", SKU: "GeneralPurpose/Standard_D2ds_v5"}},
	} {
		env, err := LoadFile(file, opts())
		if err != nil {
			t.Fatal(err)
		}
		if !env.MLflowOn() || env.MLflow.Enabled != nil {
			t.Fatalf("%s: MLflow is not on by default: %+v", file, env.MLflow)
		}
		got := *env.MLflow
		got.Database.AzureGeoBackup = nil // prod.yaml names its paired-region key; checked below
		if got != want {
			t.Errorf("%s: defaults\n got %+v\nwant %+v", file, got, want)
		}
	}
	prod, err := LoadFile("prod.yaml", opts())
	if err != nil {
		t.Fatal(err)
	}
	if g := prod.MLflow.Database.AzureGeoBackup; g == nil || g.KeyURI != "https://kv-mlplatform-westus.vault.azure.net/keys/mlflow-geo-backup" {
		t.Errorf("prod's geo-backup key = %+v", g)
	}
	off := false
	e := &Environment{Name: "dev", MLflow: &MLflow{Enabled: &off}}
	e.applyMLflowDefaults()
	if e.MLflowOn() || e.MLflow.Replicas != 0 || e.MLflow.Database.Version != "" {
		t.Errorf("enabled: false still got defaults: %+v", e.MLflow)
	}
}

// TestValidateRejectsMLflow breaks one MLflow rule per case.
func TestValidateRejectsMLflow(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"too many replicas": {
			mutate: func(e *Environment) { e.MLflow.Replicas = 9 },
			want:   `mlflow.replicas = 9: must be 1 to 5; fix: use 2 for a server that survives a node's loss`,
		},
		"one replica in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.MLflow.Replicas = 1 },
			want:   `mlflow.replicas = 1: prod runs at least 2 tracking servers, so a node's loss or a rollout never stops the registry; fix: use 2`,
		},
		"unknown permission": {
			mutate: func(e *Environment) { e.MLflow.DefaultPermission = "WRITE" },
			want:   `mlflow.defaultPermission = "WRITE": must be one of READ, USE, EDIT, MANAGE, NO_PERMISSIONS; fix: use READ`,
		},
		"unsupported postgres": {
			mutate: func(e *Environment) { e.MLflow.Database.Version = "13" },
			want:   `mlflow.database.version = "13": must be one of 16, 17; fix: use "17"`,
		},
		"storage below the gp3 minimum": {
			mutate: func(e *Environment) { e.MLflow.Database.StorageGiB = 10 },
			want:   `mlflow.database.storageGiB = 10: must be 20 to 1024 (RDS's gp3 minimum is 20 GiB); fix: use 20`,
		},
		"backups kept too long": {
			mutate: func(e *Environment) { e.MLflow.Database.BackupRetentionDays = 40 },
			want:   `mlflow.database.backupRetentionDays = 40: must be 7 to 35 (both clouds keep at most 35 days of automated backups); fix: use 7, 14 in prod`,
		},
		"a misspelt instance class": {
			mutate: func(e *Environment) { e.MLflow.Database.InstanceClass = "db.t4g.smal"; e.Azure = nil },
			want:   `mlflow.database.instanceClass = "db.t4g.smal": must be a class the instance catalogue prices: db.t4g.micro, db.t4g.small, db.t4g.medium, db.m6g.large; fix: did you mean "db.t4g.small"?`,
		},
		"a burstable database in prod": {
			file: "prod.yaml",
			mutate: func(e *Environment) {
				e.MLflow.Database.InstanceClass, e.MLflow.Database.AzureGeoBackup = "db.t4g.medium", nil
				e.Azure = nil
			},
			want: `mlflow.database.instanceClass = "db.t4g.medium": prod's database is not burstable: a burstable class throttles once its CPU credits run out; fix: use db.m6g.large`,
		},
		"a burstable flexible server in prod": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.MLflow.Database.SKU = "Burstable/Standard_B1ms"; e.AWS = nil },
			want:   `mlflow.database.sku = "Burstable/Standard_B1ms": prod's database is not burstable, and Azure offers zone-redundant high availability only on General Purpose and Memory Optimized; fix: use GeneralPurpose/Standard_D2ds_v5`,
		},
		"prod without geo-redundant backups on Azure": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.MLflow.Database.AzureGeoBackup = nil },
			want:   `mlflow.database.azureGeoBackup = <missing>: prod's database keeps geo-redundant backups, which a customer-managed key encrypts in the paired region with a key and identity there; fix: create a vault, key and user-assigned identity in the paired region, and give keyUri and identityId`,
		},
		"a versioned geo-backup key": {
			file: "prod.yaml",
			mutate: func(e *Environment) {
				e.MLflow.Database.AzureGeoBackup.KeyURI = "https://kv-mlplatform-westus.vault.azure.net/keys/mlflow-geo-backup/0123abcd"
			},
			want: `mlflow.database.azureGeoBackup.keyUri = "https://kv-mlplatform-westus.vault.azure.net/keys/mlflow-geo-backup/0123abcd": must be a key's versionless URI; fix: write https://<vault>.vault.azure.net/keys/<name>`,
		},
		"a sku without its tier": {
			mutate: func(e *Environment) { e.MLflow.Database.SKU = "Standard_B1ms"; e.AWS = nil },
			want:   `mlflow.database.sku = "Standard_B1ms": must be a size the instance catalogue prices, as tier/name: Burstable/Standard_B1ms, GeneralPurpose/Standard_D2ds_v5; fix: did you mean "Burstable/Standard_B1ms"?`,
		},
	})
}

// TestValidateRejectsJupyterHub breaks one notebooks rule per case.
func TestValidateRejectsJupyterHub(t *testing.T) {
	runRejectCases(t, map[string]rejectCase{
		"two identity providers": {
			mutate: func(e *Environment) {
				e.JupyterHub.Auth.Entra = &EntraAuth{TenantID: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", ClientID: "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d", AllowedGroups: []string{"6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b"}}
			},
			want: `jupyterhub.auth = a mapping: must name exactly one identity provider: github or entra; fix: keep one of github: and entra:`,
		},
		"an Entra login nobody may use": {
			file:   "prod.yaml",
			mutate: func(e *Environment) { e.JupyterHub.Auth.Entra.AllowedGroups = nil },
			want:   `jupyterhub.auth.entra.allowedGroups = <missing>: names nobody: OAuthenticator admits no one unless a rule allows them; fix: list the object ids of the groups whose members may sign in`,
		},
		"a callback over plain HTTP": {
			mutate: func(e *Environment) { e.JupyterHub.CallbackURL = "http://jupyter.dev.pangea.ai/hub/oauth_callback" },
			want:   `jupyterhub.callbackUrl = "http://jupyter.dev.pangea.ai/hub/oauth_callback": must be https://<host>/hub/oauth_callback: the hub's OAuth callback, over TLS; fix: write it as the app registers it, e.g. "https://jupyter.dev.example.com/hub/oauth_callback"`,
		},
		"a day-long idle timeout and more": {
			mutate: func(e *Environment) { e.JupyterHub.IdleTimeoutMinutes = 2000 },
			want:   `jupyterhub.idleTimeoutMinutes = 2000: must be 10 to 1440: an idle GPU notebook holds its GPU until it is stopped; fix: use 60`,
		},
		"notebooks without MLflow": {
			mutate: func(e *Environment) { off := false; e.MLflow = &MLflow{Enabled: &off} },
			want:   `jupyterhub = a mapping: notebooks track experiments in MLflow, which is off; fix: remove mlflow.enabled: false, or remove jupyterhub:`,
		},
	})
}
