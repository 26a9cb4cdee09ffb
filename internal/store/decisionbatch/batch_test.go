package decisionbatch

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/store"
)

var (
	at    = time.Date(2026, 12, 3, 18, 53, 27, 123456789, time.UTC)
	alice = "arn:aws:iam::000000000000:user/alice"
	bob   = "arn:aws:iam::000000000000:role/bob"
)

// sample is a batch with every kind of field: repeated and fresh strings,
// empty ones, an audited denial, times out of order, in another zone, the
// zero time, years MarshalJSON refuses, bytes that are not UTF-8.
func sample() []store.Decision {
	deny := "User: " + alice + " is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello because no identity-based policy allows the execute-api:Invoke action"
	return []store.Decision{
		{Time: at, RequestID: "r1", Principal: alice, Caller: alice, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", Effect: "ImplicitDeny", Reason: deny},
		{Time: at.Add(time.Millisecond), RequestID: "r2", Principal: alice, Caller: alice, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", Effect: "ImplicitDeny", Reason: deny, Audited: true},
		{Time: at.Add(-time.Hour), RequestID: "r2", Principal: bob, Caller: bob + "/session", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Effect: "Allow", Statement: `statement 0 of inline policy "p"`},
		{Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600)), Principal: alice, Caller: alice, Effect: "ExplicitDeny", Reason: "a <b> & \"c\" \\ \n\t é \u2028 \xff\x00"},
		{},
		{Time: at.AddDate(-3000, 0, 0), Principal: "anonymous", Caller: "anonymous", Action: "execute-api:Invoke", Effect: "ImplicitDeny"},
		{Time: at.AddDate(9000, 0, 0), Principal: alice, Caller: alice, Action: "iam:CreateRole", Effect: "Allow"},
	}
}

