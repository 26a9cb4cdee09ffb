package sigv4

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzAppendCanonicalRequest holds the verifier's one-buffer canonical
// request and string to sign to the exported part-by-part functions the
// conformance suites check against their vectors: byte for byte, for any
// path, query, header values and scope.
func FuzzAppendCanonicalRequest(f *testing.F) {
	f.Add("GET", "/restapis/abc/v1/_user_request_/hello", "", "127.0.0.1:4566", "curl/8.5.0", false, false, int64(1717000000))
	f.Add("PUT", "/a//b/../c d/%2F", "b=2&a=1&a=%20&X-Amz-Signature=x", "h", " a \t b ", true, true, int64(0))
	f.Add("POST", "", "a&&=&b=", "", "", false, true, int64(253402300799))
	f.Fuzz(func(t *testing.T, method, path, query, host, ua string, s3, presigned bool, unix int64) {
		h := http.Header{"User-Agent": {ua}, "X-Amz-Date": {"20150830T123600Z", ua}}
		signed := []string{"host", "user-agent", "x-amz-date", "x-amz-meta-absent"}
		if strings.Contains(ua, "H") {
			h["Host"] = []string{ua} // Host in the map, as a client request has it
		}
		in := canonicalInput{method: method, rawPath: path, rawQuery: query, s3URI: s3, presigned: presigned,
			header: h, host: host, signed: signed, payload: EmptySHA256}
		var buf [64]byte // small: growing past the stack buffer is exercised too
		got := appendCanonicalRequest(buf[:0], &in)
		want := CanonicalRequest(method, CanonicalURI(path, s3), CanonicalQuery(query, presigned),
			CanonicalHeaders(h, host, signed), signed, EmptySHA256)
		if string(got) != want {
			t.Fatalf("canonical request:\n%q\nwant\n%q", got, want)
		}
		at := time.Unix(unix%(1<<40), 0).UTC()
		c := Credential{Date: at.Format(DateFormat), Region: ua, Service: "execute-api", Terminator: "aws4_request"}
		sts := appendStringToSign(nil, at, &c, got)
		if want := StringToSign(at, c.Scope(), want); string(sts) != want {
			t.Fatalf("string to sign:\n%q\nwant\n%q", sts, want)
		}
	})
}

// TestAppendAmzTime: the hand-written layout agrees with time.Format at
// the edges of the four-digit years and across a day.
func TestAppendAmzTime(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 15, 12, 30, 5, 0, time.UTC),
		time.Date(2015, 8, 30, 12, 36, 0, 999, time.UTC),
		time.Date(2026, 12, 4, 1, 2, 3, 0, time.FixedZone("x", 3600)),
	} {
		if got, want := string(appendAmzTime(nil, at)), at.Format(TimeFormat); got != want {
			t.Errorf("appendAmzTime(%v) = %q, want %q", at, got, want)
		}
		if got, want := string(appendAmzDate(nil, at)), at.Format(DateFormat); got != want {
			t.Errorf("appendAmzDate(%v) = %q, want %q", at, got, want)
		}
	}
}

// FuzzParseBasicTime holds the field-by-field reader to time.Parse: what
// it accepts, time.Parse accepts as the same instant, and it accepts every
// date written in the canonical form.
func FuzzParseBasicTime(f *testing.F) {
	for _, s := range []string{"20150830T123600Z", "20240229T000000Z", "20230229T000000Z", "20150830T240000Z",
		"20150831T235959Z", "20150431T000000Z", "00000101T000000Z", "99991231T235960Z", "2015083OT123600Z",
		"20150830T93600Z", "20151330T123600Z", "20150800T123600Z", "21000229T000000Z", "20000229T000000Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseBasicTime(s)
		want, err := time.Parse(TimeFormat, s)
		if ok && (err != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Fatalf("parseBasicTime(%q) = %v; time.Parse: %v, %v", s, got, want, err)
		}
		if !ok && err == nil && want.Format(TimeFormat) == s {
			t.Fatalf("parseBasicTime(%q) refused a date in the form signers send", s)
		}
	})
}
