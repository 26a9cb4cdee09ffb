package sqlite

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// The hand-written encoding must be encoding/json's, byte for byte: the
// log's readers decode it with encoding/json, and rows written before it
// came from json.Marshal.
func TestAppendDecisionIsJSONMarshal(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 3, 18, 53, 27, 123456789, time.UTC)
	for _, d := range []store.Decision{
		{},
		{Time: at, Principal: "arn:aws:iam::000000000000:user/u", Caller: "arn:aws:iam::000000000000:user/u",
			Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", Effect: "Allow",
			RequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", Statement: `statement 0 of inline policy "p"`, Reason: "identity-based policy allows"},
		{Time: at.AddDate(-2000, 0, 0), Audited: true, Effect: "ImplicitDeny", Reason: "a <b> & \"c\" \\ \n\t é \u2028 \xff"},
		{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)), Effect: "ExplicitDeny"},
	} {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDecision(nil, d); string(got) != string(want) {
			t.Errorf("appendDecision:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendDecision(f *testing.F) {
	f.Add("arn:aws:iam::000000000000:user/u", "execute-api:Invoke", "why <&> \"q\"", int64(1764700000123456789), true)
	f.Add("", "", "\xff\x00\u2029", int64(0), false)
	f.Fuzz(func(t *testing.T, principal, action, reason string, ns int64, audited bool) {
		d := store.Decision{Time: time.Unix(0, ns).UTC(), Principal: principal, Caller: principal, Action: action,
			Resource: reason, Effect: "Allow", Audited: audited, Statement: action, Reason: reason, RequestID: principal}
		want, err := json.Marshal(d)
		if err != nil {
			return // a year MarshalJSON refuses
		}
		if got := appendDecision(nil, d); string(got) != string(want) {
			t.Fatalf("appendDecision:\n got %s\nwant %s", got, want)
		}
	})
}
