package vtl

import (
	"errors"
	"fmt"
	"strings"
)

// Options bound and shape one execution.
type Options struct {
	// MaxSteps bounds the work a template may do (nodes run, expressions
	// evaluated, loop turns, bytes built); 0 means DefaultMaxSteps.
	MaxSteps int
	// MaxOutput bounds the output and every string built, in bytes; 0
	// means DefaultMaxOutput.
	MaxOutput int
	// Silent renders null references as nothing, as API Gateway does,
	// instead of their source text (Velocity's default).
	Silent bool
}

// Defaults: a million steps is well past any mapping template seen, and
// far less than a second of work; 10 MB is API Gateway's payload quota.
const (
	DefaultMaxSteps  = 1_000_000
	DefaultMaxOutput = 10 << 20
	maxRenderDepth   = 32
)

// Execute runs the template with vars as its top-level variables (the
// map itself is not changed: #set writes a copy). The output is returned
// even with an error, up to where the error stopped it.
func (t *Template) Execute(vars map[string]any, o Options) (string, error) {
	if o.MaxSteps <= 0 {
		o.MaxSteps = DefaultMaxSteps
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = DefaultMaxOutput
	}
	s := &state{t: t, o: o, vars: make(map[string]any, len(vars)+4)}
	for k, v := range vars {
		s.vars[k] = v
	}
	err := s.run(t.nodes, &s.out)
	if errors.Is(err, errStop) {
		err = nil
	}
	if errors.Is(err, errBreak) {
		err = nil // #break outside #foreach ends the template, as #stop
	}
	return s.out.String(), err
}

var (
	errBreak = errors.New("#break")
	errStop  = errors.New("#stop")
)

type state struct {
	t      *Template
	o      Options
	vars   map[string]any
	out    strings.Builder
	steps  int
	render int // nesting of #define renders
}

func (s *state) step(at Pos, n int) error {
	s.steps += n
	if s.steps > s.o.MaxSteps {
		return s.fail(at, ErrLimit, "the template exceeded %d steps", s.o.MaxSteps)
	}
	return nil
}

func (s *state) fail(at Pos, cause error, format string, args ...any) error {
	return &Error{Template: s.t.name, Pos: at, Msg: fmt.Sprintf(format, args...), Err: cause}
}

func (s *state) write(w *strings.Builder, at Pos, text string) error {
	if w.Len()+len(text) > s.o.MaxOutput {
		return s.fail(at, ErrLimit, "the output exceeded %d bytes", s.o.MaxOutput)
	}
	if err := s.step(at, len(text)/256); err != nil {
		return err
	}
	w.WriteString(text)
	return nil
}

