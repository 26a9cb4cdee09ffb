package cfn

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Env is what a stack operation knows beyond the template: the pseudo
// parameters' values and the parameter overrides.
type Env struct {
	StackName, StackID, Region, AccountID string
	// Partition and URLSuffix default from Region (aws/amazonaws.com,
	// aws-cn/amazonaws.com.cn, aws-us-gov/amazonaws.com).
	Partition, URLSuffix string
	Parameters           map[string]string
	NotificationARNs     []string
	// Exports answers Fn::ImportValue; nil means no stack exports anything.
	Exports func(name string) (string, bool)
}

// ResolvedValues lets the evaluator ask the deploy engine for what resources
// returned when they were created.
type ResolvedValues interface {
	Ref(logicalID string) (string, bool)
	GetAtt(logicalID, attr string) (any, bool)
}

// Plan is a template checked against an Env: parameters bound, conditions
// evaluated, references checked and resources ordered.
type Plan struct {
	t         *Template
	env       Env
	params    map[string]*param
	mappings  map[string]any
	condDefs  map[string]any
	conds     map[string]bool
	resources map[string]*resource // resources whose condition holds
	order     []string
}

type resource struct {
	typ   string
	props map[string]any
	deps  []string
}

// NewPlan validates the (already SAM-transformed) template against env:
// parameters, conditions, references and dependency order. The template must
// not change while the plan is in use.
func NewPlan(t *Template, env Env) (*Plan, error) {
	p := &Plan{t: t, env: withDefaults(env), params: map[string]*param{}, conds: map[string]bool{},
		resources: map[string]*resource{}}
	res, err := p.section("Resources")
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, t.Errorf(nil, "Template format error: At least one Resources member must be defined.")
	}
	if err := p.bindParameters(env.Parameters); err != nil {
		return nil, err
	}
	if p.mappings, err = p.section("Mappings"); err != nil {
		return nil, err
	}
	if err := p.evalConditions(); err != nil {
		return nil, err
	}
	if err := p.selectResources(res); err != nil {
		return nil, err
	}
	if err := p.link(); err != nil {
		return nil, err
	}
	if err := p.sortResources(); err != nil {
		return nil, err
	}
	if err := p.checkOutputs(); err != nil {
		return nil, err
	}
	return p, nil
}

func withDefaults(env Env) Env {
	if env.Partition == "" {
		switch {
		case strings.HasPrefix(env.Region, "cn-"):
			env.Partition = "aws-cn"
		case strings.HasPrefix(env.Region, "us-gov-"):
			env.Partition = "aws-us-gov"
		default:
			env.Partition = "aws"
		}
	}
	if env.URLSuffix == "" {
		env.URLSuffix = "amazonaws.com"
		if env.Partition == "aws-cn" {
			env.URLSuffix = "amazonaws.com.cn"
		}
	}
	return env
}

// section returns a top-level section as a mapping (nil when absent).
func (p *Plan) section(name string) (map[string]any, error) {
	v, ok := p.t.Root[name]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.t.Errorf([]string{name}, "Template format error: %s section must be a JSON object or YAML mapping", name)
	}
	return m, nil
}

// selectResources keeps the resources whose Condition holds.
func (p *Plan) selectResources(res map[string]any) error {
	for _, id := range slices.Sorted(maps.Keys(res)) {
		path := []string{"Resources", id}
		def, ok := res[id].(map[string]any)
		if !ok {
			return p.t.Errorf(path, "Template format error: [/Resources/%s] Every Resources object must contain a Type member.", id)
		}
		typ, ok := def["Type"].(string)
		if !ok || typ == "" {
			return p.t.Errorf(path, "Template format error: [/Resources/%s] Every Resources object must contain a Type member.", id)
		}
		if c, has := def["Condition"]; has {
			name, ok := c.(string)
			if !ok {
				return p.t.Errorf(childPath(path, "Condition"), "Template format error: Every Condition member must be a string.")
			}
			holds, known := p.conds[name]
			if !known {
				return p.t.Errorf(childPath(path, "Condition"), "Template format error: Unresolved condition dependencies [%s] in the Resources block of the template", name)
			}
			if !holds {
				continue
			}
		}
		props, _ := def["Properties"].(map[string]any)
		p.resources[id] = &resource{typ: typ, props: props}
	}
	return nil
}

