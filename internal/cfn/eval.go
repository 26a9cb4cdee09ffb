package cfn

import (
	"maps"
	"slices"
	"strings"
)

// noValue is what Ref AWS::NoValue evaluates to: the enclosing property or
// list element is removed.
type noValueT struct{}

var noValue = noValueT{}

// evaluator evaluates intrinsic functions over the generic tree.
type evaluator struct {
	p   *Plan
	res ResolvedValues
	// inCond is set while evaluating the Conditions section, where condition
	// functions are allowed and resources are not.
	inCond   bool
	visiting map[string]bool
}

// Resolve fully evaluates the intrinsic functions in v, found at path in the
// template (used to position errors), asking res for what resources
// returned. Properties set to Ref AWS::NoValue are removed. v is not changed.
func (p *Plan) Resolve(path []string, v any, res ResolvedValues) (any, error) {
	e := &evaluator{p: p, res: res}
	r, err := e.eval(path, v)
	if err != nil {
		return nil, err
	}
	if r == noValue {
		return nil, nil
	}
	return r, nil
}

type intrinsic func(e *evaluator, path []string, arg any) (any, error)

var intrinsics map[string]intrinsic

func init() {
	// Assigned in init: the functions call eval, which reads this map.
	intrinsics = map[string]intrinsic{
		"Ref":              (*evaluator).fnRef,
		"Fn::GetAtt":       (*evaluator).fnGetAtt,
		"Fn::Sub":          (*evaluator).fnSub,
		"Fn::Join":         (*evaluator).fnJoin,
		"Fn::Select":       (*evaluator).fnSelect,
		"Fn::Split":        (*evaluator).fnSplit,
		"Fn::Base64":       (*evaluator).fnBase64,
		"Fn::GetAZs":       (*evaluator).fnGetAZs,
		"Fn::Cidr":         (*evaluator).fnCidr,
		"Fn::ImportValue":  (*evaluator).fnImportValue,
		"Fn::Length":       (*evaluator).fnLength,
		"Fn::ToJsonString": (*evaluator).fnToJSONString,
		"Fn::FindInMap":    (*evaluator).fnFindInMap,
		"Fn::If":           (*evaluator).fnIf,
		"Fn::Transform":    (*evaluator).fnTransform,
		"Fn::Equals":       condOnly((*evaluator).fnEquals, "Fn::Equals"),
		"Fn::Not":          condOnly((*evaluator).fnNot, "Fn::Not"),
		"Fn::And":          condOnly(func(e *evaluator, p []string, a any) (any, error) { return e.fnAndOr(p, "Fn::And", a) }, "Fn::And"),
		"Fn::Or":           condOnly(func(e *evaluator, p []string, a any) (any, error) { return e.fnAndOr(p, "Fn::Or", a) }, "Fn::Or"),
	}
}

// condOnly restricts a condition function to condition contexts (the
// Conditions section and the operands of other condition functions).
func condOnly(f intrinsic, name string) intrinsic {
	return func(e *evaluator, path []string, arg any) (any, error) {
		if !e.inCond {
			return nil, e.p.t.Errorf(path, "Template error: %s can only be used in the Conditions section of the template", name)
		}
		return f(e, path, arg)
	}
}

