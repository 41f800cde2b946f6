package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

// register keeps TrustyAI's columns named and its metric requests
// scheduled, every interval, for as long as it runs beside TrustyAI.
func register(args []string) int {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	configPath := fs.String("config", "/etc/trustyai-registrar/config.json", "the models' metrics (JSON)")
	service := fs.String("service", "http://127.0.0.1:8080", "TrustyAI's HTTP endpoint, inside its pod")
	interval := fs.Duration("interval", time.Minute, "how often to reconcile")
	certFile := fs.String("tls-cert", "", "TrustyAI's certificate file; when the certificate it serves differs from this file, TrustyAI is restarted to read the renewed one")
	tlsAddr := fs.String("tls-addr", "127.0.0.1:4443", "TrustyAI's HTTPS address, inside its pod")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := filter.ReadRegistrarConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "payload-filter register:", err)
		return 2
	}
	r := &registrar{cfg: cfg, service: strings.TrimSuffix(*service, "/"), client: &http.Client{Timeout: 30 * time.Second}}
	stale := 0
	for {
		if err := r.reconcile(context.Background()); err != nil {
			log.Printf("register: %v", err)
		}
		if *certFile != "" {
			same, err := servesCertificate(*tlsAddr, *certFile)
			switch {
			case err != nil:
				log.Printf("register: checking the served certificate: %v", err)
			case same:
				stale = 0
			default:
				// Twice in a row: a renewal half written, or TrustyAI
				// still starting, is not a reason to restart it.
				if stale++; stale >= 2 {
					log.Printf("register: TrustyAI serves an older certificate than %s; restarting it to read the renewed one", *certFile)
					if err := restartJava("quarkus-run.jar"); err != nil {
						log.Printf("register: %v", err)
					}
					stale = 0
				}
			}
		}
		time.Sleep(*interval)
	}
}

type registrar struct {
	cfg     filter.RegistrarConfig
	service string
	client  *http.Client
}

// reconcile names every model's columns and schedules what is missing. A
// model TrustyAI has no data for yet is skipped until it has.
func (r *registrar) reconcile(ctx context.Context) error {
	var errs []error
	ready := filter.RegistrarConfig{BatchSize: r.cfg.BatchSize}
	for _, m := range r.cfg.Models {
		status, body, err := r.call(ctx, http.MethodPost, "/info/names", m.NameMapping())
		switch {
		case err != nil:
			errs = append(errs, err)
		case status == http.StatusOK:
			ready.Models = append(ready.Models, m)
		default:
			// 400 until the model has data (ServiceMetadataEndpoint.java).
			log.Printf("register: %s: naming columns: %d %s", m.Model, status, body)
		}
	}
	if len(ready.Models) == 0 {
		return errors.Join(errs...)
	}
	status, body, err := r.call(ctx, http.MethodGet, "/metrics/all/requests", nil)
	if err != nil || status != http.StatusOK {
		return errors.Join(append(errs, fmt.Errorf("listing the scheduled requests: %d %s %v", status, body, err))...)
	}
	var list filter.ScheduleList
	if err := json.Unmarshal(body, &list); err != nil {
		return errors.Join(append(errs, fmt.Errorf("listing the scheduled requests: %v", err))...)
	}
	for _, m := range ready.Missing(list) {
		status, body, err := r.call(ctx, http.MethodPost, m.Path, json.RawMessage(m.Body))
		if err != nil || status != http.StatusOK {
			errs = append(errs, fmt.Errorf("%s: scheduling %s: %d %s %v", m.Model, m.Name, status, body, err))
			continue
		}
		log.Printf("register: %s: scheduled %s", m.Model, m.Name)
	}
	return errors.Join(errs...)
}

func (r *registrar) call(ctx context.Context, method, path string, payload any) (int, []byte, error) {
	var in io.Reader
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return 0, nil, err
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.service+path, in)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, bytes.TrimSpace(body), err
}

// servesCertificate reports whether the server at addr presents the leaf
// certificate in certFile. Only the bytes are compared: the connection
// stays inside the pod, and nothing is sent over it.
func servesCertificate(addr, certFile string) (bool, error) {
	raw, err := os.ReadFile(certFile)
	if err != nil {
		return false, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return false, fmt.Errorf("%s holds no PEM certificate", certFile)
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // compares the certificate, trusts nothing
	if err != nil {
		return false, err
	}
	defer conn.Close()
	peer := conn.ConnectionState().PeerCertificates
	return len(peer) > 0 && bytes.Equal(peer[0].Raw, block.Bytes), nil
}

// restartJava sends SIGTERM to the process whose command line names jar:
// TrustyAI, in the same pod (shareProcessNamespace) under the same user.
// Kubernetes restarts the container, which reads the renewed certificate
// (Quarkus 3.8, which TrustyAI v0.28.0 builds on, does not reload it).
func restartJava(jar string) error {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), jar) {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err != nil {
			continue
		}
		return syscall.Kill(pid, syscall.SIGTERM)
	}
	return fmt.Errorf("no process runs %s", jar)
}
