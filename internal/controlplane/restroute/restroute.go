package restroute

import (
	"net/http"
	"net/url"
	"strings"
)

// Router is a table of patterns, each bound to an operation name.
type Router struct {
	mux *http.ServeMux
}

// Match is a matched route: the operation and its path parameters.
type Match struct {
	Op     string
	params map[string]string
}

// Param is the unescaped value of the path wildcard {name}.
func (m Match) Param(name string) string { return m.params[name] }

// New returns an empty Router.
func New() *Router {
	mux := http.NewServeMux()
	// Everything the table does not name lands here and stays unmatched,
	// so ServeMux never answers a 404 or 405 of its own.
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	return &Router{mux: mux}
}

// Handle binds pattern, a ServeMux pattern with or without a method, to op.
// Like ServeMux.Handle it panics on an invalid or conflicting pattern: tables
// are built once, at package initialization.
func (rt *Router) Handle(pattern, op string) {
	method, _, hasMethod := strings.Cut(pattern, " ")
	if !hasMethod {
		method = ""
	}
	names := wildcards(pattern)
	rt.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, ok := w.(*capture)
		// ServeMux lets a GET pattern serve HEAD; the services do not.
		if !ok || method != "" && r.Method != method {
			return
		}
		params := make(map[string]string, len(names))
		for _, n := range names {
			params[n] = r.PathValue(n)
		}
		c.m, c.ok = Match{Op: op, params: params}, true
	})
}

// Match finds the route of method and escapedPath (r.URL.EscapedPath()).
// Trailing slashes are ignored. A "." or ".." segment is a parameter's value
// like any other (Lambda answers a function named ".." with a
// ValidationException, not as an unknown operation), never a step up the
// path. A path with an empty segment, badly escaped, or matching no pattern
// is not matched.
func (rt *Router) Match(method, escapedPath string) (Match, bool) {
	p := "/" + strings.Trim(escapedPath, "/")
	if strings.Contains(p, "//") {
		return Match{}, false
	}
	p = escapeDots(p)
	unescaped, err := url.PathUnescape(p)
	if err != nil {
		return Match{}, false
	}
	u := &url.URL{Path: unescaped, RawPath: p}
	if u.EscapedPath() != p {
		// Not a form net/http produces (it would re-split on a decoded "/").
		return Match{}, false
	}
	var c capture
	rt.mux.ServeHTTP(&c, &http.Request{Method: method, URL: u, Header: http.Header{}})
	return c.m, c.ok
}

// escapeDots percent-encodes the "." and ".." segments of p, so ServeMux,
// which cleans a path before it matches, keeps them as segments.
func escapeDots(p string) string {
	if !strings.Contains(p, "/.") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s == "." || s == ".." {
			segs[i] = strings.Repeat("%2E", len(s))
		}
	}
	return strings.Join(segs, "/")
}

// wildcards lists the {name} and {name...} segments of pattern.
func wildcards(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if n, ok := strings.CutPrefix(seg, "{"); ok && strings.HasSuffix(n, "}") && n != "$}" {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(n, "}"), "..."))
		}
	}
	return names
}

// capture is the ResponseWriter a match runs with: it records the route
// and discards anything written.
type capture struct {
	m  Match
	ok bool
}

func (*capture) Header() http.Header         { return http.Header{} }
func (*capture) Write(b []byte) (int, error) { return len(b), nil }
func (*capture) WriteHeader(int)             {}
