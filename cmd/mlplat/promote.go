package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pangea-ai/mlplatform/environments"
	"github.com/pangea-ai/mlplatform/stacks"
)

// runPromote points a model's storageUri at a version in the registry, in
// the environment file, so that the reviewed pull request is the deploy.
func runPromote(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("promote", "promote --env <name> --model <name> (--version <n> | --alias <name>) [--from mlflow]", stderr)
	envName := fs.String("env", "", "environment whose file to change: "+strings.Join(environments.Names, ", "))
	model := fs.String("model", "", "the model's name in the environment file")
	version := fs.String("version", "", "registered version number")
	alias := fs.String("alias", "", "registered alias instead of a version (champion, ...)")
	from := fs.String("from", "mlflow", "registry to read: mlflow")
	registered := fs.String("registered-model", "", "the registered model's name in MLflow (default: --model)")
	tracking := fs.String("tracking-uri", os.Getenv("MLFLOW_TRACKING_URI"), "MLflow server URL (default $MLFLOW_TRACKING_URI); credentials from $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD")
	dryRun := fs.Bool("dry-run", false, "print the change without writing the file")
	rootFlag := fs.String("root", "", "project root (default: the checkout around the current directory)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(fs, err, stderr)
	}
	var problems []string
	if *envName == "" || *model == "" {
		problems = append(problems, "--env and --model are required")
	}
	if (*version == "") == (*alias == "") {
		problems = append(problems, "give exactly one of --version and --alias")
	}
	if *version != "" && !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(*version) {
		problems = append(problems, fmt.Sprintf("--version %q must be a version number such as 3", *version))
	}
	if *from != "mlflow" {
		problems = append(problems, fmt.Sprintf("--from %q: only mlflow is a registry mlplat reads", *from))
	}
	if *tracking == "" {
		problems = append(problems, "--tracking-uri (or MLFLOW_TRACKING_URI) is required: the MLflow server to read, e.g. http://localhost:5000 through kubectl -n mlflow port-forward svc/mlflow 5000")
	}
	if len(problems) > 0 {
		return flagExit(fs, fmt.Errorf("mlplat promote: %s", strings.Join(problems, "; ")), stderr)
	}
	if *registered == "" {
		*registered = *model
	}
	root, err := projectRoot(*rootFlag)
	if err != nil {
		return failed(stderr, err)
	}
	file := filepath.Join(root, "environments", *envName+".yaml")
	rel := filepath.Join("environments", *envName+".yaml")
	env, err := environments.LoadFile(file, environments.Options{})
	if err != nil {
		return failed(stderr, err)
	}
	index := -1
	for i, m := range env.Models {
		if m.Name == *model {
			index = i
		}
	}
	if index < 0 {
		var known []string
		for _, m := range env.Models {
			known = append(known, m.Name)
		}
		fmt.Fprintf(stderr, "%s: models: no model %q; the file's models are %s\n", rel, *model, strings.Join(known, ", "))
		return exitInvalid
	}
	reg, err := newRegistry(*tracking, os.Getenv("MLFLOW_TRACKING_USERNAME"), os.Getenv("MLFLOW_TRACKING_PASSWORD"))
	if err != nil {
		fmt.Fprintf(stderr, "mlplat promote: %v\n", err)
		return exitInvalid
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mv, err := reg.version(ctx, *registered, *version, *alias)
	if err != nil {
		which := "version " + *version
		if *alias != "" {
			which = "alias " + *alias
		}
		return failed(stderr, fmt.Errorf("reading %s %s from %s: %w", *registered, which, *tracking, err))
	}
	if mv.Status != "" && mv.Status != "READY" {
		fmt.Fprintf(stderr, "mlplat promote: %s version %s is %s, not READY: only a registered version whose files are in place can be served\n", *registered, mv.Version, mv.Status)
		return exitFailed
	}
	uri, err := reg.downloadURI(ctx, *registered, mv.Version)
	if err != nil {
		return failed(stderr, fmt.Errorf("reading where %s version %s is stored: %w", *registered, mv.Version, err))
	}
	path, err := StoragePath(uri, env)
	if err != nil {
		fmt.Fprintf(stderr, "mlplat promote: %s version %s: %v\n", *registered, mv.Version, err)
		return exitFailed
	}
	old := env.Models[index].StorageURI
	data, err := os.ReadFile(file)
	if err != nil {
		return failed(stderr, err)
	}
	updated, err := SetStorageURI(data, *model, path)
	if err != nil {
		return failed(stderr, fmt.Errorf("%s: %w", rel, err))
	}
	// The new file must pass every rule the old one did before it is written.
	if _, err := environments.Parse(rel, updated, environments.Options{}); err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: models[%d] %s storageUri: %s -> %s\n", rel, index, *model, old, path)
	fmt.Fprintf(stdout, "  from MLflow: %s version %s", *registered, mv.Version)
	if *alias != "" {
		fmt.Fprintf(stdout, " (alias %s)", *alias)
	}
	if mv.RunID != "" {
		fmt.Fprintf(stdout, ", run %s", mv.RunID)
	}
	fmt.Fprintf(stdout, ", stored at %s\n", uri)
	if m := env.Models[index]; m.Monitoring != nil && m.Monitoring.Reference != "" {
		fmt.Fprintf(stdout, "  the drift reference %s is read from the new folder: log it with the model (mlflow.log_artifact)\n", m.Monitoring.Reference)
	}
	if old == path {
		fmt.Fprintln(stdout, "  unchanged: the environment already serves this version")
		return exitOK
	}
	if *dryRun {
		fmt.Fprintln(stdout, "  dry run: the file is not written")
		return exitOK
	}
	if err := writeFileAtomic(file, updated); err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(stdout, "  written; commit it and open a pull request: the reviewed merge deploys it (mlplat plan --stack <cloud>-%s shows the change)\n", *envName)
	return exitOK
}

// StoragePath turns the registry's artifact location for a version into a
// storageUri: a path in the environment's model store. The platform's
// MLflow proxies artifacts to <model store>/mlflow/ (stacks.MLflowPrefix),
// and records them as mlflow-artifacts:/<path> (MLflow's artifact proxy
// scheme); a location written directly to the store is accepted when it
// is under that folder. Anything else is refused: the model's identity
// reads nothing outside the store.
func StoragePath(uri string, env *environments.Environment) (string, error) {
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("its files are at %q, %s; log and register models through the platform's MLflow server, which keeps them in the model store under %s/", uri, why, stacks.MLflowPrefix)
	}
	u, err := url.Parse(uri)
	if err != nil {
		return refuse("which is not a URI")
	}
	var rest string
	switch u.Scheme {
	case "mlflow-artifacts":
		// mlflow-artifacts:/<path>, or mlflow-artifacts://<host>/<path>.
		rest = stacks.MLflowPrefix + "/" + strings.TrimPrefix(u.Path, "/")
	case "s3":
		if env.AWS == nil {
			return refuse("in S3, but this environment has no aws section")
		}
		rest = strings.TrimPrefix(u.Path, "/")
		if !strings.HasPrefix(rest, env.AWS.Artifacts.ModelPrefix) {
			return refuse("outside the model prefix " + env.AWS.Artifacts.ModelPrefix)
		}
		rest = strings.TrimPrefix(rest, env.AWS.Artifacts.ModelPrefix)
	case "wasbs", "abfss":
		if env.Azure == nil {
			return refuse("in Azure storage, but this environment has no azure section")
		}
		container, _, _ := strings.Cut(u.User.Username(), "@")
		if u.User == nil || container != env.Azure.Artifacts.ModelsContainer {
			return refuse("outside the models container " + env.Azure.Artifacts.ModelsContainer)
		}
		rest = strings.TrimPrefix(u.Path, "/")
	default:
		return refuse("which is not in the artifact store (" + u.Scheme + ": URIs are not storage)")
	}
	rest = strings.TrimSuffix(rest, "/")
	if !strings.HasPrefix(rest, stacks.MLflowPrefix+"/") || strings.Contains(rest, "..") {
		return refuse("outside the " + stacks.MLflowPrefix + "/ folder")
	}
	return rest, nil
}

