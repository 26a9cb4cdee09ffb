package vtl

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of directives, parentheses, literals and
// interpolated strings, so a parse never exhausts the stack.
const maxDepth = 64

// Template is a parsed template, safe for concurrent Execute calls.
type Template struct {
	name  string
	nodes []node
}

// Parse reads src. name appears in errors (e.g. "application/json").
func Parse(name, src string) (*Template, error) {
	p := &parser{name: name, src: src, end: len(src)}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
	nodes, term, at, err := p.nodes()
	if err != nil {
		return nil, err
	}
	if term != "" {
		return nil, p.errAt(at, "#%s without a matching #if or #foreach", term)
	}
	return &Template{name: name, nodes: nodes}, nil
}

type parser struct {
	name  string
	src   string
	i     int
	end   int   // parsing stops here (the closing quote of a string)
	lines []int // offsets where lines 2, 3, ... start
	depth int
}

// position converts a byte offset to line and column.
func (p *parser) position(off int) Pos {
	line := sort.SearchInts(p.lines, off+1) // lines starting at or before off
	start := 0
	if line > 0 {
		start = p.lines[line-1]
	}
	if off > len(p.src) {
		off = len(p.src)
	}
	return Pos{Line: line + 1, Col: utf8.RuneCountInString(p.src[start:off]) + 1}
}

