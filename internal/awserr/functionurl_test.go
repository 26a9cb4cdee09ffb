package awserr

import (
	"net/http/httptest"
	"testing"
)

func TestFunctionURLResponsesComplete(t *testing.T) {
	for u := FunctionURLResponse(1); u < urlCount; u++ {
		if e := functionURLResponses[u]; e.status == 0 || e.message == "" {
			t.Errorf("function URL response %d has no entry", u)
		}
	}
}

// Bodies and types as a function URL answers: the fixed answers use
// "Message", a refused signature "message" with the service's text
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
func TestWriteFunctionURLResponse(t *testing.T) {
	cases := []struct {
		resp    FunctionURLResponse
		msg     string
		status  int
		errType string
		body    string
	}{
		{URLForbidden, "", 403, "AccessDeniedException",
			`{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}`},
		{URLSignatureError, "The request signature we calculated does not match & <so on>", 403, "AccessDeniedException",
			`{"message":"The request signature we calculated does not match & <so on>"}`},
		{URLInternalError, "", 500, "ServiceException", `{"Message":"Internal Server Error"}`},
		{URLRequestTooLarge, "", 413, "RequestTooLargeException",
			`{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}`},
		{URLFunctionError, "", 502, "", `{"Message":"Internal Server Error"}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteFunctionURLResponse(rec, c.resp, c.msg)
		if rec.Code != c.status || rec.Body.String() != c.body || rec.Header().Get("x-amzn-ErrorType") != c.errType ||
			rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%d: %d %s %v, want %d %s %s", c.resp, rec.Code, rec.Body, rec.Header(), c.status, c.errType, c.body)
		}
	}
}
