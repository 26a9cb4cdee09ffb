package iampolicy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Wordings from https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
// ("... because no identity-based policy allows the ... action", "... with an
// explicit deny in a resource-based policy") and, for the legacy form API
// Gateway sends, shared/conformance/apigw-errors.md and
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
func TestDenyMessage(t *testing.T) {
	const head = "User: " + userARN + " is not authorized to perform: execute-api:Invoke on resource: " + apiARN
	cases := []struct {
		name       string
		req        Request
		set        Set
		want, lgcy string
	}{
		{"implicit identity", req(user()), Set{},
			head + " because no identity-based policy allows the execute-api:Invoke action", head},
		{"explicit identity", req(user()), Set{Identity: ids(denyInvoke)},
			head + " with an explicit deny in an identity-based policy", head + " with an explicit deny"},
		{"explicit resource", req(user()), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Deny", "*"))},
			head + " with an explicit deny in a resource-based policy", head + " with an explicit deny"},
		{"implicit boundary", req(user()), Set{Identity: ids(allowInvoke), Boundary: bnd(allowS3)},
			head + " because no permissions boundary allows the execute-api:Invoke action", head},
		{"explicit boundary", req(user()), Set{Identity: ids(allowInvoke), Boundary: bnd(denyInvoke)},
			head + " with an explicit deny in a permissions boundary", head + " with an explicit deny"},
		{"implicit session", req(session()), Set{Identity: ids(allowInvoke), Session: sess(allowS3)},
			"User: " + sessARN + " is not authorized to perform: execute-api:Invoke on resource: " + apiARN + " because no session policy allows the execute-api:Invoke action",
			"User: " + sessARN + " is not authorized to perform: execute-api:Invoke on resource: " + apiARN},
		{"explicit session", req(session()), Set{Identity: ids(allowInvoke), Session: sess(denyInvoke)},
			"User: " + sessARN + " is not authorized to perform: execute-api:Invoke on resource: " + apiARN + " with an explicit deny in a session policy",
			"User: " + sessARN + " is not authorized to perform: execute-api:Invoke on resource: " + apiARN + " with an explicit deny"},
		{"cross account resource", xreq(userIn(other, "v")), Set{Identity: ids(allowInvoke)},
			"User: arn:aws:iam::111111111111:user/v is not authorized to perform: execute-api:Invoke on resource: " + apiARN + " because no resource-based policy allows the execute-api:Invoke action",
			"User: arn:aws:iam::111111111111:user/v is not authorized to perform: execute-api:Invoke on resource: " + apiARN},
		{"anonymous", req(anonymous()), Set{},
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + apiARN + " because no resource-based policy allows the execute-api:Invoke action",
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + apiARN},
		{"allowed", req(user()), Set{Identity: ids(allowInvoke)}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Evaluate(&tc.req, tc.set)
			got := []string{d.DenyMessage(&tc.req), d.LegacyDenyMessage(&tc.req)}
			if diff := cmp.Diff([]string{tc.want, tc.lgcy}, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			// DenyParts: the shared head, then the newer clause.
			msg, head := d.DenyParts(&tc.req)
			if msg != tc.want || msg[:head] != strings.TrimSuffix(tc.lgcy, " with an explicit deny") {
				t.Errorf("DenyParts = %q, %d", msg, head)
			}
		})
	}
}

func TestTrace(t *testing.T) {
	r := req(user())
	r.Context = ctx("aws:SourceIp", "10.0.0.1")
	set := Set{
		Identity: ids(allowS3, doc(stmt("Sid", "FromLoopback", "Effect", "Allow", "Action", invoke, "Resource", "*",
			"Condition", map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "127.0.0.0/8"}}))),
		Resource: ress(resPolicy("Allow", map[string]any{"AWS": "arn:aws:iam::000000000000:user/bob"})),
	}
	d := Evaluate(&r, set)
	var got []string
	for _, s := range d.Trace {
		got = append(got, s.String())
	}
	want := []string{
		`identity-based policy "identity-based policy 0" statement 0 Allow: action: no Action entry matches`,
		`identity-based policy "identity-based policy 1" statement 0 (FromLoopback) Allow: condition failed: IpAddress aws:SourceIp [127.0.0.0/8] (request [10.0.0.1]: no policy value matches)`,
		`resource-based policy "resource-based policy 0" statement 0 Allow: principal: principal not listed`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
	if d.Effect != ImplicitDeny || d.Reason != "implicit deny: no identity-based policy allows the action" {
		t.Errorf("decision = %v %q", d.Effect, d.Reason)
	}
	r.Context = ctx("aws:SourceIp", "127.0.0.1")
	d = Evaluate(&r, set)
	want2 := &Match{Layer: LayerIdentity, Policy: "identity-based policy 1", Sid: "FromLoopback", Index: 0, Effect: "Allow"}
	if diff := cmp.Diff(want2, d.Statement); diff != "" {
		t.Errorf("deciding statement (-want +got):\n%s", diff)
	}
}

// TestMatchString: the statement's name in reasons, as fmt wrote it.
func TestMatchString(t *testing.T) {
	for _, m := range []Match{{Policy: "user/x inline p", Index: 0}, {Policy: "p", Index: 12, Sid: "FromLoopback"}, {Index: -1}} {
		want := fmt.Sprintf("(%s, statement %d", m.Policy, m.Index)
		if m.Sid != "" {
			want += " " + m.Sid
		}
		want += ")"
		if got := m.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}
