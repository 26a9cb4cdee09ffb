package awserr

import (
	"net/http/httptest"
	"slices"
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
			resp, msg := APIGatewayAuthError(&tc.err)
			e := resp.entry()
			if diff := cmp.Diff(tc.want, out{e.status, e.errType, msg}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteGatewayResponse(t *testing.T) {
	tests := []struct {
		name        string
		resp        GatewayResponse
		msg         string
		status      int
		body, ctype string
	}{
		{"missing token", GWMissingAuthenticationToken, "", 403, `{"message":"Missing Authentication Token"}`, APIGWMissingAuthenticationToken},
		{"access denied capital key", GWAccessDenied, "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:0:a/v1/GET/", 403,
			`{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:0:a/v1/GET/"}`, APIGWAccessDenied},
		{"api key", GWInvalidAPIKey, "", 403, `{"message":"Forbidden"}`, APIGWForbidden},
		{"500 keeps the space", GWConfigurationError, "", 500, `{"message": "Internal server error"}`, APIGWInternalServerError},
		{"502 keeps the space", GWIntegrationFailure, "", 502, `{"message": "Internal server error"}`, APIGWInternalServerError},
		{"504 has no type", GWIntegrationTimeout, "", 504, `{"message": "Endpoint request timed out"}`, ""},
		{"413", GWRequestTooLarge, "", 413, `{"message":"Request Too Long"}`, ""},
		{"401 unauthorized", GWUnauthorized, "", 401, `{"message":"Unauthorized"}`, APIGWUnauthorized},
		{"authorizer failure has a null message", GWAuthorizerConfigurationError, "ignored", 500, `{"message": null}`, APIGWAuthorizerConfiguration},
		{"no html escaping, newlines escaped", GWInvalidSignature, "a&b <c>\n'd'", 403, `{"message":"a&b <c>\n'd'"}`, APIGWInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			body := WriteGatewayResponse(w, tc.resp, tc.msg)
			got := []any{w.Code, w.Body.String(), string(body), w.Header().Get("x-amzn-ErrorType"), w.Header().Get("Content-Type")}
			want := []any{tc.status, tc.body, tc.body, tc.ctype, "application/json"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Every gateway response constant has a table entry with a status and a
// message source; a new constant without one fails here.
func TestEveryGatewayResponseHasAnEntry(t *testing.T) {
	for g := GatewayResponse(1); g < gwCount; g++ {
		e := gatewayResponses[g]
		// Access denied and missing parameters always name their subject.
		if e.status < 400 || (e.message == "" && g != GWAccessDenied && g != GWBadRequestParameters && !e.nullMessage) {
			t.Errorf("gateway response %d has no complete entry: %+v", g, e)
		}
		if !slices.Contains(GatewayResponseTypes, e.typ) {
			t.Errorf("gateway response %d: type %q is not one PutGatewayResponse accepts", g, e.typ)
		}
	}
}
