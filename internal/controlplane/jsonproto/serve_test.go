package jsonproto

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

// The awsJson1.1 wire rules Serve owns, over the Logs table: the
// operation is the X-Amz-Target after the prefix, on POST only
// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html), an
// unknown one is UnknownOperationException, and the body is capped.
func TestServe(t *testing.T) {
	ep := &Endpoint{Name: "logs", TargetPrefix: "Logs_20140328.", ContentType: "application/x-amz-json-1.1", MaxBody: 8,
		Errors: awserr.Logs, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		TooLarge: func(n int) error { return awserr.New("InvalidParameterException", "%d over", n) }}
	var gotBody string
	find := func(name string) (Op, error) {
		switch name {
		case "Echo":
			return func(body []byte) (any, error) {
				gotBody = string(body)
				return map[string]string{"got": string(body)}, nil
			}, nil
		case "Refused":
			return nil, awserr.New(awserr.AccessDeniedException, "no")
		case "Broken":
			return func([]byte) (any, error) { return nil, errors.New("disk on fire") }, nil
		}
		return nil, nil
	}
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		want                       string // in the answer's body
	}{
		{"ok", http.MethodPost, "Logs_20140328.Echo", "{}", 200, `{"got":"{}"}`},
		{"unknown op", http.MethodPost, "Logs_20140328.Nope", "{}", 400, "UnknownOperationException"},
		{"other prefix", http.MethodPost, "Other.Echo", "{}", 400, "UnknownOperationException"},
		{"GET", http.MethodGet, "Logs_20140328.Echo", "", 400, "UnknownOperationException"},
		{"find error before the body", http.MethodPost, "Logs_20140328.Refused", strings.Repeat("x", 20), 400, "AccessDeniedException"},
		{"too large", http.MethodPost, "Logs_20140328.Echo", strings.Repeat("x", 20), 400, "9 over"},
		{"internal", http.MethodPost, "Logs_20140328.Broken", "{}", 503, "ServiceUnavailableException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gotBody = ""
			r := httptest.NewRequest(tc.method, "/", strings.NewReader(tc.body))
			r.Header.Set("X-Amz-Target", tc.target)
			w := httptest.NewRecorder()
			ep.Serve(w, r, "req-1", "arn:aws:iam::000000000000:root", find)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("got %d %s, want %d with %s", w.Code, w.Body, tc.status, tc.want)
			}
			if w.Header().Get("x-amzn-RequestId") != "req-1" {
				t.Errorf("x-amzn-RequestId = %q", w.Header().Get("x-amzn-RequestId"))
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", ct)
			}
			if tc.name != "ok" && gotBody != "" {
				t.Errorf("the operation ran: %q", gotBody)
			}
		})
	}
}
