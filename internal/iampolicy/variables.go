package iampolicy

import (
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
)

// expandVariables substitutes IAM policy variables in s:
// ${key} takes the request context's value for key, ${key, 'default'} falls
// back to default, and ${*}, ${?}, ${$} stand for the literal characters. In a
// pattern (glob true) the literal '*' and '?' are written as arn.LiteralStar
// and arn.LiteralQuestion so the matcher does not treat them as wildcards.
// ok is false when a variable has neither a value nor a default: IAM then
// treats the element as not matching.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func expandVariables(s string, glob bool, lookup func(string) ([]string, bool)) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		val, ok := resolveVariable(s[i+2:i+end], glob, lookup)
		if !ok {
			return "", false
		}
		b.WriteString(val)
		s = s[i+end+1:]
	}
}

func resolveVariable(body string, glob bool, lookup func(string) ([]string, bool)) (string, bool) {
	switch body {
	case "*":
		return string(pick(glob, arn.LiteralStar, '*')), true
	case "?":
		return string(pick(glob, arn.LiteralQuestion, '?')), true
	case "$":
		return "$", true
	}
	name, def, hasDef := splitDefault(body)
	// Only a single-valued key can stand in for a variable.
	if vals, ok := lookup(name); ok && len(vals) == 1 {
		v := vals[0]
		if glob {
			// A context value is literal text even if it holds '*' or '?'.
			v = strings.NewReplacer("*", string(arn.LiteralStar), "?", string(arn.LiteralQuestion)).Replace(v)
		}
		return v, true
	}
	return def, hasDef
}

// splitDefault reads "key, 'default value'" (spaces around the comma allowed).
func splitDefault(body string) (name, def string, ok bool) {
	name, rest, found := strings.Cut(body, ",")
	name = strings.TrimSpace(name)
	if !found {
		return name, "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return name, rest[1 : len(rest)-1], true
	}
	return name, "", false
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}
