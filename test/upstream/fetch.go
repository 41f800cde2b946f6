package upstream

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pin is one chart version to fetch facts for: Repo is an https chart
// repository (with index.yaml) and Name the chart; or Repo is empty and
// Name an oci:// reference.
type Pin struct {
	Repo, Name, Version string
}

// ShortName is the chart's own name.
func (p Pin) ShortName() string { return p.Name[strings.LastIndex(p.Name, "/")+1:] }

// Fetcher lays out upstream facts for pinned charts under Dir, in the
// shared/upstream layout, from the charts' own repositories: the chart
// archive at the pinned version gives Chart.yaml, values.yaml, the values
// schema, bundled subcharts' values and the CRDs it ships as plain files;
// the repository's index (or the registry's tag list) gives the released
// versions. CRDs a chart only ships as Helm templates are not rendered:
// they are left out, with a NOT-FETCHED note naming them.
type Fetcher struct {
	Dir    string
	Client *http.Client
	// Files are further facts to fetch as they are, by their path under
	// Dir (metrics/...), from a URL of the source repository at its tag.
	Files map[string]string
}

// Fetch fetches every pin and writes releases.yaml. It returns every
// problem at once; what was fetched stays.
func (f *Fetcher) Fetch(pins []Pin) error {
	var releases []Release
	var problems []string
	for _, p := range pins {
		archive, versions, from, err := f.pull(p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: %v", p.ShortName(), p.Version, err))
			continue
		}
		if err := f.unpack(p, archive); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: %v", p.ShortName(), p.Version, err))
			continue
		}
		r := Release{Name: p.ShortName(), InstalledFrom: from, Newest: p.Version, SourceSnapshot: "fetched from the chart repository"}
		for _, v := range versions {
			r.Versions = append(r.Versions, v+" (listed by the repository)")
		}
		releases = append(releases, r)
	}
	for _, rel := range sortedKeys(toAny(f.Files)) {
		b, err := f.body(f.Files[rel], nil)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(filepath.Join(f.Dir, rel)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(f.Dir, rel), b, 0o644)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", rel, err))
		}
	}
	sort.Slice(releases, func(i, j int) bool { return releases[i].Name < releases[j].Name })
	b, err := yaml.Marshal(map[string]interface{}{
		"about":  "Chart versions the charts' repositories list, fetched by make upstream-fetch; not the source tags shared/upstream reads.",
		"charts": releases,
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(f.Dir, "releases.yaml"), b, 0o644); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("fetching upstream facts: %d problems:\n - %s", len(problems), strings.Join(problems, "\n - "))
	}
	return nil
}

func (f *Fetcher) get(u string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return f.Client.Do(req)
}

