package awserr

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// Every code of every service's table goes through the service's encoder;
// each body must parse back to the same code and message, with the status
// of the table and the fault type that status implies.
func TestEncodersEveryCode(t *testing.T) {
	n := 0
	for _, s := range Services() {
		for _, code := range s.Codes() {
			n++
			t.Run(s.Name+"/"+string(code), func(t *testing.T) {
				checkEncoding(t, s, code)
			})
		}
	}
	if n < 100 {
		t.Fatalf("tables have only %d entries", n)
	}
	for _, code := range LambdaRuntime.Codes() {
		t.Run(LambdaRuntime.Name+"/"+string(code), func(t *testing.T) {
			checkEncoding(t, LambdaRuntime, code)
		})
	}
}

func checkEncoding(t *testing.T, s *Service, code Code) {
	e := &Error{Code: code, Message: `bad <thing> & "quote"`}
	status, _ := s.Status(code)
	if want := s.Internal(); code == InternalFailure && want != InternalFailure {
		code, e.Message = want, s.internal.Message
		status, _ = s.Status(want)
	}
	rec := httptest.NewRecorder()
	s.Write(rec, e, Reply{RequestID: "req-1"})
	if rec.Code != status {
		t.Errorf("status %d, want %d", rec.Code, status)
	}
	switch s.Protocol {
	case Query:
		var got struct {
			XMLName xml.Name
			Error   struct{ Type, Code, Message string }
			ReqID   string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		want := []string{"ErrorResponse", s.Namespace, typ, string(code), e.Message, "req-1"}
		have := []string{got.XMLName.Local, got.XMLName.Space, got.Error.Type, got.Error.Code, got.Error.Message, got.ReqID}
		if d := cmp.Diff(want, have); d != "" {
			t.Errorf("(-want +got)\n%s", d)
		}
		checkHeaders(t, rec, "x-amzn-RequestId", "text/xml")
	case JSON:
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(map[string]string{"__type": string(code), "message": e.Message}, got); d != "" {
			t.Errorf("(-want +got)\n%s", d)
		}
		checkHeaders(t, rec, "x-amzn-RequestId", "application/x-amz-json-1.1")
		if h := rec.Header().Get("x-amzn-ErrorType"); h != string(code) {
			t.Errorf("x-amzn-ErrorType = %q", h)
		}
	case RESTJSON:
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		typ := "User"
		if status >= 500 {
			typ = "Service"
		}
		if d := cmp.Diff(map[string]string{"Type": typ, "message": e.Message}, got); d != "" {
			t.Errorf("(-want +got)\n%s", d)
		}
		checkHeaders(t, rec, "x-amzn-RequestId", "application/json")
		if h := rec.Header().Get("x-amzn-ErrorType"); h != string(code) {
			t.Errorf("x-amzn-ErrorType = %q", h)
		}
	case RESTXML:
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
		checkHeaders(t, rec, "x-amz-request-id", "application/xml")
	case RuntimeAPI:
		// The spec's ErrorResponse: errorMessage and errorType, one line.
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(map[string]string{"errorType": string(code), "errorMessage": e.Message}, got); d != "" {
			t.Errorf("(-want +got)\n%s", d)
		}
		if !bytes.HasSuffix(rec.Body.Bytes(), []byte("}\n")) || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("body %q, Content-Type %q", rec.Body, rec.Header().Get("Content-Type"))
		}
	default:
		t.Fatalf("service %s: protocol %v", s.Name, s.Protocol)
	}
}

func checkHeaders(t *testing.T, rec *httptest.ResponseRecorder, idHeader, contentType string) {
	t.Helper()
	if got := rec.Header().Get(idHeader); got != "req-1" {
		t.Errorf("%s = %q", idHeader, got)
	}
	if got := rec.Header().Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
}

