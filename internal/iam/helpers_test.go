package iam

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

const acct = "123456789012"

var t0 = time.Date(2022, 7, 1, 9, 30, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

type fixture struct {
	svc   *Service
	st    *sqlite.Store
	clock *clock
	dir   string
}

// newFixture opens a Service over a fresh sqlite file in dir ("" = a new temp dir).
func newFixture(t *testing.T, dir string) *fixture {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := sqlite.Open(filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sl, err := seal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: t0}
	svc := New(st, sl, Options{AccountID: acct, Now: c.Now})
	return &fixture{svc: svc, st: st, clock: c, dir: dir}
}

var ctx = context.Background()

// wantErr checks an error's AWS code and exact message; code "" wants nil.
func wantErr(t *testing.T, err error, code awserr.Code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got nil error, want %s: %s", code, msg)
	}
	ae := awserr.As(err)
	if ae.Code != code || ae.Message != msg {
		t.Fatalf("got %s: %q\nwant %s: %q", ae.Code, ae.Message, code, msg)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var (
	userIDRE    = regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`)
	roleIDRE    = regexp.MustCompile(`^AROA[A-Z2-7]{17}$`)
	groupIDRE   = regexp.MustCompile(`^AGPA[A-Z2-7]{17}$`)
	policyIDRE  = regexp.MustCompile(`^ANPA[A-Z2-7]{17}$`)
	keyIDRE     = regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	sessionIDRE = regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`)
	secretRE    = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

const trustLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
