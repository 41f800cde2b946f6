package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

// fakeTrustyAI answers as TrustyAI's service does at the paths the filter,
// the registrar and the reference job call, and records what it receives.
type fakeTrustyAI struct {
	mu        sync.Mutex
	events    []http.Header
	bodies    []string
	known     bool // whether the model has data (names can be applied)
	names     []string
	scheduled []map[string]any
	uploads   []string
}

func (f *fakeTrustyAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/":
		f.events, f.bodies = append(f.events, r.Header.Clone()), append(f.bodies, string(b))
	case r.Method == http.MethodPost && r.URL.Path == "/info/names":
		if !f.known {
			http.Error(w, "No metadata found for model=fraud.", http.StatusBadRequest)
			return
		}
		f.names = append(f.names, string(b))
	case r.Method == http.MethodGet && r.URL.Path == "/metrics/all/requests":
		var list []any
		for i, req := range f.scheduled {
			list = append(list, map[string]any{"id": fmt.Sprintf("00000000-0000-0000-0000-%012d", i), "request": req})
		}
		json.NewEncoder(w).Encode(map[string]any{"requests": list})
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/request"):
		var req map[string]any
		json.Unmarshal(b, &req)
		metric := map[string]string{"spd": "SPD", "dir": "DIR", "meanshift": "MEANSHIFT"}[filepath.Base(filepath.Dir(r.URL.Path))]
		req["metricName"] = metric
		f.scheduled = append(f.scheduled, req)
		json.NewEncoder(w).Encode(map[string]any{"requestId": "0f8e", "timestamp": "2026-12-05T10:00:00Z"})
	case r.Method == http.MethodPost && r.URL.Path == "/data/upload":
		f.uploads = append(f.uploads, string(b))
		io.WriteString(w, "2 datapoints successfully added to fraud data.")
	default:
		http.NotFound(w, r)
	}
}

// tlsFake serves fake over TLS and writes its certificate, the CA clients
// trust, to a file.
func tlsFake(t *testing.T, fake http.Handler) (*httptest.Server, string) {
	srv := httptest.NewTLSServer(fake)
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.crt")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	return srv, ca
}

var qualityConfig = filter.Config{Models: map[string]filter.ModelFields{
	"serving/fraud": {Features: []string{"amount", "postcode", "age_band"}, Loggable: []string{"amount", "age_band"}, Quality: &filter.Quality{}},
	"serving/plain": {Features: []string{"amount"}, Loggable: []string{"amount"}},
}}

// TestForwardsKeptRecordsToTrustyAI: the agent's call returns the archive's
// lines as before; the measured model's kept request and response reach
// TrustyAI over TLS as KServe's logger would send them, the postcode
// never; a row that cannot be measured and a model without quality are not
// sent.
func TestForwardsKeptRecordsToTrustyAI(t *testing.T) {
	fake := &fakeTrustyAI{}
	trusty, ca := tlsFake(t, fake)
	client, err := newTrustClient(ca)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(qualityConfig)
	s.forward = newForwarder(trusty.URL+"/", client)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.forward.run(ctx)
	srv := httptest.NewServer(s.routes())
	defer srv.Close()

	rec := func(kind, model, id, body string) filter.LogRequest {
		r := filter.LogRequest{Bytes: []byte(body), ReqType: filter.TypeRequest, ID: id, Namespace: "serving", InferenceService: model}
		if kind == "response" {
			r.ReqType = filter.TypeResponse
		}
		return r
	}
	batch, _ := json.Marshal([]filter.LogRequest{
		rec("request", "fraud", "a1", `{"instances": [[12.5, "AB1 2CD", 2]]}`),
		rec("response", "fraud", "a1", `{"predictions": [0.91]}`),
		rec("request", "fraud", "a2", `{"instances": [[3, "AB1 2CD", "65+"]]}`),
		rec("request", "plain", "b1", `{"instances": [[1]]}`),
	})
	res, err := http.Post(srv.URL+"/marshal", "application/json", bytes.NewReader(batch))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("marshal: %v %v", res, err)
	}
	res.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fake.mu.Lock()
		n := len(fake.events)
		fake.mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.events) != 2 {
		t.Fatalf("TrustyAI received %d events, want 2: %v", len(fake.events), fake.bodies)
	}
	got := map[string]string{}
	for i, h := range fake.events {
		if h.Get("Ce-Specversion") != "1.0" || h.Get("Ce-Id") != "a1" || h.Get("Ce-Inferenceservicename") != "fraud" || h.Get("Content-Type") != "application/json" {
			t.Errorf("event %d headers: %v", i, h)
		}
		got[h.Get("Ce-Type")] = fake.bodies[i]
	}
	want := map[string]string{
		filter.TypeRequest:  `{"inputs":[{"name":"X","shape":[1,2],"datatype":"FP64","data":[12.5,2.0]}]}`,
		filter.TypeResponse: `{"outputs":[{"name":"prediction","shape":[1],"datatype":"FP64","data":[0.91]}]}`,
	}
	for typ, body := range want {
		if got[typ] != body {
			t.Errorf("%s body\n got %s\nwant %s", typ, got[typ], body)
		}
	}
	var metrics strings.Builder
	s.forward.metrics(&metrics)
	for _, line := range []string{
		`payload_filter_forwarded_total{namespace="serving",model="fraud",outcome="sent"} 2`,
		`payload_filter_forwarded_total{namespace="serving",model="fraud",outcome="unmeasurable"} 1`,
	} {
		if !strings.Contains(metrics.String(), line) {
			t.Errorf("metrics lack %s:\n%s", line, metrics.String())
		}
	}
	if strings.Contains(metrics.String(), `model="plain"`) {
		t.Errorf("a model without quality was forwarded:\n%s", metrics.String())
	}
}

