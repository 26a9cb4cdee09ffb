package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// oldSchema is the decision log as data dirs before batches hold it.
const oldSchema = `
CREATE TABLE decisions (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        INTEGER NOT NULL,
	principal TEXT    NOT NULL,
	value     BLOB    NOT NULL
);
CREATE INDEX decisions_principal_at ON decisions (principal, at);`

// writeOld makes a data dir file with the old decision log holding ds
// (after trimmed ones: the numbers start past 1) and, if bad, a row that
// does not decode.
func writeOld(t *testing.T, path string, ds []store.Decision, bad bool) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(oldSchema); err != nil {
		t.Fatal(err)
	}
	ins := `INSERT INTO decisions (seq, at, principal, value) VALUES (?, ?, ?, ?)`
	for i, d := range ds {
		v, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ins, 1000+i, d.Time.UnixNano(), d.Principal, v); err != nil {
			t.Fatal(err)
		}
	}
	if bad {
		if _, err := db.Exec(ins, 5000, 0, "p", []byte("{not json")); err != nil {
			t.Fatal(err)
		}
	}
}

func oldLog(n int) []store.Decision {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 5, time.UTC)
	ds := make([]store.Decision, n)
	for i := range ds {
		p := "arn:aws:iam::000000000000:user/u" + string(rune('a'+i%3))
		ds[i] = store.Decision{Time: t0.Add(time.Duration(i) * time.Second), RequestID: "req-" + string(rune('A'+i%26)), Principal: p, Caller: p,
			Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", Effect: "ImplicitDeny",
			Reason: "no identity-based policy allows", Audited: i%7 == 0}
	}
	return ds
}

// An old data dir's decisions survive Open, in order, all of them (more
// than one batch's worth), selectable as before; the old table is gone,
// new decisions follow them and the retention bound counts both.
func TestOpenConvertsOldDecisionLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	old := oldLog(600)
	writeOld(t, path, old, false)
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ignoreSeq := cmpopts.IgnoreFields(store.Decision{}, "Seq")
	check := func(name string, q store.DecisionQuery, want []store.Decision) []store.Decision {
		t.Helper()
		got, err := s.Decisions(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got, ignoreSeq, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
		return got
	}
	check("converted", store.DecisionQuery{}, old)
	var ub []store.Decision
	for _, d := range old[300:] {
		if d.Principal == old[1].Principal {
			ub = append(ub, d)
		}
	}
	check("by principal since", store.DecisionQuery{Principal: old[1].Principal, Since: old[300].Time}, ub)

	var n int
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'decisions%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("old table and index left: %d (%v)", n, err)
	}

	more := oldLog(3)
	if err := s.AppendDecisions(ctx, more, 500); err != nil {
		t.Fatal(err)
	}
	got := check("appended and trimmed", store.DecisionQuery{}, append(append([]store.Decision(nil), old[103:]...), more...))
	if got[len(got)-1].Seq <= got[0].Seq {
		t.Errorf("new decisions numbered before the converted ones: %d, %d", got[0].Seq, got[len(got)-1].Seq)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlite.Open(path); err != nil { // nothing left to convert
		t.Fatal(err)
	}
	defer s.Close()
	check("reopened", store.DecisionQuery{}, got)
}

// A row that does not decode stops Open, saying which, and the old table
// stays as it was: nothing is dropped unread.
func TestOpenKeepsUnreadableOldDecisionLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	writeOld(t, path, oldLog(300), true)
	s, err := sqlite.Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded over an undecodable decision")
	}
	if !strings.Contains(err.Error(), "decision 5000") {
		t.Errorf("error %q does not name the row", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM decisions`).Scan(&n); err != nil || n != 301 {
		t.Errorf("old table holds %d rows (%v), want 301", n, err)
	}
}
