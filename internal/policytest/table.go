package policytest

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Case is one row of a table.
type Case struct {
	Line      int // of the row, 1-based
	Name      string
	Principal Value
	Action    Value
	Resource  Value
	// Context holds request context keys (aws:SourceIp, ...) and their values.
	Context []ContextEntry
	// Expect is "allow" or "deny".
	Expect string
}

// ContextEntry is one context key of a row.
type ContextEntry struct {
	Key    string
	Values []Value
}

// Value is a string field as written: a literal, a !Sub template or a !Ref.
type Value struct {
	Kind Kind
	Text string // the literal, the template, or the referenced name
	Line int
	Col  int
}

// Kind tells how a Value is resolved.
type Kind int

const (
	Literal Kind = iota
	Sub          // CloudFormation Fn::Sub: ${Name} replaced
	Ref          // CloudFormation Ref: a parameter or a resource's physical id
)

// Error is a table problem located in its file.
type Error struct {
	File  string
	Line  int
	Col   int
	Field string // "[2].resource"; empty for the document itself
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxRows bounds a table, so that an alias-expanded or generated file
// cannot make check send millions of simulations.
const maxRows = 10000

// fields are the keys a row may have.
var fields = []string{"name", "principal", "action", "resource", "context", "expect"}

// Parse reads a table: a YAML sequence of rows. file names the source in
// errors.
func Parse(file string, data []byte) ([]Case, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty table: want a list of rows (principal, action, resource, expect)"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: root.Line, Col: root.Column, Msg: "want a list of rows (principal, action, resource, expect)"}
	}
	if len(root.Content) > maxRows {
		return nil, &Error{File: file, Line: root.Line, Col: root.Column, Msg: fmt.Sprintf("%d rows: at most %d", len(root.Content), maxRows)}
	}
	p := parser{file: file}
	out := make([]Case, 0, len(root.Content))
	for i, n := range root.Content {
		c, err := p.row(n, fmt.Sprintf("[%d]", i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

type parser struct{ file string }

func (p parser) errorf(n *yaml.Node, field, format string, args ...any) *Error {
	return &Error{File: p.file, Line: n.Line, Col: n.Column, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (p parser) row(n *yaml.Node, at string) (Case, error) {
	if n.Kind == yaml.AliasNode {
		return Case{}, p.errorf(n, at, "aliases are not supported in a table")
	}
	if n.Kind != yaml.MappingNode {
		return Case{}, p.errorf(n, at, "want a mapping with principal, action, resource and expect")
	}
	c := Case{Line: n.Line}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := at + "." + k.Value
		if k.Kind != yaml.ScalarNode || !slices.Contains(fields, k.Value) {
			return Case{}, p.errorf(k, field, "unknown field (want one of %s)", strings.Join(fields, ", "))
		}
		if seen[k.Value] {
			return Case{}, p.errorf(k, field, "given twice")
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "name":
			var name Value
			if name, err = p.value(v, field); err == nil {
				if name.Kind != Literal {
					return Case{}, p.errorf(v, field, "a name is plain text")
				}
				c.Name = name.Text
			}
		case "principal":
			c.Principal, err = p.value(v, field)
		case "action":
			c.Action, err = p.value(v, field)
			if err == nil && c.Action.Kind == Literal && !validAction(c.Action.Text) {
				err = p.errorf(v, field, "%q is not an action: want service:Action, e.g. execute-api:Invoke", c.Action.Text)
			}
		case "resource":
			c.Resource, err = p.value(v, field)
		case "context":
			c.Context, err = p.context(v, field)
		case "expect":
			if v.Kind != yaml.ScalarNode || v.Tag == "!Sub" || v.Tag == "!Ref" || (v.Value != "allow" && v.Value != "deny") {
				return Case{}, p.errorf(v, field, "want allow or deny")
			}
			c.Expect = v.Value
		}
		if err != nil {
			return Case{}, err
		}
	}
	for _, f := range []string{"principal", "action", "resource", "expect"} {
		if !seen[f] {
			return Case{}, p.errorf(n, at+"."+f, "missing")
		}
	}
	return c, nil
}

// value reads a string field: a plain scalar, !Sub or !Ref, or their long
// forms {"Fn::Sub": ...} and {"Ref": ...}.
func (p parser) value(n *yaml.Node, field string) (Value, error) {
	v := Value{Line: n.Line, Col: n.Column}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!Sub":
			v.Kind = Sub
		case "!Ref":
			v.Kind = Ref
		case "!!str", "!!int", "!!float", "!!bool", "":
		default:
			if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
				return Value{}, p.errorf(n, field, "%s is not supported here (use !Sub or !Ref)", n.Tag)
			}
			if n.Tag == "!!null" {
				return Value{}, p.errorf(n, field, "empty")
			}
		}
		v.Text = n.Value
	case yaml.MappingNode:
		if len(n.Content) != 2 || (n.Content[0].Value != "Fn::Sub" && n.Content[0].Value != "Ref") {
			return Value{}, p.errorf(n, field, "want text, !Sub or !Ref")
		}
		inner, err := p.value(n.Content[1], field)
		if err != nil {
			return Value{}, err
		}
		if inner.Kind != Literal {
			return Value{}, p.errorf(n.Content[1], field, "want text inside %s", n.Content[0].Value)
		}
		inner.Kind = Sub
		if n.Content[0].Value == "Ref" {
			inner.Kind = Ref
		}
		return inner, nil
	case yaml.SequenceNode:
		if n.Tag == "!Sub" {
			return Value{}, p.errorf(n, field, "!Sub with a variable map is not supported: write the values in the template")
		}
		return Value{}, p.errorf(n, field, "want one value, not a list")
	default:
		return Value{}, p.errorf(n, field, "want text, !Sub or !Ref")
	}
	if v.Text == "" {
		return Value{}, p.errorf(n, field, "empty")
	}
	if v.Kind == Sub {
		if _, err := splitSub(v.Text); err != nil {
			return Value{}, p.errorf(n, field, "%v", err)
		}
	}
	return v, nil
}

// context reads a mapping of condition keys to one value or a list.
func (p parser) context(n *yaml.Node, field string) ([]ContextEntry, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, field, "want a mapping of condition keys to values, e.g. {aws:SourceIp: 203.0.113.9}")
	}
	var out []ContextEntry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kf := field + "." + k.Value
		if k.Kind != yaml.ScalarNode || !validKey(k.Value) {
			return nil, p.errorf(k, kf, "not a condition key: want prefix:name, e.g. aws:SourceIp")
		}
		for _, e := range out {
			if strings.EqualFold(e.Key, k.Value) {
				return nil, p.errorf(k, kf, "given twice (condition keys ignore case)")
			}
		}
		e := ContextEntry{Key: k.Value}
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
			if len(items) == 0 {
				return nil, p.errorf(v, kf, "empty list")
			}
		}
		for _, it := range items {
			val, err := p.value(it, kf)
			if err != nil {
				return nil, err
			}
			e.Values = append(e.Values, val)
		}
		out = append(out, e)
	}
	return out, nil
}

func validAction(s string) bool {
	svc, name, ok := strings.Cut(s, ":")
	return ok && svc != "" && name != "" && !strings.ContainsAny(s, " \t\n/")
}

func validKey(s string) bool {
	pre, name, ok := strings.Cut(s, ":")
	return ok && pre != "" && name != "" && !strings.ContainsAny(s, " \t\n")
}
