package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pangea-ai/mlplatform/cmd/payload-filter/filter"
)

// reference uploads a model's reference dataset to TrustyAI, tagged
// filter.ReferenceTag, keeping only its loggable features. It waits for
// TrustyAI up to -wait; the reference job runs it once per reference file.
func reference(args []string) int {
	fs := flag.NewFlagSet("reference", flag.ContinueOnError)
	configPath := fs.String("config", "/etc/payload-filter/config.json", "the payload filter's configuration (the model's features)")
	model := fs.String("model", "", "<namespace>/<inference service>")
	file := fs.String("file", "", "the reference dataset (JSON: instances or inputs, predictions or outputs)")
	service := fs.String("service", "", "TrustyAI's HTTPS endpoint")
	ca := fs.String("ca", "", "the CA file TrustyAI's certificate is checked against")
	wait := fs.Duration("wait", 10*time.Minute, "how long to wait for TrustyAI")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := filter.ReadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "payload-filter reference:", err)
		return 2
	}
	fields, ok := cfg.Models[*model]
	_, name, _ := strings.Cut(*model, "/")
	if !ok || name == "" {
		fmt.Fprintf(os.Stderr, "payload-filter reference: -model %q is not in %s\n", *model, *configPath)
		return 2
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "payload-filter reference:", err)
		return 2
	}
	body, rows, err := fields.ReferenceUpload(name, raw)
	if err != nil {
		fmt.Fprintf(os.Stderr, "payload-filter reference: %s: %v\n", *file, err)
		return 2
	}
	client, err := newTrustClient(*ca)
	if err != nil {
		fmt.Fprintln(os.Stderr, "payload-filter reference:", err)
		return 2
	}
	deadline := time.Now().Add(*wait)
	for {
		status, answer, err := upload(client, strings.TrimSuffix(*service, "/")+"/data/upload", body)
		if err == nil && status == http.StatusOK {
			log.Printf("reference: uploaded %d rows of %s as %s: %s", rows, *model, filter.ReferenceTag, answer)
			return 0
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "payload-filter reference: uploading to %s: %d %s %v\n", *service, status, answer, err)
			return 1
		}
		time.Sleep(10 * time.Second)
	}
}

func upload(client *trustClient, url string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(bytes.TrimSpace(b)), nil
}
