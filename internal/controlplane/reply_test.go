package controlplane

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestReply(t *testing.T) {
	tests := []struct {
		name, reqID, ct string
		status          int
		body            string
		wantCT, wantLen string
	}{
		{"json", "r-1", "application/x-amz-json-1.1", 200, `{"a":1}`, "application/x-amz-json-1.1", "7"},
		{"no body", "r-2", "", http.StatusAccepted, "", "", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			Reply(w, tc.status, tc.reqID, tc.ct, []byte(tc.body))
			h := w.Result().Header
			if w.Code != tc.status || w.Body.String() != tc.body || h.Get("Content-Type") != tc.wantCT ||
				h.Get("Content-Length") != tc.wantLen || h.Get("x-amzn-RequestId") != tc.reqID {
				t.Errorf("got %d %q %v", w.Code, w.Body.String(), h)
			}
		})
	}
	w := httptest.NewRecorder()
	Reply(w, 200, "", "application/json", nil)
	if _, ok := w.Result().Header["X-Amzn-Requestid"]; ok {
		t.Error("an empty request id was sent")
	}
}
