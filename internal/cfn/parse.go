package cfn

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Pos is a place in a template file. Line and Col are 1-based; zero means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a template problem located in its source file. Path names the field
// the way CloudFormation does in its own messages (Resources/Api/Properties/Body).
type Error struct {
	Pos  Pos
	Path string
	Msg  string
	// Err is the underlying cause, if any (an include loader's error, say).
	Err error
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Template is a parsed template: a generic tree of map[string]any, []any,
// string, int, float64, bool and nil, with every YAML short-form tag expanded to
// its long JSON form ({"Ref": x}, {"Fn::Sub": ...}), plus the source position of
// every node, keyed by its slash-separated path from the root.
type Template struct {
	File string
	Root map[string]any
	pos  map[string]Pos
	// noShort refuses short-form tags (while reading an AWS::Include snippet).
	noShort bool
	// nodes counts converted nodes, so that aliases cannot blow a small
	// document up into a huge tree ("billion laughs").
	nodes int
	// lastKeyWins keeps the last value of a repeated mapping key (recording
	// its path in dups) instead of refusing the template.
	lastKeyWins bool
	dups        []string
}

// maxNodes bounds the expanded tree: generous for real templates
// (CloudFormation accepts at most 1 MB of template text), small enough to
// stop an alias bomb in a second or two.
const maxNodes = 1 << 18

// Pos returns the source position of the node at path, or of its nearest
// ancestor that has one, so errors in generated values still point somewhere
// useful.
func (t *Template) Pos(path ...string) Pos {
	if t == nil {
		return Pos{}
	}
	for n := len(path); n >= 0; n-- {
		if p, ok := t.pos[strings.Join(path[:n], "/")]; ok {
			return p
		}
	}
	return Pos{File: t.File}
}

// Errorf builds an Error positioned at path.
func (t *Template) Errorf(path []string, format string, args ...any) *Error {
	return &Error{Pos: t.Pos(path...), Path: strings.Join(path, "/"), Msg: fmt.Sprintf(format, args...)}
}

// Parse reads a template in YAML (with short-form intrinsic tags) or JSON.
func Parse(file string, data []byte) (*Template, error) {
	return parseTemplate(file, data, false)
}

// ParseLastKeyWins reads a template as the SAM CLI does (PyYAML's loader): a
// key repeated in one mapping keeps its last value instead of failing. dups
// lists the paths of the repeated keys, so that a client can tell the user
// and send the template re-serialized (CloudFormation itself refuses them).
func ParseLastKeyWins(file string, data []byte) (t *Template, dups []string, err error) {
	t, err = parseTemplate(file, data, true)
	if err != nil {
		return nil, nil, err
	}
	return t, t.dups, nil
}

func parseTemplate(file string, data []byte, lastKeyWins bool) (*Template, error) {
	t, v, err := parseNodeWith(file, data, true, lastKeyWins)
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, t.Errorf(nil, "Template format error: a template must be a JSON object or YAML mapping")
	}
	t.Root = root
	return t, nil
}

// parseNode reads any YAML or JSON document into the generic tree. Short-form
// tags are refused when shortTags is false: AWS::Include snippets must be
// plain YAML or JSON.
func parseNode(file string, data []byte, shortForms bool) (*Template, any, error) {
	return parseNodeWith(file, data, shortForms, false)
}

func parseNodeWith(file string, data []byte, shortForms, lastKeyWins bool) (*Template, any, error) {
	t := &Template{File: file, pos: map[string]Pos{}, noShort: !shortForms, lastKeyWins: lastKeyWins}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &Error{Pos: Pos{File: file}, Msg: "Template format error: template is empty"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, &Error{Pos: Pos{File: file}, Msg: "Template format error: YAML not well-formed. " + yamlMessage(err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil, &Error{Pos: Pos{File: file}, Msg: "Template format error: template is empty"}
	}
	v, err := t.convert(doc.Content[0], nil)
	if err != nil {
		return nil, nil, err
	}
	return t, v, nil
}

func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// shortTags maps YAML short-form tags to the intrinsic they stand for.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!If": "Fn::If",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!FindInMap": "Fn::FindInMap",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!GetAZs": "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue", "!Equals": "Fn::Equals", "!And": "Fn::And",
	"!Or": "Fn::Or", "!Not": "Fn::Not", "!Transform": "Fn::Transform",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

func (t *Template) convert(n *yaml.Node, path []string) (any, error) {
	if t.nodes++; t.nodes > maxNodes {
		return nil, t.Errorf(path, "Template format error: template too large once YAML aliases are expanded")
	}
	key := strings.Join(path, "/")
	if _, seen := t.pos[key]; !seen {
		t.pos[key] = Pos{File: t.File, Line: n.Line, Col: n.Column}
	}
	if n.Kind == yaml.AliasNode {
		return t.convert(n.Alias, path)
	}
	if fn, ok := shortTags[n.Tag]; ok {
		if t.noShort {
			return nil, t.Errorf(path, "short-form tag %s", n.Tag)
		}
		return t.convertShort(n, fn, path)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, t.Errorf(path, "Template format error: unknown tag %s", n.Tag)
	}
	switch n.Kind {
	case yaml.MappingNode:
		return t.convertMap(n, path)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := t.convert(c, append(path, strconv.Itoa(i)))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		return t.scalar(n, path)
	}
	return nil, t.Errorf(path, "Template format error: unsupported YAML node")
}

func (t *Template) convertMap(n *yaml.Node, path []string) (any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, t.Errorf(path, "Template format error: mapping keys must be strings")
		}
		name := k.Value
		child := append(append([]string(nil), path...), name)
		if _, dup := out[name]; dup && t.lastKeyWins {
			t.dups = append(t.dups, strings.Join(child, "/"))
		} else if dup {
			t.pos[strings.Join(child, "/")] = Pos{File: t.File, Line: k.Line, Col: k.Column}
			return nil, &Error{Pos: Pos{File: t.File, Line: k.Line, Col: k.Column}, Path: strings.Join(child, "/"),
				Msg: fmt.Sprintf("Template format error: duplicate key '%s'", name)}
		}
		t.pos[strings.Join(child, "/")] = Pos{File: t.File, Line: k.Line, Col: k.Column}
		cv, err := t.convert(v, child)
		if err != nil {
			return nil, err
		}
		out[name] = cv
	}
	return out, nil
}

func (t *Template) convertShort(n *yaml.Node, fn string, path []string) (any, error) {
	inner := *n
	inner.Tag = ""
	if n.Kind == yaml.ScalarNode {
		inner.Tag = "!!str"
	}
	child := append(append([]string(nil), path...), fn)
	v, err := t.convert(&inner, child)
	if err != nil {
		return nil, err
	}
	if fn == "Fn::GetAtt" {
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, t.Errorf(path, "Template error: every Fn::GetAtt object requires two non-empty parameters")
			}
			v = []any{res, attr}
		}
	}
	return map[string]any{fn: v}, nil
}

func (t *Template) scalar(n *yaml.Node, path []string) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return n.Value, nil
		}
		return b, nil
	case "!!int":
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil || i > math.MaxInt || i < math.MinInt {
			return n.Value, nil
		}
		return int(i), nil
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return n.Value, nil
		}
		return f, nil
	case "!!str", "!!binary", "!!timestamp":
		return n.Value, nil
	}
	return n.Value, nil
}
