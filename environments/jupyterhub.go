package environments

import (
	"fmt"
	"net/url"
	"regexp"
)

// JupyterHub configures the notebooks: one hub per environment, signing
// users in with the organisation's identity provider, spawning a notebook
// per user on the environment's node groups.
type JupyterHub struct {
	// Auth is how users sign in: exactly one of github and entra.
	Auth NotebookAuth `yaml:"auth"`
	// CallbackURL is the OAuth callback the identity provider's app
	// registers: https://<host>/hub/oauth_callback.
	CallbackURL string `yaml:"callbackUrl"`
	// HomeGiB sizes each user's home volume, 1 to 100. Unset: 10.
	HomeGiB int `yaml:"homeGiB,omitempty"`
	// IdleTimeoutMinutes stops a notebook nobody has used for this long,
	// 10 to 1440. Unset: 60.
	IdleTimeoutMinutes int `yaml:"idleTimeoutMinutes,omitempty"`
}

// NotebookAuth is the hub's single sign-on.
type NotebookAuth struct {
	// GitHub signs in members of a GitHub organisation.
	GitHub *GitHubAuth `yaml:"github,omitempty"`
	// Entra signs in members of Entra ID groups.
	Entra *EntraAuth `yaml:"entra,omitempty"`
}

// GitHubAuth is a GitHub OAuth app and the organisation whose members may
// sign in. The app's client secret is operator-held config
// (mlplatform:jupyterhubClientSecret).
type GitHubAuth struct {
	Organization string `yaml:"organization"`
	ClientID     string `yaml:"clientId"`
}

// EntraAuth is an Entra ID app registration and the groups whose members
// may sign in.
type EntraAuth struct {
	TenantID      string   `yaml:"tenantId"`
	ClientID      string   `yaml:"clientId"`
	AllowedGroups []string `yaml:"allowedGroups"`
}

var (
	githubOrgRE = regexp.MustCompile(`^[A-Za-z0-9](-?[A-Za-z0-9]){0,38}$`)
	oauthIDRE   = regexp.MustCompile(`^[A-Za-z0-9._-]{4,64}$`)
)

// applyJupyterHubDefaults sizes an environment's notebooks.
func (e *Environment) applyJupyterHubDefaults() {
	j := e.JupyterHub
	if j == nil {
		return
	}
	if j.HomeGiB == 0 {
		j.HomeGiB = 10
	}
	if j.IdleTimeoutMinutes == 0 {
		j.IdleTimeoutMinutes = 60
	}
}

// jupyterhub checks the notebooks section.
func (v *validator) jupyterhub() {
	j := v.env.JupyterHub
	if j == nil {
		return
	}
	a := j.Auth
	switch {
	case (a.GitHub == nil) == (a.Entra == nil):
		v.ps.add("jupyterhub.auth", "a mapping", "must name exactly one identity provider: github or entra", "keep one of github: and entra:")
	case a.GitHub != nil:
		if !githubOrgRE.MatchString(a.GitHub.Organization) {
			v.ps.add("jupyterhub.auth.github.organization", q(a.GitHub.Organization), "must be a GitHub organisation's login (letters, digits, single '-')", "write the organisation as in https://github.com/<org>")
		}
		if !oauthIDRE.MatchString(a.GitHub.ClientID) {
			v.ps.add("jupyterhub.auth.github.clientId", q(a.GitHub.ClientID), "must be the OAuth app's client id", "copy it from the app's settings; the secret goes in mlplatform:jupyterhubClientSecret")
		}
	case a.Entra != nil:
		if !guidRE.MatchString(a.Entra.TenantID) {
			v.ps.add("jupyterhub.auth.entra.tenantId", q(a.Entra.TenantID), "must be the Entra tenant's id (a GUID)", "copy it from the app registration's overview")
		}
		if !guidRE.MatchString(a.Entra.ClientID) {
			v.ps.add("jupyterhub.auth.entra.clientId", q(a.Entra.ClientID), "must be the app registration's client id (a GUID)", "copy it from the app registration's overview")
		}
		if len(a.Entra.AllowedGroups) == 0 {
			v.ps.add("jupyterhub.auth.entra.allowedGroups", "<missing>", "names nobody: OAuthenticator admits no one unless a rule allows them", "list the object ids of the groups whose members may sign in")
		}
		for i, g := range a.Entra.AllowedGroups {
			if !guidRE.MatchString(g) {
				v.ps.add(fmt.Sprintf("jupyterhub.auth.entra.allowedGroups[%d]", i), q(g), "must be a group's object id (a GUID)", "copy it from the group's overview")
			}
		}
	}
	if u, err := url.Parse(j.CallbackURL); err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "/hub/oauth_callback" || u.RawQuery != "" {
		v.ps.add("jupyterhub.callbackUrl", q(j.CallbackURL), "must be https://<host>/hub/oauth_callback: the hub's OAuth callback, over TLS", `write it as the app registers it, e.g. "https://jupyter.dev.example.com/hub/oauth_callback"`)
	}
	if j.HomeGiB < 1 || j.HomeGiB > 100 {
		v.ps.add("jupyterhub.homeGiB", n(j.HomeGiB), "must be 1 to 100", "use 10; keep data in the artifact store, not in homes")
	}
	if j.IdleTimeoutMinutes < 10 || j.IdleTimeoutMinutes > 1440 {
		v.ps.add("jupyterhub.idleTimeoutMinutes", n(j.IdleTimeoutMinutes), "must be 10 to 1440: an idle GPU notebook holds its GPU until it is stopped", "use 60")
	}
	if v.env.Monitoring == nil {
		v.ps.add("jupyterhub", "a mapping", "needs the environment's monitoring section: home volumes use the encrypted storage class the monitoring component creates", "add monitoring:, or remove jupyterhub:")
	}
	if !v.env.MLflowOn() {
		v.ps.add("jupyterhub", "a mapping", "notebooks track experiments in MLflow, which is off", "remove mlflow.enabled: false, or remove jupyterhub:")
	}
}
