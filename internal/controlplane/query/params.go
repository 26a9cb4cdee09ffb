package query

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Params are the decoded members of a query-protocol request: the URL query
// and the form body merged, the first value of a repeated name winning (the
// body before the query). Structured members are flattened the AWS way:
// "Tags.member.1.Key", "Parameters.member.2.ParameterValue".
type Params map[string]string

// maxMembers bounds list indices: no AWS query list is longer.
const maxMembers = 10000

// Parse decodes the raw query string and, when form is true, the body.
func Parse(rawQuery string, body []byte, form bool) (Params, error) {
	p := Params{}
	if form {
		if err := p.add(string(body)); err != nil {
			return p, err
		}
	}
	if err := p.add(rawQuery); err != nil {
		return p, err
	}
	return p, nil
}

func (p Params) add(raw string) error {
	vals, err := url.ParseQuery(raw)
	for k, vs := range vals {
		if _, ok := p[k]; !ok && len(vs) > 0 {
			p[k] = vs[0]
		}
	}
	if err != nil {
		return awserr.New(awserr.MalformedQueryString, "The query string is malformed: %s", strings.TrimPrefix(err.Error(), "invalid "))
	}
	return nil
}

func (p Params) Get(name string) string { return p[name] }

// Has reports whether name was sent (possibly empty).
func (p Params) Has(name string) bool {
	_, ok := p[name]
	return ok
}

// Required returns the member name or AWS's validation error for a missing
// Required member ("Value null at 'userName' failed to satisfy constraint:
// Member must not be null").
func (p Params) Required(name string) (string, error) {
	v, ok := p[name]
	if !ok {
		return "", awserr.New(awserr.ValidationError,
			"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return v, nil
}

// Integer returns the member as an int, def when absent.
func (p Params) Integer(name string, def int) (int, error) {
	v, ok := p[name]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, awserr.New(awserr.ValidationError, "Value '%s' at '%s' failed to satisfy constraint: Member must be a number", v, lowerFirst(name))
	}
	return n, nil
}

// Boolean returns the member as a bool, def when absent.
func (p Params) Boolean(name string, def bool) bool {
	switch strings.ToLower(p[name]) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// List returns the members prefix.member.1, prefix.member.2, ... in index
// order. Indices need not be contiguous; AWS orders by index.
func (p Params) List(prefix string) []string {
	var out []string
	for _, e := range p.indexed(prefix) {
		if e.field == "" {
			out = append(out, e.value)
		}
	}
	return out
}

// Structs returns prefix.member.N.Field members grouped by N, in index order.
func (p Params) Structs(prefix string) []map[string]string {
	var out []map[string]string
	last := -1
	for _, e := range p.indexed(prefix) {
		if e.field == "" {
			continue
		}
		if e.index != last {
			out = append(out, map[string]string{})
			last = e.index
		}
		out[len(out)-1][e.field] = e.value
	}
	return out
}

// Tags returns prefix.member.N.Key/Value pairs as a map; nil when none.
func (p Params) Tags(prefix string) map[string]string {
	var m map[string]string
	for _, s := range p.Structs(prefix) {
		if m == nil {
			m = map[string]string{}
		}
		m[s["Key"]] = s["Value"]
	}
	return m
}

type indexedMember struct {
	index int
	field string // "" for list items
	value string
}

// indexed returns the members under prefix.member. sorted by index, then field.
func (p Params) indexed(prefix string) []indexedMember {
	head := prefix + ".member."
	var out []indexedMember
	for k, v := range p {
		rest, ok := strings.CutPrefix(k, head)
		if !ok {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		n, ok := memberIndex(num)
		if !ok {
			continue
		}
		out = append(out, indexedMember{index: n, field: field, value: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].index != out[j].index {
			return out[i].index < out[j].index
		}
		return out[i].field < out[j].field
	})
	return out
}

// memberIndex parses a 1-based decimal list index without sign or leading zero.
func memberIndex(s string) (int, bool) {
	if s == "" || len(s) > 5 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1 && n <= maxMembers
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