func (e *evaluator) eval(path []string, v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				if f, ok := intrinsics[k]; ok {
					return f(e, childPath(path, k), arg)
				}
				if k == "Condition" && e.inCond {
					return e.fnCondition(childPath(path, k), arg)
				}
			}
		}
		// Sorted, so that the first error reported is the same every time.
		out := make(map[string]any, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			r, err := e.eval(childPath(path, k), v[k])
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(v))
		for i, c := range v {
			r, err := e.eval(childPath(path, itoa(i)), c)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

// evalString evaluates v and requires a string (numbers are read as strings,
// as CloudFormation does for scalar template values).
func (e *evaluator) evalString(path []string, v any, msg string) (string, error) {
	r, err := e.eval(path, v)
	if err != nil {
		return "", err
	}
	switch r.(type) {
	case string, int, float64, bool:
		return scalarString(r), nil
	}
	return "", e.p.t.Errorf(path, "%s", msg)
}

// evalList evaluates v and requires a list.
func (e *evaluator) evalList(path []string, v any, msg string) ([]any, error) {
	r, err := e.eval(path, v)
	if err != nil {
		return nil, err
	}
	l, ok := r.([]any)
	if !ok {
		return nil, e.p.t.Errorf(path, "%s", msg)
	}
	return l, nil
}

// pseudo returns the value of a pseudo parameter.
func (e *evaluator) pseudo(name string) (any, bool) {
	env := e.p.env
	switch name {
	case "AWS::AccountId":
		return env.AccountID, true
	case "AWS::Region":
		return env.Region, true
	case "AWS::StackName":
		return env.StackName, true
	case "AWS::StackId":
		return env.StackID, true
	case "AWS::Partition":
		return env.Partition, true
	case "AWS::URLSuffix":
		return env.URLSuffix, true
	case "AWS::NoValue":
		return noValue, true
	case "AWS::NotificationARNs":
		out := make([]any, len(env.NotificationARNs))
		for i, a := range env.NotificationARNs {
			out[i] = a
		}
		return out, true
	}
	return nil, false
}

func (e *evaluator) fnRef(path []string, arg any) (any, error) {
	name, ok := arg.(string)
	if !ok {
		return nil, e.p.t.Errorf(path, "Template format error: Every Ref object must have a single String value.")
	}
	return e.ref(path, name, "Ref")
}

// ref resolves a name as Ref does: pseudo parameter, parameter, resource.
func (e *evaluator) ref(path []string, name, fn string) (any, error) {
	if v, ok := e.pseudo(name); ok {
		return v, nil
	}
	if pa, ok := e.p.params[name]; ok {
		return pa.value, nil
	}
	if e.inCond {
		return nil, e.p.t.Errorf(path, "Template format error: Unresolved dependencies [%s]. Cannot reference resources in the Conditions block of the template", name)
	}
	if _, ok := e.p.resources[name]; !ok {
		return nil, e.p.t.Errorf(path, "Template format error: Unresolved resource dependencies [%s] in the %s block of the template", name, block(path))
	}
	if e.res != nil {
		if v, ok := e.res.Ref(name); ok {
			return v, nil
		}
	}
	return nil, e.p.t.Errorf(path, "Template error: %s %s cannot be resolved before resource %s is created", fn, name, name)
}

// block names the template section a path lies in, for error messages.
func block(path []string) string {
	if len(path) > 0 && path[0] != "" {
		return path[0]
	}
	return "Resources"
}

const getAttArity = "Template error: every Fn::GetAtt object requires two non-empty parameters"

// getAttTarget reads Fn::GetAtt's two forms: ["Res", "Attr"] (the attribute
// may be a Ref to a parameter) and "Res.Attr".
func (e *evaluator) getAttTarget(path []string, arg any) (string, string, error) {
	switch a := arg.(type) {
	case string:
		res, attr, ok := strings.Cut(a, ".")
		if !ok || res == "" || attr == "" {
			return "", "", e.p.t.Errorf(path, getAttArity)
		}
		return res, attr, nil
	case []any:
		if len(a) != 2 {
			return "", "", e.p.t.Errorf(path, getAttArity)
		}
		res, ok := a[0].(string)
		if !ok || res == "" {
			return "", "", e.p.t.Errorf(path, getAttArity)
		}
		attr, err := e.evalString(childPath(path, "1"), a[1], getAttArity)
		if err != nil || attr == "" {
			return "", "", e.p.t.Errorf(path, getAttArity)
		}
		return res, attr, nil
	}
	return "", "", e.p.t.Errorf(path, getAttArity)
}

func (e *evaluator) fnGetAtt(path []string, arg any) (any, error) {
	res, attr, err := e.getAttTarget(path, arg)
	if err != nil {
		return nil, err
	}
	return e.getAtt(path, res, attr)
}

func (e *evaluator) getAtt(path []string, res, attr string) (any, error) {
	if e.inCond {
		return nil, e.p.t.Errorf(path, "Template format error: Unresolved dependencies [%s]. Cannot reference resources in the Conditions block of the template", res)
	}
	if _, ok := e.p.resources[res]; !ok {
		return nil, e.p.t.Errorf(path, "Template error: instance of Fn::GetAtt references undefined resource %s", res)
	}
	if e.res != nil {
		if v, ok := e.res.GetAtt(res, attr); ok {
			return v, nil
		}
	}
	return nil, e.p.t.Errorf(path, "Template error: resource %s does not support attribute type %s in Fn::GetAtt", res, attr)
}

func (e *evaluator) fnTransform(path []string, arg any) (any, error) {
	name := ""
	if m, ok := arg.(map[string]any); ok {
		name, _ = m["Name"].(string)
	}
	if name == "AWS::Include" {
		return nil, e.p.t.Errorf(path, "Template error: AWS::Include was not expanded (call ExpandIncludes first)")
	}
	return nil, e.p.t.Errorf(path, "Template format error: Unrecognized transform: %s (iamgate runs no macros)", name)
}
