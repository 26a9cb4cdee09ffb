package sam

import (
	"regexp"
	"strings"
)

// A template may refer to what SAM generates for a resource as
// LogicalId.Property: !Ref MyApi.Stage, !Ref MyApi.Deployment,
// "${MyApi.Stage}" in a Sub, !GetAtt MyApi.Stage.Attr. After translation
// the translator rewrites every such reference in the template to the
// generated logical ID (IntrinsicsResolver.resolve_sam_resource_refs with
// the Ref, Sub and GetAtt actions of samtranslator/intrinsics/actions.py);
// an unknown LogicalId.Property is left alone.

func (x *translator) derive(id, prop, generated string) {
	if x.derived[id] == nil {
		x.derived[id] = map[string]string{}
	}
	x.derived[id][prop] = generated
}

// lookupDerived splits "LogicalId.Property[.rest]" and resolves it.
func (x *translator) lookupDerived(s string) (generated, rest string, ok bool) {
	id, after, found := strings.Cut(s, ".")
	if !found {
		return "", "", false
	}
	prop, rest, _ := strings.Cut(after, ".")
	generated, ok = x.derived[id][prop]
	return generated, rest, ok
}

var subRef = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

func (x *translator) resolveDerivedRefs() {
	if len(x.derived) == 0 {
		return
	}
	for k, v := range x.root {
		x.root[k] = x.resolveDerived(v)
	}
}

func (x *translator) resolveDerived(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			if s, ok := t["Ref"].(string); ok {
				if g, rest, ok := x.lookupDerived(s); ok && rest == "" {
					return map[string]any{"Ref": g}
				}
				return t
			}
			if args, ok := t["Fn::GetAtt"].([]any); ok && len(args) >= 2 {
				parts := make([]string, 0, len(args))
				for _, a := range args {
					s, isStr := a.(string)
					if !isStr {
						return t
					}
					parts = append(parts, s)
				}
				if g, rest, ok := x.lookupDerived(strings.Join(parts, ".")); ok && rest != "" {
					return map[string]any{"Fn::GetAtt": []any{g, rest}}
				}
				return t
			}
			if sub, ok := t["Fn::Sub"]; ok {
				switch st := sub.(type) {
				case string:
					t["Fn::Sub"] = x.resolveSubString(st)
				case []any:
					if len(st) > 0 {
						if s, isStr := st[0].(string); isStr {
							st[0] = x.resolveSubString(s)
						}
					}
				}
			}
		}
		for k, e := range t {
			t[k] = x.resolveDerived(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = x.resolveDerived(e)
		}
	}
	return v
}

// resolveSubString rewrites ${LogicalId.Property} and
// ${LogicalId.Property.Attr} inside a Sub string.
func (x *translator) resolveSubString(s string) string {
	return subRef.ReplaceAllStringFunc(s, func(full string) string {
		inner := full[2 : len(full)-1]
		g, rest, ok := x.lookupDerived(inner)
		if !ok {
			return full
		}
		if rest != "" {
			return "${" + g + "." + rest + "}"
		}
		return "${" + g + "}"
	})
}