// Order returns the logical IDs of the resources to create (conditions
// applied), each after everything it depends on.
func (p *Plan) Order() []string { return append([]string(nil), p.order...) }

// Resource returns a resource's type and raw (unresolved) properties.
func (p *Plan) Resource(id string) (typ string, props map[string]any, ok bool) {
	r, ok := p.resources[id]
	if !ok {
		return "", nil, false
	}
	return r.typ, r.props, true
}

// DependsOn returns the resources id depends on (Ref, Fn::GetAtt, Fn::Sub and
// DependsOn), sorted.
func (p *Plan) DependsOn(id string) []string {
	if r, ok := p.resources[id]; ok {
		return append([]string(nil), r.deps...)
	}
	return nil
}

// ParameterValues returns every parameter's value as given or defaulted
// (NoEcho ones included: mask them with NoEcho before showing them).
func (p *Plan) ParameterValues() map[string]string {
	out := make(map[string]string, len(p.params))
	for k, v := range p.params {
		out[k] = v.raw
	}
	return out
}

// NoEcho reports whether a parameter's value must be shown as asterisks.
func (p *Plan) NoEcho(name string) bool {
	pa, ok := p.params[name]
	return ok && pa.noEcho
}

// Condition returns the value of a named condition.
func (p *Plan) Condition(name string) (value, ok bool) {
	value, ok = p.conds[name]
	return value, ok
}

// Output is a stack output as DescribeStacks shows it.
type Output struct {
	Key, Value, Description, ExportName string
}

// Outputs evaluates the Outputs section (skipping outputs whose Condition is
// false), in template order.
func (p *Plan) Outputs(res ResolvedValues) ([]Output, error) {
	section, err := p.section("Outputs")
	if err != nil {
		return nil, err
	}
	keys := p.templateOrder([]string{"Outputs"}, section)
	var out []Output
	for _, k := range keys {
		o, include, err := p.output(k, section[k], res)
		if err != nil {
			return nil, err
		}
		if include {
			out = append(out, o)
		}
	}
	return out, nil
}

func (p *Plan) output(key string, v any, res ResolvedValues) (Output, bool, error) {
	path := []string{"Outputs", key}
	def, ok := v.(map[string]any)
	if !ok {
		return Output{}, false, p.t.Errorf(path, "Template format error: Every Outputs member must contain a Value object")
	}
	if c, ok := def["Condition"].(string); ok && !p.conds[c] {
		return Output{}, false, nil
	}
	if _, ok := def["Value"]; !ok {
		return Output{}, false, p.t.Errorf(path, "Template format error: Every Outputs member must contain a Value object")
	}
	o := Output{Key: key}
	var err error
	if o.Value, err = p.resolveString(childPath(path, "Value"), def["Value"], res, "Template format error: The Value field of every Outputs member must evaluate to a String."); err != nil {
		return Output{}, false, err
	}
	if d, ok := def["Description"]; ok {
		if o.Description, err = p.resolveString(childPath(path, "Description"), d, res, "Template format error: Every Description member in Outputs must be a String."); err != nil {
			return Output{}, false, err
		}
	}
	if exp, ok := def["Export"].(map[string]any); ok {
		if o.ExportName, err = p.resolveString([]string{"Outputs", key, "Export", "Name"}, exp["Name"], res, "Template format error: Output "+key+" is malformed. The Name field of Export must evaluate to a String."); err != nil {
			return Output{}, false, err
		}
	}
	return o, true, nil
}

func (p *Plan) resolveString(path []string, v any, res ResolvedValues, msg string) (string, error) {
	r, err := p.Resolve(path, v, res)
	if err != nil {
		return "", err
	}
	switch r.(type) {
	case string, int, float64, bool:
		return scalarString(r), nil
	}
	return "", p.t.Errorf(path, "%s", msg)
}

// templateOrder sorts the keys of the mapping at path by source position,
// falling back to name order, so outputs list as written.
func (p *Plan) templateOrder(path []string, m map[string]any) []string {
	keys := slices.Sorted(maps.Keys(m))
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := p.t.Pos(childPath(path, keys[i])...), p.t.Pos(childPath(path, keys[j])...)
		if a.File != b.File {
			return false
		}
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
	return keys
}
