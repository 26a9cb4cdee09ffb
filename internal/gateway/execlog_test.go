package gateway

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
)

// recordedLogs keeps the lines written, by group.
type recordedLogs struct {
	mu    sync.Mutex
	lines map[string][]string
}

func (r *recordedLogs) PutAccessLog(_ context.Context, group, _ string, _ time.Time, line string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lines == nil {
		r.lines = map[string][]string{}
	}
	r.lines[group] = append(r.lines[group], line)
	return nil
}

func (r *recordedLogs) take(group string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lines[group]
	delete(r.lines, group)
	return l
}

// TestExecutionLogs: the stage's LoggingLevel decides what a request
// writes to API-Gateway-Execution-Logs_{restApiId}/{stageName}, each line
// led by "(request id)", in the order and words of API Gateway's
// execution logs (https://repost.aws/knowledge-center/api-gateway-logs,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
func TestExecutionLogs(t *testing.T) {
	f, _ := newIntegrationFixture(t)
	rec := &recordedLogs{}
	f.gw.o.AccessLogs = rec
	snap, _ := f.gw.o.APIs.Deployed(t.Context(), testAPI, "v1")
	snap.Stage.MethodSettings = map[string]apigw.MethodSettings{
		apigw.AllMethods: {LoggingLevel: "INFO", DataTraceEnabled: true},
		"broken/GET":     {LoggingLevel: "ERROR"},
		"cors/OPTIONS":   {LoggingLevel: "ERROR"},
		"s3/GET":         {LoggingLevel: "OFF"},
	}
	group := "API-Gateway-Execution-Logs_" + testAPI + "/v1"
	const rid = "(c6af9ac6-7b61-11e6-9a41-93e8deadbeef) "

	w := f.do(t, http.MethodGet, "/v1/cors?code=200", "", map[string]string{"X-Api-Key": "abcdefghijklmnopqrst"})
	got := rec.take(group)
	if len(got) < 2 || !strings.HasPrefix(got[len(got)-3], rid+"Method response headers: {") {
		t.Fatalf("INFO lines: %q", got)
	}
	got = append(got[:len(got)-3], got[len(got)-2:]...)
	want := []string{
		rid + "Extended Request Id: " + w.Header().Get("x-amz-apigw-id"),
		rid + "Starting execution for request: c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		rid + "HTTP Method: GET, Resource Path: /cors",
		rid + "Method request path: {}",
		rid + "Method request query string: {code=200}",
		rid + "Method request headers: {X-Api-Key=**************opqrst}",
		rid + "Successfully completed execution",
		rid + "Method completed with status: 200",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("INFO with data trace (-want +got):\n%s", diff)
	}

	// ERROR: only a failed request writes, its failure and its status.
	if w := f.do(t, http.MethodGet, "/v1/broken", "", nil); w.Code != 500 {
		t.Fatalf("broken: %d %s", w.Code, w.Body)
	}
	got = rec.take(group)
	if len(got) != 2 || !strings.HasPrefix(got[0], rid+"Execution failed due to configuration error: Unable to transform request") ||
		got[1] != rid+"Method completed with status: 500" {
		t.Errorf("ERROR lines of a failure: %q", got)
	}
	f.do(t, http.MethodOptions, "/v1/cors", "", nil)
	if got := rec.take(group); len(got) != 0 {
		t.Errorf("ERROR lines of a success: %q", got)
	}
	f.do(t, http.MethodGet, "/v1/s3", "", nil)
	if got := rec.take(group); len(got) != 0 {
		t.Errorf("OFF wrote: %q", got)
	}
	// No settings, no execution log.
	snap.Stage.MethodSettings = nil
	f.do(t, http.MethodGet, "/v1/cors?code=200", "", nil)
	if got := rec.take(group); len(got) != 0 {
		t.Errorf("no settings wrote: %q", got)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"": "", "short": "*****", "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abcdef123456": strings.Repeat("*", 52) + "123456"} {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}
