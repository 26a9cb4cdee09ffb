package payload

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// AWS documents only that "if the content type of the request is binary,
// the body is base64-encoded"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads).
// Which types count as text was observed on AWS: the Lambda team's
// function URL introduction (AWS Summit Japan 2022, "function URL request
// event format": a body is base64-encoded by default unless Content-Type
// is application/json or text/*), and an HTTP API payload 2.0 capture
// (ministackorg/ministack#766: text/*, application/json, application/xml,
// application/javascript as text; no Content-Type and
// application/x-www-form-urlencoded base64-encoded), agreeing with
// serverless-offline#1776 (multipart/form-data base64-encoded).
func TestBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, contentType, body, want string
		b64                           bool
	}{
		{"json", "application/json", `{"a":1}`, `{"a":1}`, false},
		{"json charset", "application/json; charset=utf-8", `{"a":1}`, `{"a":1}`, false},
		{"upper case", "Application/JSON", `{}`, `{}`, false},
		{"plain", "text/plain", "hi", "hi", false},
		{"html", "text/html;charset=UTF-8", "<p>", "<p>", false},
		{"xml", "application/xml", "<a/>", "<a/>", false},
		{"javascript", "application/javascript", "x()", "x()", false},
		{"no content type", "", "hello", "aGVsbG8=", true},
		{"form", "application/x-www-form-urlencoded", "a=1&b=2", "YT0xJmI9Mg==", true},
		{"multipart", "multipart/form-data; boundary=x", "--x--", "LS14LS0=", true},
		{"octet stream", "application/octet-stream", "hi", "aGk=", true},
		{"image", "image/png", "\x89PNG", "iVBORw==", true},
		{"malformed content type", "text/", "hi", "aGk=", true},
		{"text but not utf-8", "text/plain", "\xff", "/w==", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, b64 := Body([]byte(tc.body), tc.contentType)
			if got == nil || *got != tc.want || b64 != tc.b64 {
				t.Errorf("Body(%q, %q) = %v, %v; want %q, %v", tc.body, tc.contentType, deref(got), b64, tc.want, tc.b64)
			}
		})
	}
	if got, b64 := Body(nil, "text/plain"); got != nil || b64 {
		t.Errorf("empty body = %v, %v; want nil, false", deref(got), b64)
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// FuzzBody checks that the event carries the body unchanged: as text, or
// as base64 that decodes to it.
func FuzzBody(f *testing.F) {
	f.Add([]byte(`{"a":1}`), "application/json")
	f.Add([]byte("a=1"), "application/x-www-form-urlencoded")
	f.Add([]byte("\xff\xfe"), "text/plain; charset=utf-16")
	f.Add([]byte("x"), "text/plain; charset=\"")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		got, b64 := Body(body, contentType)
		if len(body) == 0 {
			if got != nil || b64 {
				t.Fatalf("empty body = %q, %v", *got, b64)
			}
			return
		}
		back := []byte(*got)
		if b64 {
			var err error
			if back, err = base64.StdEncoding.DecodeString(*got); err != nil {
				t.Fatal(err)
			}
		} else if !IsText(contentType) {
			t.Fatalf("%q passed as text", contentType)
		}
		if !bytes.Equal(back, body) {
			t.Fatalf("body %q came back as %q", body, back)
		}
	})
}
