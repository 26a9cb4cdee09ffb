package vtl

import (
	"strconv"
	"strings"
)

// space skips blanks inside a directive or argument list.
func (p *parser) space() {
	for p.i < p.end {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// word consumes keyword w when it stands alone (not the start of a name).
func (p *parser) word(w string) bool {
	if !p.has(w) || isIdentChar(p.peek(len(w))) {
		return false
	}
	p.i += len(w)
	return true
}

// expression parses with Velocity's precedence: || && == != < <= > >=
// + - * / % and the unary ! and -. Word forms (or, and, eq, ne, lt, le,
// gt, ge, not) are accepted too.
func (p *parser) expression() (expr, error) {
	if err := p.enter(p.i); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.binaryLevel(0)
}

var levels = [][]struct{ sym, word, op string }{
	{{"||", "or", "||"}},
	{{"&&", "and", "&&"}},
	{{"==", "eq", "=="}, {"!=", "ne", "!="}},
	{{"<=", "le", "<="}, {">=", "ge", ">="}, {"<", "lt", "<"}, {">", "gt", ">"}},
	{{"+", "", "+"}, {"-", "", "-"}},
	{{"*", "", "*"}, {"/", "", "/"}, {"%", "", "%"}},
}

func (p *parser) binaryLevel(level int) (expr, error) {
	if level == len(levels) {
		return p.unaryExpr()
	}
	l, err := p.binaryLevel(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		at := p.i
		op := p.operator(level)
		if op == "" {
			return l, nil
		}
		r, err := p.binaryLevel(level + 1)
		if err != nil {
			return nil, err
		}
		l = &binary{at: p.position(at), op: op, l: l, r: r}
	}
}

func (p *parser) operator(level int) string {
	for _, o := range levels[level] {
		if p.has(o.sym) {
			// '=' alone is assignment, never an operator here.
			if o.sym == "<" || o.sym == ">" || o.sym == "!" {
				if p.peek(1) == '=' {
					continue
				}
			}
			p.i += len(o.sym)
			return o.op
		}
		if o.word != "" && p.word(o.word) {
			return o.op
		}
	}
	return ""
}

func (p *parser) unaryExpr() (expr, error) {
	p.space()
	at := p.i
	switch {
	case p.peek(0) == '!' && p.peek(1) != '=':
		p.i++
	case p.word("not"):
	case p.peek(0) == '-' && !isDigit(p.peek(1)):
		p.i++
		x, err := p.unaryNested()
		if err != nil {
			return nil, err
		}
		return &unary{at: p.position(at), op: "-", x: x}, nil
	default:
		return p.primary()
	}
	x, err := p.unaryNested()
	if err != nil {
		return nil, err
	}
	return &unary{at: p.position(at), op: "!", x: x}, nil
}

func (p *parser) unaryNested() (expr, error) {
	if err := p.enter(p.i); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.unaryExpr()
}

func (p *parser) primary() (expr, error) {
	p.space()
	at := p.i
	c := p.peek(0)
	switch {
	case c == '$':
		if !p.startsRef() {
			return nil, p.errAt(at, "expected a name after '$', found %s", p.foundAt(at+1))
		}
		return p.reference(true)
	case c == '"':
		return p.doubleQuoted()
	case c == '\'':
		return p.singleQuoted()
	case isDigit(c) || c == '-' && isDigit(p.peek(1)):
		return p.number()
	case c == '[':
		return p.listOrRange()
	case c == '{':
		return p.mapLiteral()
	case c == '(':
		p.i++
		e, err := p.expression()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.peek(0) != ')' {
			return nil, p.errAt(p.i, "expected ')', found %s", p.found())
		}
		p.i++
		return e, nil
	case p.word("true"):
		return &literal{at: p.position(at), v: true}, nil
	case p.word("false"):
		return &literal{at: p.position(at), v: false}, nil
	case p.word("null"):
		return &literal{at: p.position(at), v: nil}, nil
	}
	return nil, p.errAt(at, "expected a value, found %s", p.found())
}

func (p *parser) foundAt(off int) string {
	save := p.i
	p.i = off
	defer func() { p.i = save }()
	return p.found()
}

func (p *parser) number() (expr, error) {
	at := p.i
	if p.peek(0) == '-' {
		p.i++
	}
	for isDigit(p.peek(0)) {
		p.i++
	}
	isFloat := false
	if p.peek(0) == '.' && isDigit(p.peek(1)) {
		isFloat = true
		p.i++
		for isDigit(p.peek(0)) {
			p.i++
		}
		if c := p.peek(0); c == 'e' || c == 'E' {
			k := 1
			if p.peek(k) == '-' || p.peek(k) == '+' {
				k++
			}
			if isDigit(p.peek(k)) {
				p.i += k
				for isDigit(p.peek(0)) {
					p.i++
				}
			}
		}
	}
	text := p.src[at:p.i]
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, p.errAt(at, "bad number %s", text)
		}
		return &literal{at: p.position(at), v: f}, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, p.errAt(at, "number %s is out of range", text)
	}
	return &literal{at: p.position(at), v: n}, nil
}

