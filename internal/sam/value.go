package sam

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// deepCopy copies a generic template tree so edits never reach the input.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// isIntrinsic reports whether v is a one-key map naming an intrinsic, the
// test the translator's is_intrinsic applies.
func isIntrinsic(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

func isIntrinsicIf(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, has := m["Fn::If"]
	return has
}

func isNoValue(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 1 && m["Ref"] == "AWS::NoValue"
}

func ref(id string) map[string]any { return map[string]any{"Ref": id} }

func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

func fnSub(s string, vars map[string]any) map[string]any {
	if vars == nil {
		return map[string]any{"Fn::Sub": s}
	}
	return map[string]any{"Fn::Sub": []any{s, vars}}
}

// makeConditional wraps v in Fn::If [condition, v, AWS::NoValue].
func makeConditional(cond string, v any) map[string]any {
	return map[string]any{"Fn::If": []any{cond, v, ref("AWS::NoValue")}}
}

// resolveParams replaces {"Ref": P} by the value of parameter P, as the
// translator's resolve_parameter_refs does for the properties it inspects.
func (x *translator) resolveParams(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if name, ok := t["Ref"].(string); ok && len(t) == 1 {
			if pv, has := x.params[name]; has {
				return pv
			}
			return t
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = x.resolveParams(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = x.resolveParams(e)
		}
		return s
	}
	return v
}

// hashID returns the first n hex digits of SHA-1 over s, the scheme of the
// translator's LogicalIdGenerator for string data.
func hashID(s string, n int) string {
	if s == "" {
		return ""
	}
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// canonicalJSON encodes v with sorted keys and no spaces (Go's map encoding
// already sorts keys), the stable form used for Deployment hashes.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// tagList turns a SAM Tags map into CloudFormation's Key/Value list, keys sorted.
func tagList(tags map[string]any) []any {
	out := make([]any, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, map[string]any{"Key": k, "Value": tags[k]})
	}
	return out
}
