package gateway

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func hostStyle(path string) string { return "http://abc123.execute-api.us-east-1.amazonaws.com" + path }

func TestRoute(t *testing.T) {
	tests := []struct {
		name, url string
		want      *target
	}{
		{"host style", "http://abc123.execute-api.us-east-1.amazonaws.com/v1/hello", &target{APIID: "abc123", Stage: "v1", Parts: []string{"hello"}, Path: "/hello"}},
		{"host style upper case", "http://ABC123.Execute-Api.eu-west-1.amazonaws.com:443/prod/a/b/", &target{APIID: "abc123", Stage: "prod", Parts: []string{"a", "b"}, Path: "/a/b"}},
		{"localhost", "http://abc123.execute-api.localhost:4566/v1", &target{APIID: "abc123", Stage: "v1", Parts: []string{}, Path: "/"}},
		{"path style", "http://127.0.0.1:4566/restapis/abc123/v1/_user_request_/hello", &target{APIID: "abc123", Stage: "v1", Parts: []string{"hello"}, Path: "/hello", PathStyle: true}},
		{"path style root", "http://127.0.0.1:4566/restapis/abc123/v1/_user_request_", &target{APIID: "abc123", Stage: "v1", Parts: []string{}, Path: "/", PathStyle: true}},
		// An encoded slash separates parts, as API Gateway decodes the path
		// once before routing: parts and path always agree.
		{"encoded slash separates", "http://127.0.0.1:4566/restapis/abc123/v1/_user_request_/a%2Fb/c", &target{APIID: "abc123", Stage: "v1", Parts: []string{"a", "b", "c"}, Path: "/a/b/c", PathStyle: true}},
		{"lower-case encoded slash", hostStyle("/v1/items%2f42"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items", "42"}, Path: "/items/42"}},
		{"trailing encoded slash", hostStyle("/v1/items/42%2F"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items", "42"}, Path: "/items/42"}},
		{"repeated slashes", hostStyle("//v1//items///42//"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items", "42"}, Path: "/items/42"}},
		{"dot segments", hostStyle("/v1/./items/x/../42"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items", "42"}, Path: "/items/42"}},
		{"encoded dot segments", hostStyle("/v1/items/x/%2e%2E/42/%2E"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items", "42"}, Path: "/items/42"}},
		{"dot segment above the root", hostStyle("/../../v1/items"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"items"}, Path: "/items"}},
		{"dot segments change the stage", hostStyle("/v1/../v2/items"), &target{APIID: "abc123", Stage: "v2", Parts: []string{"items"}, Path: "/items"}},
		{"double-encoded slash is a literal", hostStyle("/v1/a%252Fb"), &target{APIID: "abc123", Stage: "v1", Parts: []string{"a%2Fb"}, Path: "/a%2Fb"}},
		{"dots leave the user request", "http://127.0.0.1:4566/restapis/abc123/v1/_user_request_/../x", nil},
		{"control plane path", "http://127.0.0.1:4566/restapis/abc123/stages", nil},
		{"other host", "http://example.com/v1/hello", nil},
		{"no stage", "http://abc123.execute-api.us-east-1.amazonaws.com/", nil},
		{"region with dots", "http://abc123.execute-api.a.b.amazonaws.com/v1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.url, nil)
			got, ok := route(r)
			if tc.want == nil {
				if ok {
					t.Fatalf("routed to %+v", got)
				}
				return
			}
			if !ok {
				t.Fatal("not routed")
			}
			if diff := cmp.Diff(*tc.want, got); diff != "" {
				t.Errorf("target (-want +got):\n%s", diff)
			}
			if !Match(r) {
				t.Error("Match = false for a routed request")
			}
		})
	}
}

// FuzzRoute checks the router on arbitrary hosts and paths: no panic; a
// routed request is matched, names an API and a stage, and its resource
// path is absolute and agrees with its parts.
func FuzzRoute(f *testing.F) {
	f.Add("abc123.execute-api.us-east-1.amazonaws.com", "/v1/hello")
	f.Add("abc123.execute-api.localhost:4566", "/v1/")
	f.Add("127.0.0.1:4566", "/restapis/abc123/v1/_user_request_/a%2Fb")
	f.Add("127.0.0.1:4566", "/restapis//v1/_user_request_/")
	f.Add("x.execute-api.", "//")
	f.Add("[::1]:80", "/restapis/a/b/_user_request_%2F")
	f.Fuzz(func(t *testing.T, host, path string) {
		r := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
		r.Host = host
		r.URL.Path = path
		r.URL.RawPath = ""
		if strings.HasPrefix(path, "/") {
			r.URL.RawPath = path
		}
		tgt, ok := route(r)
		if !ok {
			return
		}
		if !Match(r) {
			t.Fatalf("routed but not matched: %q %q", host, path)
		}
		if tgt.APIID == "" || tgt.Stage == "" {
			t.Fatalf("empty api or stage: %+v", tgt)
		}
		if !strings.HasPrefix(tgt.Path, "/") || tgt.Path != "/"+strings.Join(tgt.Parts, "/") {
			t.Fatalf("path %q disagrees with parts %q", tgt.Path, tgt.Parts)
		}
		for _, p := range tgt.Parts {
			if p == "" || p == "." || p == ".." || strings.Contains(p, "/") {
				t.Fatalf("part %q of %q is not a canonical path part", p, tgt.Path)
			}
		}
	})
}

// FuzzURLParts: routing reads a URL without a RawPath through its Path
// (routingPath); that must decide exactly what resourceParts decides from
// the escaped path, and the /restapis/ prefix check must agree, for
// request targets as net/http parses them and for URLs built with any
// Path. A target's Path sliced from a clean path is the parts joined.
func FuzzURLParts(f *testing.F) {
	for _, s := range []string{"/restapis/abc/v1/_user_request_/hello", "/v1/items/42%2F", "/a%25b", "/%72estapis/x/y/_user_request_/",
		"//restapis//x/./y/_user_request_/..", "/v1/items/%E2%82%AC", "/v1/\xff", "/a b", "/a%zz", "*", "/$default/x", "/a+b;c=d@e", "a//b", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		check := func(u *url.URL) {
			path, decoded := routingPath(u)
			escaped := u.EscapedPath()
			gotParts, gotOK := urlParts(nil, path, decoded)
			wantParts, wantOK := resourceParts(escaped)
			if gotOK != wantOK || !slices.Equal(gotParts, wantParts) {
				t.Errorf("%#v: parts %q %v, resourceParts(%q) %q %v", u, gotParts, gotOK, escaped, wantParts, wantOK)
			}
			p := requestPath{parts: gotParts, ok: gotOK}
			if decoded && gotOK && isClean(path, gotParts) {
				p.clean = path
			}
			for k := range len(gotParts) + 1 {
				if got, want := p.restPath(k), "/"+strings.Join(gotParts[k:], "/"); got != want {
					t.Errorf("%#v: restPath(%d) = %q, want %q", u, k, got, want)
				}
			}
			pre := restapisPrefix[1:]
			if strings.HasPrefix(strings.TrimLeft(path, "/"), pre) != strings.HasPrefix(strings.TrimLeft(escaped, "/"), pre) {
				t.Errorf("%#v: /restapis/ prefix of %q and of the escaped %q disagree", u, path, escaped)
			}
		}
		if u, err := url.ParseRequestURI(target); err == nil {
			check(u)
		}
		check(&url.URL{Path: target})
	})
}