// The same code carries each service's own status: one table keyed by
// (service, code), not by code.
func TestStatusPerService(t *testing.T) {
	tests := []struct {
		s    *Service
		code Code
		want int
	}{
		{Lambda, ResourceNotFoundException, http.StatusNotFound},
		{Logs, ResourceNotFoundException, http.StatusBadRequest},
		{Cognito, ResourceNotFoundException, http.StatusBadRequest},
		{Lambda, AccessDeniedException, http.StatusForbidden},
		{Logs, AccessDeniedException, http.StatusBadRequest},
		{IAM, NoSuchEntity, http.StatusNotFound},
		{S3, "BucketNotEmpty", http.StatusConflict},
		{S3, "InvalidRange", http.StatusRequestedRangeNotSatisfiable},
	}
	for _, tt := range tests {
		t.Run(tt.s.Name+"/"+string(tt.code), func(t *testing.T) {
			got, ok := tt.s.Status(tt.code)
			if !ok || got != tt.want {
				t.Errorf("Status = %d, %v; want %d", got, ok, tt.want)
			}
		})
	}
	if _, ok := IAM.Status("NoSuchBucket"); ok {
		t.Error("IAM's table lists S3's NoSuchBucket")
	}
}

// A code a service's table lacks is never guessed at: it is logged and
// answered as the service's internal error, 500 (503 for Logs, whose
// internal error is ServiceUnavailableException).
func TestUnknownCodeIsInternal(t *testing.T) {
	tests := []struct {
		s      *Service
		status int
		body   string
	}{
		{IAM, 500, "<Code>InternalFailure</Code>"},
		{S3, 500, "<Code>InternalError</Code>"},
		{Lambda, 500, `"Type":"Service","message":"An internal error occurred."`},
		{Logs, 503, `"__type":"ServiceUnavailableException"`},
		{Cognito, 500, `"__type":"InternalErrorException"`},
		{APIGateway, 500, `"Type":"Service"`},
	}
	for _, tt := range tests {
		t.Run(tt.s.Name, func(t *testing.T) {
			var logged bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logged, nil))
			rec := httptest.NewRecorder()
			tt.s.Write(rec, New("NoSuchThingAnywhere", "secret detail"), Reply{RequestID: "r", Log: log})
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("%d %s; want %d with %s", rec.Code, rec.Body, tt.status, tt.body)
			}
			if strings.Contains(rec.Body.String(), "secret detail") || strings.Contains(rec.Body.String(), "NoSuchThingAnywhere") {
				t.Errorf("the unknown error leaked: %s", rec.Body)
			}
			if !strings.Contains(logged.String(), "code=NoSuchThingAnywhere") || !strings.Contains(logged.String(), "level=ERROR") {
				t.Errorf("not logged: %q", logged.String())
			}
		})
	}
}

// TestUnserved: a service iamgate does not serve answers 501 NotImplemented
// in the shape of the request's protocol, with no XML namespace.
func TestUnserved(t *testing.T) {
	rec := httptest.NewRecorder()
	Unserved("sqs", Query).Write(rec, New(NotImplemented, "no sqs"), Reply{RequestID: "r"})
	want := "<ErrorResponse>\n  <Error>\n    <Type>Sender</Type>\n    <Code>NotImplemented</Code>\n    <Message>no sqs</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"
	if rec.Code != 501 || rec.Body.String() != want {
		t.Errorf("%d %q", rec.Code, rec.Body)
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
			status, _ := serviceOf(tt.p).Status(e.Code)
			got := want{e.Code, e.Message, status}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// serviceOf is a service speaking p, for the tests of FromSigV4.
func serviceOf(p Protocol) *Service {
	return map[Protocol]*Service{Query: IAM, JSON: Logs, RESTJSON: Lambda, RESTXML: S3}[p]
}

// Every reason maps to a code of every service's table, in its protocol:
// the authenticator's errors reach every service.
func TestFromSigV4EveryService(t *testing.T) {
	for r := sigv4.MissingAuthentication; r <= sigv4.BadChunk; r++ {
		for _, s := range Services() {
			p := s.Protocol
			e := FromSigV4(&sigv4.Error{Reason: r}, p)
			if !s.Knows(e.Code) {
				t.Errorf("reason %d, %s: code %q not in its table", r, s.Name, e.Code)
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
	Lambda.Write(rec, &Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.",
		Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}, Reply{RequestID: "req-1"})
	want := `{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}`
	if got := rec.Body.String(); got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}
