package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/props"
)

// iam-least-privilege

func netCheckIAM(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		switch r.Type {
		case netIAMRole:
			out = append(out, netCheckTrust(r)...)
			out = append(out, netCheckManagedARNs(r)...)
			v, _ := r.Get("inlinePolicies")
			inline, _ := v.([]interface{})
			for i := range inline {
				out = append(out, netNoStarOnStar(r, fmt.Sprintf("inlinePolicies[%d].policy", i))...)
			}
		case netIAMPolicy, netIAMRolePolicy, netIAMUserPolicy, netIAMGroupPolicy:
			out = append(out, netNoStarOnStar(r, "policy")...)
		case netIAMRoleAttachment, netIAMUserAttachment, netIAMGroupAttachment, netIAMPolicyAttach:
			if r.IsUnknown("policyArn") {
				// A policy created in this stack has its ARN only once it
				// exists; its document is checked on the policy itself.
				if !netDependsOnType(s, r, netIAMPolicy) {
					out = append(out, CannotVerify(r, "policyArn"))
				}
			} else if netIsAdministrator(r.Str("policyArn")) {
				out = append(out, Violation(r, "%s must not attach AdministratorAccess (%s); fix: attach a policy scoped to what the principal needs", Subject(r), netIs(r, "policyArn")))
			}
		}
	}
	return out
}

// netCheckManagedARNs checks a role's managedPolicyArns for AdministratorAccess.
func netCheckManagedARNs(r *Resource) []Finding {
	v, _ := r.Get("managedPolicyArns")
	if props.HasUnknown(v) {
		return []Finding{CannotVerify(r, "managedPolicyArns")}
	}
	var out []Finding
	for i, arn := range props.Strings(v) {
		if netIsAdministrator(arn) {
			out = append(out, Violation(r, "%s must not attach AdministratorAccess (managedPolicyArns[%d]); fix: attach a policy scoped to what the role needs", Subject(r), i))
		}
	}
	return out
}

func netIsAdministrator(arn string) bool {
	return strings.HasSuffix(arn, ":policy/AdministratorAccess")
}

// netNoStarOnStar reports Allow statements of an identity policy that grant
// every action on every resource.
func netNoStarOnStar(r *Resource, path string) []Finding {
	stmts, f := netPolicyAt(r, path)
	if f != nil {
		return []Finding{*f}
	}
	var out []Finding
	for i, st := range stmts {
		actions := netList(st.Action)
		if st.Effect == "Allow" && (slices.Contains(actions, "*") || slices.Contains(actions, "*:*")) && slices.Contains(netList(st.Resource), "*") {
			out = append(out, Violation(r, "%s must not allow every action on every resource (%s); fix: list the actions and resources needed", Subject(r), st.where(path, i)))
		}
	}
	return out
}

// netCheckTrust checks a role's trust policy: nobody may assume it as
// "*", and web identity trust (IRSA, GitHub Actions) is pinned to one
// service account or repository and to the STS audience.
func netCheckTrust(r *Resource) []Finding {
	const path = "assumeRolePolicy"
	stmts, f := netPolicyAt(r, path)
	if f != nil {
		return []Finding{*f}
	}
	var out []Finding
	for i, st := range stmts {
		if st.Effect != "Allow" {
			continue
		}
		where := st.where(path, i)
		if netAnyPrincipal(st.Principal) {
			out = append(out, Violation(r, "%s must not let any principal assume it (%s allows \"*\")", Subject(r), where))
			continue
		}
		p, _ := st.Principal.(map[string]interface{})
		for _, fed := range netList(p["Federated"]) {
			_, issuer, ok := strings.Cut(fed, ":oidc-provider/")
			if !ok {
				continue
			}
			kind, pattern, want := "IRSA", netServiceAccount, "system:serviceaccount:<namespace>:<name>"
			if issuer == "token.actions.githubusercontent.com" {
				kind, pattern, want = "GitHub OIDC", netGitHubRepo, "repo:<owner>/<repo>:…"
			}
			subs := st.pinned(issuer + ":sub")
			if len(subs) == 0 {
				out = append(out, Violation(r, "%s must pin its %s trust to %s with a StringEquals condition on %s:sub (%s has none)", Subject(r), kind, want, issuer, where))
			}
			for _, sub := range subs {
				if !pattern.MatchString(sub) {
					out = append(out, Violation(r, "%s must pin its %s trust to %s (%s allows %q)", Subject(r), kind, want, where, sub))
				}
			}
			auds := st.pinned(issuer + ":aud")
			if len(auds) == 0 {
				out = append(out, Violation(r, "%s must pin its %s trust audience with %s:aud = sts.amazonaws.com (%s has none)", Subject(r), kind, issuer, where))
			}
			for _, aud := range auds {
				if aud != "sts.amazonaws.com" {
					out = append(out, Violation(r, "%s must pin its %s trust audience with %s:aud = sts.amazonaws.com (%s allows %q)", Subject(r), kind, issuer, where, aud))
				}
			}
		}
	}
	return out
}
