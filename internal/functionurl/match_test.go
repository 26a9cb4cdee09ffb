package functionurl

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	const id = "abcdefghij0123456789abcdefghij01"
	tests := []struct {
		host, path string
		want       Target
		ok         bool
	}{
		{id + ".lambda-url.us-east-1.on.aws", "/x/y?q=1", Target{ID: id, Path: "/x/y"}, true},
		{id + ".lambda-url.localhost:4566", "/", Target{ID: id, Path: "/"}, true},
		{"127.0.0.1:4566", "/lambda-url/" + id + "/a%2Fb", Target{ID: id, Path: "/a%2Fb"}, true},
		{"127.0.0.1:4566", "/lambda-url/" + id, Target{ID: id, Path: "/"}, true},
		{"127.0.0.1:4566", "/lambda-url/short/", Target{}, false},
		{strings.ToUpper(id) + ".lambda-url.us-east-1.on.aws", "/", Target{ID: id, Path: "/"}, true},
		{id + ".lambda-url.us-east-1.on.aws.evil.com", "/", Target{}, false},
		{id + ".lambda-url.evil.com", "/", Target{}, false},
		{"x.execute-api.us-east-1.amazonaws.com", "/lambda-url/", Target{}, false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "http://h"+tc.path, nil)
		r.Host = tc.host
		got, ok := Match(r)
		if ok != tc.ok || got != tc.want {
			t.Errorf("Match(%s %s) = %+v %v, want %+v %v", tc.host, tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseResponse(t *testing.T) {
	tests := map[string]struct {
		out    string
		status int
		body   string
		err    bool
	}{
		"structured":   {`{"statusCode":201,"body":"hi","headers":{"x-a":"1"}}`, 201, "hi", false},
		"base64":       {`{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, 200, "hi", false},
		"plain object": {`{"a":1}`, 200, `{"a":1}`, false},
		"string":       {`"text"`, 200, "text", false},
		"not json":     {`nope`, 0, "", true},
		"bad status":   {`{"statusCode":"x"}`, 0, "", true},
	}
	for name, tc := range tests {
		r, err := parseResponse([]byte(tc.out))
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", name)
			}
			continue
		}
		if err != nil || r.status != tc.status || string(r.body) != tc.body {
			t.Errorf("%s: %+v %v", name, r, err)
		}
	}
}

// FuzzMatch: a matched request always names a well-formed URL id and a
// path the function sees starting with "/".
func FuzzMatch(f *testing.F) {
	f.Add("abcdefghij0123456789abcdefghij01.lambda-url.us-east-1.on.aws", "/p")
	f.Add("127.0.0.1", "/lambda-url/abcdefghij0123456789abcdefghij01/x")
	f.Add("a.lambda-url.localhost", "//")
	f.Fuzz(func(t *testing.T, host, path string) {
		r := httptest.NewRequest("GET", "http://h/", nil)
		r.Host = host
		r.URL.Path = path
		tgt, ok := Match(r)
		if !ok {
			return
		}
		if !urlID.MatchString(tgt.ID) || !strings.HasPrefix(tgt.Path, "/") {
			t.Fatalf("Match(%q, %q) = %+v", host, path, tgt)
		}
	})
}

// FuzzParseResponse: any answer maps to a status in range or an error,
// never a panic.
func FuzzParseResponse(f *testing.F) {
	f.Add(`{"statusCode":200,"headers":{"a":1},"cookies":["c=1"],"body":"x"}`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, out string) {
		r, err := parseResponse([]byte(out))
		if err == nil && (r.status < 100 || r.status > 599) {
			t.Fatalf("status %d", r.status)
		}
	})
}
