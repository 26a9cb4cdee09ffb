package audit

import (
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
)

// Mode is the IAM mode: enforce (the zero Mode), audit for everyone, or
// audit for some principals while the rest is enforced.
type Mode struct {
	all        bool
	principals []string // PrincipalKey forms, or user/NAME, role/NAME
}

// ParseMode reads --iam-mode values: "enforce", "audit", or
// "audit:P[,P...]" where each P is role/NAME, user/NAME or an IAM or STS
// ARN. Several values add up; "enforce" alone is the default.
func ParseMode(values []string) (Mode, error) {
	var m Mode
	for _, v := range values {
		switch {
		case v == "enforce" || v == "":
		case v == "audit":
			m.all = true
		case strings.HasPrefix(v, "audit:"):
			for _, p := range strings.Split(strings.TrimPrefix(v, "audit:"), ",") {
				p = strings.TrimSpace(p)
				if !validPrincipal(p) {
					return Mode{}, fmt.Errorf("--iam-mode %s: %q is not a principal: want role/NAME, user/NAME or an IAM ARN", v, p)
				}
				m.principals = append(m.principals, p)
			}
		default:
			return Mode{}, fmt.Errorf("--iam-mode %q: want enforce, audit, or audit:role/NAME[,user/NAME...]", v)
		}
	}
	return m, nil
}

func validPrincipal(p string) bool {
	if strings.HasPrefix(p, "arn:") {
		a, err := arn.Parse(p)
		return err == nil && (a.Service == "iam" || a.Service == "sts")
	}
	kind, name, ok := strings.Cut(p, "/")
	return ok && (kind == "role" || kind == "user") && name != "" && !strings.ContainsAny(name, " \t,")
}

// Auditing reports whether any denial may be waived.
func (m Mode) Auditing() bool { return m.all || len(m.principals) > 0 }

// Waives reports whether a denial of caller (its ARN) is served as allowed.
func (m Mode) Waives(caller string) bool {
	if m.all {
		return true
	}
	key := PrincipalKey(caller)
	for _, p := range m.principals {
		if strings.HasPrefix(p, "arn:") {
			if PrincipalKey(p) == key {
				return true
			}
			continue
		}
		// role/NAME and user/NAME name the entity whatever its path and account.
		kind, name, _ := strings.Cut(p, "/")
		if strings.HasSuffix(key, ":"+kind+"/"+name) {
			return true
		}
	}
	return false
}

func (m Mode) String() string {
	switch {
	case m.all:
		return "audit"
	case len(m.principals) > 0:
		return "audit:" + strings.Join(m.principals, ",")
	}
	return "enforce"
}

// PrincipalKey is the identity a caller's decisions are recorded under:
// arn:aws:iam::ACCOUNT:user/NAME for a user, arn:aws:iam::ACCOUNT:role/NAME
// for a role and each of its sessions (assumed-role/NAME/SESSION); paths
// are dropped, since a session ARN does not carry its role's path. Other
// callers (root, anonymous, service principals) keep their ARN.
func PrincipalKey(caller string) string {
	// Cut in place by arn.Fields: this runs for every decision, and a
	// user's ARN without a path is its own key, returned as it is.
	f, n := arn.Fields(caller)
	if n != 6 || f[0] != "arn" {
		return caller
	}
	partition, service, region, acct, res := f[1], f[2], f[3], f[4], f[5]
	switch {
	case service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		role, _, _ := strings.Cut(res[len("assumed-role/"):], "/")
		return "arn:" + partition + ":iam::" + acct + ":role/" + role
	case service == "iam" && (strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/")):
		kind, path, _ := strings.Cut(res, "/")
		name := path[strings.LastIndexByte(path, '/')+1:]
		if region == "" && len(name) == len(path) {
			return caller
		}
		return "arn:" + partition + ":iam::" + acct + ":" + kind + "/" + name
	}
	return caller
}
