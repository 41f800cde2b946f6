package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// registry reads model versions from an MLflow tracking server's REST
// API, as MLflow's own client does: JSON over HTTP with basic auth
// (MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD). The endpoints and
// shapes are mlflow/protos/model_registry.proto's (GetModelVersion,
// GetModelVersionByAlias, GetModelVersionDownloadUri); responses are proto
// JSON with snake_case keys and unset fields left out.
type registry struct {
	base     *url.URL
	user     string
	password string
	client   *http.Client
}

// modelVersion is the part of ModelVersion promote reads.
type modelVersion struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Source  string   `json:"source"`
	RunID   string   `json:"run_id"`
	Status  string   `json:"status"`
	Aliases []string `json:"aliases"`
	UserID  string   `json:"user_id"`
}

// registryError is MLflow's error body: {"error_code": ..., "message": ...}.
type registryError struct {
	Status    int
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

func (e *registryError) Error() string {
	if e.ErrorCode == "" && e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	if e.ErrorCode == "" {
		return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("%s (HTTP %d): %s", e.ErrorCode, e.Status, e.Message)
}

func newRegistry(trackingURI, user, password string) (*registry, error) {
	u, err := url.Parse(trackingURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracking URI %q must be an http(s) URL such as http://localhost:5000 (kubectl -n mlflow port-forward svc/mlflow 5000)", trackingURI)
	}
	return &registry{base: u, user: user, password: password, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

// get calls GET <base>/api/2.0/mlflow/<path>?<query> and decodes into out.
func (r *registry) get(ctx context.Context, path string, query url.Values, out interface{}) error {
	u := *r.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/2.0/mlflow/" + path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	if r.user != "" || r.password != "" {
		req.SetBasicAuth(r.user, r.password)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("calling the registry: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the registry's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		e := &registryError{Status: resp.StatusCode}
		_ = json.Unmarshal(body, e)
		if resp.StatusCode == http.StatusUnauthorized {
			e.Message = "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD to an MLflow user's credentials"
		}
		return e
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("reading the registry's answer to %s: %w", path, err)
	}
	return nil
}

// version returns a registered version by number, or by alias when
// alias is set.
func (r *registry) version(ctx context.Context, name, version, alias string) (modelVersion, error) {
	var out struct {
		ModelVersion *modelVersion `json:"model_version"`
	}
	var err error
	if alias != "" {
		err = r.get(ctx, "registered-models/alias", url.Values{"name": {name}, "alias": {alias}}, &out)
	} else {
		err = r.get(ctx, "model-versions/get", url.Values{"name": {name}, "version": {version}}, &out)
	}
	if err != nil {
		return modelVersion{}, err
	}
	if out.ModelVersion == nil || out.ModelVersion.Version == "" {
		return modelVersion{}, fmt.Errorf("the registry's answer holds no model_version")
	}
	return *out.ModelVersion, nil
}

// downloadURI is where the version's files are: the logged model's
// artifact location for a version registered from models:/m-<id>
// (GetModelVersionDownloadUri answers {"artifact_uri": ...}).
func (r *registry) downloadURI(ctx context.Context, name, version string) (string, error) {
	var out struct {
		ArtifactURI string `json:"artifact_uri"`
	}
	if err := r.get(ctx, "model-versions/get-download-uri", url.Values{"name": {name}, "version": {version}}, &out); err != nil {
		return "", err
	}
	if out.ArtifactURI == "" {
		return "", fmt.Errorf("the registry gave no artifact_uri for %s version %s", name, version)
	}
	return out.ArtifactURI, nil
}
