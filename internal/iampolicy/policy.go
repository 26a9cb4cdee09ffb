package iampolicy

import "github.com/iamgate/iamgate/internal/iampolicy/condition"

// Kind is the role a policy document plays; IAM validates each kind
// differently (a Principal is required in a trust or resource policy and
// forbidden in the others).
type Kind int

const (
	IdentityPolicy Kind = iota + 1
	ResourcePolicy
	TrustPolicy
	PermissionsBoundary
	SessionPolicy
)

func (k Kind) String() string {
	switch k {
	case IdentityPolicy:
		return "identity-based policy"
	case ResourcePolicy:
		return "resource-based policy"
	case TrustPolicy:
		return "trust policy"
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	}
	return "unknown policy kind"
}

// hasPrincipal reports whether statements of this kind name principals.
func (k Kind) hasPrincipal() bool { return k == ResourcePolicy || k == TrustPolicy }

// Policy is a parsed, validated policy document.
type Policy struct {
	Kind       Kind
	Version    string // "2012-10-17", "2008-10-17" or "" (absent)
	ID         string
	Statements []Statement
}

// Statement is one element of a policy's Statement list. Absent elements are
// nil slices; Principal and NotPrincipal are nil when absent.
type Statement struct {
	Index        int // position in the document, from 0
	Sid          string
	Effect       string // "Allow" or "Deny"
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Principal    *Principals
	NotPrincipal *Principals
	Condition    condition.Block

	// Indexes of long Action and NotAction lists (Parse builds them; nil
	// means each entry is globbed in turn).
	actionIndex, notActionIndex *actionIndex
}

// Principals is a Principal or NotPrincipal element. Wildcard is the bare
// "*" form, which (like {"AWS": "*"}) covers every caller, anonymous included.
type Principals struct {
	Wildcard      bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// allowsVariables reports whether policy variables are substituted: only in
// Version 2012-10-17 documents; older ones treat ${...} as literal text.
func (p *Policy) allowsVariables() bool { return p.Version == "2012-10-17" }
