package vtl

// Pos is a place in a template: 1-based line and column (in runes).
type Pos struct {
	Line, Col int
}

// node is one piece of a parsed template.
type node interface{ pos() Pos }

// expr is an expression inside a directive or a reference argument.
type expr interface{ pos() Pos }

type textNode struct {
	at   Pos
	text string
}

// refNode is a reference written in text ($a.b(c)[0]); raw is its source,
// rendered when the value is null and the reference is not quiet.
type refNode struct {
	at    Pos
	raw   string
	quiet bool
	name  string
	chain []accessor
	// escaped: preceded by an odd number of backslashes; renders raw.
	escaped bool
}

// accessor is one step of a reference: .prop, .method(args) or [index].
type accessor struct {
	at     Pos
	kind   accessKind
	name   string
	args   []expr
	index  expr
	isCall bool
}

type accessKind int

const (
	accessProp accessKind = iota
	accessMethod
	accessIndex
)

type setNode struct {
	at     Pos
	target *refNode
	value  expr
}

type ifBranch struct {
	cond expr
	body []node
}

type ifNode struct {
	at       Pos
	branches []ifBranch
	orElse   []node
}

type foreachNode struct {
	at   Pos
	name string
	iter expr
	body []node
}

type defineNode struct {
	at   Pos
	name string
	body []node
}

type breakNode struct{ at Pos }
type stopNode struct{ at Pos }

// Expressions.

type literal struct {
	at Pos
	v  any
}

// interpString is a double-quoted string: a small template of its own.
type interpString struct {
	at   Pos
	body []node
}

type listLit struct {
	at    Pos
	items []expr
}

type rangeLit struct {
	at       Pos
	from, to expr
}

type mapLit struct {
	at   Pos
	keys []expr
	vals []expr
}

type unary struct {
	at Pos
	op string
	x  expr
}

type binary struct {
	at   Pos
	op   string
	l, r expr
}

func (n *textNode) pos() Pos     { return n.at }
func (n *refNode) pos() Pos      { return n.at }
func (n *setNode) pos() Pos      { return n.at }
func (n *ifNode) pos() Pos       { return n.at }
func (n *foreachNode) pos() Pos  { return n.at }
func (n *defineNode) pos() Pos   { return n.at }
func (n *breakNode) pos() Pos    { return n.at }
func (n *stopNode) pos() Pos     { return n.at }
func (n *literal) pos() Pos      { return n.at }
func (n *interpString) pos() Pos { return n.at }
func (n *listLit) pos() Pos      { return n.at }
func (n *rangeLit) pos() Pos     { return n.at }
func (n *mapLit) pos() Pos       { return n.at }
func (n *unary) pos() Pos        { return n.at }
func (n *binary) pos() Pos       { return n.at }
