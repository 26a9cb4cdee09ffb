package auth

import (
	"context"
	"net/http"

	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Caller is a verified requester.
type Caller struct {
	AccessKeyID  string
	SessionToken string
	ARN          string // arn:aws:iam::000000000000:user/name, ...:root, arn:aws:sts::…:assumed-role/r/s
	AccountID    string
	UserID       string // AIDA…, or AROA…:session for a role session, or the account id for root
	Username     string // user name; empty for roles and root
	Type         string // "User", "Root", "AssumedRole", "Anonymous"
	Signed       *sigv4.Result

	// identity is what Authenticate resolved, reused by Authorize so a
	// request reads the caller's policies from the store once.
	identity *iam.Principal
}

// ContextKeys calls set with the condition keys c's authorization derives
// from c itself, with the values it evaluates: iampolicy's principal keys
// (iampolicy.Principal.ContextKeys, the one rule) and aws:TokenIssueTime for
// a session. A trace shows these, so it shows what was evaluated. c is read
// as Authenticate resolved it; a Caller built without that (a root or stack
// actor made by hand) is read from its fields.
func (c *Caller) ContextKeys(set func(key, value string)) {
	if c.identity == nil {
		p := iampolicy.Principal{ARN: c.ARN, AccountID: c.AccountID, Type: c.Type, UserID: c.UserID, Username: c.Username}
		p.ContextKeys(set)
		return
	}
	p := principalOf(*c.identity)
	p.ContextKeys(set)
	if issued := c.identity.SessionIssued; !issued.IsZero() {
		set("aws:TokenIssueTime", tokenIssueTime(issued))
	}
}

// Anonymous is the caller of a request that carried no credentials.
var Anonymous = &Caller{ARN: "anonymous", Type: "Anonymous"}

// Request is one authorization question: may the caller perform Action on
// Resource, given the request context and any resource-based policies?
type Request struct {
	Action          string              // "execute-api:Invoke", "iam:CreateUser"
	Resource        string              // the resource ARN
	ResourceAccount string              // account owning the resource; "" = the caller's
	Context         map[string][]string // extra request context keys (aws:SourceIp, ...)
	// ContextFunc, when set, supplies further context keys on demand: it is
	// called at most once per evaluation, and only when a policy reads a
	// context key (a condition or a policy variable), so keys that cost a
	// map and a format each (the gateway's) are made only then. Context's
	// keys win over its.
	ContextFunc      func() map[string][]string
	ResourcePolicies []Policy // resource-based policies that apply
	// ResourceMustAllow: a resource policy must itself allow the caller (a
	// role's trust policy for sts:AssumeRole), not only an identity policy.
	ResourceMustAllow bool
}

// Policy is a policy document with a name for traces.
type Policy struct {
	Name     string
	Document string
}

// Decision is the outcome of an authorization, structured as iampolicy
// decided it: the consumers (trace, simulator, error bodies) read the
// fields, never reparse words.
type Decision struct {
	Allowed      bool
	ExplicitDeny bool
	// DeniedBy names the kind of policy that denied, in AWS's words (one of
	// the iampolicy.Layer constants); empty when allowed.
	DeniedBy string
	// Message is AWS's short denial text:
	// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE".
	Message string
	// Because is AWS's newer suffix, e.g. " because no identity-based policy
	// allows the iam:CreateUser action" or " with an explicit deny in an
	// identity-based policy".
	Because string
	// Reason names the evaluation rule that decided, in words.
	Reason string
	// Statement is the statement that decided: the explicit Deny, or the
	// Allow that granted; nil for an implicit deny and for the account root
	// allowed in its own account.
	Statement *iampolicy.Match
	// Steps lists every statement considered, in evaluation order, and why
	// each did or did not apply (for `iamgate why` and the simulator).
	Steps []iampolicy.Step

	// denial is Message followed by Because, as the evaluator made them.
	denial string
}

// Denial is Message followed by Because: AWS's whole denial sentence, ""
// when allowed. For a decision as the evaluator made it, no new string.
func (d Decision) Denial() string {
	if m := len(d.Message); len(d.denial) == m+len(d.Because) && d.denial[:m] == d.Message && d.denial[m:] == d.Because {
		return d.denial
	}
	return d.Message + d.Because
}

// Effect is the decision as iampolicy names it.
func (d Decision) Effect() iampolicy.Effect {
	switch {
	case d.Allowed:
		return iampolicy.Allow
	case d.ExplicitDeny:
		return iampolicy.ExplicitDeny
	}
	return iampolicy.ImplicitDeny
}

// Authenticator verifies a request's signature and resolves the caller.
// Errors are *sigv4.Error for authentication failures.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, opts sigv4.Options) (*Caller, error)
}

// Authorizer evaluates IAM policies for a caller.
type Authorizer interface {
	Authorize(ctx context.Context, c *Caller, req Request) (Decision, error)
}
