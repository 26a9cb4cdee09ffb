package audit

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/store"
)

func TestParseModeAndWaives(t *testing.T) {
	const (
		fnSession = "arn:aws:sts::000000000000:assumed-role/MyFunctionRole/my-function"
		fnRole    = "arn:aws:iam::000000000000:role/service/MyFunctionRole"
		user      = "arn:aws:iam::000000000000:user/api-gateway-user"
		other     = "arn:aws:sts::000000000000:assumed-role/OtherRole/s"
	)
	cases := []struct {
		name    string
		flags   []string
		mode    string
		waives  []string
		enforce []string
	}{
		{"default", nil, "enforce", nil, []string{user, fnSession, "anonymous"}},
		{"enforce", []string{"enforce"}, "enforce", nil, []string{user}},
		{"audit", []string{"audit"}, "audit", []string{user, fnSession, "anonymous"}, nil},
		{"one role", []string{"audit:role/MyFunctionRole"}, "audit:role/MyFunctionRole", []string{fnSession, fnRole}, []string{user, other}},
		{"comma list", []string{"audit:role/MyFunctionRole,user/api-gateway-user"}, "audit:role/MyFunctionRole,user/api-gateway-user",
			[]string{fnSession, user}, []string{other}},
		{"repeated", []string{"audit:role/OtherRole", "audit:" + user}, "audit:role/OtherRole," + user, []string{other, user}, []string{fnSession}},
		{"role ARN with path covers sessions", []string{"audit:" + fnRole}, "audit:" + fnRole, []string{fnSession}, []string{other}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMode(tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			if m.String() != tc.mode {
				t.Errorf("String = %q, want %q", m, tc.mode)
			}
			for _, c := range tc.waives {
				if !m.Waives(c) {
					t.Errorf("%s does not waive %s", m, c)
				}
			}
			for _, c := range tc.enforce {
				if m.Waives(c) {
					t.Errorf("%s waives %s", m, c)
				}
			}
		})
	}
	for _, bad := range []string{"audit:", "audit:bucket/x", "audti", "audit:role/", "audit:arn:aws:s3:::b"} {
		if _, err := ParseMode([]string{bad}); err == nil {
			t.Errorf("ParseMode(%q) accepted", bad)
		}
	}
}

func TestPrincipalKey(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:sts::000000000000:assumed-role/R/session": "arn:aws:iam::000000000000:role/R",
		"arn:aws:iam::000000000000:role/path/to/R":         "arn:aws:iam::000000000000:role/R",
		"arn:aws:iam::000000000000:user/division/alice":    "arn:aws:iam::000000000000:user/alice",
		"arn:aws:iam::000000000000:root":                   "arn:aws:iam::000000000000:root",
		"arn:aws:iam::000000000000:user/alice":             "arn:aws:iam::000000000000:user/alice",
		"arn:aws:iam:us-east-1:000000000000:user/alice":    "arn:aws:iam::000000000000:user/alice",
		"arn:aws-cn:iam::000000000000:role/R":              "arn:aws-cn:iam::000000000000:role/R",
		"arn:aws:iam::000000000000:user/":                  "arn:aws:iam::000000000000:user/",
		"arn:aws:iam::000000000000":                        "arn:aws:iam::000000000000",
		"arn:aws:s3:::bucket/user/x":                       "arn:aws:s3:::bucket/user/x",
		"anonymous":                                        "anonymous",
		"lambda.amazonaws.com":                             "lambda.amazonaws.com",
	} {
		if got := PrincipalKey(in); got != want {
			t.Errorf("PrincipalKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// sink is the store's decision log as the Auditor sees it, in memory; a
// unit-test stand-in for the sqlite and postgres backends.
type sink struct {
	mu   sync.Mutex
	got  []store.Decision
	keep int
}

func (s *sink) AppendDecisions(_ context.Context, ds []store.Decision, keep int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, ds...)
	s.keep = keep
	return nil
}

var denied = auth.Decision{Message: "User: arn:aws:iam::000000000000:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k",
	Because: " because no identity-based policy allows the s3:GetObject action"}

func TestHandlerAuditsAndRecords(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	caller := &auth.Caller{ARN: "arn:aws:iam::000000000000:user/u"}
	req := auth.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	cases := []struct {
		name     string
		mode     []string
		decision auth.Decision
		header   string
		allowed  bool
		logged   bool
	}{
		{"enforce denies", nil, denied, "", false, false},
		{"audit serves the denial", []string{"audit"}, denied, "deny", true, true},
		{"audit of another principal enforces", []string{"audit:user/v"}, denied, "", false, false},
		{"allowed is untouched", []string{"audit"}, auth.Decision{Allowed: true, Statement: &iampolicy.Match{Layer: iampolicy.LayerIdentity, Policy: "p", Effect: "Allow"}}, "", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			mode, _ := ParseMode(tc.mode)
			sk := &sink{}
			a := New(Options{Mode: mode, Sink: sk, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return at }, Keep: 7})
			var got auth.Decision
			h := a.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("x-amzn-RequestId", "req-1")
				got = a.Decide(r.Context(), caller, req, tc.decision)
				if got.Allowed {
					w.WriteHeader(200)
				} else {
					w.WriteHeader(403)
				}
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if err := a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got.Allowed != tc.allowed || rec.Header().Get(DecisionHeader) != tc.header {
				t.Fatalf("allowed %v, header %q; want %v, %q", got.Allowed, rec.Header().Get(DecisionHeader), tc.allowed, tc.header)
			}
			if l := logs.String(); strings.Contains(l, "audit mode") != tc.logged ||
				(tc.logged && !strings.Contains(l, "served request req-1 that IAM denies (ImplicitDeny): "+denied.Message+denied.Because)) {
				t.Fatalf("log:\n%s", l)
			}
			effect, reason, statement := "ImplicitDeny", strings.TrimSpace(denied.Message+denied.Because), ""
			if tc.decision.Allowed {
				effect, reason, statement = "Allow", "", `identity-based policy "p" statement 0 Allow`
			}
			want := []store.Decision{{Time: at, RequestID: "req-1", Principal: caller.ARN, Caller: caller.ARN, Action: req.Action, Resource: req.Resource,
				Effect: effect, Audited: tc.header != "", Statement: statement, Reason: reason}}
			if d := cmp.Diff(want, sk.got); d != "" || sk.keep != 7 {
				t.Fatalf("recorded (-want +got):\n%s (keep %d)", d, sk.keep)
			}
		})
	}
}

