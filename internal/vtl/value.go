package vtl

import (
	"math"
	"strconv"
	"strings"
)

// List is a Java list: mutable, shared by reference.
type List struct {
	Items []any
	// JSON: the list came from parsed JSON and renders as JSON text, as
	// API Gateway renders $input.path('$.list'); other lists render as
	// Java's "[a, b]".
	JSON bool
}

// NewList returns a list of items.
func NewList(items ...any) *List { return &List{Items: items} }

// Map is a Java map with insertion order (as a LinkedHashMap, which is
// what templates iterate in API Gateway's parsed JSON).
type Map struct {
	keys []string
	vals map[string]any
}

// NewMap returns an empty map.
func NewMap() *Map { return &Map{vals: map[string]any{}} }

// Get returns the value for k.
func (m *Map) Get(k string) (any, bool) {
	v, ok := m.vals[k]
	return v, ok
}

// Put sets k to v, keeping k's place when it is already there.
func (m *Map) Put(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

// Remove deletes k and returns its value.
func (m *Map) Remove(k string) any {
	v, ok := m.vals[k]
	if !ok {
		return nil
	}
	delete(m.vals, k)
	for i, e := range m.keys {
		if e == k {
			m.keys = append(m.keys[:i:i], m.keys[i+1:]...)
			break
		}
	}
	return v
}

// Keys are the keys in insertion order.
func (m *Map) Keys() []string { return m.keys }

// Len is the number of entries.
func (m *Map) Len() int { return len(m.keys) }

// Object is a value supplied by the embedder ($input, $util, ...).
// Property and Method return an error wrapping ErrNoMethod for names they
// do not know; any other error stops the template.
type Object interface {
	Property(name string) (any, error)
	Method(name string, args []any) (any, error)
}

// block is the value of a #define: rendered when it is used.
type block struct {
	body []node
}

// loopInfo is $foreach.
type loopInfo struct {
	index, n int
	parent   any
}

// truthy is Velocity 1.7's condition: false only for null and false.
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	}
	return true
}

// String renders v as Java's toString would; nil is "null" (as inside a
// list), the caller deals with a null reference.
func String(v any) string { return stringCap(v, DefaultMaxOutput) }

// stringCap renders at most about limit bytes: a list that holds itself
// would otherwise expand without end.
func stringCap(v any, limit int) string {
	var b strings.Builder
	writeString(&b, v, 0, limit)
	return b.String()
}

func writeString(b *strings.Builder, v any, depth, limit int) {
	if b.Len() > limit {
		return
	}
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case int:
		b.WriteString(strconv.Itoa(t))
	case float64:
		b.WriteString(javaDouble(t))
	case *List:
		if t.JSON {
			writeJSON(b, t, depth, limit)
			return
		}
		b.WriteByte('[')
		for i, e := range t.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(b, e, depth+1, limit)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeString(b, t.vals[k], depth+1, limit)
		}
		b.WriteByte('}')
	case interface{ String() string }:
		b.WriteString(t.String())
	}
}

// javaDouble formats f as Java's Double.toString: "1.0", "0.5", "1.0E10".
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-3 && abs < 1e7) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E+10
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	exp = strings.TrimPrefix(exp, "+")
	if neg := strings.HasPrefix(exp, "-"); neg {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	} else {
		exp = strings.TrimLeft(exp, "0")
	}
	return mant + "E" + exp
}

// number reports v as int64 or float64.
func number(v any) (i int64, f float64, isInt, ok bool) {
	switch t := v.(type) {
	case int64:
		return t, float64(t), true, true
	case int:
		return int64(t), float64(t), true, true
	case float64:
		return 0, t, false, true
	}
	return 0, 0, false, false
}

// toInt reads an integer argument (Java would unbox an Integer).
func toInt(v any) (int, bool) {
	i, f, isInt, ok := number(v)
	if !ok {
		if s, isStr := v.(string); isStr {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			return n, err == nil
		}
		return 0, false
	}
	if !isInt {
		if f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
			return 0, false
		}
		return int(f), true
	}
	if i > math.MaxInt32 || i < math.MinInt32 {
		return 0, false
	}
	return int(i), true
}
