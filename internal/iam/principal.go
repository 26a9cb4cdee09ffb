package iam

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/store"
)

// Principal types, as aws:PrincipalType and auth.Caller spell them.
const (
	TypeUser        = "User"
	TypeRoot        = "Root"
	TypeAssumedRole = "AssumedRole"
)

// PolicyDoc is one policy document with a name for decision traces, e.g.
// "user/api-gateway-user inline api-gateway-user-policy" or
// "group/devs attached arn:aws:iam::aws:policy/ReadOnlyAccess".
type PolicyDoc struct {
	Name     string
	Document string
}

// Principal is who an access key belongs to, with every policy that applies.
//
// For the account root (Type Root) no policies are listed: IAM does not
// apply identity policies or permissions boundaries to the root, so the
// caller allows the root every action in its own account, and only an
// explicit Deny in a resource-based policy can refuse it.
type Principal struct {
	ARN       string
	AccountID string
	Type      string // TypeUser, TypeRoot or TypeAssumedRole
	UserID    string // AIDA… for users, AROA…:session for role sessions, the account id for root
	Username  string // users only
	Tags      map[string]string
	// Identity holds the user's inline and attached policies, then each
	// group's inline and attached ones; or the role's for a role session.
	Identity []PolicyDoc
	Session  []PolicyDoc // the session policy of an AssumeRole session, if any
	Boundary *PolicyDoc  // the permissions boundary, if any

	// Temporary credentials only.
	RoleARN       string
	Trust         string // the role's trust policy, for role sessions
	SessionIssued time.Time
	SessionName   string

	// Derived, for a principal from Principal's cache, holds what a
	// consumer derives from the policies above (auth: their compiled set),
	// so it is derived once per cache entry, not per request. Each entry
	// has its own, dropped with it by every write through the Service and
	// by the entry's TTL, so it never outlives the policies it came from;
	// copies of the Principal share it. nil elsewhere. Code that edits a
	// copy's policies sets it to nil.
	Derived *Derived
}

// Derived is a slot for one value derived from a cached Principal. It is
// safe for concurrent use; Load returns nil until Store.
type Derived struct{ v atomic.Pointer[any] }

// Load returns the stored value, or nil.
func (d *Derived) Load() any {
	if v := d.v.Load(); v != nil {
		return *v
	}
	return nil
}

// Store keeps v (a consumer stores one kind of value; a later Store
// replaces an earlier one).
func (d *Derived) Store(v any) { d.v.Store(&v) }

// Equal reports true for any two slots: a slot is a cache of what is
// derived from a principal, not part of its value, so principals that
// agree in every other field are equal (go-cmp uses this method).
func (d *Derived) Equal(*Derived) bool { return true }

// Principal resolves an access key id (long-term or session) to its
// principal. Unknown ids, and sessions whose role or user is gone, fail with
// InvalidClientTokenId. It does not check key status or expiry: signature
// verification (LookupKey) does.
func (s *Service) Principal(ctx context.Context, accessKeyID string) (Principal, error) {
	if p, ok := s.cache.principal(accessKeyID, s.now()); ok {
		return p, nil
	}
	gen := s.cache.generation()
	p, err := s.principal(ctx, accessKeyID)
	if err == nil {
		p.Derived = new(Derived) // this entry's own
		s.cache.putPrincipal(accessKeyID, cachedPrincipal{p: p, at: s.now(), gen: gen})
	}
	return p, err
}

func (s *Service) principal(ctx context.Context, accessKeyID string) (Principal, error) {
	if strings.HasPrefix(accessKeyID, "ASIA") {
		return s.sessionPrincipal(ctx, accessKeyID)
	}
	k, err := getJSON[keyRec](ctx, s.st, kindKey, accessKeyID, invalidToken())
	if err != nil {
		return Principal{}, err
	}
	return s.keyPrincipal(ctx, k)
}

func (s *Service) keyPrincipal(ctx context.Context, k *keyRec) (Principal, error) {
	if k.Root {
		return Principal{ARN: s.iamARN("root"), AccountID: s.acct, Type: TypeRoot, UserID: s.acct, Tags: map[string]string{}}, nil
	}
	u, err := getJSON[userRec](ctx, s.st, kindUser, lower(k.User), invalidToken())
	if err != nil {
		return Principal{}, err
	}
	return s.userPrincipal(ctx, s.st, u)
}

func (s *Service) userPrincipal(ctx context.Context, r store.Reader, u *userRec) (Principal, error) {
	src, err := s.userSources(ctx, r, u)
	if err != nil {
		return Principal{}, err
	}
	return src.principal(), nil
}

func (s *Service) sessionPrincipal(ctx context.Context, id string) (Principal, error) {
	sess, err := getJSON[sessionRec](ctx, s.st, kindSession, id, invalidToken())
	if err != nil {
		return Principal{}, err
	}
	var p Principal
	if sess.SourceKey != "" {
		k, err := getJSON[keyRec](ctx, s.st, kindKey, sess.SourceKey, invalidToken())
		if err != nil {
			return Principal{}, err
		}
		if p, err = s.keyPrincipal(ctx, k); err != nil {
			return Principal{}, err
		}
	} else if p, err = s.rolePrincipal(ctx, sess); err != nil {
		return Principal{}, err
	}
	p.SessionIssued = sess.Issued
	return p, nil
}

func (s *Service) rolePrincipal(ctx context.Context, sess *sessionRec) (Principal, error) {
	role, err := getJSON[roleRec](ctx, s.st, kindRole, lower(sess.Role), invalidToken())
	if err != nil {
		return Principal{}, err
	}
	if role.ID != sess.RoleID {
		return Principal{}, invalidToken() // the role was deleted and re-created
	}
	return s.roleSession(ctx, role, sess)
}

// RoleSessionPrincipal is the principal of a session of roleARN named
// sessionName, exactly as a session CreateSession issued (without a session
// policy) resolves: for a service acting as a role it passes, such as
// CloudFormation with a stack's service role. A missing role is
// NoSuchEntity; a bad session name is ValidationError.
func (s *Service) RoleSessionPrincipal(ctx context.Context, roleARN, sessionName string) (Principal, error) {
	if err := checkSessionName(sessionName); err != nil {
		return Principal{}, err
	}
	role, err := s.roleFromARN(ctx, s.st, roleARN)
	if err != nil {
		return Principal{}, err
	}
	p, err := s.roleSession(ctx, role, &sessionRec{Role: role.Name, RoleID: role.ID, SessionName: sessionName})
	if err != nil {
		return Principal{}, err
	}
	p.SessionIssued = s.clock()
	return p, nil
}

func (s *Service) roleSession(ctx context.Context, role *roleRec, sess *sessionRec) (Principal, error) {
	src, err := s.roleSources(ctx, s.st, role)
	if err != nil {
		return Principal{}, err
	}
	p := src.principal()
	p.ARN = arn.AssumedRole(s.acct, role.Name, sess.SessionName)
	p.UserID = role.ID + ":" + sess.SessionName
	p.SessionName, p.Trust = sess.SessionName, role.Trust
	if sess.Policy != "" {
		p.Session = []PolicyDoc{{Name: "session policy", Document: sess.Policy}}
	}
	return p, nil
}
