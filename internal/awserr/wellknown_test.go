package awserr

import (
	"net/http/httptest"
	"testing"
)

func TestWellKnownResponsesComplete(t *testing.T) {
	for r := WellKnownResponse(1); r < wellKnownCount; r++ {
		if e := wellKnownResponses[r]; e.status == 0 || e.message == "" {
			t.Errorf("well-known response %d has no entry", r)
		}
	}
}

func TestWriteWellKnownResponse(t *testing.T) {
	cases := []struct {
		resp   WellKnownResponse
		msg    string
		status int
		body   string
	}{
		{WellKnownPoolNotFound, `User pool us-east-1_nope "x" does not exist.`, 404, `{"message":"User pool us-east-1_nope \"x\" does not exist."}`},
		{WellKnownInternalError, "", 500, `{"message":"Internal server error"}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteWellKnownResponse(rec, c.resp, c.msg)
		if rec.Code != c.status || rec.Body.String() != c.body || rec.Header().Get("Content-Type") != "application/json" ||
			rec.Header().Get("x-amzn-ErrorType") != "" || rec.Header().Get("Content-Length") == "" {
			t.Errorf("%d: %d %s %v, want %d %s", c.resp, rec.Code, rec.Body, rec.Header(), c.status, c.body)
		}
	}
}
