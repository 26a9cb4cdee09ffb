package vtl

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// property is $v.name: a map entry, $foreach's fields, an Object's
// property, or the Java getter a template would reach (isEmpty, size).
func (s *state) property(at Pos, v any, name string) (any, error) {
	switch t := v.(type) {
	case *Map:
		e, _ := t.Get(name)
		return e, nil
	case *loopInfo:
		return t.field(name), nil
	case Object:
		e, err := t.Property(name)
		if errors.Is(err, ErrNoMethod) {
			return nil, nil
		}
		if err != nil {
			return nil, s.fail(at, err, "%s: %v", name, err)
		}
		return e, nil
	}
	switch name {
	case "empty":
		return s.call(at, v, "isEmpty", nil)
	case "class":
		return nil, nil // no reflection into the engine's types
	}
	return s.call(at, v, "get"+strings.ToUpper(name[:1])+name[1:], nil)
}

func (l *loopInfo) field(name string) any {
	switch name {
	case "hasNext":
		return l.index+1 < l.n
	case "index":
		return int64(l.index)
	case "count":
		return int64(l.index + 1)
	case "first":
		return l.index == 0
	case "last":
		return l.index+1 == l.n
	case "parent":
		return l.parent
	}
	return nil
}

// call is $v.name(args). An unknown method is null, as Velocity renders it.
func (s *state) call(at Pos, v any, name string, args []any) (any, error) {
	switch t := v.(type) {
	case string:
		return s.stringMethod(at, t, name, args)
	case *List:
		return s.listMethod(at, t, name, args)
	case *Map:
		return s.mapMethod(t, name, args)
	case *loopInfo:
		if len(args) == 0 {
			name = strings.TrimPrefix(strings.TrimPrefix(name, "get"), "is")
			if name != "" {
				return t.field(strings.ToLower(name[:1]) + name[1:]), nil
			}
		}
		return nil, nil
	case Object:
		e, err := t.Method(name, args)
		if errors.Is(err, ErrNoMethod) {
			return nil, nil
		}
		if err != nil {
			return nil, s.fail(at, err, "%s(): %v", name, err)
		}
		return e, nil
	case *block:
		text, err := s.text(at, t)
		if err != nil {
			return nil, err
		}
		return s.call(at, text, name, args)
	}
	if _, _, _, ok := number(v); ok {
		return numberMethod(v, name, args), nil
	}
	if b, ok := v.(bool); ok && name == "toString" && len(args) == 0 {
		return strconv.FormatBool(b), nil
	}
	if name == "toString" && len(args) == 0 {
		return s.str(v), nil
	}
	return nil, nil
}

func numberMethod(v any, name string, args []any) any {
	i, f, isInt, _ := number(v)
	switch name {
	case "toString":
		return String(v)
	case "intValue", "longValue":
		if isInt {
			return i
		}
		return int64(f)
	case "doubleValue", "floatValue":
		return f
	case "equals":
		if len(args) == 1 {
			return equal(v, args[0])
		}
	case "compareTo":
		if len(args) == 1 {
			_, g, _, ok := number(args[0])
			if ok {
				switch {
				case f < g:
					return int64(-1)
				case f > g:
					return int64(1)
				}
				return int64(0)
			}
		}
	}
	return nil
}

