package iampolicy

import (
	"slices"
	"strings"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	ARN       string
	AccountID string
	// Type is "User", "Root", "AssumedRole", "FederatedUser", "Anonymous"
	// (or "Service" for a service principal such as lambda.amazonaws.com, whose ARN field holds that name).
	Type     string
	UserID   string
	Username string
	Tags     map[string]string
	// SourceIdentityARN is, for an assumed-role session, the role's ARN
	// (arn:aws:iam::acct:role/name); for a federated user, the IAM user's.
	SourceIdentityARN string
}

// Principal types.
const (
	TypeUser          = "User"
	TypeRoot          = "Root"
	TypeAssumedRole   = "AssumedRole"
	TypeFederatedUser = "FederatedUser"
	TypeAnonymous     = "Anonymous"
	TypeService       = "Service"
)

// via says how a resource-based statement's Principal matched the caller; it
// decides whether a permissions boundary or session policy still limits that
// grant within one account.
type via int

const (
	viaNone via = iota
	// viaAccount: the account (id or :root ARN) was named. This delegates to
	// the account's identity policies and grants nothing alone in that account.
	viaAccount
	// viaRole: the role (or IAM user behind a federated session) was named;
	// boundary and session policies still limit the grant.
	viaRole
	// viaEveryone: "*" matched a role or federated session. The grant is not
	// limited by the permissions boundary (as for a grant to the session) but,
	// naming no session, it is still limited by the session policy.
	viaEveryone
	// viaDirect: the caller itself (user, session ARN, federated user, service)
	// or everyone ("*") was named; no boundary or session policy limits it.
	viaDirect
)

// everyone is how a "*" principal (or a NotPrincipal that spares nobody
// relevant) matches p. It names no session specifically, so for a role or
// federated session it does not lift the session policy or permissions
// boundary: only a grant to the session's own ARN does ("If that policy
// specifically references the session in the Principal element ... granted in
// addition to the permissions that are granted by the session policies",
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
func everyone(p *Principal) via {
	if p.Type == TypeAssumedRole || p.Type == TypeFederatedUser {
		return viaEveryone
	}
	return viaDirect
}

// matchPrincipals reports how p matches the Principals element.
func matchPrincipals(ps *Principals, p *Principal) (via, string) {
	if ps.Wildcard {
		return everyone(p), `Principal "*"`
	}
	best, why := viaNone, "principal not listed"
	try := func(v via, w string) {
		if v > best {
			best, why = v, w
		}
	}
	for _, a := range ps.AWS {
		switch {
		case a == "*":
			try(everyone(p), `"AWS": "*"`)
		case p.Type == TypeAnonymous:
		case a == p.ARN && p.ARN != "":
			try(viaDirect, "caller ARN "+a)
		case a == p.SourceIdentityARN && a != "":
			try(viaRole, "role ARN "+a)
		case isAccountPrincipal(a, p.AccountID):
			if p.Type == TypeRoot {
				try(viaDirect, "account "+a)
			} else {
				try(viaAccount, "account "+a)
			}
		}
	}
	if p.Type == TypeService && slices.Contains(ps.Service, p.ARN) {
		try(viaDirect, "service "+p.ARN)
	}
	if p.Type == TypeFederatedUser && slices.Contains(ps.Federated, p.ARN) {
		try(viaDirect, "federated "+p.ARN)
	}
	return best, why
}

// isAccountPrincipal reports whether a names account acct: the bare id or
// arn:PARTITION:iam::acct:root.
func isAccountPrincipal(a, acct string) bool {
	if acct == "" {
		return false
	}
	if a == acct {
		return true
	}
	rest, ok := strings.CutPrefix(a, "arn:")
	if !ok {
		return false
	}
	_, rest, ok = strings.Cut(rest, ":")
	return ok && rest == "iam::"+acct+":root"
}

// ContextKeys calls set with each condition key AWS derives from the
// principal, as written in policies (aws:PrincipalArn, not lower-cased), and
// its non-empty value: aws:username (users only), aws:userid,
// aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalArn (a role
// session's is its role's ARN) and aws:PrincipalTag/KEY. It is the one rule:
// Evaluate's context is built from it, and so is the context a trace shows
// (gateway, through auth.Caller.ContextKeys), so the two cannot differ.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func (p *Principal) ContextKeys(set func(key, value string)) {
	add := func(k, v string) {
		if v != "" {
			set(k, v)
		}
	}
	if p.Type == TypeUser {
		add("aws:username", p.Username)
	}
	if p.Type != TypeAnonymous {
		add("aws:userid", p.UserID)
		add("aws:PrincipalAccount", p.AccountID)
		add("aws:PrincipalType", principalType(p.Type))
		principalARN := p.ARN
		if p.Type == TypeAssumedRole && p.SourceIdentityARN != "" {
			principalARN = p.SourceIdentityARN
		}
		add("aws:PrincipalArn", principalARN)
	}
	for k, v := range p.Tags {
		add("aws:PrincipalTag/"+k, v)
	}
}

// principalType is the aws:PrincipalType value AWS puts in the request context.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype
func principalType(t string) string {
	if t == TypeRoot {
		return "Account"
	}
	return t
}