func TestUnrecordedAndOutsideRequests(t *testing.T) {
	sk := &sink{}
	mode, _ := ParseMode([]string{"audit"})
	a := New(Options{Mode: mode, Sink: sk, Unrecorded: func(r *http.Request) bool { return r.URL.Path == "/why" }})
	caller := &auth.Caller{ARN: "arn:aws:iam::000000000000:user/u"}
	var got auth.Decision
	h := a.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = a.Decide(r.Context(), caller, auth.Request{Action: "s3:GetObject"}, denied)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/why", nil))
	if got.Allowed {
		t.Error("a why question was waived")
	}
	// A decision outside any request (a deployment's) is recorded at once.
	if d := a.Decide(context.Background(), nil, auth.Request{Action: "iam:CreateRole"}, denied); !d.Allowed {
		t.Error("audit mode did not waive a decision outside a request")
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sk.got) != 1 || sk.got[0].Action != "iam:CreateRole" || sk.got[0].Caller != "anonymous" || sk.got[0].RequestID != "" {
		t.Fatalf("recorded %+v", sk.got)
	}
	// After Close nothing is queued, and nothing blocks.
	a.Decide(context.Background(), caller, auth.Request{Action: "s3:PutObject"}, denied)
}

// batches counts the sink's writes.
type batches struct {
	sink
	writes int
}

func (b *batches) AppendDecisions(ctx context.Context, ds []store.Decision, keep int) error {
	b.mu.Lock()
	b.writes++
	b.mu.Unlock()
	return b.sink.AppendDecisions(ctx, ds, keep)
}

// TestFlushBatches: decisions made within FlushDelay go to the store in
// one write, and Flush stores what is queued before it returns, so a read
// right after a request sees its decision.
func TestFlushBatches(t *testing.T) {
	sk := &batches{}
	a := New(Options{Sink: sk, FlushDelay: time.Hour})
	caller := &auth.Caller{ARN: "arn:aws:iam::000000000000:user/u"}
	req := auth.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	const n = 300 // more than one batch
	for range n {
		a.Decide(context.Background(), caller, req, denied)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	sk.mu.Lock()
	got, writes := len(sk.got), sk.writes
	sk.mu.Unlock()
	if got != n || writes != 2 {
		t.Errorf("after Flush: %d decisions in %d writes, want %d in 2 (batches of %d)", got, writes, n, maxBatch)
	}
	if err := a.Flush(ctx); err != nil { // nothing queued: no write
		t.Fatal(err)
	}
	a.Decide(context.Background(), caller, req, denied)
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(ctx); err != nil { // after Close: nothing to do
		t.Fatal(err)
	}
	sk.mu.Lock()
	defer sk.mu.Unlock()
	if len(sk.got) != n+1 || sk.writes != 3 {
		t.Errorf("after Close: %d decisions in %d writes, want %d in 3", len(sk.got), sk.writes, n+1)
	}
}
