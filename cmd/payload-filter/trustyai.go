package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

// CloudEvent headers TrustyAI's consumer reads, as KServe's logger sends
// them in binary mode (kserve v0.20.0 pkg/logger/worker.go; trustyai
// v0.28.0 CloudEventConsumer.java reads the Inferenceservicename
// extension).
const (
	headerID     = "Ce-Id"
	headerType   = "Ce-Type"
	headerSource = "Ce-Source"
	headerSpec   = "Ce-Specversion"
	headerModel  = "Ce-Inferenceservicename"
)

// forwardQueue bounds the records waiting for TrustyAI; beyond it records
// are counted as dropped, never held: the archive has them all.
const forwardQueue = 10000

// event is one forwarded record.
type event struct {
	namespace, model, kind, id string
	body                       []byte
}

// forwarder posts kept records to TrustyAI as binary CloudEvents.
type forwarder struct {
	url    string
	client *trustClient
	queue  chan event
	mu     sync.Mutex
	counts map[[3]string]int // namespace, model, outcome
}

func newForwarder(url string, client *trustClient) *forwarder {
	return &forwarder{url: url, client: client, queue: make(chan event, forwardQueue), counts: map[[3]string]int{}}
}

func (f *forwarder) count(e event, outcome string) {
	f.mu.Lock()
	f.counts[[3]string{e.namespace, e.model, outcome}]++
	f.mu.Unlock()
}

// offer queues a record without waiting: the agent's call never waits for
// TrustyAI.
func (f *forwarder) offer(e event) {
	select {
	case f.queue <- e:
	default:
		f.count(e, "dropped")
	}
}

// run posts queued records until ctx ends, trying each three times.
func (f *forwarder) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-f.queue:
			outcome := "failed"
			for attempt := 0; attempt < 3; attempt++ {
				if err := f.post(ctx, e); err == nil {
					outcome = "sent"
					break
				} else if attempt == 2 {
					log.Printf("payload-filter: forwarding %s %s of %s/%s to TrustyAI: %v", e.kind, e.id, e.namespace, e.model, err)
				}
				time.Sleep(time.Duration(attempt+1) * 500 * time.Millisecond)
			}
			f.count(e, outcome)
		}
	}
}

func (f *forwarder) post(ctx context.Context, e event) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(e.body))
	if err != nil {
		return err
	}
	typ := filter.TypeRequest
	if e.kind == "response" {
		typ = filter.TypeResponse
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(headerSpec, "1.0")
	req.Header.Set(headerID, e.id)
	req.Header.Set(headerType, typ)
	req.Header.Set(headerSource, "http://payload-filter."+e.namespace)
	req.Header.Set(headerModel, e.model)
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("TrustyAI answered %s", resp.Status)
	}
	return nil
}

// metrics writes payload_filter_forwarded_total.
func (f *forwarder) metrics(b io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([][3]string, 0, len(f.counts))
	for k := range f.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [3]string) int { return slices.Compare(a[:], b[:]) })
	fmt.Fprint(b, "# HELP payload_filter_forwarded_total Kept records forwarded to TrustyAI for drift and fairness, by outcome (sent, failed after retries, dropped when the queue was full, unmeasurable when not numeric).\n")
	fmt.Fprint(b, "# TYPE payload_filter_forwarded_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(b, "payload_filter_forwarded_total{namespace=%q,model=%q,outcome=%q} %d\n", k[0], k[1], k[2], f.counts[k])
	}
}

// trustClient is an HTTPS client that trusts the CA file, re-read when it
// changes on disk (cert-manager renews it in place), at most once a minute.
type trustClient struct {
	caFile  string
	mu      sync.Mutex
	pem     []byte
	checked time.Time
	client  *http.Client
}

func newTrustClient(caFile string) (*trustClient, error) {
	c := &trustClient{caFile: caFile}
	if _, err := c.current(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *trustClient) current() (*http.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil && time.Since(c.checked) < time.Minute {
		return c.client, nil
	}
	c.checked = time.Now()
	if c.caFile == "" {
		if c.client == nil {
			c.client = &http.Client{Timeout: 10 * time.Second}
		}
		return c.client, nil
	}
	pem, err := os.ReadFile(c.caFile)
	if err != nil {
		if c.client != nil {
			return c.client, nil
		}
		return nil, fmt.Errorf("reading the CA %s: %w", c.caFile, err)
	}
	if c.client != nil && bytes.Equal(pem, c.pem) {
		return c.client, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA %s holds no PEM certificate", c.caFile)
	}
	c.pem = pem
	c.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}
	return c.client, nil
}

func (c *trustClient) Do(req *http.Request) (*http.Response, error) {
	client, err := c.current()
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}
