package auth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Identities is what Service needs from the IAM domain; *iam.Service satisfies it.
type Identities interface {
	LookupKey(ctx context.Context, accessKeyID string) (iam.KeyInfo, bool, error)
	Principal(ctx context.Context, accessKeyID string) (iam.Principal, error)
	RoleSessionPrincipal(ctx context.Context, roleARN, sessionName string) (iam.Principal, error)
}

// Service authenticates with sigv4 against IAM's keys and authorizes with
// its Evaluator against the caller's policies. It implements Authenticator
// and Authorizer.
type Service struct {
	*Evaluator
	ids      Identities
	verifier *sigv4.Verifier
	now      func() time.Time
}

var (
	_ Authenticator = (*Service)(nil)
	_ Authorizer    = (*Service)(nil)
)

// NewService returns a Service over ids.
func NewService(ids Identities, now func() time.Time) *Service {
	s := &Service{Evaluator: NewEvaluator(), ids: ids, now: now}
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

// Authenticate verifies r's signature and returns the caller. A session
// whose source key or role is gone fails as AWS fails it: the security
// token is invalid (a *sigv4.Error, so each plane answers 403 its way).
func (s *Service) Authenticate(ctx context.Context, r *http.Request, opts sigv4.Options) (*Caller, error) {
	// The caller, its principal and its signature: one allocation.
	kept := new(struct {
		caller    Caller
		principal iam.Principal
		signed    sigv4.Result
	})
	res := &kept.signed
	if err := s.verifier.VerifyTo(ctx, r, opts, res); err != nil {
		return nil, err
	}
	p, err := s.ids.Principal(ctx, res.AccessKeyID)
	if err != nil {
		// ae lives on the heap (errors.As takes its address): made only here.
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == awserr.InvalidClientTokenID {
			return nil, &sigv4.Error{Reason: sigv4.InvalidToken, Presigned: res.Presigned, Message: ae.Message}
		}
		return nil, err
	}
	kept.principal = p
	kept.caller = newCaller(&kept.principal, res.AccessKeyID)
	kept.caller.SessionToken, kept.caller.Signed = res.SessionToken, res
	return &kept.caller, nil
}

// Authorize evaluates the caller's identity policies, boundary, session
// policies and the request's resource policies, with the request-time
// context keys added when a policy reads the context.
func (s *Service) Authorize(ctx context.Context, c *Caller, req Request) (Decision, error) {
	p, err := s.principal(ctx, c)
	if err != nil {
		return Decision{}, err
	}
	issued := p.SessionIssued
	return s.evaluate(p, req, func() map[string][]string { return withTokenIssueTime(s.context(ctx, c, req), issued) })
}

// context adds the request-time keys; iampolicy.Evaluate derives the
// principal keys (aws:PrincipalArn is the role ARN for a session, and so on).
func (s *Service) context(reqCtx context.Context, c *Caller, req Request) map[string][]string {
	now := s.now().UTC()
	fromRequest := requestKeys(reqCtx)
	ctx := make(map[string][]string, 5+len(fromRequest)+len(req.Context))
	ctx["aws:CurrentTime"] = []string{now.Format(time.RFC3339)}
	ctx["aws:EpochTime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	if c.Type != "Anonymous" && c.Type != serviceType {
		ctx["aws:MultiFactorAuthPresent"] = []string{"false"}
	}
	if c.Signed != nil {
		ctx["aws:RequestedRegion"] = []string{c.Signed.Region}
	}
	for k, v := range fromRequest {
		ctx[k] = v
	}
	return addRequestKeys(ctx, req)
}

func (s *Service) principal(ctx context.Context, c *Caller) (iam.Principal, error) {
	switch {
	case c.identity != nil:
		return *c.identity, nil
	case c.Type == "Anonymous":
		return iam.Principal{ARN: "anonymous", Type: "Anonymous"}, nil
	}
	return s.ids.Principal(ctx, c.AccessKeyID)
}
