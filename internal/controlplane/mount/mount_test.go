package mount

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

func TestMountOptionsFilled(t *testing.T) {
	user := &auth.Caller{ARN: "arn:aws:iam::000000000000:user/u"}
	ctx := With(context.Background(), user, "req-1")
	tests := []struct {
		name         string
		in           Options
		region, acct string
		caller       *auth.Caller
		reqID        string
	}{
		{name: "zero", region: "us-east-1", acct: "000000000000", caller: user, reqID: "req-1"},
		{name: "set", in: Options{Region: "eu-west-1", AccountID: "123456789012",
			Caller:    func(context.Context) *auth.Caller { return nil },
			RequestID: func(context.Context) string { return "fixed" }},
			region: "eu-west-1", acct: "123456789012", caller: auth.Anonymous, reqID: "fixed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.in.Filled()
			if o.Logger == nil {
				t.Fatal("Logger not defaulted")
			}
			caller, reqID := o.Request(ctx)
			got := []string{o.Region, o.AccountID, reqID}
			if diff := cmp.Diff([]string{tc.region, tc.acct, tc.reqID}, got); diff != "" {
				t.Errorf("region, account, request id (-want +got)\n%s", diff)
			}
			if caller != tc.caller {
				t.Errorf("caller = %v, want %v", caller, tc.caller)
			}
		})
	}
	t.Run("unsigned is anonymous", func(t *testing.T) {
		if c, _ := (Options{}).Filled().Request(context.Background()); c != auth.Anonymous {
			t.Errorf("caller = %v, want auth.Anonymous", c)
		}
	})
}

// storeError is an authorizer failure go-cmp can compare.
type storeError struct{ Msg string }

func (e *storeError) Error() string { return e.Msg }

// decisionAuthz answers every request with one decision.
type decisionAuthz struct {
	d   auth.Decision
	err error
}

func (f decisionAuthz) Authorize(context.Context, *auth.Caller, auth.Request) (auth.Decision, error) {
	return f.d, f.err
}

func TestAuthorize(t *testing.T) {
	caller := &auth.Caller{ARN: "arn:aws:iam::000000000000:user/u"}
	req := auth.Request{Action: "logs:CreateLogGroup", Resource: "arn:aws:logs:us-east-1:000000000000:log-group:g"}
	broken := &storeError{Msg: "store down"}
	tests := []struct {
		name  string
		authz decisionAuthz
		code  awserr.Code
		want  error
	}{
		{"allowed", decisionAuthz{d: auth.Decision{Allowed: true}}, awserr.AccessDeniedException, nil},
		{"authorizer fails", decisionAuthz{err: broken}, awserr.AccessDeniedException, broken},
		{"denied, default wording", decisionAuthz{d: auth.Decision{Because: " because no identity-based policy allows the logs:CreateLogGroup action"}},
			awserr.AccessDeniedException, &awserr.Error{Code: awserr.AccessDeniedException,
				Message: "User: arn:aws:iam::000000000000:user/u is not authorized to perform: logs:CreateLogGroup on resource: " +
					"arn:aws:logs:us-east-1:000000000000:log-group:g because no identity-based policy allows the logs:CreateLogGroup action"}},
		{"denied, authorizer's wording, query code", decisionAuthz{d: auth.Decision{Message: "explicit", Because: " with an explicit deny"}},
			awserr.AccessDenied, &awserr.Error{Code: awserr.AccessDenied, Message: "explicit with an explicit deny"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Authorize(context.Background(), tc.authz, caller, req, tc.code)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// LogFailure: one Info line per failed request with its AWS code; the
// cause goes to an Error line only for an internal failure.
func TestLogFailure(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	e := LogFailure(log, "logs", "req-1", "PutLogEvents", "arn:aws:iam::000000000000:root", awserr.New(awserr.AccessDeniedException, "no"))
	if e.Code != awserr.AccessDeniedException {
		t.Errorf("code = %s", e.Code)
	}
	if got := buf.String(); !strings.Contains(got, `level=INFO msg="request failed" request_id=req-1 operation=PutLogEvents code=AccessDeniedException`) ||
		strings.Contains(got, "level=ERROR") {
		t.Errorf("denial logged as:\n%s", got)
	}
	buf.Reset()
	e = LogFailure(log, "logs", "req-2", "PutLogEvents", "", errors.New("disk on fire"))
	if e.Code != awserr.InternalFailure {
		t.Errorf("code = %s", e.Code)
	}
	if got := buf.String(); !strings.Contains(got, `level=ERROR msg="logs operation" request_id=req-2 operation=PutLogEvents err="disk on fire"`) {
		t.Errorf("internal failure logged as:\n%s", got)
	}
}
