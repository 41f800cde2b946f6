package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// secretsNotPlaintext is rule secrets-not-plaintext.
var secretsNotPlaintext = Rule{ID: "secrets-not-plaintext", Category: Reliability, Kind: Fixed,
	Description: "Checks whether secret values reach resources as Pulumi secrets: Kubernetes Secret data and stringData, credentials in Helm values, and the kubeconfig of Kubernetes providers.",
	Resources:   "Kubernetes Secrets, Helm releases' values, Kubernetes providers (stack config and outputs are not visible to a policy and are not checked)",
	Mirrors:     "pulumi-kubernetes secret-leak issues",
	Check:       relCheckSecrets}

func relCheckSecrets(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch r.Type {
		case relK8sSecret:
			for _, field := range []string{"data", "stringData"} {
				out = append(out, relSecretField(r, field)...)
			}
		case relHelmRelease, relHelmChartV4:
			v, ok := relRaw(r, "values")
			if !ok {
				continue
			}
			if _, unknown := v.(props.Unknown); unknown {
				out = append(out, CannotVerify(r, "values"))
				continue
			}
			relWalkValues(r, v, "values", "", &out)
		case relK8sProvider:
			switch v, _ := relRaw(r, "kubeconfig"); t := v.(type) {
			case props.Unknown:
				out = append(out, CannotVerify(r, "kubeconfig"))
			case string:
				// A one-line value without braces is a file path, not the
				// credentials themselves.
				if strings.ContainsAny(t, "\n{") {
					out = append(out, Violation(r, "%s must receive kubeconfig as a Pulumi secret: it holds the cluster's credentials", Subject(r)))
				}
			}
		}
	}
	return out
}

// relSecretField checks that a Kubernetes Secret's data or stringData is a
// Pulumi secret as a whole or value by value.
func relSecretField(r *Resource, field string) []Finding {
	v, _ := relRaw(r, field)
	switch t := v.(type) {
	case props.Unknown:
		return []Finding{CannotVerify(r, field)}
	case map[string]interface{}:
		var out []Finding
		for _, k := range SortedKeys(t) {
			switch t[k].(type) {
			case props.Secret, nil:
			case props.Unknown:
				out = append(out, CannotVerify(r, field+"."+k))
			default:
				out = append(out, Violation(r, "%s must hold %s.%s as a Pulumi secret, not plain text", Subject(r), field, k))
			}
		}
		return out
	}
	return nil
}

// relWalkValues looks for credentials in plain text in Helm values: string
// values under credential-like keys. A Secret wrapper anywhere above a value
// makes it fine. key is the nearest map key (list items inherit it).
func relWalkValues(r *Resource, v interface{}, path, key string, out *[]Finding) {
	switch t := v.(type) {
	case props.Secret:
		return
	case map[string]interface{}:
		for _, k := range SortedKeys(t) {
			relWalkValues(r, t[k], path+"."+k, k, out)
		}
	case []interface{}:
		for i, e := range t {
			relWalkValues(r, e, fmt.Sprintf("%s[%d]", path, i), key, out)
		}
	case props.Unknown:
		if relCredentialKey(key) {
			*out = append(*out, CannotVerify(r, path))
		}
	case string:
		if t != "" && relCredentialKey(key) && !relSecretReference(key, t) {
			*out = append(*out, Violation(r, "%s must not carry a plaintext credential in %s: pass it as a Pulumi secret or reference an existing Secret", Subject(r), path))
		}
	}
}

// relCredentialKey reports whether a values key names a credential:
// password, token, secret, private key, API key, secret key. Keys that name
// an existing object or a key inside one (existingSecret, passwordKey,
// secretKeyRef) do not.
func relCredentialKey(key string) bool {
	words := relWords(key)
	if len(words) == 0 || words[0] == "existing" {
		return false
	}
	last := words[len(words)-1]
	switch last {
	case "password", "passwd", "pwd", "token", "secret", "credential", "credentials":
		return true
	}
	joined := strings.Join(words, "")
	for _, suffix := range []string{"privatekey", "apikey", "secretkey"} {
		if strings.HasSuffix(joined, suffix) {
			return true
		}
	}
	// AWS_SECRET_ACCESS_KEY and the like.
	return last == "key" && slices.Contains(words, "secret")
}

// relK8sName is a Kubernetes object name (DNS-1123 subdomain).
var relK8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// relSecretReference reports whether a "…Secret" key's value names a
// Secret (githubConfigSecret: github-app) rather than holding one. A
// credential that happens to look like an object name slips through; the
// heuristic keeps references quiet.
func relSecretReference(key, value string) bool {
	words := relWords(key)
	return words[len(words)-1] == "secret" && relK8sName.MatchString(value)
}

// relWords splits camelCase, snake_case, kebab-case and dotted keys into
// lowercase words.
func relWords(key string) []string {
	var words []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, c := range key {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(c) && prevLower:
			flush()
		}
		cur = append(cur, c)
		prevLower = unicode.IsLower(c) || unicode.IsDigit(c)
	}
	flush()
	return words
}

// ---------------------------------------------------------------- k8s-version-support
