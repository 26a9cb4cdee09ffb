package awserr

import (
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// Texts and types from ../shared/conformance/apigw-errors.md and
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
func TestAPIGatewayAuthError(t *testing.T) {
	type out struct {
		Status        int
		Type, Message string
	}
	tests := []struct {
		name string
		err  sigv4.Error
		want out
	}{
		{"missing", sigv4.Error{Reason: sigv4.MissingAuthentication}, out{403, "MissingAuthenticationTokenException", "Missing Authentication Token"}},
		{"incomplete keeps sigv4 text", sigv4.Error{Reason: sigv4.IncompleteSignature, Message: "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x"},
			out{403, "IncompleteSignatureException", "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x"}},
		{"unknown key", sigv4.Error{Reason: sigv4.UnknownKey, Message: "other words"}, out{403, "UnrecognizedClientException", "The security token included in the request is invalid."}},
		{"inactive key", sigv4.Error{Reason: sigv4.InactiveKey}, out{403, "UnrecognizedClientException", "The security token included in the request is invalid."}},
		{"invalid token", sigv4.Error{Reason: sigv4.InvalidToken}, out{403, "UnrecognizedClientException", "The security token included in the request is invalid."}},
		{"expired token", sigv4.Error{Reason: sigv4.ExpiredToken}, out{403, "ExpiredTokenException", "The security token included in the request is expired"}},
		{"mismatch", sigv4.Error{Reason: sigv4.SignatureMismatch, Message: "The request signature we calculated does not match..."}, out{403, "InvalidSignatureException", "The request signature we calculated does not match..."}},
		{"expired signature", sigv4.Error{Reason: sigv4.SignatureExpired, Message: "Signature expired: 20170517T062414Z is now earlier than 20170517T062840Z (20170517T063340Z - 5 min.)"},
			out{403, "InvalidSignatureException", "Signature expired: 20170517T062414Z is now earlier than 20170517T062840Z (20170517T063340Z - 5 min.)"}},
		{"scope", sigv4.Error{Reason: sigv4.BadCredentialScope, Message: "Credential should be scoped to correct service: 'execute-api'. "}, out{403, "InvalidSignatureException", "Credential should be scoped to correct service: 'execute-api'. "}},
		{"date", sigv4.Error{Reason: sigv4.BadDate}, out{403, "IncompleteSignatureException", apigwDefaultIncompleteSig}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, typ, msg := APIGatewayAuthError(&tc.err)
			if diff := cmp.Diff(tc.want, out{s, typ, msg}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteAPIGateway(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		typ, msg    string
		lower       bool
		body, ctype string
	}{
		{"missing token", 403, APIGWMissingAuthenticationToken, APIGWMissingTokenMessage, true, `{"message":"Missing Authentication Token"}`, APIGWMissingAuthenticationToken},
		{"access denied capital key", 403, APIGWAccessDenied, "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:0:a/v1/GET/", false,
			`{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:0:a/v1/GET/"}`, APIGWAccessDenied},
		{"502 keeps the space", 502, APIGWInternalServerError, APIGWInternalErrorMessage, true, `{"message": "Internal server error"}`, APIGWInternalServerError},
		{"504 has no type", 504, "", APIGWTimeoutMessage, true, `{"message": "Endpoint request timed out"}`, ""},
		{"no html escaping, newlines escaped", 403, APIGWInvalidSignature, "a&b <c>\n'd'", true, `{"message":"a&b <c>\n'd'"}`, APIGWInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteAPIGateway(w, tc.status, tc.typ, tc.msg, tc.lower)
			got := []any{w.Code, w.Body.String(), w.Header().Get("x-amzn-ErrorType"), w.Header().Get("Content-Type")}
			want := []any{tc.status, tc.body, tc.ctype, "application/json"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