func (s *state) stringMethod(at Pos, str, name string, args []any) (any, error) {
	argStr := func(i int) (string, bool) {
		if i >= len(args) || args[i] == nil {
			return "", false
		}
		return s.str(args[i]), true
	}
	runes := func() []rune { return []rune(str) }
	switch name {
	case "length":
		return int64(utf8.RuneCountInString(str)), nil
	case "isEmpty":
		return str == "", nil
	case "toString", "trim", "toLowerCase", "toUpperCase":
		return map[string]func(string) string{
			"toString": func(s string) string { return s }, "trim": strings.TrimSpace,
			"toLowerCase": strings.ToLower, "toUpperCase": strings.ToUpper,
		}[name](str), nil
	case "equals", "equalsIgnoreCase", "contains", "startsWith", "endsWith", "indexOf", "lastIndexOf", "matches", "split", "concat":
		a, ok := argStr(0)
		if !ok {
			return nil, nil
		}
		return s.stringWithArg(at, str, name, a)
	case "charAt":
		i, ok := intArg(args, 0)
		r := runes()
		if !ok || i < 0 || i >= len(r) {
			return nil, nil
		}
		return string(r[i]), nil
	case "substring":
		r := runes()
		from, ok := intArg(args, 0)
		to := len(r)
		if len(args) > 1 {
			var ok2 bool
			to, ok2 = intArg(args, 1)
			ok = ok && ok2
		}
		if !ok || from < 0 || to > len(r) || from > to {
			return nil, nil // Java throws; Velocity renders the reference
		}
		return string(r[from:to]), nil
	case "replace", "replaceAll", "replaceFirst":
		old, ok1 := argStr(0)
		repl, ok2 := argStr(1)
		if !ok1 || !ok2 {
			return nil, nil
		}
		return s.replace(at, str, name, old, repl)
	}
	return nil, nil
}

func (s *state) stringWithArg(at Pos, str, name, a string) (any, error) {
	switch name {
	case "equals":
		return str == a, nil
	case "equalsIgnoreCase":
		return strings.EqualFold(str, a), nil
	case "contains":
		return strings.Contains(str, a), nil
	case "startsWith":
		return strings.HasPrefix(str, a), nil
	case "endsWith":
		return strings.HasSuffix(str, a), nil
	case "indexOf", "lastIndexOf":
		i := strings.Index(str, a)
		if name == "lastIndexOf" {
			i = strings.LastIndex(str, a)
		}
		if i < 0 {
			return int64(-1), nil
		}
		return int64(utf8.RuneCountInString(str[:i])), nil
	case "concat":
		if len(str)+len(a) > s.o.MaxOutput {
			return nil, s.fail(at, ErrLimit, "a string exceeded %d bytes", s.o.MaxOutput)
		}
		return str + a, nil
	case "matches":
		re, err := javaRegexp(a, true)
		if err != nil {
			return nil, s.fail(at, err, "matches(): %v", err)
		}
		return re.MatchString(str), nil
	case "split":
		re, err := javaRegexp(a, false)
		if err != nil {
			return nil, s.fail(at, err, "split(): %v", err)
		}
		parts := re.Split(str, -1)
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1] // Java drops trailing empty strings
		}
		l := &List{Items: make([]any, len(parts))}
		for i, p := range parts {
			l.Items[i] = p
		}
		if err := s.step(at, len(parts)); err != nil {
			return nil, err
		}
		return l, nil
	}
	return nil, nil
}

func (s *state) replace(at Pos, str, name, old, repl string) (any, error) {
	var out string
	switch name {
	case "replace":
		out = strings.ReplaceAll(str, old, repl)
	default:
		re, err := javaRegexp(old, false)
		if err != nil {
			return nil, s.fail(at, err, "%s(): %v", name, err)
		}
		r := javaReplacement(repl)
		if name == "replaceAll" {
			out = re.ReplaceAllString(str, r)
		} else if loc := re.FindStringSubmatchIndex(str); loc != nil {
			out = str[:loc[0]] + string(re.ExpandString(nil, r, str, loc)) + str[loc[1]:]
		} else {
			out = str
		}
	}
	if len(out) > s.o.MaxOutput {
		return nil, s.fail(at, ErrLimit, "a string exceeded %d bytes", s.o.MaxOutput)
	}
	if err := s.step(at, len(out)/256); err != nil {
		return nil, err
	}
	return out, nil
}

// javaRegexp compiles a Java pattern with Go's RE2 (the common subset;
// backreferences and lookaround are refused). whole anchors it, as
// String.matches does.
func javaRegexp(p string, whole bool) (*regexp.Regexp, error) {
	if whole {
		p = `^(?:` + p + `)$`
	}
	return regexp.Compile(p)
}

