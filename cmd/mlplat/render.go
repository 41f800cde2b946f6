package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/components/tokens"
	"github.com/pangea-ai/mlplatform/plan"
	"github.com/pangea-ai/mlplatform/plan/props"
)

// Rendered is what a stack creates in Kubernetes: every object, and every
// Helm release with what it installs.
type Rendered struct {
	// Objects are Kubernetes manifests in apply order (namespaces and
	// cluster-scoped objects first), each with its file name.
	Objects []RenderedObject
	// Releases are the Helm releases.
	Releases []HelmRelease
}

// RenderedObject is one manifest.
type RenderedObject struct {
	File     string
	Manifest map[string]interface{}
}

// HelmRelease is one Helm release as helm-releases.yaml lists it.
type HelmRelease struct {
	Name       string                 `yaml:"name"`
	Namespace  string                 `yaml:"namespace"`
	Chart      string                 `yaml:"chart"`
	Repository string                 `yaml:"repository,omitempty"`
	Version    string                 `yaml:"version"`
	Values     map[string]interface{} `yaml:"values"`
}

// kindOrder applies objects that others live in or refer to first.
var kindOrder = map[string]int{
	"Namespace": 0, "PriorityClass": 1, "StorageClass": 1, "CustomResourceDefinition": 1,
	"ServiceAccount": 2, "Role": 2, "ResourceQuota": 3, "LimitRange": 3, "RoleBinding": 3,
	"NetworkPolicy": 4, "Secret": 4, "ConfigMap": 4,
	// Custom resources come after the releases that bring their CRDs.
	// The gateway's proxy settings before the class naming them, the class
	// before its Gateway, the Gateway before the models whose routes attach.
	"EnvoyProxy": 5, "GatewayClass": 6, "Gateway": 7,
	"InferenceService": 8, "PodDisruptionBudget": 9, "PodMonitor": 9, "ServiceMonitor": 9, "PrometheusRule": 9,
}

// hideSecretValues keeps a Secret's keys and replaces every value with the
// secret placeholder, so the manifest stays a valid Secret (an API server
// accepts it) without showing what the stack holds.
func hideSecretValues(manifest, revealed map[string]interface{}) {
	for _, field := range []string{"data", "stringData"} {
		vals, ok := revealed[field].(map[string]interface{})
		if !ok {
			continue
		}
		hidden := map[string]interface{}{}
		for k := range vals {
			hidden[k] = props.SecretPlaceholder
		}
		if field == "data" {
			// data holds base64; the placeholder is written as plain text.
			delete(manifest, "data")
			field = "stringData"
		}
		manifest[field] = hidden
	}
}

// render turns a recording into manifests and releases.
func render(rec *plan.Recorder) (*Rendered, error) {
	out := &Rendered{}
	for _, r := range rec.Resources() {
		if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		in := r.PrintableInputs(false)
		if r.Type == tokens.K8sHelmV3Release {
			values, _ := in["values"].(map[string]interface{})
			repo, _ := lookupString(in, "repositoryOpts", "repo")
			out.Releases = append(out.Releases, HelmRelease{
				Name: str(in["name"]), Namespace: str(in["namespace"]), Chart: str(in["chart"]),
				Repository: repo, Version: str(in["version"]), Values: values,
			})
			continue
		}
		apiVersion, kind, err := apiVersionKind(r.Type)
		if err != nil {
			return nil, err
		}
		manifest := map[string]interface{}{"apiVersion": apiVersion, "kind": kind}
		for k, v := range in {
			if k != "apiVersion" && k != "kind" {
				manifest[k] = v
			}
		}
		if kind == "Secret" {
			hideSecretValues(manifest, r.PrintableInputs(true))
		}
		out.Objects = append(out.Objects, RenderedObject{Manifest: manifest})
	}
	sort.SliceStable(out.Objects, func(i, j int) bool { return objectKey(out.Objects[i]) < objectKey(out.Objects[j]) })
	for i := range out.Objects {
		m := out.Objects[i].Manifest
		ns, _ := lookupString(m, "metadata", "namespace")
		name, _ := lookupString(m, "metadata", "name")
		parts := []string{fmt.Sprintf("%03d", i+1), strings.ToLower(str(m["kind"]))}
		if ns != "" {
			parts = append(parts, ns)
		}
		out.Objects[i].File = strings.Join(append(parts, name), "-") + ".yaml"
	}
	sort.Slice(out.Releases, func(i, j int) bool {
		return out.Releases[i].Namespace+"/"+out.Releases[i].Name < out.Releases[j].Namespace+"/"+out.Releases[j].Name
	})
	return out, nil
}

