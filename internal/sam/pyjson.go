package sam

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// pyJSONIndent is Python's json.dumps(v, sort_keys=True, indent=4,
// separators=(",", ": ")), the text the translator splits into a state
// machine's DefinitionString: ASCII only, Python's float repr, "{}" and "[]"
// for empty containers.
func pyJSONIndent(v any) string {
	var b strings.Builder
	writePyJSON(&b, v, 0)
	return b.String()
}

func writePyJSON(b *strings.Builder, v any, depth int) {
	pad := func(d int) string { return "\n" + strings.Repeat("    ", d) }
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, k := range slices.Sorted(maps.Keys(t)) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(pad(depth + 1))
			b.WriteString(pyJSON(k))
			b.WriteString(": ")
			writePyJSON(b, t[k], depth+1)
		}
		b.WriteString(pad(depth) + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range t {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(pad(depth + 1))
			writePyJSON(b, e, depth+1)
		}
		b.WriteString(pad(depth) + "]")
	case float64:
		b.WriteString(pyFloat(t))
	case nil:
		b.WriteString("null")
	default:
		b.WriteString(pyJSON(t))
	}
}

// pyFloat is Python's repr of a float as json.dumps writes it: the shortest
// digits, positional from 1e-4 up to 1e16 (always with a fraction), else
// d.ddde+XX; NaN and infinities as Python spells them.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		return mant + "e" + sign + leftPad(strconv.Itoa(exp), 2)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