// singleQuoted is a literal string; ” stands for one quote.
func (p *parser) singleQuoted() (expr, error) {
	at := p.i
	var b strings.Builder
	for j := p.i + 1; j < p.end; j++ {
		if p.src[j] != '\'' {
			b.WriteByte(p.src[j])
			continue
		}
		if j+1 < p.end && p.src[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		p.i = j + 1
		return &literal{at: p.position(at), v: b.String()}, nil
	}
	return nil, p.errAt(at, "unterminated string")
}

// doubleQuoted is an interpolated string: its body is parsed as a template
// (references and directives), "" standing for one quote.
func (p *parser) doubleQuoted() (expr, error) {
	at := p.i
	j := p.i + 1
	for ; j < p.end; j++ {
		if p.src[j] == '\\' && j+1 < p.end {
			j++
			continue
		}
		if p.src[j] == '"' {
			if j+1 < p.end && p.src[j+1] == '"' {
				j++
				continue
			}
			break
		}
	}
	if j >= p.end {
		return nil, p.errAt(at, "unterminated string")
	}
	if err := p.enter(at); err != nil {
		return nil, err
	}
	defer p.leave()
	outer := p.end
	p.i, p.end = at+1, j
	body, term, termAt, err := p.nodes()
	p.end = outer
	if err != nil {
		return nil, err
	}
	if term != "" {
		return nil, p.errAt(termAt, "#%s without a matching #if or #foreach in a string", term)
	}
	p.i = j + 1
	for _, n := range body {
		if t, ok := n.(*textNode); ok {
			t.text = strings.ReplaceAll(t.text, `""`, `"`)
		}
	}
	if len(body) == 0 {
		return &literal{at: p.position(at), v: ""}, nil
	}
	if t, ok := body[0].(*textNode); ok && len(body) == 1 {
		return &literal{at: p.position(at), v: t.text}, nil
	}
	return &interpString{at: p.position(at), body: body}, nil
}

func (p *parser) listOrRange() (expr, error) {
	at := p.i
	if err := p.enter(at); err != nil {
		return nil, err
	}
	defer p.leave()
	p.i++
	p.space()
	if p.peek(0) == ']' {
		p.i++
		return &listLit{at: p.position(at)}, nil
	}
	first, err := p.expression()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.has("..") {
		p.i += 2
		to, err := p.expression()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.peek(0) != ']' {
			return nil, p.errAt(p.i, "expected ']' to close the range, found %s", p.found())
		}
		p.i++
		return &rangeLit{at: p.position(at), from: first, to: to}, nil
	}
	items := []expr{first}
	for {
		p.space()
		switch p.peek(0) {
		case ']':
			p.i++
			return &listLit{at: p.position(at), items: items}, nil
		case ',':
			p.i++
			e, err := p.expression()
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		default:
			return nil, p.errAt(p.i, "expected ',' or ']' in a list, found %s", p.found())
		}
	}
}

func (p *parser) mapLiteral() (expr, error) {
	at := p.i
	if err := p.enter(at); err != nil {
		return nil, err
	}
	defer p.leave()
	p.i++
	m := &mapLit{at: p.position(at)}
	p.space()
	if p.peek(0) == '}' {
		p.i++
		return m, nil
	}
	for {
		k, err := p.expression()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.peek(0) != ':' {
			return nil, p.errAt(p.i, "expected ':' in a map, found %s", p.found())
		}
		p.i++
		v, err := p.expression()
		if err != nil {
			return nil, err
		}
		m.keys, m.vals = append(m.keys, k), append(m.vals, v)
		p.space()
		switch p.peek(0) {
		case '}':
			p.i++
			return m, nil
		case ',':
			p.i++
		default:
			return nil, p.errAt(p.i, "expected ',' or '}' in a map, found %s", p.found())
		}
	}
}
