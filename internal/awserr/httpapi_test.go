package awserr

import (
	"net/http/httptest"
	"testing"
)

func TestHTTPAPIResponsesComplete(t *testing.T) {
	for h := HTTPAPIResponse(1); h < httpCount; h++ {
		if e := httpAPIResponses[h]; e.status == 0 || e.message == "" {
			t.Errorf("HTTP API response %d has no entry", h)
		}
	}
	for g := GatewayResponse(1); g < gwCount; g++ {
		if h, _ := HTTPAPIFor(g); h <= 0 || h >= httpCount {
			t.Errorf("gateway response %d has no HTTP API answer", g)
		}
	}
}

func TestWriteHTTPAPIResponse(t *testing.T) {
	cases := []struct {
		resp   HTTPAPIResponse
		msg    string
		status int
		body   string
	}{
		{HTTPNotFound, "", 404, `{"message":"Not Found"}`},
		{HTTPForbidden, "", 403, `{"message":"Forbidden"}`},
		{HTTPInternalServerError, "", 500, `{"message":"Internal Server Error"}`},
		{HTTPServiceUnavailable, "", 503, `{"message":"Service Unavailable"}`},
		{HTTPUnauthorized, "", 401, `{"message":"Unauthorized"}`},
		{HTTPSignatureError, "Signature expired: a <b>", 403, `{"message":"Signature expired: a <b>"}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteHTTPAPIResponse(rec, c.resp, c.msg)
		if rec.Code != c.status || rec.Body.String() != c.body || rec.Header().Get("x-amzn-ErrorType") != "" {
			t.Errorf("%d: %d %s %v, want %d %s", c.resp, rec.Code, rec.Body, rec.Header(), c.status, c.body)
		}
	}
}
