package mapping

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/vtl"
)

// step is one JSONPath selector.
type step struct {
	kind  stepKind
	name  string
	index int
}

type stepKind int

const (
	stepChild stepKind = iota
	stepIndex
	stepWildcard
	stepDescend // ..name (name "" with a following wildcard: ..*)
)

// path is a parsed JSONPath; definite paths select at most one value.
type path struct {
	steps    []step
	definite bool
}

// maxPath bounds a JSONPath expression (a template's, not the caller's).
const maxPath = 4096

func parsePath(expr string) (*path, error) {
	expr = strings.TrimSpace(expr)
	if len(expr) > maxPath {
		return nil, fmt.Errorf("invalid JSONPath: longer than %d characters", maxPath)
	}
	if !strings.HasPrefix(expr, "$") {
		return nil, fmt.Errorf("invalid JSONPath %q: it must start with $", expr)
	}
	p := &path{definite: true}
	i := 1
	for i < len(expr) {
		switch {
		case strings.HasPrefix(expr[i:], ".."):
			i += 2
			name, n := pathName(expr[i:])
			if name == "" && strings.HasPrefix(expr[i:], "*") {
				name, n = "*", 1
			}
			if name == "" {
				return nil, fmt.Errorf("invalid JSONPath %q: a name must follow '..'", expr)
			}
			p.steps = append(p.steps, step{kind: stepDescend, name: name})
			p.definite = false
			i += n
		case expr[i] == '.':
			i++
			if strings.HasPrefix(expr[i:], "*") {
				p.steps = append(p.steps, step{kind: stepWildcard})
				p.definite = false
				i++
				continue
			}
			name, n := pathName(expr[i:])
			if name == "" {
				return nil, fmt.Errorf("invalid JSONPath %q: a name must follow '.' at %d", expr, i)
			}
			p.steps = append(p.steps, step{kind: stepChild, name: name})
			i += n
		case expr[i] == '[':
			s, n, err := bracket(expr, i)
			if err != nil {
				return nil, err
			}
			if s.kind == stepWildcard {
				p.definite = false
			}
			p.steps = append(p.steps, s)
			i += n
		default:
			return nil, fmt.Errorf("invalid JSONPath %q: unexpected %q at %d", expr, expr[i], i)
		}
	}
	return p, nil
}

func pathName(s string) (string, int) {
	n := 0
	for n < len(s) && s[n] != '.' && s[n] != '[' && s[n] != ' ' {
		n++
	}
	return s[:n], n
}

// bracket reads ['name'], ["name"], [n] or [*] at expr[i].
func bracket(expr string, i int) (step, int, error) {
	end := strings.IndexByte(expr[i:], ']')
	if end < 0 {
		return step{}, 0, fmt.Errorf("invalid JSONPath %q: '[' at %d is not closed", expr, i)
	}
	inner := strings.TrimSpace(expr[i+1 : i+end])
	if q := inner; len(q) >= 2 && (q[0] == '\'' || q[0] == '"') {
		closeAt := strings.IndexByte(expr[i+2:], q[0])
		if closeAt < 0 {
			return step{}, 0, fmt.Errorf("invalid JSONPath %q: unterminated name at %d", expr, i)
		}
		name := expr[i+2 : i+2+closeAt]
		rest := expr[i+2+closeAt+1:]
		j := strings.IndexByte(rest, ']')
		if j < 0 || strings.TrimSpace(rest[:j]) != "" {
			return step{}, 0, fmt.Errorf("invalid JSONPath %q: expected ']' after name", expr)
		}
		return step{kind: stepChild, name: name}, 2 + closeAt + 1 + j + 1, nil
	}
	if inner == "*" {
		return step{kind: stepWildcard}, end + 1, nil
	}
	n, err := strconv.Atoi(inner)
	if err != nil {
		return step{}, 0, fmt.Errorf("invalid JSONPath %q: unsupported selector [%s] (filters and slices are not supported)", expr, inner)
	}
	return step{kind: stepIndex, index: n}, end + 1, nil
}

// eval applies p to root. A definite path gives its value (nil when
// absent); an indefinite one gives a list of every match.
func (p *path) eval(root any) any {
	cur := []any{root}
	for _, s := range p.steps {
		var next []any
		for _, v := range cur {
			next = s.apply(v, next)
		}
		cur = next
	}
	if p.definite {
		if len(cur) == 0 {
			return nil
		}
		return cur[0]
	}
	return &vtl.List{Items: cur, JSON: true}
}

func (s step) apply(v any, out []any) []any {
	switch s.kind {
	case stepChild:
		if m, ok := v.(*vtl.Map); ok {
			if e, ok := m.Get(s.name); ok {
				out = append(out, e)
			}
		}
	case stepIndex:
		if l, ok := v.(*vtl.List); ok {
			i := s.index
			if i < 0 {
				i += len(l.Items)
			}
			if i >= 0 && i < len(l.Items) {
				out = append(out, l.Items[i])
			}
		}
	case stepWildcard:
		out = append(out, children(v)...)
	case stepDescend:
		out = descend(v, s.name, out, 0)
	}
	return out
}

func children(v any) []any {
	switch t := v.(type) {
	case *vtl.Map:
		out := make([]any, 0, t.Len())
		for _, k := range t.Keys() {
			e, _ := t.Get(k)
			out = append(out, e)
		}
		return out
	case *vtl.List:
		return t.Items
	}
	return nil
}

// descend collects name (or everything, for "*") at any depth below v.
func descend(v any, name string, out []any, depth int) []any {
	if depth > 512 {
		return out
	}
	if m, ok := v.(*vtl.Map); ok && name != "*" {
		if e, ok := m.Get(name); ok {
			out = append(out, e)
		}
	}
	for _, c := range children(v) {
		if name == "*" {
			out = append(out, c)
		}
		out = descend(c, name, out, depth+1)
	}
	return out
}