// javaReplacement turns Java's $1 group references into Go's ${1}, and
// Java's \$ into a literal dollar.
func javaReplacement(r string) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '\\' && i+1 < len(r):
			i++
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case r[i] == '$':
			j := i + 1
			for j < len(r) && isDigit(r[j]) {
				j++
			}
			if j == i+1 {
				b.WriteString("$$")
				continue
			}
			b.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(r[i])
		}
	}
	return b.String()
}

func intArg(args []any, i int) (int, bool) {
	if i >= len(args) {
		return 0, false
	}
	return toInt(args[i])
}

func (s *state) listMethod(at Pos, l *List, name string, args []any) (any, error) {
	switch name {
	case "size":
		return int64(len(l.Items)), nil
	case "isEmpty":
		return len(l.Items) == 0, nil
	case "get":
		if len(args) == 1 {
			return index(l, args[0]), nil
		}
	case "contains", "indexOf":
		if len(args) == 1 {
			for i, e := range l.Items {
				if equalCap(e, args[0], s.o.MaxOutput) {
					if name == "contains" {
						return true, nil
					}
					return int64(i), nil
				}
			}
			if name == "contains" {
				return false, nil
			}
			return int64(-1), nil
		}
	case "add":
		if err := s.step(at, 1); err != nil {
			return nil, err
		}
		switch len(args) {
		case 1:
			l.Items = append(l.Items, args[0])
			return true, nil
		case 2:
			i, ok := toInt(args[0])
			if ok && i >= 0 && i <= len(l.Items) {
				l.Items = append(l.Items[:i], append([]any{args[1]}, l.Items[i:]...)...)
			}
			return nil, nil
		}
	case "set":
		if i, ok := intArg(args, 0); ok && len(args) == 2 && i >= 0 && i < len(l.Items) {
			old := l.Items[i]
			l.Items[i] = args[1]
			return old, nil
		}
	case "remove":
		if i, ok := intArg(args, 0); ok && len(args) == 1 && i >= 0 && i < len(l.Items) {
			old := l.Items[i]
			l.Items = append(l.Items[:i], l.Items[i+1:]...)
			return old, nil
		}
	case "clear":
		l.Items = nil
		return nil, nil
	case "toString":
		return s.str(l), nil
	}
	return nil, nil
}

func (s *state) mapMethod(m *Map, name string, args []any) (any, error) {
	key := func() (string, bool) {
		if len(args) == 0 || args[0] == nil {
			return "", false
		}
		return s.str(args[0]), true
	}
	switch name {
	case "get":
		if k, ok := key(); ok && len(args) == 1 {
			v, _ := m.Get(k)
			return v, nil
		}
	case "containsKey":
		if k, ok := key(); ok {
			_, has := m.Get(k)
			return has, nil
		}
	case "put":
		if k, ok := key(); ok && len(args) == 2 {
			old, _ := m.Get(k)
			if err := s.step(Pos{}, 1); err != nil {
				return nil, err
			}
			m.Put(k, args[1])
			return old, nil
		}
	case "remove":
		if k, ok := key(); ok {
			return m.Remove(k), nil
		}
	case "size":
		return int64(m.Len()), nil
	case "isEmpty":
		return m.Len() == 0, nil
	case "keySet":
		l := &List{Items: make([]any, 0, m.Len())}
		for _, k := range m.keys {
			l.Items = append(l.Items, k)
		}
		return l, nil
	case "values":
		return &List{Items: iterable(m)}, nil
	case "entrySet":
		l := &List{}
		for _, k := range m.keys {
			e := NewMap()
			e.Put("key", k)
			e.Put("value", m.vals[k])
			l.Items = append(l.Items, e)
		}
		return l, nil
	case "toString":
		return s.str(m), nil
	}
	return nil, nil
}
