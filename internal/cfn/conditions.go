package cfn

import (
	"maps"
	"slices"
	"strings"
)

// evalConditions evaluates every entry of the Conditions section once.
// Conditions may name parameters, pseudo parameters, mappings and other
// conditions, never resources.
func (p *Plan) evalConditions() error {
	defs, err := p.section("Conditions")
	if err != nil {
		return err
	}
	p.condDefs = defs
	visiting := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if _, err := p.condition(name, visiting, []string{"Conditions", name}); err != nil {
			return err
		}
	}
	return nil
}

// condition evaluates a named condition, memoized; visiting detects cycles.
func (p *Plan) condition(name string, visiting map[string]bool, from []string) (bool, error) {
	if v, ok := p.conds[name]; ok {
		return v, nil
	}
	def, ok := p.condDefs[name]
	if !ok {
		return false, p.t.Errorf(from, "Template format error: Unresolved condition dependencies [%s] in the Conditions block of the template", name)
	}
	if visiting[name] {
		return false, p.t.Errorf(from, "Template error: circular condition dependency detected for condition %s", name)
	}
	visiting[name] = true
	defer delete(visiting, name)
	e := &evaluator{p: p, inCond: true, visiting: visiting}
	path := []string{"Conditions", name}
	v, err := e.eval(path, def)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, p.t.Errorf(path, "Template format error: Every Conditions member must be a condition function (Fn::And, Fn::Equals, Fn::Not, Fn::Or or Condition).")
	}
	p.conds[name] = b
	return b, nil
}

// condArg evaluates one operand of Fn::And/Or/Not or the first argument of
// Fn::If: a condition name (Fn::If, or {"Condition": name}) or a nested
// condition function.
func (e *evaluator) condArg(path []string, v any, fn string) (bool, error) {
	if name, ok := v.(string); ok && fn == "Fn::If" {
		return e.namedCondition(path, name)
	}
	r, err := e.eval(path, v)
	if err != nil {
		return false, err
	}
	b, ok := r.(bool)
	if !ok {
		return false, e.p.t.Errorf(path, "%s", condArity[fn])
	}
	return b, nil
}

func (e *evaluator) namedCondition(path []string, name string) (bool, error) {
	if e.inCond {
		return e.p.condition(name, e.visiting, path)
	}
	v, ok := e.p.conds[name]
	if !ok {
		return false, e.p.t.Errorf(path, "Template error: unresolved condition dependency %s in Fn::If", name)
	}
	return v, nil
}

var condArity = map[string]string{
	"Fn::And":    "Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.",
	"Fn::Or":     "Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.",
	"Fn::Not":    "Template error: every Fn::Not object requires a list of exactly 1 boolean parameter.",
	"Fn::Equals": "Template error: every Fn::Equals object requires a list of 2 string parameters.",
	"Fn::If":     "Template error: every Fn::If object requires three parameters, (1) the condition name, (2) the value if true and (3) the value if false.",
}

func (e *evaluator) fnAndOr(path []string, fn string, arg any) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) < 2 || len(list) > 10 {
		return nil, e.p.t.Errorf(path, "%s", condArity[fn])
	}
	and := fn == "Fn::And"
	result := and
	for i, c := range list {
		b, err := e.condArg(childPath(path, itoa(i)), c, fn)
		if err != nil {
			return nil, err
		}
		if and {
			result = result && b
		} else {
			result = result || b
		}
	}
	return result, nil
}

func (e *evaluator) fnNot(path []string, arg any) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) != 1 {
		return nil, e.p.t.Errorf(path, "%s", condArity["Fn::Not"])
	}
	b, err := e.condArg(childPath(path, "0"), list[0], "Fn::Not")
	return !b, err
}

func (e *evaluator) fnEquals(path []string, arg any) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) != 2 {
		return nil, e.p.t.Errorf(path, "%s", condArity["Fn::Equals"])
	}
	var vals [2]string
	for i, v := range list {
		r, err := e.eval(childPath(path, itoa(i)), v)
		if err != nil {
			return nil, err
		}
		switch r.(type) {
		case map[string]any:
			return nil, e.p.t.Errorf(path, "%s", condArity["Fn::Equals"])
		}
		vals[i] = scalarString(r)
	}
	return vals[0] == vals[1], nil
}

func (e *evaluator) fnIf(path []string, arg any) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) != 3 {
		return nil, e.p.t.Errorf(path, "%s", condArity["Fn::If"])
	}
	name, ok := list[0].(string)
	if !ok {
		return nil, e.p.t.Errorf(path, "%s", condArity["Fn::If"])
	}
	b, err := e.namedCondition(childPath(path, "0"), name)
	if err != nil {
		return nil, err
	}
	if b {
		return e.eval(childPath(path, "1"), list[1])
	}
	return e.eval(childPath(path, "2"), list[2])
}

// fnCondition is {"Condition": name} inside a condition function.
func (e *evaluator) fnCondition(path []string, arg any) (any, error) {
	name, ok := arg.(string)
	if !ok || strings.TrimSpace(name) == "" {
		return nil, e.p.t.Errorf(path, "Template format error: Every Condition member must be a string.")
	}
	return e.namedCondition(path, name)
}