func (p *parser) errAt(off int, format string, args ...any) error {
	return &Error{Template: p.name, Pos: p.position(off), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errAt(off, "nested too deeply (more than %d levels)", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) peek(k int) byte {
	if p.i+k < p.end {
		return p.src[p.i+k]
	}
	return 0
}

func (p *parser) has(s string) bool { return strings.HasPrefix(p.src[p.i:p.end], s) }

// nodes parses text until EOF (term "") or a block terminator: "end",
// "else" or "elseif" (consumed; for elseif the condition is not).
// at is the terminator's offset.
func (p *parser) nodes() (out []node, term string, at int, err error) {
	var text strings.Builder
	textStart := p.i
	flush := func() {
		if text.Len() > 0 {
			out = append(out, &textNode{at: p.position(textStart), text: text.String()})
			text.Reset()
		}
		textStart = p.i
	}
	for p.i < p.end {
		c := p.src[p.i]
		switch {
		case c == '\\':
			n := 0
			for p.peek(n) == '\\' {
				n++
			}
			start := p.i
			p.i += n
			if !p.startsRef() && !p.startsDirective() {
				text.WriteString(p.src[start:p.i])
				continue
			}
			text.WriteString(strings.Repeat(`\`, n/2))
			if n%2 == 1 {
				if p.peek(0) == '$' {
					flush()
					r, err := p.reference(false)
					if err != nil {
						return nil, "", 0, err
					}
					r.escaped = true
					out = append(out, r)
					textStart = p.i
				} else {
					// an escaped directive is its text: copy the name.
					j := p.i + 1
					for j < p.end && (isLetter(p.src[j]) || p.src[j] == '{' || p.src[j] == '}') {
						j++
					}
					text.WriteString(p.src[p.i:j])
					p.i = j
				}
			}
		case c == '$' && p.startsRef():
			flush()
			r, err := p.reference(false)
			if err != nil {
				return nil, "", 0, err
			}
			out = append(out, r)
			textStart = p.i
		case c == '#':
			start := p.i
			n, term, handled, err := p.hash(&text)
			if err != nil {
				return nil, "", 0, err
			}
			if !handled {
				text.WriteByte('#')
				p.i++
				continue
			}
			_, isSet := n.(*setNode)
			trimIndent(&text, &out, isSet)
			flush()
			if term != "" {
				return out, term, start, nil
			}
			if n != nil {
				out = append(out, n)
			}
		default:
			text.WriteByte(c)
			p.i++
		}
	}
	flush()
	return out, "", p.i, nil
}

// trimIndent drops the spaces before a #set alone on its line (Velocity
// 1.7's gobbling); other directives keep their indentation.
func trimIndent(text *strings.Builder, out *[]node, isSet bool) {
	if !isSet {
		return
	}
	s := text.String()
	j := strings.LastIndexByte(s, '\n')
	if strings.TrimLeft(s[j+1:], " \t") != "" {
		return
	}
	if j < 0 && len(*out) > 0 {
		return // text before the directive on its line is not ours to see
	}
	text.Reset()
	text.WriteString(s[:j+1])
}

func (p *parser) startsRef() bool {
	if p.peek(0) != '$' {
		return false
	}
	k := 1
	if p.peek(k) == '!' {
		k++
	}
	if p.peek(k) == '{' {
		k++
	}
	return isIdentStart(p.peek(k))
}

func (p *parser) startsDirective() bool {
	if p.peek(0) != '#' {
		return false
	}
	name, _ := p.directiveName()
	return directives[name]
}

var directives = map[string]bool{
	"set": true, "if": true, "elseif": true, "else": true, "end": true,
	"foreach": true, "break": true, "stop": true, "define": true, "macro": true,
}

// directiveName reads the name after '#' (plain or braced) and its length
// including '#'.
func (p *parser) directiveName() (string, int) {
	k := 1
	braced := p.peek(k) == '{'
	if braced {
		k++
	}
	start := k
	for isLetter(p.peek(k)) {
		k++
	}
	name := p.src[min(p.i+start, p.end):min(p.i+k, p.end)]
	if braced {
		if p.peek(k) != '}' {
			return "", 0
		}
		k++
	} else if name == "else" && p.has("#elseif") {
		return "elseif", len("#elseif")
	}
	return name, k
}

// hash handles '#': comments, unparsed blocks and directives. handled is
// false when the '#' is plain text.
func (p *parser) hash(text *strings.Builder) (n node, term string, handled bool, err error) {
	start := p.i
	switch {
	case p.has("##"):
		for p.i < p.end && p.src[p.i] != '\n' {
			p.i++
		}
		if p.i < p.end {
			p.i++
		}
		return nil, "", true, nil
	case p.has("#*"):
		j := strings.Index(p.src[p.i+2:p.end], "*#")
		if j < 0 {
			return nil, "", false, p.errAt(start, "unterminated #* comment")
		}
		p.i += 2 + j + 2
		return nil, "", true, nil
	case p.has("#[["):
		j := strings.Index(p.src[p.i+3:p.end], "]]#")
		if j < 0 {
			return nil, "", false, p.errAt(start, "unterminated #[[ block")
		}
		text.WriteString(p.src[p.i+3 : p.i+3+j])
		p.i += 3 + j + 3
		return nil, "", true, nil
	}
	name, k := p.directiveName()
	if !directives[name] {
		return nil, "", false, nil
	}
	p.i += k
	switch name {
	case "end", "else":
		p.gobbleLine()
		return nil, name, true, nil
	case "elseif":
		return nil, name, true, nil
	case "break", "stop":
		p.optionalArgs()
		p.gobbleLine()
		if name == "break" {
			return &breakNode{at: p.position(start)}, "", true, nil
		}
		return &stopNode{at: p.position(start)}, "", true, nil
	case "macro":
		return nil, "", false, p.errAt(start, "#macro is not supported by iamgate's Velocity engine")
	}
	if err := p.enter(start); err != nil {
		return nil, "", false, err
	}
	defer p.leave()
	switch name {
	case "set":
		n, err = p.set(start)
	case "if":
		n, err = p.ifDirective(start)
	case "foreach":
		n, err = p.foreach(start)
	case "define":
		n, err = p.define(start)
	}
	return n, "", true, err
}

// gobbleLine eats the rest of a line holding only spaces after a directive.
func (p *parser) gobbleLine() {
	j := p.i
	for j < p.end && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	switch {
	case j < p.end && p.src[j] == '\n':
		p.i = j + 1
	case j+1 < p.end && p.src[j] == '\r' && p.src[j+1] == '\n':
		p.i = j + 2
	}
}

// optionalArgs skips a "( ... )" after #break or #stop ($foreach scope).
func (p *parser) optionalArgs() {
	j := p.i
	for j < p.end && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	if j < p.end && p.src[j] == '(' {
		if k := strings.IndexByte(p.src[j:p.end], ')'); k >= 0 {
			p.i = j + k + 1
		}
	}
}

func (p *parser) open(directive string) error {
	for p.i < p.end && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
		p.i++
	}
	if p.peek(0) != '(' {
		return p.errAt(p.i, "expected '(' after #%s", directive)
	}
	p.i++
	return nil
}

func (p *parser) close(directive string) error {
	p.space()
	if p.peek(0) != ')' {
		return p.errAt(p.i, "expected ')' to close #%s, found %s", directive, p.found())
	}
	p.i++
	return nil
}

// found describes what is at the current offset, for errors.
func (p *parser) found() string {
	if p.i >= p.end {
		return "end of template"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.i:p.end])
	return fmt.Sprintf("%q", r)
}

func (p *parser) set(start int) (node, error) {
	if err := p.open("set"); err != nil {
		return nil, err
	}
	p.space()
	if p.peek(0) != '$' {
		return nil, p.errAt(p.i, "#set needs a reference on the left, found %s", p.found())
	}
	target, err := p.reference(true)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.peek(0) != '=' {
		return nil, p.errAt(p.i, "expected '=' in #set, found %s", p.found())
	}
	p.i++
	value, err := p.expression()
	if err != nil {
		return nil, err
	}
	if err := p.close("set"); err != nil {
		return nil, err
	}
	p.gobbleLine()
	return &setNode{at: p.position(start), target: target, value: value}, nil
}

func (p *parser) condition(directive string) (expr, error) {
	if err := p.open(directive); err != nil {
		return nil, err
	}
	cond, err := p.expression()
	if err != nil {
		return nil, err
	}
	if err := p.close(directive); err != nil {
		return nil, err
	}
	p.gobbleLine()
	return cond, nil
}

func (p *parser) ifDirective(start int) (node, error) {
	n := &ifNode{at: p.position(start)}
	cond, err := p.condition("if")
	if err != nil {
		return nil, err
	}
	for {
		body, term, at, err := p.nodes()
		if err != nil {
			return nil, err
		}
		n.branches = append(n.branches, ifBranch{cond: cond, body: body})
		switch term {
		case "end":
			return n, nil
		case "elseif":
			if cond, err = p.condition("elseif"); err != nil {
				return nil, err
			}
		case "else":
			body, term, at, err := p.nodes()
			if err != nil {
				return nil, err
			}
			if term != "end" {
				return nil, p.unclosed(term, at, start, "#if")
			}
			n.orElse = body
			return n, nil
		default:
			return nil, p.unclosed(term, at, start, "#if")
		}
	}
}

func (p *parser) unclosed(term string, at, start int, what string) error {
	if term == "" {
		return p.errAt(start, "%s has no matching #end", what)
	}
	return p.errAt(at, "unexpected #%s in %s", term, what)
}

func (p *parser) foreach(start int) (node, error) {
	if err := p.open("foreach"); err != nil {
		return nil, err
	}
	p.space()
	name, err := p.loopVariable("foreach")
	if err != nil {
		return nil, err
	}
	p.space()
	if !p.word("in") {
		return nil, p.errAt(p.i, "expected 'in' in #foreach, found %s", p.found())
	}
	iter, err := p.expression()
	if err != nil {
		return nil, err
	}
	if err := p.close("foreach"); err != nil {
		return nil, err
	}
	p.gobbleLine()
	body, term, at, err := p.nodes()
	if err != nil {
		return nil, err
	}
	if term != "end" {
		return nil, p.unclosed(term, at, start, "#foreach")
	}
	return &foreachNode{at: p.position(start), name: name, iter: iter, body: body}, nil
}

func (p *parser) define(start int) (node, error) {
	if err := p.open("define"); err != nil {
		return nil, err
	}
	p.space()
	name, err := p.loopVariable("define")
	if err != nil {
		return nil, err
	}
	if err := p.close("define"); err != nil {
		return nil, err
	}
	p.gobbleLine()
	body, term, at, err := p.nodes()
	if err != nil {
		return nil, err
	}
	if term != "end" {
		return nil, p.unclosed(term, at, start, "#define")
	}
	return &defineNode{at: p.position(start), name: name, body: body}, nil
}

// loopVariable reads a plain $name (or ${name}).
func (p *parser) loopVariable(directive string) (string, error) {
	at := p.i
	if p.peek(0) != '$' {
		return "", p.errAt(at, "#%s needs a $variable, found %s", directive, p.found())
	}
	r, err := p.reference(true)
	if err != nil {
		return "", err
	}
	if len(r.chain) > 0 || r.quiet {
		return "", p.errAt(at, "#%s needs a plain $variable, found %s", directive, r.raw)
	}
	return r.name, nil
}

// reference parses $name, $!name, ${name}, $!{name} with its chain of
// properties, methods and indexes. inExpr: inside a directive, where a
// braced reference must close.
func (p *parser) reference(inExpr bool) (*refNode, error) {
	start := p.i
	r := &refNode{at: p.position(start)}
	p.i++ // '$'
	if p.peek(0) == '!' {
		r.quiet = true
		p.i++
	}
	braced := p.peek(0) == '{'
	if braced {
		p.i++
	}
	if !isIdentStart(p.peek(0)) {
		return nil, p.errAt(p.i, "expected a name after '$', found %s", p.found())
	}
	r.name = p.ident()
	if err := p.chain(r); err != nil {
		return nil, err
	}
	if braced {
		if p.peek(0) != '}' {
			return nil, p.errAt(p.i, "expected '}' to close ${%s, found %s", r.name, p.found())
		}
		p.i++
	}
	r.raw = p.src[start:p.i]
	return r, nil
}

func (p *parser) chain(r *refNode) error {
	for {
		switch {
		case p.peek(0) == '.' && isIdentStart(p.peek(1)):
			at := p.i
			p.i++
			a := accessor{at: p.position(at), kind: accessProp, name: p.ident()}
			if p.peek(0) == '(' {
				args, err := p.arguments(')')
				if err != nil {
					return err
				}
				a.kind, a.args, a.isCall = accessMethod, args, true
			}
			r.chain = append(r.chain, a)
		case p.peek(0) == '[':
			at := p.i
			if err := p.enter(at); err != nil {
				return err
			}
			p.i++
			ix, err := p.expression()
			p.leave()
			if err != nil {
				return err
			}
			p.space()
			if p.peek(0) != ']' {
				return p.errAt(p.i, "expected ']' after index, found %s", p.found())
			}
			p.i++
			r.chain = append(r.chain, accessor{at: p.position(at), kind: accessIndex, index: ix})
		default:
			return nil
		}
	}
}

// arguments parses "(a, b)" or "[a, b]" up to closer; the opener is current.
func (p *parser) arguments(closer byte) ([]expr, error) {
	at := p.i
	if err := p.enter(at); err != nil {
		return nil, err
	}
	defer p.leave()
	p.i++
	var args []expr
	p.space()
	if p.peek(0) == closer {
		p.i++
		return nil, nil
	}
	for {
		e, err := p.expression()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
		p.space()
		switch p.peek(0) {
		case ',':
			p.i++
		case closer:
			p.i++
			return args, nil
		default:
			return nil, p.errAt(p.i, "expected ',' or '%c', found %s", closer, p.found())
		}
	}
}

func (p *parser) ident() string {
	start := p.i
	for p.i < p.end {
		c := p.src[p.i]
		if isIdentChar(c) || (c == '-' && isIdentChar(p.peek(1)) && p.i > start) {
			p.i++
			continue
		}
		break
	}
	return p.src[start:p.i]
}

func isLetter(c byte) bool       { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool        { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool   { return isLetter(c) || c == '_' }
func isIdentChar(c byte) bool    { return isLetter(c) || isDigit(c) || c == '_' }
func (t *Template) Name() string { return t.name }
