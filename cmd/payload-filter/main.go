// Command payload-filter is the marshaller KServe's logger agent calls
// before it archives a model's requests and responses: it keeps only the
// input features the model declares loggable (and the predictions), drops
// every payload it cannot read field by field, and returns the batch as
// JSON Lines for the agent to write under the model's prefix of the
// artifact store.
//
// It serves POST /marshal (the agent's --log-marshaller-url), GET /healthz
// and GET /metrics (Prometheus text). Its configuration is a JSON file
// (-config) the serving component writes into a ConfigMap. With
// -trustyai-url it also forwards the kept records of models with drift or
// fairness metrics to TrustyAI's service.
//
// Two more commands run beside TrustyAI: "payload-filter register" keeps
// TrustyAI's metric requests scheduled (it forgets them when it restarts),
// and "payload-filter reference" uploads a model's reference dataset once.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

// ExtensionHeader names the file extension of the marshalled batch for the
// agent (kserve v0.20.0 pkg/logger/marshaller_http.go: X-Log-Marshal-Extension,
// "json" when absent).
const ExtensionHeader = "X-Log-Marshal-Extension"

// maxBatchBytes bounds one batch: the agent batches at most
// logger.batchSize records, and the serving component sets that small.
const maxBatchBytes = 64 << 20

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "register":
			os.Exit(register(os.Args[2:]))
		case "reference":
			os.Exit(reference(os.Args[2:]))
		}
	}
	addr := flag.String("listen", ":8080", "address to serve on")
	configPath := flag.String("config", "/etc/payload-filter/config.json", "the models' loggable fields (JSON)")
	trustyURL := flag.String("trustyai-url", "", "TrustyAI's CloudEvent endpoint; models with quality forward their kept records there")
	trustyCA := flag.String("trustyai-ca", "", "the CA file TrustyAI's certificate is checked against")
	flag.Parse()
	cfg, err := filter.ReadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "payload-filter:", err)
		os.Exit(2)
	}
	s := newServer(cfg)
	if *trustyURL != "" {
		client, err := newTrustClient(*trustyCA)
		if err != nil {
			fmt.Fprintln(os.Stderr, "payload-filter:", err)
			os.Exit(2)
		}
		s.forward = newForwarder(*trustyURL, client)
		for i := 0; i < 2; i++ {
			go s.forward.run(context.Background())
		}
	}
	srv := &http.Server{Addr: *addr, Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("payload-filter: %d models, serving on %s", len(cfg.Models), *addr)
	log.Fatal(srv.ListenAndServe())
}

type server struct {
	cfg filter.Config
	mu  sync.Mutex
	// records counts filtered records by model, kind and outcome.
	records map[[4]string]int
	// forward, when set, sends kept records of models with quality to
	// TrustyAI.
	forward *forwarder
}

func newServer(cfg filter.Config) *server { return &server{cfg: cfg, records: map[[4]string]int{}} }

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /marshal", s.marshal)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /metrics", s.metrics)
	return mux
}

// marshal filters a batch and answers with one JSON line per record.
func (s *server) marshal(w http.ResponseWriter, r *http.Request) {
	var batch []filter.LogRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBatchBytes)).Decode(&batch); err != nil {
		http.Error(w, "the body must be a JSON array of logger records: "+err.Error(), http.StatusBadRequest)
		return
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for _, req := range batch {
		rec := s.cfg.Filter(req)
		outcome := "kept"
		if rec.Dropped != "" {
			outcome = "dropped"
		}
		s.count(req.Namespace, req.InferenceService, rec.Kind, outcome)
		if fields, ok := s.cfg.Models[req.Namespace+"/"+req.InferenceService]; ok && fields.Quality != nil && s.forward != nil {
			e := event{namespace: req.Namespace, model: req.InferenceService, kind: rec.Kind, id: rec.ID}
			if body, err := fields.TrustyAIBody(rec); err != nil {
				s.forward.count(e, "unmeasurable")
			} else {
				e.body = body
				s.forward.offer(e)
			}
		}
		if err := enc.Encode(rec); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set(ExtensionHeader, "jsonl")
	w.Write(out.Bytes())
}

func (s *server) count(namespace, model, kind, outcome string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[[4]string{namespace, model, kind, outcome}]++
}

// metrics writes payload_filter_records_total in the Prometheus text
// format.
func (s *server) metrics(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	keys := make([][4]string, 0, len(s.records))
	for k := range s.records {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [4]string) int { return slices.Compare(a[:], b[:]) })
	var b strings.Builder
	b.WriteString("# HELP payload_filter_records_total Logged requests and responses filtered, by whether their payload was kept or dropped.\n")
	b.WriteString("# TYPE payload_filter_records_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "payload_filter_records_total{namespace=%q,model=%q,kind=%q,outcome=%q} %d\n", k[0], k[1], k[2], k[3], s.records[k])
	}
	s.mu.Unlock()
	if s.forward != nil {
		s.forward.metrics(&b)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	io.WriteString(w, b.String())
}
