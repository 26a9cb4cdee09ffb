package vtl

import (
	"math"
	"strings"
)

func (s *state) eval(e expr) (any, error) {
	if err := s.step(e.pos(), 1); err != nil {
		return nil, err
	}
	switch e := e.(type) {
	case *literal:
		return e.v, nil
	case *refNode:
		return s.resolve(e)
	case *interpString:
		var b strings.Builder
		if err := s.run(e.body, &b); err != nil {
			return nil, err
		}
		return b.String(), nil
	case *listLit:
		l := &List{Items: make([]any, 0, len(e.items))}
		for _, it := range e.items {
			v, err := s.eval(it)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, v)
		}
		return l, nil
	case *rangeLit:
		return s.rangeList(e)
	case *mapLit:
		m := NewMap()
		for i := range e.keys {
			k, err := s.eval(e.keys[i])
			if err != nil {
				return nil, err
			}
			v, err := s.eval(e.vals[i])
			if err != nil {
				return nil, err
			}
			m.Put(s.str(k), v)
		}
		return m, nil
	case *unary:
		v, err := s.eval(e.x)
		if err != nil {
			return nil, err
		}
		if e.op == "!" {
			return !truthy(v), nil
		}
		return arith(e.at, "-", int64(0), v)
	case *binary:
		return s.binary(e)
	}
	return nil, nil
}

func (s *state) rangeList(e *rangeLit) (any, error) {
	fv, err := s.eval(e.from)
	if err != nil {
		return nil, err
	}
	tv, err := s.eval(e.to)
	if err != nil {
		return nil, err
	}
	from, ok1 := toInt(fv)
	to, ok2 := toInt(tv)
	if !ok1 || !ok2 {
		return nil, nil
	}
	n := to - from
	dir := 1
	if n < 0 {
		n, dir = -n, -1
	}
	if err := s.step(e.at, n+1); err != nil {
		return nil, err
	}
	l := &List{Items: make([]any, 0, n+1)}
	for i := 0; i <= n; i++ {
		l.Items = append(l.Items, int64(from+i*dir))
	}
	return l, nil
}

func (s *state) binary(e *binary) (any, error) {
	l, err := s.eval(e.l)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "&&":
		if !truthy(l) {
			return false, nil
		}
		r, err := s.eval(e.r)
		return truthy(r), err
	case "||":
		if truthy(l) {
			return true, nil
		}
		r, err := s.eval(e.r)
		return truthy(r), err
	}
	r, err := s.eval(e.r)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "==":
		return equalCap(l, r, s.o.MaxOutput), nil
	case "!=":
		return !equalCap(l, r, s.o.MaxOutput), nil
	case "<", "<=", ">", ">=":
		return compare(e.op, l, r), nil
	case "+":
		if isText(l) || isText(r) {
			if l == nil || r == nil {
				return nil, nil
			}
			ls, rs := s.str(l), s.str(r)
			if len(ls)+len(rs) > s.o.MaxOutput {
				return nil, s.fail(e.at, ErrLimit, "a string exceeded %d bytes", s.o.MaxOutput)
			}
			if err := s.step(e.at, (len(ls)+len(rs))/256); err != nil {
				return nil, err
			}
			return ls + rs, nil
		}
	}
	return arith(e.at, e.op, l, r)
}

func isText(v any) bool {
	_, ok := v.(string)
	return ok
}

// arith is Velocity's math: integers stay integers (division truncates),
// a float on either side makes a float; null or division by zero is null.
func arith(_ Pos, op string, l, r any) (any, error) {
	li, lf, lInt, ok1 := number(l)
	ri, rf, rInt, ok2 := number(r)
	if !ok1 || !ok2 {
		return nil, nil
	}
	if lInt && rInt {
		switch op {
		case "+":
			return li + ri, nil
		case "-":
			return li - ri, nil
		case "*":
			return li * ri, nil
		case "/":
			if ri == 0 || (li == math.MinInt64 && ri == -1) {
				return nil, nil
			}
			return li / ri, nil
		case "%":
			if ri == 0 || ri == -1 {
				if ri == -1 {
					return int64(0), nil
				}
				return nil, nil
			}
			return li % ri, nil
		}
		return nil, nil
	}
	switch op {
	case "+":
		return lf + rf, nil
	case "-":
		return lf - rf, nil
	case "*":
		return lf * rf, nil
	case "/":
		if rf == 0 {
			return nil, nil
		}
		return lf / rf, nil
	case "%":
		if rf == 0 {
			return nil, nil
		}
		return math.Mod(lf, rf), nil
	}
	return nil, nil
}

// equal is Velocity 1.7's ==: numbers by value, same kinds by value,
// different kinds by their text.
func equal(l, r any) bool { return equalCap(l, r, DefaultMaxOutput) }

func equalCap(l, r any, limit int) bool {
	if l == nil || r == nil {
		return l == nil && r == nil
	}
	li, lf, lInt, ok1 := number(l)
	ri, rf, rInt, ok2 := number(r)
	if ok1 && ok2 {
		if lInt && rInt {
			return li == ri
		}
		return lf == rf
	}
	if lb, ok := l.(bool); ok {
		if rb, ok := r.(bool); ok {
			return lb == rb
		}
	}
	return stringCap(l, limit) == stringCap(r, limit)
}

func compare(op string, l, r any) bool {
	_, lf, _, ok1 := number(l)
	_, rf, _, ok2 := number(r)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case "<":
		return lf < rf
	case "<=":
		return lf <= rf
	case ">":
		return lf > rf
	default:
		return lf >= rf
	}
}
