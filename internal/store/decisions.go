package store

import (
	"context"
	"time"
)

// Decision is one recorded authorization decision (`iamgate policy
// suggest` reads them back). Principal is the key the decisions of one
// identity share (a role's sessions share their role's); Caller is the ARN
// the request was made as.
type Decision struct {
	Seq       int64     `json:"-"`
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId,omitempty"`
	Principal string    `json:"principal"`
	Caller    string    `json:"caller"`
	Action    string    `json:"action"`
	Resource  string    `json:"resource"`
	// Effect is "Allow", "ExplicitDeny" or "ImplicitDeny".
	Effect string `json:"effect"`
	// Audited marks a denial served as allowed (--iam-mode audit).
	Audited bool `json:"audited,omitempty"`
	// Statement names the statement that decided; Reason the rule, in words.
	Statement string `json:"statement,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// DecisionQuery selects decisions: those of Principal ("" any) made at or
// after Since, oldest first, at most Limit (<= 0: no limit).
type DecisionQuery struct {
	Principal string
	Since     time.Time
	Limit     int
}

// DecisionLog is a bounded log of decisions, in a table of its own. The
// backends implement it beside Store.
type DecisionLog interface {
	// AppendDecisions adds ds, then drops the oldest decisions beyond keep
	// (keep <= 0 keeps everything).
	AppendDecisions(ctx context.Context, ds []Decision, keep int) error
	// Decisions returns the decisions q selects.
	Decisions(ctx context.Context, q DecisionQuery) ([]Decision, error)
}
