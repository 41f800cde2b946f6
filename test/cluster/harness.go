//go:build cluster

package cluster

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// ControlPlane is etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok running as child processes on loopback ports.
type ControlPlane struct {
	// Kubeconfig is an admin kubeconfig for the API server.
	Kubeconfig string
	// Dir holds the processes' data and logs; removed by Stop.
	Dir   string
	bin   string
	procs []*exec.Cmd
}

const adminToken = "mlplatform-cluster-test-admin"

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs a control plane from the binaries in bin and stops it (every
// process it started, by its own id) when the test ends.
func Start(t *testing.T, bin string) *ControlPlane {
	t.Helper()
	dir, err := os.MkdirTemp("", "mlplat-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c := &ControlPlane{Dir: dir, bin: bin}
	t.Cleanup(c.Stop)

	etcdClient, etcdPeer := freePort(t), freePort(t)
	c.run(t, "etcd", "--name=default", "--data-dir="+filepath.Join(dir, "etcd"),
		fmt.Sprintf("--listen-client-urls=http://127.0.0.1:%d", etcdClient),
		fmt.Sprintf("--advertise-client-urls=http://127.0.0.1:%d", etcdClient),
		fmt.Sprintf("--listen-peer-urls=http://127.0.0.1:%d", etcdPeer),
		fmt.Sprintf("--initial-advertise-peer-urls=http://127.0.0.1:%d", etcdPeer),
		fmt.Sprintf("--initial-cluster=default=http://127.0.0.1:%d", etcdPeer),
		"--listen-metrics-urls=", "--log-level=warn")

	// Service-account signing key and the admin token.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	saKey, saPub := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	write(t, saKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	write(t, saPub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	tokens := filepath.Join(dir, "tokens.csv")
	write(t, tokens, []byte(adminToken+",admin,admin,system:masters\n"))

	api := freePort(t)
	c.run(t, "kube-apiserver",
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", etcdClient),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", api),
		"--cert-dir="+filepath.Join(dir, "certs"), "--authorization-mode=RBAC", "--token-auth-file="+tokens,
		"--service-account-key-file="+saPub, "--service-account-signing-key-file="+saKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		// Fictional addresses: nothing ever connects to them.
		"--service-cluster-ip-range=10.96.0.0/16")
	c.Kubeconfig = filepath.Join(dir, "kubeconfig")
	write(t, c.Kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: %s}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
`, api, adminToken)))
	waitReady(t, fmt.Sprintf("https://127.0.0.1:%d/readyz", api))

	c.run(t, "kube-controller-manager", "--kubeconfig="+c.Kubeconfig, "--leader-elect=false",
		"--service-account-private-key-file="+saKey, "--controllers=*,-nodeipam",
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", freePort(t)))
	c.run(t, "kube-scheduler", "--kubeconfig="+c.Kubeconfig, "--leader-elect=false",
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", freePort(t)))
	c.run(t, "kwok", "--kubeconfig="+c.Kubeconfig, "--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--cidr=10.0.0.1/24", "--node-ip=10.0.0.1", fmt.Sprintf("--server-address=127.0.0.1:%d", freePort(t)))
	return c
}

// run starts one binary as a child process, its output in a log file.
func (c *ControlPlane) run(t *testing.T, name string, args ...string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(c.Dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// If the test process dies (a go test timeout skips cleanups), the
	// kernel stops the child too: nothing outlives the run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	c.procs = append(c.procs, cmd)
}

// Log returns the tail of a component's log, for failure messages.
func (c *ControlPlane) Log(name string) string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, name+".log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Stop kills every process Start started, in reverse order, waits for
// each, and removes the data folder.
func (c *ControlPlane) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		if p.Process != nil {
			_ = p.Process.Kill()
			_, _ = p.Process.Wait()
		}
	}
	c.procs = nil
	if os.Getenv("MLPLAT_CLUSTER_KEEP") == "" {
		_ = os.RemoveAll(c.Dir)
	}
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // loopback, self-signed
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("the API server at %s was not ready within 60s", url)
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