// want is ds as Select returns them: numbered from first, times in UTC.
func want(ds []store.Decision, first int64) []store.Decision {
	out := make([]store.Decision, len(ds))
	for i, d := range ds {
		d.Seq, d.Time = first+int64(i), d.Time.UTC()
		out[i] = d
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	var e Encoder
	for _, ds := range [][]store.Decision{sample(), sample()[:1], nil} {
		v := e.Encode(nil, ds) // the same Encoder each time: its scratch is reused
		got, err := Select(nil, v, 41, 0, store.DecisionQuery{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want(ds, 41), got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

// A batch of one client's denials stores each repeated string once: the
// row is its request ids and times, not 256 copies of the reason.
func TestRepeatedStringsStoredOnce(t *testing.T) {
	t.Parallel()
	one := sample()[0]
	ds := make([]store.Decision, MaxLen)
	for i := range ds {
		ds[i] = one
		ds[i].RequestID = "c6af9ac6-7b61-11e6-9a41-93e8" + time.Duration(i).String()
		ds[i].Time = at.Add(time.Duration(i) * time.Microsecond)
	}
	var e Encoder
	single := len(e.Encode(nil, ds[:1]))
	all := len(e.Encode(nil, ds))
	if perDecision := (all - single) / (MaxLen - 1); perDecision > 64 {
		t.Errorf("each further decision takes %d bytes (one alone %d): repeated strings are stored again", perDecision, single)
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	ds := sample()
	v := new(Encoder).Encode(nil, ds)
	all := want(ds, 100)
	for _, tc := range []struct {
		name  string
		floor int64
		q     store.DecisionQuery
		limit int
		want  []store.Decision
	}{
		{"all", 0, store.DecisionQuery{}, 0, all},
		{"principal", 0, store.DecisionQuery{Principal: alice}, 0, []store.Decision{all[0], all[1], all[3], all[6]}},
		{"principal absent", 0, store.DecisionQuery{Principal: "arn:aws:iam::000000000000:user/nobody"}, 0, nil},
		// A principal that is only another field's string selects nothing.
		{"principal as caller only", 0, store.DecisionQuery{Principal: bob + "/session"}, 0, nil},
		{"since, exact nanosecond included", 0, store.DecisionQuery{Principal: alice, Since: at.Add(time.Millisecond)}, 0, []store.Decision{all[1], all[6]}},
		{"since within the second", 0, store.DecisionQuery{Since: at.Add(time.Millisecond + 1)}, 0, []store.Decision{all[6]}},
		{"floor hides the older", 102, store.DecisionQuery{}, 0, all[2:]},
		{"floor past the batch", 107, store.DecisionQuery{}, 0, nil},
		{"limit", 0, store.DecisionQuery{Principal: alice}, 2, []store.Decision{all[0], all[1]}},
		{"limit counts what out held", 101, store.DecisionQuery{}, 3, all[1:4]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Select(nil, v, 100, tc.floor, tc.q, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Select appends: what out held stays, and counts towards the limit.
	held := []store.Decision{{Principal: "earlier"}}
	got, err := Select(held, v, 100, 0, store.DecisionQuery{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(held, all[:2]...), got); diff != "" {
		t.Errorf("appending (-want +got):\n%s", diff)
	}
}

// A principal that is also another decision's request id is in the table
// twice (request ids skip the encoder's map): both entries select.
func TestSelectPrincipalStoredTwice(t *testing.T) {
	t.Parallel()
	ds := []store.Decision{{Time: at, RequestID: alice, Principal: bob}, {Time: at, RequestID: "r2", Principal: alice}}
	got, err := Select(nil, new(Encoder).Encode(nil, ds), 1, 0, store.DecisionQuery{Principal: alice}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(ds, 1)[1:], got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMaxUnix(t *testing.T) {
	t.Parallel()
	if got, want := MaxUnix(sample()), at.AddDate(9000, 0, 0).Unix(); got != want {
		t.Errorf("MaxUnix = %d, want %d", got, want)
	}
	before := []store.Decision{{Time: time.Unix(-20, 0)}, {Time: time.Unix(-10, 5)}}
	if got := MaxUnix(before); got != -10 {
		t.Errorf("MaxUnix of times before 1970 = %d, want -10", got)
	}
}

// Every truncation and a sample of corruptions of a good value fail with
// ErrCorrupt (or read as another valid batch), never panic.
func TestCorrupt(t *testing.T) {
	t.Parallel()
	v := new(Encoder).Encode(nil, sample())
	for n := range len(v) {
		if _, err := Select(nil, v[:n], 1, 0, store.DecisionQuery{}, 0); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: err = %v, want ErrCorrupt", n, err)
		}
	}
	for _, bad := range [][]byte{{2}, {version, 0, 1}, {version, 0xff, 0xff, 0xff, 0xff, 0x0f}, append(append([]byte(nil), v...), 0)} {
		if _, err := Select(nil, bad, 1, 0, store.DecisionQuery{}, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%x: err = %v, want ErrCorrupt", bad, err)
		}
	}
}

func FuzzSelect(f *testing.F) {
	f.Add(new(Encoder).Encode(nil, sample()), alice)
	f.Add(new(Encoder).Encode(nil, nil), "")
	f.Add([]byte{version, 1, 1, 'a', 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, "a")
	f.Fuzz(func(t *testing.T, v []byte, principal string) {
		got, err := Select(nil, v, 1, 0, store.DecisionQuery{Principal: principal}, 0)
		if err != nil {
			return
		}
		// What reads back encodes to a value that reads back the same
		// (numbered afresh: the selection may have skipped some).
		again, err := Select(nil, new(Encoder).Encode(nil, got), 1, 0, store.DecisionQuery{}, 0)
		if err != nil {
			t.Fatalf("re-encoded batch: %v", err)
		}
		if diff := cmp.Diff(got, again, cmpopts.IgnoreFields(store.Decision{}, "Seq"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("re-encoded batch (-first +again):\n%s", diff)
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	one := sample()[0]
	ds := make([]store.Decision, MaxLen)
	for i := range ds {
		ds[i] = one
		ds[i].RequestID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"[:28] + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	var e Encoder
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = e.Encode(buf[:0], ds)
	}
}