func (s *state) run(nodes []node, w *strings.Builder) error {
	for _, n := range nodes {
		if err := s.step(n.pos(), 1); err != nil {
			return err
		}
		if err := s.exec(n, w); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) exec(n node, w *strings.Builder) error {
	switch n := n.(type) {
	case *textNode:
		return s.write(w, n.at, n.text)
	case *refNode:
		return s.renderRef(n, w)
	case *setNode:
		return s.set(n)
	case *ifNode:
		for _, b := range n.branches {
			v, err := s.eval(b.cond)
			if err != nil {
				return err
			}
			if truthy(v) {
				return s.run(b.body, w)
			}
		}
		return s.run(n.orElse, w)
	case *foreachNode:
		return s.foreach(n, w)
	case *defineNode:
		s.vars[n.name] = &block{body: n.body}
		return nil
	case *breakNode:
		return errBreak
	case *stopNode:
		return errStop
	}
	return nil
}

func (s *state) renderRef(n *refNode, w *strings.Builder) error {
	v, err := s.resolve(n)
	if err != nil {
		return err
	}
	switch {
	case n.escaped && v != nil:
		return s.write(w, n.at, n.raw)
	case n.escaped:
		return s.write(w, n.at, `\`+n.raw)
	case v == nil && (n.quiet || s.o.Silent):
		return nil
	case v == nil:
		return s.write(w, n.at, n.raw)
	}
	text, err := s.text(n.at, v)
	if err != nil {
		return err
	}
	return s.write(w, n.at, text)
}

// text renders a value, a #define block by running it.
func (s *state) text(at Pos, v any) (string, error) {
	b, ok := v.(*block)
	if !ok {
		return s.str(v), nil
	}
	s.render++
	defer func() { s.render-- }()
	if s.render > maxRenderDepth {
		return "", s.fail(at, ErrLimit, "#define blocks nested more than %d deep", maxRenderDepth)
	}
	var out strings.Builder
	if err := s.run(b.body, &out); err != nil {
		return "", err
	}
	return out.String(), nil
}

func (s *state) set(n *setNode) error {
	v, err := s.eval(n.value)
	if err != nil {
		return err
	}
	if v == nil {
		return nil // Velocity 1.7 leaves the left side as it was
	}
	if b, ok := v.(*block); ok {
		// a block assigned is its text now, as Velocity renders it.
		text, err := s.text(n.at, b)
		if err != nil {
			return err
		}
		v = text
	}
	t := n.target
	if len(t.chain) == 0 {
		s.vars[t.name] = v
		return nil
	}
	base, err := s.walk(t, t.chain[:len(t.chain)-1])
	if err != nil {
		return err
	}
	last := t.chain[len(t.chain)-1]
	switch last.kind {
	case accessProp:
		if m, ok := base.(*Map); ok {
			m.Put(last.name, v)
		}
	case accessIndex:
		ix, err := s.eval(last.index)
		if err != nil {
			return err
		}
		switch b := base.(type) {
		case *Map:
			b.Put(s.str(ix), v)
		case *List:
			if i, ok := toInt(ix); ok && i >= 0 && i < len(b.Items) {
				b.Items[i] = v
			}
		}
	}
	return nil
}

func (s *state) foreach(n *foreachNode, w *strings.Builder) error {
	v, err := s.eval(n.iter)
	if err != nil {
		return err
	}
	items := iterable(v)
	saved := map[string]any{}
	for _, k := range []string{n.name, "foreach", "velocityCount", "velocityHasNext"} {
		if old, ok := s.vars[k]; ok {
			saved[k] = old
		}
	}
	defer func() {
		for _, k := range []string{n.name, "foreach", "velocityCount", "velocityHasNext"} {
			if old, ok := saved[k]; ok {
				s.vars[k] = old
			} else {
				delete(s.vars, k)
			}
		}
	}()
	info := &loopInfo{n: len(items), parent: saved["foreach"]}
	for i, item := range items {
		if err := s.step(n.at, 1); err != nil {
			return err
		}
		info.index = i
		s.vars[n.name] = item
		s.vars["foreach"] = info
		s.vars["velocityCount"] = int64(i + 1)
		s.vars["velocityHasNext"] = i+1 < len(items)
		err := s.run(n.body, w)
		if errors.Is(err, errBreak) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// iterable lists what #foreach walks: a list's items, a map's values.
func iterable(v any) []any {
	switch t := v.(type) {
	case *List:
		return append([]any(nil), t.Items...)
	case *Map:
		out := make([]any, 0, t.Len())
		for _, k := range t.keys {
			out = append(out, t.vals[k])
		}
		return out
	case []any:
		return t
	}
	return nil
}

// resolve evaluates a reference to its value (nil when unresolved).
func (s *state) resolve(r *refNode) (any, error) {
	return s.walk(r, r.chain)
}

func (s *state) walk(r *refNode, chain []accessor) (any, error) {
	v, ok := s.vars[r.name]
	if !ok {
		return nil, nil
	}
	for _, a := range chain {
		if v == nil {
			return nil, nil
		}
		if err := s.step(a.at, 1); err != nil {
			return nil, err
		}
		var err error
		switch a.kind {
		case accessProp:
			v, err = s.property(a.at, v, a.name)
		case accessMethod:
			args := make([]any, len(a.args))
			for i, e := range a.args {
				if args[i], err = s.eval(e); err != nil {
					return nil, err
				}
			}
			v, err = s.call(a.at, v, a.name, args)
		case accessIndex:
			var ix any
			if ix, err = s.eval(a.index); err != nil {
				return nil, err
			}
			v = index(v, ix)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func index(v, ix any) any {
	switch t := v.(type) {
	case *List:
		i, ok := toInt(ix)
		if ok && i < 0 {
			i += len(t.Items) // Velocity 1.7 counts negative indexes from the end
		}
		if ok && i >= 0 && i < len(t.Items) {
			return t.Items[i]
		}
	case *Map:
		e, _ := t.Get(String(ix))
		return e
	case Object:
		e, err := t.Method("get", []any{ix})
		if err == nil {
			return e
		}
	}
	return nil
}

// str renders v within the output limit, charging the work.
func (s *state) str(v any) string {
	text := stringCap(v, s.o.MaxOutput)
	s.steps += len(text) / 256
	return text
}
