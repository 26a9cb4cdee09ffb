package mapping

import (
	"testing"

	"github.com/iamgate/iamgate/internal/vtl"
)

// FuzzJSONPath: any expression parses or fails cleanly, and any parsed
// path evaluates over a document without panicking; JSON bodies that
// parse render back as JSON that parses.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"$", "$.a", "$.a.b[0]", "$['a b']", `$["x"][*]`, "$..b", "$.*", "$.a[-1]", "$[", "$.a[?(@.x)]", "a", "$..*"} {
		f.Add(s, `{"a": [{"b": 1}, {"b": [2, 3]}], "a b": true}`)
	}
	f.Fuzz(func(t *testing.T, expr, doc string) {
		p, err := parsePath(expr)
		if err == nil {
			in := newInput([]byte(doc), Params{})
			_ = p.eval(in.root())
		}
		v, err := vtl.ParseJSON([]byte(doc))
		if err != nil {
			return
		}
		if _, err := vtl.ParseJSON([]byte(vtl.JSON(v))); err != nil {
			t.Fatalf("JSON(%q) = %q does not parse: %v", doc, vtl.JSON(v), err)
		}
	})
}
