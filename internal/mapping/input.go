package mapping

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/vtl"
)

// Params are the method request parameters a template sees through
// $input.params(): path, query string and header values (the last value
// of a repeated one), in a stable order.
type Params struct {
	Path        map[string]string
	QueryString []Pair
	Header      http.Header
}

// Pair is one query string parameter, in request order.
type Pair struct{ Name, Value string }

// input is $input over one payload: the method request body in a request
// template, the integration response body in a response template.
type input struct {
	body   []byte
	params *vtl.Map
	header *vtl.Map
	// parsed body, decoded on first use
	parsed   any
	isJSON   bool
	decoded  bool
	pathMemo map[string]*path
}

func newInput(body []byte, p Params) *input {
	in := &input{body: body, pathMemo: map[string]*path{}}
	path := vtl.NewMap()
	for _, k := range slices.Sorted(mapsKeys(p.Path)) {
		path.Put(k, p.Path[k])
	}
	query := vtl.NewMap()
	for _, q := range p.QueryString {
		query.Remove(q.Name) // the last value wins, at its own place
		query.Put(q.Name, q.Value)
	}
	header := vtl.NewMap()
	for _, k := range slices.Sorted(mapsKeys(p.Header)) {
		vs := p.Header[k]
		header.Put(k, vs[len(vs)-1])
	}
	in.header = header
	in.params = vtl.NewMap()
	in.params.Put("path", path)
	in.params.Put("querystring", query)
	in.params.Put("header", header)
	return in
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Property serves $input.body: the payload as text; an empty payload is
// "{}", as API Gateway hands it to templates.
func (in *input) Property(name string) (any, error) {
	if name == "body" {
		return in.bodyText(), nil
	}
	return nil, vtl.ErrNoMethod
}

func (in *input) bodyText() string {
	if len(in.body) == 0 {
		return "{}"
	}
	return string(in.body)
}

func (in *input) Method(name string, args []any) (any, error) {
	switch name {
	case "params":
		if len(args) == 0 {
			return in.params, nil
		}
		return in.param(vtl.String(args[0])), nil
	case "json", "path":
		expr := "$"
		if len(args) > 0 && args[0] != nil {
			expr = vtl.String(args[0])
		}
		v, err := in.selectPath(expr)
		if err != nil {
			return nil, err
		}
		if name == "path" {
			return v, nil
		}
		if v == nil {
			return `""`, nil
		}
		return vtl.JSON(v), nil
	case "getBody":
		return in.bodyText(), nil
	}
	return nil, vtl.ErrNoMethod
}

// param is $input.params(x): the path, then the query string, then the
// header parameter named x; "" when there is none.
func (in *input) param(name string) any {
	for _, where := range []string{"path", "querystring", "header"} {
		m, _ := in.params.Get(where)
		if v, ok := m.(*vtl.Map).Get(name); ok {
			return v
		}
	}
	for _, k := range in.header.Keys() {
		if strings.EqualFold(k, name) {
			v, _ := in.header.Get(k)
			return v
		}
	}
	return ""
}

// selectPath evaluates a JSONPath over the payload. A payload that is not
// JSON is the string "$" selects; an empty one is {}.
func (in *input) selectPath(expr string) (any, error) {
	p, ok := in.pathMemo[expr]
	if !ok {
		var err error
		if p, err = parsePath(expr); err != nil {
			return nil, err
		}
		in.pathMemo[expr] = p
	}
	root := in.root()
	if !in.isJSON {
		if len(p.steps) == 0 {
			return root, nil
		}
		return nil, nil
	}
	return p.eval(root), nil
}

func (in *input) root() any {
	if in.decoded {
		return in.parsed
	}
	in.decoded = true
	if len(strings.TrimSpace(string(in.body))) == 0 {
		in.parsed, in.isJSON = vtl.NewMap(), true
		return in.parsed
	}
	if !json.Valid(in.body) {
		in.parsed = string(in.body)
		return in.parsed
	}
	v, err := vtl.ParseJSON(in.body)
	if err != nil {
		in.parsed = string(in.body)
		return in.parsed
	}
	in.parsed, in.isJSON = v, true
	return v
}

func (in *input) String() string { return "$input" }