// TestForwarderRefusesAnUntrustedServer: a server whose certificate the CA
// file does not hold gets nothing; the record counts as failed.
func TestForwarderRefusesAnUntrustedServer(t *testing.T) {
	fake := &fakeTrustyAI{}
	trusty, _ := tlsFake(t, fake)
	client, err := newTrustClient(selfSigned(t))
	if err != nil {
		t.Fatal(err)
	}
	f := newForwarder(trusty.URL+"/", client)
	if err := f.post(context.Background(), event{namespace: "serving", model: "fraud", kind: "request", id: "a1", body: []byte(`{}`)}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("post to an untrusted server: %v, want a certificate error", err)
	}
	if len(fake.events) != 0 {
		t.Errorf("the untrusted server received %d events", len(fake.events))
	}
}

// TestRegistrarKeepsRequestsScheduled: nothing is scheduled before TrustyAI
// has the model's data; then the columns are named and the three requests
// scheduled once; after a restart (TrustyAI forgets them) they are
// scheduled again.
func TestRegistrarKeepsRequestsScheduled(t *testing.T) {
	fake := &fakeTrustyAI{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	r := &registrar{service: srv.URL, client: srv.Client(), cfg: filter.RegistrarConfig{BatchSize: 5000, Models: []filter.ModelQuality{{
		Model: "fraud", Loggable: []string{"amount", "age_band"}, Drift: &filter.DriftRequest{Threshold: 0.05},
		Fairness: &filter.FairnessRequest{ProtectedAttribute: "age_band", Privileged: 2, Unprivileged: 4, SPDLimit: 0.1, DIRLow: 0.8},
	}}}}
	scheduled := func() []string {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		var out []string
		for _, s := range fake.scheduled {
			out = append(out, s["metricName"].(string)+" "+s["requestName"].(string))
		}
		slices.Sort(out)
		return out
	}
	if err := r.reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := scheduled(); len(got) != 0 {
		t.Fatalf("scheduled %v before the model had data", got)
	}
	fake.known = true
	for i := 0; i < 2; i++ {
		if err := r.reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"DIR mlplatform-dir", "MEANSHIFT mlplatform-meanshift", "SPD mlplatform-spd"}
	if got := scheduled(); !slices.Equal(got, want) {
		t.Errorf("after two rounds scheduled %v, want %v once each", got, want)
	}
	if fake.names[0] != `{"inputMapping":{"X-0":"amount","X-1":"age_band"},"modelId":"fraud","outputMapping":{}}` {
		t.Errorf("names: %s", fake.names[0])
	}
	fake.scheduled = nil // TrustyAI restarted
	if err := r.reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := scheduled(); !slices.Equal(got, want) {
		t.Errorf("after a restart scheduled %v, want %v", got, want)
	}
}

// TestServesCertificate tells the certificate a server presents from the
// one on disk.
func TestServesCertificate(t *testing.T) {
	srv, own := tlsFake(t, http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "https://")
	if same, err := servesCertificate(addr, own); err != nil || !same {
		t.Errorf("its own certificate: same=%v err=%v", same, err)
	}
	renewed := selfSigned(t)
	if same, err := servesCertificate(addr, renewed); err != nil || same {
		t.Errorf("a renewed certificate: same=%v err=%v", same, err)
	}
}

// TestReferenceCommand uploads a reference file over TLS and exits 0; a
// file that names an undeclared feature exits 2 before anything is sent.
func TestReferenceCommand(t *testing.T) {
	fake := &fakeTrustyAI{}
	trusty, ca := tlsFake(t, fake)
	dir := t.TempDir()
	cfg, _ := json.Marshal(qualityConfig)
	os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o600)
	os.WriteFile(filepath.Join(dir, "reference.json"), []byte(`{"instances": [[10, "AB1", 2], [20, "CD2", 4]], "predictions": [1, 0]}`), 0o600)
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"instances": [{"email": "a@b"}], "predictions": [1]}`), 0o600)
	args := func(file string) []string {
		return []string{"-config", filepath.Join(dir, "config.json"), "-model", "serving/fraud", "-file", filepath.Join(dir, file),
			"-service", trusty.URL, "-ca", ca, "-wait", "1s"}
	}
	if code := reference(args("reference.json")); code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := `{"data_tag":"TRAINING","model_name":"fraud","request":{"inputs":[{"name":"X","shape":[2,2],"datatype":"FP64","data":[10.0,2.0,20.0,4.0]}]},"response":{"outputs":[{"name":"prediction","shape":[2],"datatype":"FP64","data":[1.0,0.0]}]}}`
	if len(fake.uploads) != 1 || fake.uploads[0] != want {
		t.Errorf("uploads %v, want [%s]", fake.uploads, want)
	}
	if code := reference(args("bad.json")); code != 2 || len(fake.uploads) != 1 {
		t.Errorf("a bad reference: exit %d, %d uploads", code, len(fake.uploads))
	}
}

// selfSigned writes a certificate no test server presents (httptest's
// servers all share one) and returns its file.
func selfSigned(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "other-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other.crt")
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	return p
}
