package auth

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Identities is what Service needs from the IAM domain; *iam.Service satisfies it.
type Identities interface {
	LookupKey(ctx context.Context, accessKeyID string) (iam.KeyInfo, bool, error)
	Principal(ctx context.Context, accessKeyID string) (iam.Principal, error)
	RoleSessionPrincipal(ctx context.Context, roleARN, sessionName string) (iam.Principal, error)
}

// Service authenticates with sigv4 against IAM's keys and authorizes with
// iampolicy against the caller's policies. It implements Authenticator and
// Authorizer.
type Service struct {
	ids      Identities
	verifier *sigv4.Verifier
	now      func() time.Time

	mu     sync.Mutex
	parsed map[[32]byte]*iampolicy.Policy // parsed documents by hash; documents are immutable values
}

var (
	_ Authenticator = (*Service)(nil)
	_ Authorizer    = (*Service)(nil)
)

// NewService returns a Service over ids.
func NewService(ids Identities, now func() time.Time) *Service {
	s := &Service{ids: ids, now: now, parsed: map[[32]byte]*iampolicy.Policy{}}
	s.verifier = sigv4.NewVerifier(keyLookup{ids}, now)
	return s
}

type keyLookup struct{ ids Identities }

func (k keyLookup) LookupKey(ctx context.Context, id string) (sigv4.Key, bool, error) {
	ki, ok, err := k.ids.LookupKey(ctx, id)
	if err != nil || !ok {
		return sigv4.Key{}, ok, err
	}
	return sigv4.Key{AccessKeyID: ki.AccessKeyID, Secret: ki.Secret, SessionToken: ki.SessionToken, Expires: ki.Expires, Active: ki.Active}, true, nil
}

// Authenticate verifies r's signature and returns the caller.
func (s *Service) Authenticate(ctx context.Context, r *http.Request, opts sigv4.Options) (*Caller, error) {
	res, err := s.verifier.Verify(ctx, r, opts)
	if err != nil {
		return nil, err
	}
	p, err := s.ids.Principal(ctx, res.AccessKeyID)
	if err != nil {
		return nil, err
	}
	c := callerOfPrincipal(p, res.AccessKeyID)
	c.SessionToken, c.Signed = res.SessionToken, res
	return c, nil
}

// Authorize evaluates the caller's identity policies, boundary, session
// policies and the request's resource policies.
func (s *Service) Authorize(ctx context.Context, c *Caller, req Request) (Decision, error) {
	if c.Type == "Root" && (req.ResourceAccount == "" || req.ResourceAccount == c.AccountID) {
		return Decision{Allowed: true, Trace: []string{"caller is the account root user: allowed"}}, nil
	}
	ip := iampolicy.Request{Action: req.Action, Resource: req.Resource, ResourceAccount: req.ResourceAccount,
		Context: s.context(ctx, c, req)}
	var set iampolicy.Set
	if c.Type != "Anonymous" {
		p, err := s.principal(ctx, c)
		if err != nil {
			return Decision{}, err
		}
		ip.Principal = iampolicy.Principal{ARN: p.ARN, AccountID: p.AccountID, Type: p.Type, UserID: p.UserID,
			Username: p.Username, Tags: p.Tags, SourceIdentityARN: p.RoleARN}
		if _, set := ip.Context["aws:TokenIssueTime"]; !set && !p.SessionIssued.IsZero() {
			ip.Context["aws:TokenIssueTime"] = []string{p.SessionIssued.UTC().Format(time.RFC3339)}
		}
		if set.Identity, err = s.named(p.Identity, iampolicy.IdentityPolicy); err != nil {
			return Decision{}, err
		}
		if set.Session, err = s.named(p.Session, iampolicy.SessionPolicy); err != nil {
			return Decision{}, err
		}
		if p.Boundary != nil {
			b, err := s.named([]iam.PolicyDoc{*p.Boundary}, iampolicy.PermissionsBoundary)
			if err != nil {
				return Decision{}, err
			}
			set.Boundary = &b[0]
		}
	} else {
		ip.Principal = iampolicy.Principal{ARN: "anonymous", Type: "Anonymous"}
	}
	kind := iampolicy.ResourcePolicy
	if req.ResourceMustAllow {
		kind = iampolicy.TrustPolicy // trust policies name no Resource
	}
	for _, rp := range req.ResourcePolicies {
		pol, err := s.parse(rp.Document, kind)
		if err != nil {
			return Decision{}, err
		}
		set.Resource = append(set.Resource, iampolicy.Named{Name: rp.Name, Policy: pol})
	}
	d := iampolicy.Evaluate(&ip, set)
	if d.Effect == iampolicy.Allow && req.ResourceMustAllow && !resourceAllowed(d) {
		d.Effect, d.DeniedBy = iampolicy.ImplicitDeny, iampolicy.LayerResource
	}
	out := Decision{Allowed: d.Effect == iampolicy.Allow, ExplicitDeny: d.Effect == iampolicy.ExplicitDeny, DeniedBy: d.DeniedBy, Reason: d.Reason}
	for _, st := range d.Trace {
		out.Trace = append(out.Trace, st.String())
	}
	if !out.Allowed {
		// Message is the head both wordings share; Because the newer suffix.
		out.Message = strings.TrimSuffix(d.LegacyDenyMessage(&ip), " with an explicit deny")
		out.Because = strings.TrimPrefix(d.DenyMessage(&ip), out.Message)
	}
	return out, nil
}

// context adds the request-time keys; iampolicy.Evaluate derives the
// principal keys (aws:PrincipalArn is the role ARN for a session, and so on).
func (s *Service) context(reqCtx context.Context, c *Caller, req Request) map[string][]string {
	now := s.now().UTC()
	ctx := map[string][]string{
		"aws:CurrentTime": {now.Format(time.RFC3339)},
		"aws:EpochTime":   {strconv.FormatInt(now.Unix(), 10)},
	}
	if c.Type != "Anonymous" {
		ctx["aws:MultiFactorAuthPresent"] = []string{"false"}
	}
	if c.Signed != nil {
		ctx["aws:RequestedRegion"] = []string{c.Signed.Region}
	}
	for k, v := range requestKeys(reqCtx) {
		ctx[k] = v
	}
	for k, v := range req.Context {
		ctx[k] = v
	}
	return ctx
}

func (s *Service) principal(ctx context.Context, c *Caller) (iam.Principal, error) {
	if c.identity != nil {
		return *c.identity, nil
	}
	return s.ids.Principal(ctx, c.AccessKeyID)
}

// resourceAllowed reports whether some resource-policy statement allowed the
// request (directly, or by naming the caller's account).
func resourceAllowed(d iampolicy.Decision) bool {
	for _, st := range d.Trace {
		if st.Layer == iampolicy.LayerResource && st.Applies && st.Effect == "Allow" {
			return true
		}
	}
	return false
}

func (s *Service) named(docs []iam.PolicyDoc, kind iampolicy.Kind) ([]iampolicy.Named, error) {
	out := make([]iampolicy.Named, 0, len(docs))
	for _, d := range docs {
		pol, err := s.parse(d.Document, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, iampolicy.Named{Name: d.Name, Policy: pol})
	}
	return out, nil
}

func (s *Service) parse(doc string, kind iampolicy.Kind) (*iampolicy.Policy, error) {
	key := sha256.Sum256(append([]byte{byte(kind)}, doc...))
	s.mu.Lock()
	p, ok := s.parsed[key]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := iampolicy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.parsed) > 4096 {
		clear(s.parsed)
	}
	s.parsed[key] = p
	s.mu.Unlock()
	return p, nil
}
