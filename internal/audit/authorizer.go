package audit

import (
	"context"

	"github.com/iamgate/iamgate/internal/auth"
)

// Authorizer returns next with every Decision it returns passed through
// Decide: the one place the server's authorization answers are turned
// into what the data and control planes act on.
func (a *Auditor) Authorizer(next auth.Authorizer) auth.Authorizer {
	return authorizer{next: next, a: a}
}

type authorizer struct {
	next auth.Authorizer
	a    *Auditor
}

func (z authorizer) Authorize(ctx context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	d, err := z.next.Authorize(ctx, c, req)
	if err != nil {
		return d, err // nothing was decided: a policy did not parse, or the store failed
	}
	return z.a.Decide(ctx, c, req, d), nil
}
