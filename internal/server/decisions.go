package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/iamgate/iamgate/internal/audit"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// The decisions API serves the recorded authorization decisions to
// `iamgate policy suggest`:
//
//	GET /_iamgate/decisions?principal=ARN[&since=RFC3339]
//
// signed with service "iamgate" like the why API. Decisions are an audit
// trail of what a principal did, which AWS keeps in CloudTrail, so the
// caller needs what reading that trail needs: cloudtrail:LookupEvents
// (which has no resource-level permissions, hence "*";
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html).
const (
	DecisionsPath   = "/_iamgate/decisions"
	decisionsAction = "cloudtrail:LookupEvents"
)

// DecisionsAnswer is the body the decisions API answers with.
type DecisionsAnswer struct {
	Principal string           `json:"principal"`
	Decisions []store.Decision `json:"decisions"`
}

// auditedService is the authorization path with the audit hook on it:
// every Decision Authorize returns, for the data plane and the control
// plane alike, goes through the Auditor before anyone acts on it. The rest
// of auth.Service (authentication, the simulator's Evaluate) is promoted
// unchanged.
type auditedService struct {
	*auth.Service
	audit *audit.Auditor
}

func (s auditedService) Authorize(ctx context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	d, err := s.Service.Authorize(ctx, c, req)
	if err != nil {
		return d, err // nothing was decided
	}
	return s.audit.Decide(ctx, c, req, d), nil
}

// newAuditor builds the Auditor over the store's decision log.
func newAuditor(cfg Config, st store.Store, log *slog.Logger) *audit.Auditor {
	o := audit.Options{Mode: cfg.IAMMode, Keep: cfg.DecisionLogSize, Logger: log, Now: cfg.Now, Unrecorded: IsWhy}
	if dl, ok := st.(store.DecisionLog); ok {
		o.Sink = dl
	}
	return audit.New(o)
}

// decisionsHandler serves DecisionsPath.
type decisionsHandler struct {
	authn auth.Authenticator
	authz auth.Authorizer
	log   store.DecisionLog // nil: the store keeps no decisions
	// flush stores the decisions the Auditor still holds, so that an answer
	// includes the requests made just before it.
	flush func(context.Context) error
	newID func() string
}

// maxDecisions bounds one answer.
const maxDecisions = audit.DefaultKeep

func (h *decisionsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.newID()
	caller, ok := authenticateAdmin(w, r, h.authn, reqID)
	if !ok {
		return
	}
	if r.Method != http.MethodGet {
		awserr.Admin.Write(w, awserr.New(awserr.NotFoundException, "No such decisions route: %s %s", r.Method, r.URL.Path), awserr.Reply{RequestID: reqID})
		return
	}
	if !authorizeAdmin(w, r, h.authz, caller, decisionsAction, "*", reqID) {
		return
	}
	q := r.URL.Query()
	principal := q.Get("principal")
	if principal == "" {
		awserr.Admin.Write(w, awserr.New(awserr.BadRequestException, "principal is required: an IAM user or role ARN"), awserr.Reply{RequestID: reqID})
		return
	}
	query := store.DecisionQuery{Principal: audit.PrincipalKey(principal), Limit: maxDecisions}
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			awserr.Admin.Write(w, awserr.New(awserr.BadRequestException, "since %q is not an RFC 3339 time", s), awserr.Reply{RequestID: reqID})
			return
		}
		query.Since = t
	}
	answer := DecisionsAnswer{Principal: query.Principal, Decisions: []store.Decision{}}
	if h.log != nil {
		if h.flush != nil {
			if err := h.flush(r.Context()); err != nil {
				awserr.Admin.Write(w, awserr.New(awserr.InternalFailure, "%s", "reading decisions failed"), awserr.Reply{RequestID: reqID})
				return
			}
		}
		ds, err := h.log.Decisions(r.Context(), query)
		if err != nil {
			awserr.Admin.Write(w, awserr.New(awserr.InternalFailure, "%s", "reading decisions failed"), awserr.Reply{RequestID: reqID})
			return
		}
		answer.Decisions = append(answer.Decisions, ds...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", reqID)
	_ = json.NewEncoder(w).Encode(answer)
}
