"""Start MLflow's tracking server with credentials no manifest holds.

mlplatform runs this in the official MLflow image as the container's
command. It reads the database credentials from the cloud's secret store
with the pod's own workload identity (AWS Secrets Manager, where RDS keeps
and rotates the master password; Azure Key Vault), writes the basic-auth
configuration to a private temporary file, and runs `mlflow server` as a
child. Every poll interval it reads the secret again: when the password has
been rotated it stops the server and exits, so the kubelet starts the
container again with the new password. Once the server answers, it makes
sure the metrics user Prometheus scrapes with exists, with its current
password.

Only the Python standard library is used here, plus boto3 or azure-identity,
both in the -full image (mlflow[extras] and mlflow[azure], docker/Dockerfile.full).
"""

import base64
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

# Key Vault's data-plane API version for "Get Secret", whose response
# carries the value as "value" (learn.microsoft.com/rest/api/keyvault/
# secrets/get-secret/get-secret, sample request and response at 7.4).
KEY_VAULT_API = "7.4"


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None or value == "":
        sys.exit(f"start.py: {name} is not set; the mlflow component sets it, so the Deployment was changed by hand")
    return value


def fetch_credentials():
    """Returns (username, password) from the configured secret store."""
    source, ref = env("MLPLATFORM_DB_SECRET_SOURCE"), env("MLPLATFORM_DB_SECRET")
    if source == "aws-secrets-manager":
        import boto3  # in the -full image (mlflow[extras])

        value = boto3.client("secretsmanager").get_secret_value(SecretId=ref)["SecretString"]
        doc = json.loads(value)  # RDS writes {"username": ..., "password": ...}
        return doc["username"], doc["password"]
    if source == "azure-key-vault":
        from azure.identity import DefaultAzureCredential  # in the -full image (mlflow[azure])

        token = DefaultAzureCredential().get_token("https://vault.azure.net/.default").token
        req = urllib.request.Request(f"{ref}?api-version={KEY_VAULT_API}", headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return env("MLPLATFORM_DB_USER"), json.load(resp)["value"]
    if source == "file":  # the component's tests: {"username": ..., "password": ...}
        with open(ref, encoding="utf-8") as f:
            doc = json.load(f)
        return doc["username"], doc["password"]
    sys.exit(f"start.py: unknown MLPLATFORM_DB_SECRET_SOURCE {source!r}")


def database_uri(user, password):
    q = lambda s: urllib.parse.quote(s, safe="")
    host, port, name = env("MLPLATFORM_DB_HOST"), env("MLPLATFORM_DB_PORT"), env("MLPLATFORM_DB_NAME")
    # sslmode=require: the server refuses plain connections anyway
    # (rds.force_ssl, require_secure_transport); the clouds' CA bundles
    # are not in the image, so the certificate is not verified.
    return f"postgresql+psycopg2://{q(user)}:{q(password)}@{host}:{port}/{q(name)}?sslmode=require"


def write_auth_config(uri, path):
    # MLflow reads this with configparser.ConfigParser, whose interpolation
    # takes "%" as special (mlflow/server/auth/config.py): double it.
    esc = lambda s: s.replace("%", "%%")
    body = (
        "[mlflow]\n"
        f"default_permission = {env('MLPLATFORM_DEFAULT_PERMISSION')}\n"
        f"database_uri = {esc(uri)}\n"
        f"admin_username = {esc(env('MLFLOW_AUTH_ADMIN_USERNAME'))}\n"
        # Older releases read the bootstrap password only from here; newer
        # ones prefer MLFLOW_AUTH_ADMIN_PASSWORD, which is set too.
        f"admin_password = {esc(env('MLFLOW_AUTH_ADMIN_PASSWORD'))}\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body)


def call(method, path, body, user, password):
    url = f"http://127.0.0.1:{env('MLPLATFORM_PORT')}{path}"
    data = None if body is None else json.dumps(body).encode()
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Basic " + auth, "Content-Type": "application/json", "Host": "localhost"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status


def ensure_metrics_user(stop):
    """Creates the metrics user, or resets its password, once the server answers."""
    admin = (env("MLFLOW_AUTH_ADMIN_USERNAME"), env("MLFLOW_AUTH_ADMIN_PASSWORD"))
    body = {"username": env("MLPLATFORM_METRICS_USERNAME"), "password": env("MLPLATFORM_METRICS_PASSWORD")}
    while not stop.is_set():
        try:
            call("POST", "/api/2.0/mlflow/users/create", body, *admin)
            print("start.py: created the metrics user", flush=True)
            return
        except urllib.error.HTTPError as e:
            if e.code == 400:  # RESOURCE_ALREADY_EXISTS: keep its password current
                try:
                    call("PATCH", "/api/2.0/mlflow/users/update-password", body, *admin)
                    return
                except (urllib.error.URLError, OSError) as e2:
                    print(f"start.py: resetting the metrics user's password: {e2}", flush=True)
            else:
                print(f"start.py: creating the metrics user: HTTP {e.code}", flush=True)
        except (urllib.error.URLError, OSError):
            pass  # not listening yet
        stop.wait(5)


def main():
    user, password = fetch_credentials()
    uri = database_uri(user, password)
    auth_path = os.path.join(env("MLPLATFORM_RUN_DIR"), "basic_auth.ini")
    write_auth_config(uri, auth_path)
    child_env = dict(os.environ, MLFLOW_BACKEND_STORE_URI=uri, MLFLOW_AUTH_CONFIG_PATH=auth_path)
    server = subprocess.Popen(sys.argv[1:], env=child_env)

    stop = threading.Event()

    def forward(signum, _frame):
        stop.set()
        server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    threading.Thread(target=ensure_metrics_user, args=(stop,), daemon=True).start()

    poll = float(env("MLPLATFORM_DB_SECRET_POLL_SECONDS"))
    while server.poll() is None:
        # Jitter, so that replicas do not all restart in the same second.
        if stop.wait(poll * random.uniform(0.8, 1.2)):
            break
        try:
            current = fetch_credentials()
        except Exception as e:  # the store is unreachable: keep serving
            print(f"start.py: reading the database secret: {e}", flush=True)
            continue
        if current != (user, password):
            print("start.py: the database password was rotated; restarting to use it", flush=True)
            stop.set()
            server.terminate()
            break
    try:
        code = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        code = server.wait()
    sys.exit(0 if stop.is_set() else code)


if __name__ == "__main__":
    main()
