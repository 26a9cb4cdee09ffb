package cfn

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// refUse is one reference to a name found in the template.
type refUse struct {
	name   string
	path   []string
	getAtt bool
}

// collectRefs finds the names v refers to through Ref, Fn::GetAtt and
// Fn::Sub. Only the branch an Fn::If takes counts, since the other may name a
// resource whose condition is false.
func (p *Plan) collectRefs(path []string, v any, out *[]refUse) error {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				if handled, err := p.collectIntrinsic(childPath(path, k), k, arg, out); handled {
					return err
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := p.collectRefs(childPath(path, k), v[k], out); err != nil {
				return err
			}
		}
	case []any:
		for i, c := range v {
			if err := p.collectRefs(childPath(path, itoa(i)), c, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// collectIntrinsic handles the intrinsics that name things; it reports false
// for everything else so that the caller walks the argument.
func (p *Plan) collectIntrinsic(path []string, fn string, arg any, out *[]refUse) (bool, error) {
	switch fn {
	case "Ref":
		if name, ok := arg.(string); ok {
			*out = append(*out, refUse{name: name, path: path})
		}
		return true, nil
	case "Fn::GetAtt":
		e := &evaluator{p: p}
		res, _, err := e.getAttTarget(path, arg)
		if err != nil {
			return true, err
		}
		*out = append(*out, refUse{name: res, path: path, getAtt: true})
		if l, ok := arg.([]any); ok && len(l) == 2 {
			return true, p.collectRefs(childPath(path, "1"), l[1], out)
		}
		return true, nil
	case "Fn::Sub":
		return true, p.collectSub(path, arg, out)
	case "Fn::If":
		l, ok := arg.([]any)
		if !ok || len(l) != 3 {
			return true, p.t.Errorf(path, "%s", condArity["Fn::If"])
		}
		name, _ := l[0].(string)
		holds, known := p.conds[name]
		if !known {
			return true, p.t.Errorf(childPath(path, "0"), "Template error: unresolved condition dependency %s in Fn::If", name)
		}
		if holds {
			return true, p.collectRefs(childPath(path, "1"), l[1], out)
		}
		return true, p.collectRefs(childPath(path, "2"), l[2], out)
	}
	return false, nil
}

func (p *Plan) collectSub(path []string, arg any, out *[]refUse) error {
	s, vars, ok := subArgs(arg)
	if !ok {
		return p.t.Errorf(path, subArity)
	}
	parts, ok := parseSub(s)
	if !ok {
		return p.t.Errorf(path, subVarName)
	}
	for _, part := range parts {
		if !part.isVar {
			continue
		}
		if _, local := vars[part.text]; local {
			continue
		}
		if res, _, dotted := strings.Cut(part.text, "."); dotted && p.params[part.text] == nil {
			*out = append(*out, refUse{name: res, path: path, getAtt: true})
			continue
		}
		*out = append(*out, refUse{name: part.text, path: path})
	}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		if err := p.collectRefs(childPath(childPath(path, "1"), k), vars[k], out); err != nil {
			return err
		}
	}
	return nil
}

// unresolved gathers names that refer to nothing, for one error listing them
// all, as CloudFormation does.
type unresolved struct {
	names map[string]bool
	first []string
}

func (u *unresolved) add(name string, path []string) {
	if u.names == nil {
		u.names = map[string]bool{}
		u.first = path
	}
	u.names[name] = true
}

func (u *unresolved) err(p *Plan, block string) error {
	if len(u.names) == 0 {
		return nil
	}
	names := make([]string, 0, len(u.names))
	for n := range u.names {
		names = append(names, n)
	}
	sort.Strings(names)
	return p.t.Errorf(u.first, "Template format error: Unresolved resource dependencies [%s] in the %s block of the template", strings.Join(names, ", "), block)
}

// classify records a reference: a dependency on a resource, nothing for a
// parameter or pseudo parameter, or an unresolved name.
func (p *Plan) classify(r refUse, deps map[string]bool, u *unresolved) error {
	if _, ok := p.resources[r.name]; ok {
		deps[r.name] = true
		return nil
	}
	if r.getAtt {
		return p.t.Errorf(r.path, "Template error: instance of Fn::GetAtt references undefined resource %s", r.name)
	}
	e := &evaluator{p: p}
	if _, ok := e.pseudo(r.name); ok {
		return nil
	}
	if _, ok := p.params[r.name]; ok {
		return nil
	}
	u.add(r.name, r.path)
	return nil
}

// link computes each selected resource's dependencies.
func (p *Plan) link() error {
	var u unresolved
	for _, id := range p.selectedIDs() {
		path := []string{"Resources", id}
		def := p.t.Root["Resources"].(map[string]any)[id].(map[string]any)
		var uses []refUse
		for _, k := range slices.Sorted(maps.Keys(def)) {
			if k == "Type" || k == "Condition" || k == "DependsOn" {
				continue
			}
			if err := p.collectRefs(childPath(path, k), def[k], &uses); err != nil {
				return err
			}
		}
		deps := map[string]bool{}
		for _, r := range uses {
			if err := p.classify(r, deps, &u); err != nil {
				return err
			}
		}
		if err := p.dependsOn(path, def["DependsOn"], deps, &u); err != nil {
			return err
		}
		p.resources[id].deps = sortedSet(deps)
	}
	return u.err(p, "Resources")
}

func (p *Plan) selectedIDs() []string {
	ids := make([]string, 0, len(p.resources))
	for id := range p.resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// dependsOn adds the DependsOn attribute (a name or a list of names).
func (p *Plan) dependsOn(path []string, v any, deps map[string]bool, u *unresolved) error {
	path = childPath(path, "DependsOn")
	var names []any
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		names = []any{v}
	case []any:
		names = v
	default:
		return p.t.Errorf(path, "Template format error: DependsOn must be a string or list of strings")
	}
	for i, n := range names {
		name, ok := n.(string)
		if !ok {
			return p.t.Errorf(childPath(path, itoa(i)), "Template format error: DependsOn must be a string or list of strings")
		}
		if _, ok := p.resources[name]; ok {
			deps[name] = true
			continue
		}
		u.add(name, childPath(path, itoa(i)))
	}
	return nil
}

// sortResources orders resources so that each comes after its dependencies;
// among resources that are ready together, by name, so the order is stable.
func (p *Plan) sortResources() error {
	done := map[string]bool{}
	for len(done) < len(p.resources) {
		var ready []string
		for id, r := range p.resources {
			if !done[id] && allDone(r.deps, done) {
				ready = append(ready, id)
			}
		}
		if len(ready) == 0 {
			return p.cycleError(done)
		}
		sort.Strings(ready)
		for _, id := range ready {
			done[id] = true
		}
		p.order = append(p.order, ready...)
	}
	return nil
}

func allDone(deps []string, done map[string]bool) bool {
	for _, d := range deps {
		if !done[d] {
			return false
		}
	}
	return true
}

// cycleError names the resources that could not be ordered (those on a cycle
// and those waiting on one), sorted.
func (p *Plan) cycleError(done map[string]bool) error {
	var left []string
	for id := range p.resources {
		if !done[id] {
			left = append(left, id)
		}
	}
	sort.Strings(left)
	return p.t.Errorf([]string{"Resources", left[0]}, "Circular dependency between resources: [%s]", strings.Join(left, ", "))
}

// checkOutputs checks the references of the outputs whose condition holds.
func (p *Plan) checkOutputs() error {
	section, err := p.section("Outputs")
	if err != nil {
		return err
	}
	var u unresolved
	for _, key := range slices.Sorted(maps.Keys(section)) {
		path := []string{"Outputs", key}
		def, ok := section[key].(map[string]any)
		if !ok {
			return p.t.Errorf(path, "Template format error: Every Outputs member must contain a Value object")
		}
		if c, has := def["Condition"]; has {
			name, _ := c.(string)
			holds, known := p.conds[name]
			if !known {
				return p.t.Errorf(childPath(path, "Condition"), "Template format error: Unresolved condition dependencies [%s] in the Outputs block of the template", name)
			}
			if !holds {
				continue
			}
		}
		var uses []refUse
		if err := p.collectRefs(path, def, &uses); err != nil {
			return err
		}
		for _, r := range uses {
			if err := p.classify(r, map[string]bool{}, &u); err != nil {
				return err
			}
		}
	}
	return u.err(p, "Outputs")
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