func (f *Fetcher) body(u string, header http.Header) ([]byte, error) {
	resp, err := f.get(u, header)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// pull returns the chart archive, the versions the repository lists, and
// where it came from.
func (f *Fetcher) pull(p Pin) ([]byte, []string, string, error) {
	if strings.HasPrefix(p.Name, "oci://") {
		return f.pullOCI(p)
	}
	index := strings.TrimSuffix(p.Repo, "/") + "/index.yaml"
	b, err := f.body(index, nil)
	if err != nil {
		return nil, nil, "", err
	}
	var doc struct {
		Entries map[string][]struct {
			Version string   `yaml:"version"`
			URLs    []string `yaml:"urls"`
		} `yaml:"entries"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, nil, "", fmt.Errorf("parsing %s: %w", index, err)
	}
	var versions []string
	var archive string
	for _, e := range doc.Entries[p.Name] {
		versions = append(versions, e.Version)
		if e.Version == p.Version && len(e.URLs) > 0 {
			archive = e.URLs[0]
		}
	}
	if archive == "" {
		return nil, versions, "", fmt.Errorf("%s lists no version %s of %s", index, p.Version, p.Name)
	}
	base, err := url.Parse(index)
	if err != nil {
		return nil, nil, "", err
	}
	ref, err := url.Parse(archive)
	if err != nil {
		return nil, nil, "", err
	}
	tgz, err := f.body(base.ResolveReference(ref).String(), nil)
	return tgz, versions, p.Repo, err
}

// pullOCI fetches a chart from an OCI registry with the distribution API,
// anonymously (a bearer token from the registry's realm when it asks).
func (f *Fetcher) pullOCI(p Pin) ([]byte, []string, string, error) {
	ref := strings.TrimPrefix(p.Name, "oci://")
	host, repo, ok := strings.Cut(ref, "/")
	if !ok {
		return nil, nil, "", fmt.Errorf("%s: not oci://<registry>/<repository>", p.Name)
	}
	if host == "docker.io" {
		host = "registry-1.docker.io"
	}
	scheme := "https"
	if strings.HasPrefix(host, "127.0.0.1:") || strings.HasPrefix(host, "localhost:") {
		scheme = "http" // tests' local registries only
	}
	api := fmt.Sprintf("%s://%s/v2/%s", scheme, host, repo)
	header := http.Header{"Accept": {"application/vnd.oci.image.manifest.v1+json"}}
	get := func(u string) ([]byte, error) {
		resp, err := f.get(u, header)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && header.Get("Authorization") == "" {
			token, err := f.token(resp.Header.Get("WWW-Authenticate"))
			if err != nil {
				return nil, err
			}
			header.Set("Authorization", "Bearer "+token)
			return f.body(u, header)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	}
	b, err := get(api + "/manifests/" + p.Version)
	if err != nil {
		return nil, nil, "", err
	}
	var manifest struct {
		Layers []struct{ MediaType, Digest string } `json:"layers"`
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		return nil, nil, "", fmt.Errorf("parsing the manifest of %s:%s: %w", ref, p.Version, err)
	}
	digest := ""
	for _, l := range manifest.Layers {
		if l.MediaType == "application/vnd.cncf.helm.chart.content.v1.tar+gzip" {
			digest = l.Digest
		}
	}
	if digest == "" {
		return nil, nil, "", fmt.Errorf("%s:%s has no Helm chart layer", ref, p.Version)
	}
	tgz, err := get(api + "/blobs/" + digest)
	if err != nil {
		return nil, nil, "", err
	}
	var tags struct {
		Tags []string `json:"tags"`
	}
	if b, err := get(api + "/tags/list"); err == nil {
		_ = json.Unmarshal(b, &tags)
	}
	if len(tags.Tags) == 0 {
		tags.Tags = []string{p.Version} // the registry served it: it was released
	}
	return tgz, tags.Tags, p.Name, nil
}

// token answers a registry's Bearer challenge anonymously.
func (f *Fetcher) token(challenge string) (string, error) {
	scheme, params, _ := strings.Cut(challenge, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("registry asks for %q authentication; only anonymous bearer tokens are supported", scheme)
	}
	vals := map[string]string{}
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		vals[k] = strings.Trim(v, `"`)
	}
	u, err := url.Parse(vals["realm"])
	if err != nil || vals["realm"] == "" {
		return "", fmt.Errorf("registry challenge %q names no realm", challenge)
	}
	q := u.Query()
	for _, k := range []string{"service", "scope"} {
		if vals[k] != "" {
			q.Set(k, vals[k])
		}
	}
	u.RawQuery = q.Encode()
	b, err := f.body(u.String(), nil)
	if err != nil {
		return "", err
	}
	var t struct{ Token, AccessToken string }
	if err := json.Unmarshal(b, &t); err != nil {
		return "", err
	}
	if t.Token == "" {
		t.Token = t.AccessToken
	}
	if t.Token == "" {
		return "", errors.New("the registry's token answer holds no token")
	}
	return t.Token, nil
}

// unpack writes a chart archive's facts into charts/<name>/<version>.
func (f *Fetcher) unpack(p Pin, archive []byte) error {
	files, err := untar(archive)
	if err != nil {
		return err
	}
	dir := filepath.Join(f.Dir, "charts", p.ShortName(), p.Version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var crds []string
	var missing []string
	var walk func(prefix string, files map[string][]byte, out string) error
	walk = func(prefix string, files map[string][]byte, out string) error {
		for _, name := range []string{"Chart.yaml", "values.yaml", "values.schema.json"} {
			if b, ok := files[prefix+name]; ok {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
					return err
				}
			}
		}
		for _, name := range sortedFiles(files) {
			rel := strings.TrimPrefix(name, prefix)
			if !strings.HasPrefix(name, prefix) || !(strings.HasSuffix(rel, ".yaml") || strings.HasSuffix(rel, ".yml")) {
				continue
			}
			body := files[name]
			switch {
			case strings.HasPrefix(rel, "crds/"):
				crds = append(crds, string(body))
			case strings.HasPrefix(rel, "templates/") && bytes.Contains(body, []byte("kind: CustomResourceDefinition")):
				if bytes.Contains(body, []byte("{{")) {
					missing = append(missing, prefix+rel)
				} else {
					crds = append(crds, string(body))
				}
			}
		}
		// Bundled subcharts, as directories or archives.
		subs := map[string]map[string][]byte{}
		for _, name := range sortedFiles(files) {
			rel := strings.TrimPrefix(name, prefix+"charts/")
			if !strings.HasPrefix(name, prefix+"charts/") {
				continue
			}
			if strings.HasSuffix(rel, ".tgz") && !strings.Contains(rel, "/") {
				inner, err := untar(files[name])
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				for k, v := range inner {
					sub, _, _ := strings.Cut(k, "/")
					if subs[sub] == nil {
						subs[sub] = map[string][]byte{}
					}
					subs[sub][k] = v
				}
				continue
			}
			sub, _, _ := strings.Cut(rel, "/")
			if subs[sub] == nil {
				subs[sub] = map[string][]byte{}
			}
			subs[sub][strings.TrimPrefix(name, prefix+"charts/")] = files[name]
		}
		for _, sub := range sortedKeys(toAny(subs)) {
			if err := walk(sub+"/", subs[sub], filepath.Join(dir, "subcharts", sub)); err != nil {
				return err
			}
		}
		return nil
	}
	root := p.ShortName() + "/"
	if err := walk(root, files, dir); err != nil {
		return err
	}
	if len(crds) > 0 {
		if err := os.WriteFile(filepath.Join(dir, "crds.yaml"), []byte(strings.Join(crds, "\n---\n")), 0o644); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		note := "CRDs this chart ships only as Helm templates, not rendered by the fetch (the checks that need them fail naming the kind):\n" + strings.Join(missing, "\n") + "\n"
		return os.WriteFile(filepath.Join(dir, "NOT-FETCHED"), []byte(note), 0o644)
	}
	return nil
}

func sortedFiles(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// untar reads a gzipped tar archive into memory, by path.
func untar(b []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(h.Name)
		if strings.HasPrefix(name, "../") || path.IsAbs(name) {
			return nil, fmt.Errorf("archive entry %q leaves the chart", h.Name)
		}
		body, err := io.ReadAll(io.LimitReader(tr, 32<<20))
		if err != nil {
			return nil, err
		}
		out[name] = body
	}
}
