package restroute

import (
	"strings"
	"testing"
)

func testRouter() *Router {
	rt := New()
	rt.Handle("GET /things", "ListThings")
	rt.Handle("GET /things/{Name}", "GetThing")
	rt.Handle("DELETE /things/{Name}", "DeleteThing")
	rt.Handle("GET /things/{Name}/parts/{Part}", "GetPart")
	rt.Handle("/any/{ID}", "AnyMethod")
	return rt
}

func TestMatch(t *testing.T) {
	rt := testRouter()
	tests := []struct {
		method, path string
		op           string // "" when unmatched
		params       map[string]string
	}{
		{"GET", "/things", "ListThings", nil},
		{"GET", "/things/", "ListThings", nil},
		{"GET", "/things/a", "GetThing", map[string]string{"Name": "a"}},
		{"DELETE", "/things/a", "DeleteThing", map[string]string{"Name": "a"}},
		{"GET", "/things/a/parts/p%2Fq", "GetPart", map[string]string{"Name": "a", "Part": "p/q"}},
		{"GET", "/things/arn:aws:x/parts/1", "GetPart", map[string]string{"Name": "arn:aws:x", "Part": "1"}},
		{"GET", "/things/..%2F..", "GetThing", map[string]string{"Name": "../.."}},
		{"PATCH", "/any/7", "AnyMethod", map[string]string{"ID": "7"}},
		// ServeMux lets GET serve HEAD; a Router does not.
		{"HEAD", "/things", "", nil},
		{"PUT", "/things/a", "", nil},
		{"GET", "/thingsx", "", nil},
		{"GET", "/things/a/b", "", nil},
		{"GET", "/things//parts/p", "", nil},
		// Dot segments are values, not steps up the path.
		{"GET", "/things/./parts/p", "GetPart", map[string]string{"Name": ".", "Part": "p"}},
		{"DELETE", "/things/..", "DeleteThing", map[string]string{"Name": ".."}},
		{"GET", "/things/../things", "", nil},
		{"GET", "/things/...", "GetThing", map[string]string{"Name": "..."}},
		{"GET", "/things/a%2", "", nil},
		{"GET", "/", "", nil},
		{"GET", "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			m, ok := rt.Match(tc.method, tc.path)
			if ok != (tc.op != "") || m.Op != tc.op {
				t.Fatalf("Match = %q %v, want %q", m.Op, ok, tc.op)
			}
			for k, v := range tc.params {
				if got := m.Param(k); got != v {
					t.Errorf("Param(%q) = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestHandleConflictPanics(t *testing.T) {
	rt := New()
	rt.Handle("GET /a/{x}", "A")
	defer func() {
		if recover() == nil {
			t.Error("a conflicting pattern was accepted")
		}
	}()
	rt.Handle("GET /a/{y}", "B")
}

// FuzzMatch: Match never panics, and a matched parameter is never empty and
// never came from more than one path segment.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"/things/a/parts/b", "/things/%2F/parts/x", "//things", "/any/%zz", "/things/a b", "things/a/"} {
		f.Add("GET", s)
	}
	rt := testRouter()
	f.Fuzz(func(t *testing.T, method, path string) {
		m, ok := rt.Match(method, path)
		if !ok {
			return
		}
		segs := len(strings.Split(strings.Trim(path, "/"), "/"))
		for _, n := range []string{"Name", "Part", "ID"} {
			if v, set := m.params[n]; set && v == "" {
				t.Fatalf("%s: empty %s", path, n)
			}
		}
		if want := map[string]int{"ListThings": 1, "GetThing": 2, "DeleteThing": 2, "GetPart": 4, "AnyMethod": 2}[m.Op]; segs != want {
			t.Fatalf("%s routed to %s across %d segments", path, m.Op, segs)
		}
	})
}
