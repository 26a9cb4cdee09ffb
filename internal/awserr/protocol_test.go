package awserr

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// Every code of the table goes through every encoder; each body must parse
// back to the same code and message, with the status of the table.
func TestEncodersEveryCode(t *testing.T) {
	codes := Codes()
	if len(codes) < 40 {
		t.Fatalf("table has only %d codes", len(codes))
	}
	for _, code := range codes {
		e := &Error{Code: code, Message: `bad <thing> & "quote"`}
		t.Run(string(code)+"/query", func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteQuery(rec, e, "req-1", IAMNamespace)
			var got struct {
				XMLName xml.Name
				Error   struct{ Type, Code, Message string }
				ReqID   string `xml:"RequestId"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			typ := "Sender"
			if !Sender(code) {
				typ = "Receiver"
			}
			want := []string{"ErrorResponse", IAMNamespace, typ, string(code), e.Message, "req-1"}
			have := []string{got.XMLName.Local, got.XMLName.Space, got.Error.Type, got.Error.Code, got.Error.Message, got.ReqID}
			if d := cmp.Diff(want, have); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			checkHeaders(t, rec, code, "x-amzn-RequestId", "text/xml")
		})
		t.Run(string(code)+"/json", func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteJSON(rec, e, "req-1", "")
			var got map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(map[string]string{"__type": string(code), "message": e.Message}, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			checkHeaders(t, rec, code, "x-amzn-RequestId", "application/x-amz-json-1.1")
			if h := rec.Header().Get("x-amzn-ErrorType"); h != string(code) {
				t.Errorf("x-amzn-ErrorType = %q", h)
			}
		})
		t.Run(string(code)+"/rest-json", func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteRESTJSON(rec, e, "req-1")
			var got map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got["message"] != e.Message || (got["Type"] != "User" && got["Type"] != "Service") {
				t.Errorf("body %v", got)
			}
			checkHeaders(t, rec, code, "x-amzn-RequestId", "application/json")
			if h := rec.Header().Get("x-amzn-ErrorType"); h != string(code) {
				t.Errorf("x-amzn-ErrorType = %q", h)
			}
		})
		t.Run(string(code)+"/rest-xml", func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteRESTXML(rec, e, "req-1")
			var got struct {
				XMLName                          xml.Name
				Code, Message, RequestID, HostID string
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			want := []string{"Error", string(code), e.Message}
			if d := cmp.Diff(want, []string{got.XMLName.Local, got.Code, got.Message}); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			checkHeaders(t, rec, code, "x-amz-request-id", "application/xml")
		})
	}
}

func checkHeaders(t *testing.T, rec *httptest.ResponseRecorder, code Code, idHeader, contentType string) {
	t.Helper()
	if rec.Code != Status(code) {
		t.Errorf("status %d, want %d", rec.Code, Status(code))
	}
	if got := rec.Header().Get(idHeader); got != "req-1" {
		t.Errorf("%s = %q", idHeader, got)
	}
	if got := rec.Header().Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
}

func TestWriteDispatch(t *testing.T) {
	tests := []struct {
		p    Protocol
		want string
	}{
		{Query, "text/xml"},
		{JSON, "application/x-amz-json-1.1"},
		{RESTJSON, "application/json"},
		{RESTXML, "application/xml"},
	}
	for _, tt := range tests {
		t.Run(tt.p.String(), func(t *testing.T) {
			rec := httptest.NewRecorder()
			Write(rec, tt.p, New(NoSuchEntity, "gone"), "r", STSNamespace)
			if got := rec.Header().Get("Content-Type"); got != tt.want {
				t.Errorf("Content-Type %q, want %q", got, tt.want)
			}
			if rec.Code != http.StatusNotFound {
				t.Errorf("status %d", rec.Code)
			}
		})
	}
}

func TestFromSigV4(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	type want struct {
		Code    Code
		Message string
		Status  int
	}
	tests := []struct {
		name string
		in   sigv4.Error
		p    Protocol
		want want
	}{
		// STS answer to an unsigned request:
		// https://github.com/amzn/selling-partner-api-docs/issues/3081
		{"missing/query", sigv4.Error{Reason: sigv4.MissingAuthentication}, Query,
			want{MissingAuthenticationToken, "Request is missing Authentication Token", 403}},
		{"missing/json", sigv4.Error{Reason: sigv4.MissingAuthentication}, JSON,
			want{MissingAuthTokenException, "Missing Authentication Token", 403}},
		{"missing/s3", sigv4.Error{Reason: sigv4.MissingAuthentication}, RESTXML,
			want{AccessDenied, "Access Denied", 403}},
		{"unknown key/query", sigv4.Error{Reason: sigv4.UnknownKey, Message: "x"}, Query,
			want{InvalidClientTokenID, "The security token included in the request is invalid.", 403}},
		{"unknown key/rest-json", sigv4.Error{Reason: sigv4.UnknownKey}, RESTJSON,
			want{UnrecognizedClientException, "The security token included in the request is invalid.", 403}},
		{"unknown key/s3", sigv4.Error{Reason: sigv4.UnknownKey}, RESTXML,
			want{InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.", 403}},
		{"expired token/query", sigv4.Error{Reason: sigv4.ExpiredToken}, Query,
			want{ExpiredToken, "The security token included in the request is expired", 403}},
		// https://github.com/aws/aws-cli/issues/6676
		{"mismatch/query", sigv4.Error{Reason: sigv4.SignatureMismatch, Message: "other"}, Query,
			want{SignatureDoesNotMatch, SignatureMismatchMessage, 403}},
		{"mismatch/json", sigv4.Error{Reason: sigv4.SignatureMismatch}, JSON,
			want{InvalidSignatureException, SignatureMismatchMessage, 403}},
		{"mismatch/s3", sigv4.Error{Reason: sigv4.SignatureMismatch}, RESTXML,
			want{SignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403}},
		// Wording: https://github.com/devsecops/bootcamp/issues/101 (STS, 15 min.)
		{"expired/query", sigv4.Error{Reason: sigv4.SignatureExpired, SignedAt: now.Add(-time.Hour), Now: now, Window: 15 * time.Minute}, Query,
			want{SignatureDoesNotMatch, "Signature expired: 20261125T110000Z is now earlier than 20261125T114500Z (20261125T120000Z - 15 min.)", 403}},
		{"future/query", sigv4.Error{Reason: sigv4.NotYetCurrent, SignedAt: now.Add(time.Hour), Now: now}, Query,
			want{SignatureDoesNotMatch, "Signature not yet current: 20261125T130000Z is still later than 20261125T120500Z (20261125T120000Z + 5 min.)", 403}},
		{"expired/s3", sigv4.Error{Reason: sigv4.SignatureExpired, SignedAt: now.Add(-time.Hour), Now: now}, RESTXML,
			want{RequestTimeTooSkewed, "The difference between the request time and the current time is too large.", 403}},
		{"incomplete/query", sigv4.Error{Reason: sigv4.IncompleteSignature, Message: "Authorization header requires 'Signature' parameter."}, Query,
			want{IncompleteSignature, "Authorization header requires 'Signature' parameter.", 400}},
		{"scope/query", sigv4.Error{Reason: sigv4.BadCredentialScope, Message: "Credential should be scoped to correct service: 'iam'. "}, Query,
			want{SignatureDoesNotMatch, "Credential should be scoped to correct service: 'iam'. ", 403}},
		{"payload/s3", sigv4.Error{Reason: sigv4.BadPayloadHash}, RESTXML,
			want{XAmzContentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.", 400}},
		{"presign/s3", sigv4.Error{Reason: sigv4.PresignExpired}, RESTXML,
			want{AccessDenied, "Request has expired", 403}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			e := FromSigV4(&in, tt.p)
			got := want{e.Code, e.Message, Status(e.Code)}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// Every reason maps to a code of the table in every protocol.
func TestFromSigV4EveryReason(t *testing.T) {
	for r := sigv4.MissingAuthentication; r <= sigv4.BadChunk; r++ {
		for _, p := range []Protocol{Query, JSON, RESTJSON, RESTXML} {
			e := FromSigV4(&sigv4.Error{Reason: r}, p)
			if _, ok := table[e.Code]; !ok {
				t.Errorf("reason %d, %v: code %q not in table", r, p, e.Code)
			}
			if e.Message == "" {
				t.Errorf("reason %d, %v: empty message", r, p)
			}
		}
	}
}

// TestRESTJSONReason: Lambda's throttle carries a Reason member before Type
// and message ({"Reason":"CallerRateLimitExceeded","Type":"User","message":
// "Rate exceeded"} as seen in https://github.com/fyoorer/ShadowClone/issues/46).
func TestRESTJSONReason(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteRESTJSON(rec, &Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.",
		Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}, "req-1")
	want := `{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}`
	if got := rec.Body.String(); got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}