func objectKey(o RenderedObject) string {
	m := o.Manifest
	ns, _ := lookupString(m, "metadata", "namespace")
	name, _ := lookupString(m, "metadata", "name")
	order, ok := kindOrder[str(m["kind"])]
	if !ok {
		order = 5
	}
	return fmt.Sprintf("%d/%s/%s/%s", order, ns, str(m["kind"]), name)
}

// apiVersionKind reads a pulumi-kubernetes type token:
// "kubernetes:core/v1:Namespace" is v1 Namespace,
// "kubernetes:networking.k8s.io/v1:NetworkPolicy" is networking.k8s.io/v1.
func apiVersionKind(token string) (string, string, error) {
	parts := strings.Split(token, ":")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("not a Kubernetes type token: %s", token)
	}
	return strings.TrimPrefix(parts[1], "core/"), parts[2], nil
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

func list(v interface{}) []interface{} { l, _ := v.([]interface{}); return l }

func mapOf(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func lookupString(m map[string]interface{}, path ...string) (string, bool) {
	var cur interface{} = m
	for _, p := range path {
		obj, ok := cur.(map[string]interface{})
		if !ok {
			return "", false
		}
		cur = obj[p]
	}
	s, ok := cur.(string)
	return s, ok
}

// renderedFile matches what render writes: an object's file, or the releases.
var renderedFile = regexp.MustCompile(`^([0-9]{3}-[a-z0-9.-]+\.yaml|helm-releases\.yaml)$`)

// clearOutput makes dir ready for a render: an earlier render's files go, so
// no object the stack no longer has survives beside the new ones; a
// directory holding anything else is refused, never overwritten.
func clearOutput(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	var foreign, old []string
	for _, e := range entries {
		if e.Type().IsRegular() && renderedFile.MatchString(e.Name()) {
			old = append(old, e.Name())
		} else {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) > 0 {
		if len(foreign) > 3 {
			foreign = append(foreign[:3], fmt.Sprintf("and %d more", len(foreign)-3))
		}
		return fmt.Errorf("mlplat render: --out %s holds what mlplat render did not write (%s); render into a new directory or an earlier render's", dir, strings.Join(foreign, ", "))
	}
	for _, name := range old {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// write puts one file per object, and helm-releases.yaml, into dir,
// replacing an earlier render there.
func (r *Rendered) write(dir string) error {
	if err := clearOutput(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, o := range r.Objects {
		if err := writeYAML(filepath.Join(dir, o.File), o.Manifest); err != nil {
			return fmt.Errorf("rendering %s: %w", o.File, err)
		}
	}
	return writeYAML(filepath.Join(dir, "helm-releases.yaml"), map[string]interface{}{"releases": r.Releases})
}

func writeYAML(path string, v interface{}) error {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func runRender(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("render", "render --stack <name> --out <dir> [--environment-file <path>]", stderr)
	var f planFlags
	var out string
	f.register(fs, "stack to render, e.g. aws-dev (required)")
	fs.StringVar(&out, "out", "", "directory to write the manifests to (required)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	if f.stack == "" || out == "" {
		return flagExit(fs, fmt.Errorf("mlplat render: --stack and --out are required"), stderr)
	}
	p, err := buildPlan(f, time.Now())
	if err != nil {
		return failed(stderr, err)
	}
	r, err := render(p.Rec)
	if err == nil {
		err = r.write(out)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "rendered %d objects and %d Helm releases of stack %s into %s\n", len(r.Objects), len(r.Releases), f.stack, out)
	return exitOK
}
