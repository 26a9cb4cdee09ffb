package httpapi

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testRouter(keys ...string) *router {
	routes := make([]Route, len(keys))
	for i, k := range keys {
		routes[i] = Route{RouteID: k, RouteKey: k}
	}
	rt := &router{}
	rt.build(routes)
	return rt
}

func parts(path string) []string {
	var out []string
	for p := range strings.SplitSeq(path, "/") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// The example of "Routing API requests" in
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html:
// routes GET /pets/dog/1, GET /pets/dog/{id}, GET /pets/{proxy+},
// ANY /{proxy+} and $default.
func TestMatchAWSExample(t *testing.T) {
	rt := testRouter("GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", DefaultRoute)
	cases := []struct {
		method, path, want string
		params             map[string]string
	}{
		{"GET", "/pets/dog/1", "GET /pets/dog/1", nil},                                    // full match
		{"GET", "/pets/dog/2", "GET /pets/dog/{id}", map[string]string{"id": "2"}},        // full match with a variable
		{"GET", "/pets/cat/1", "GET /pets/{proxy+}", map[string]string{"proxy": "cat/1"}}, // greedy, method-specific
		{"POST", "/pets/dog/1", "ANY /{proxy+}", map[string]string{"proxy": "pets/dog/1"}},
		{"GET", "/", DefaultRoute, nil}, // {proxy+} takes one segment at least
	}
	for _, c := range cases {
		t.Run(c.method+c.path, func(t *testing.T) {
			r, params, ok := rt.match(c.method, parts(c.path))
			if !ok || r.RouteKey != c.want {
				t.Fatalf("matched %v %v, want %s", r, ok, c.want)
			}
			if diff := cmp.Diff(c.params, params); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchRanking(t *testing.T) {
	cases := []struct {
		name         string
		routes       []string
		method, path string
		want         string // "" is no match: 404
	}{
		{"method over ANY", []string{"ANY /a", "GET /a"}, "GET", "/a", "GET /a"},
		{"ANY takes other methods", []string{"ANY /a", "GET /a"}, "DELETE", "/a", "ANY /a"},
		{"literal over variable", []string{"GET /a/{x}", "GET /a/b"}, "GET", "/a/b", "GET /a/b"},
		{"earlier literal wins", []string{"GET /{x}/b", "GET /a/{y}"}, "GET", "/a/b", "GET /a/{y}"},
		{"full match over greedy", []string{"GET /a/{proxy+}", "ANY /a/{x}"}, "GET", "/a/b", "ANY /a/{x}"},
		{"longest greedy prefix", []string{"ANY /{proxy+}", "ANY /a/b/{proxy+}", "ANY /a/{proxy+}"}, "GET", "/a/b/c", "ANY /a/b/{proxy+}"},
		{"greedy method over ANY", []string{"ANY /a/{proxy+}", "GET /a/{proxy+}"}, "GET", "/a/b/c", "GET /a/{proxy+}"},
		{"no match without $default", []string{"GET /a"}, "GET", "/b", ""},
		{"method is case-sensitive", []string{"GET /a"}, "get", "/a", ""},
		{"root", []string{"GET /", "ANY /{proxy+}"}, "GET", "/", "GET /"},
		{"segment count", []string{"GET /a/{x}"}, "GET", "/a/b/c", ""},
		{"$default last", []string{DefaultRoute, "GET /a"}, "GET", "/a", "GET /a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _, ok := testRouter(c.routes...).match(c.method, parts(c.path))
			got := ""
			if ok {
				got = r.RouteKey
			}
			if got != c.want {
				t.Errorf("%s %s matched %q, want %q", c.method, c.path, got, c.want)
			}
		})
	}
}

func TestParseRouteKey(t *testing.T) {
	good := []string{"$default", "GET /", "ANY /{proxy+}", "POST /items/{id}/parts/{part}", "DELETE /a.b/{x-y}"}
	for _, k := range good {
		if _, err := parseRouteKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	bad := []string{"", "GET", "GET a", "FETCH /a", "get /a", "GET /a//b", "GET /{proxy+}/a", "GET /{x}/{x}", "GET /a{x}", "GET /{}", "GET /{a b}", "$default ", "GET /a?b", "GET /a/"}
	for _, k := range bad {
		if _, err := parseRouteKey(k); err == nil {
			t.Errorf("%q: accepted", k)
		}
	}
}
