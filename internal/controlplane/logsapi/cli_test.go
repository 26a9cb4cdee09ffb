package logsapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/logs"
)

func decodeOut(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

func messages(m map[string]any) []string {
	var out []string
	for _, e := range m["events"].([]any) {
		out = append(out, e.(map[string]any)["message"].(string))
	}
	return out
}

// TestCLILogs drives groups, streams and events with the real aws CLI.
func TestCLILogs(t *testing.T) {
	e := newEnv(t)
	g := "/aws/lambda/HelloWorldFunction"
	e.Must(t, e.Root, "logs", "create-log-group", "--log-group-name", g)
	e.Must(t, e.Root, "logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", "s1")
	now := time.Now().UnixMilli()
	var events []string
	for i := range 5 {
		events = append(events, `{"timestamp":`+strconv.FormatInt(now+int64(i), 10)+`,"message":"line `+strconv.Itoa(i)+`"}`)
	}
	e.Must(t, e.Root, "logs", "put-log-events", "--log-group-name", g, "--log-stream-name", "s1",
		"--log-events", "["+strings.Join(events, ",")+"]")

	t.Run("describe-log-groups", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"))
		gs := m["logGroups"].([]any)
		if len(gs) != 1 {
			t.Fatalf("describe-log-groups = %v", m)
		}
		got := gs[0].(map[string]any)
		if got["logGroupName"] != g || got["arn"] != "arn:aws:logs:us-east-1:"+acct+":log-group:"+g+":*" {
			t.Errorf("group = %v", got)
		}
	})
	t.Run("describe-log-streams", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "logs", "describe-log-streams", "--log-group-name", g,
			"--order-by", "LastEventTime", "--descending"))
		s := m["logStreams"].([]any)[0].(map[string]any)
		if s["logStreamName"] != "s1" || s["lastEventTimestamp"] != float64(now+4) {
			t.Errorf("stream = %v", s)
		}
	})
	t.Run("get-log-events", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "s1",
			"--start-from-head", "--limit", "2"))
		if diff := cmp.Diff([]string{"line 0", "line 1"}, messages(m)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		fwd := m["nextForwardToken"].(string)
		if !strings.HasPrefix(fwd, "f/") || len(fwd) != 58 || !strings.HasPrefix(m["nextBackwardToken"].(string), "b/") {
			t.Errorf("tokens %v", m)
		}
		m = decodeOut(t, e.Must(t, e.Root, "logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "s1",
			"--next-token", fwd, "--limit", "10"))
		if diff := cmp.Diff([]string{"line 2", "line 3", "line 4"}, messages(m)); diff != "" {
			t.Errorf("forward page (-want +got):\n%s", diff)
		}
	})
	t.Run("filter-log-events", func(t *testing.T) {
		m := decodeOut(t, e.Must(t, e.Root, "logs", "filter-log-events", "--log-group-name", g,
			"--filter-pattern", `"line 3"`, "--start-time", strconv.FormatInt(now, 10)))
		if diff := cmp.Diff([]string{"line 3"}, messages(m)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		ev := m["events"].([]any)[0].(map[string]any)
		if ev["logStreamName"] != "s1" || len(ev["eventId"].(string)) != 56 {
			t.Errorf("event = %v", ev)
		}
	})
	t.Run("retention", func(t *testing.T) {
		e.Must(t, e.Root, "logs", "put-retention-policy", "--log-group-name", g, "--retention-in-days", "7")
		m := decodeOut(t, e.Must(t, e.Root, "logs", "describe-log-groups"))
		if m["logGroups"].([]any)[0].(map[string]any)["retentionInDays"] != 7.0 {
			t.Errorf("retention not set: %v", m)
		}
		_, stderr, err := e.AWS(t, e.Root, "logs", "put-retention-policy", "--log-group-name", g, "--retention-in-days", "8")
		if err == nil || !strings.Contains(stderr, "(InvalidParameterException) when calling the PutRetentionPolicy operation: 1 validation error detected: Value '8' at 'retentionInDays'") {
			t.Errorf("bad retention: %v %s", err, stderr)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "logs", "create-log-group", "--log-group-name", g)
		if err == nil || !strings.Contains(stderr, "(ResourceAlreadyExistsException) when calling the CreateLogGroup operation: The specified log group already exists") {
			t.Errorf("duplicate group: %v %s", err, stderr)
		}
		_, stderr, err = e.AWS(t, e.Root, "logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "nope")
		if err == nil || !strings.Contains(stderr, "(ResourceNotFoundException) when calling the GetLogEvents operation: The specified log stream does not exist.") {
			t.Errorf("missing stream: %v %s", err, stderr)
		}
	})
	t.Run("delete", func(t *testing.T) {
		e.Must(t, e.Root, "logs", "delete-log-group", "--log-group-name", g)
		m := decodeOut(t, e.Must(t, e.Root, "logs", "describe-log-groups"))
		if len(m["logGroups"].([]any)) != 0 {
			t.Errorf("group still listed: %v", m)
		}
	})
}

// TestCLIDenied checks the Logs AccessDeniedException wording.
func TestCLIDenied(t *testing.T) {
	e := newEnv(t)
	_, stderr, err := e.AWS(t, e.User, "logs", "create-log-group", "--log-group-name", "g1")
	want := "An error occurred (AccessDeniedException) when calling the CreateLogGroup operation: User: arn:aws:iam::" + acct +
		":user/api-gateway-user is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:" + acct +
		":log-group:g1:log-stream: because no identity-based policy allows the logs:CreateLogGroup action"
	if err == nil || strings.TrimSpace(stderr) != want {
		t.Errorf("stderr:\n%s", cmp.Diff(want, strings.TrimSpace(stderr)))
	}
}

func TestPageEvents(t *testing.T) {
	var evs []logs.Event
	for i := int64(1); i <= 5; i++ {
		evs = append(evs, logs.Event{Seq: i, Message: strconv.FormatInt(i, 10)})
	}
	seqs := func(p []logs.Event) []int64 {
		var out []int64
		for _, e := range p {
			out = append(out, e.Seq)
		}
		return out
	}
	tests := []struct {
		name     string
		tok      string
		head     bool
		limit    int
		want     []int64
		fwd, bwd string
	}{
		{"tail", "", false, 2, []int64{4, 5}, token('f', 5), token('b', 4)},
		{"head", "", true, 2, []int64{1, 2}, token('f', 2), token('b', 1)},
		{"forward", token('f', 2), false, 2, []int64{3, 4}, token('f', 4), token('b', 3)},
		{"backward", token('b', 4), false, 2, []int64{2, 3}, token('f', 3), token('b', 2)},
		{"end keeps token", token('f', 5), false, 2, nil, token('f', 5), token('f', 5)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, fwd, bwd, err := pageEvents(evs, tc.tok, tc.head, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, seqs(p)); diff != "" || fwd != tc.fwd || bwd != tc.bwd {
				t.Errorf("fwd %s bwd %s (-want +got):\n%s", fwd, bwd, diff)
			}
		})
	}
	if _, _, _, err := pageEvents(evs, "x/1", false, 1); err == nil {
		t.Error("bad token accepted")
	}
}

// FuzzDecode checks that any body either decodes into every operation's
// input or fails with SerializationException, never panicking, and that
// tokens round-trip.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"logGroupName":"/aws/lambda/f","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}`), "f/00000000000000000000000000000000000000000000000000000001")
	f.Add([]byte(`{"limit":"x"}`), "b/2")
	f.Add([]byte(``), "")
	f.Add([]byte(`[1,2]`), "f/-1")
	f.Fuzz(func(t *testing.T, body []byte, tok string) {
		var in struct {
			LogGroupName string       `json:"logGroupName"`
			LogEvents    []inputEvent `json:"logEvents"`
			Limit        int          `json:"limit"`
		}
		if err := decode(body, &in); err != nil && err.Error() != "SerializationException: " {
			t.Fatalf("decode error %v", err)
		}
		if dir, seq, err := parseToken(tok); err == nil {
			if d2, s2, err := parseToken(token(dir, seq)); err != nil || d2 != dir || s2 != seq {
				t.Fatalf("token %q does not round-trip", tok)
			}
		}
	})
}