// SetStorageURI returns data with the storageUri of the model called name
// set to path, changing only that value's text, so comments and layout
// stay as written.
func SetStorageURI(data []byte, name, path string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("reading the file: %v", err)
	}
	models := mappingValue(doc.Content[0], "models")
	if models == nil || models.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("models: not a list")
	}
	for _, m := range models.Content {
		if n := mappingValue(m, "name"); n == nil || n.Value != name {
			continue
		}
		v := mappingValue(m, "storageUri")
		if v == nil || v.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("model %s has no storageUri to change", name)
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		line := lines[v.Line-1]
		start := v.Column - 1
		width := len(v.Value)
		if v.Style == yaml.DoubleQuotedStyle || v.Style == yaml.SingleQuotedStyle {
			width += 2
		}
		if start+width > len(line) || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return nil, fmt.Errorf("model %s: storageUri is not written on one line", name)
		}
		var out bytes.Buffer
		for i, l := range lines {
			if i == v.Line-1 {
				out.Write(l[:start])
				if plainPath.MatchString(path) {
					out.WriteString(path)
				} else {
					fmt.Fprintf(&out, "%q", path)
				}
				out.Write(l[start+width:])
				continue
			}
			out.Write(l)
		}
		return out.Bytes(), nil
	}
	return nil, fmt.Errorf("no model %q", name)
}

// plainPath is a path YAML reads as the same plain string.
var plainPath = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*$`)

// mappingValue returns the value of key in mapping node n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// writeFileAtomic replaces file with data, keeping its mode.
func writeFileAtomic(file string, data []byte) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".promote-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
