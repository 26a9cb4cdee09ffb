package cfn

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// param is one declared parameter with its effective value.
type param struct {
	name   string
	typ    string
	noEcho bool
	raw    string // the value as given or defaulted
	value  any    // what Ref returns: a string, or []any of strings for list types
}

var paramProps = map[string]bool{
	"Type": true, "Default": true, "AllowedValues": true, "AllowedPattern": true,
	"MinLength": true, "MaxLength": true, "MinValue": true, "MaxValue": true,
	"NoEcho": true, "Description": true, "ConstraintDescription": true,
}

// bindParameters checks the Parameters section and binds each parameter to its
// override or default, with CloudFormation's ValidationError wording
// ("Parameters: [X] must have values", "Parameter 'X' must be one of
// AllowedValues", ...), as the CreateStack/CreateChangeSet APIs return them.
func (p *Plan) bindParameters(overrides map[string]string) error {
	section, err := p.section("Parameters")
	if err != nil {
		return err
	}
	var unknown []string
	for k := range overrides {
		if _, ok := section[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return p.t.Errorf(nil, "Parameters: [%s] do not exist in the template", strings.Join(unknown, ", "))
	}
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(section)) {
		path := []string{"Parameters", name}
		def, ok := section[name].(map[string]any)
		if !ok {
			return p.t.Errorf(path, "Template format error: Every Parameters object must contain a Type member.")
		}
		pa, err := p.declare(path, name, def)
		if err != nil {
			return err
		}
		raw, given := overrides[name]
		if !given {
			d, has := def["Default"]
			if !has {
				missing = append(missing, name)
				continue
			}
			raw = scalarString(d)
		}
		if err := p.checkValue(path, pa, def, raw); err != nil {
			return err
		}
		pa.raw = raw
		pa.value = paramValue(pa.typ, raw)
		p.params[name] = pa
	}
	if len(missing) > 0 {
		return p.t.Errorf([]string{"Parameters"}, "Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	return nil
}

// declare checks a parameter's declaration (type and properties).
func (p *Plan) declare(path []string, name string, def map[string]any) (*param, error) {
	for _, k := range slices.Sorted(maps.Keys(def)) {
		if !paramProps[k] {
			return nil, p.t.Errorf(childPath(path, k), "Template format error: Invalid template parameter property '%s'", k)
		}
	}
	typ, ok := def["Type"].(string)
	if !ok {
		return nil, p.t.Errorf(path, "Template format error: Every Parameters object must contain a Type member.")
	}
	if err := checkParamType(typ); err != "" {
		return nil, p.t.Errorf(childPath(path, "Type"), "%s", err)
	}
	noEcho := false
	switch v := def["NoEcho"].(type) {
	case bool:
		noEcho = v
	case string:
		noEcho = strings.EqualFold(v, "true")
	}
	return &param{name: name, typ: typ, noEcho: noEcho}, nil
}

// checkParamType returns a message for a type iamgate cannot bind.
// AWS-specific EC2 types are plain strings here (there is no EC2 to check
// against); SSM parameter types need a parameter store, which iamgate lacks.
func checkParamType(typ string) string {
	switch {
	case typ == "String", typ == "Number", typ == "List<Number>", typ == "CommaDelimitedList":
		return ""
	case strings.HasPrefix(typ, "AWS::SSM::Parameter::"):
		return fmt.Sprintf("Template format error: parameter type %s needs SSM Parameter Store, which iamgate does not provide", typ)
	case strings.HasPrefix(typ, "AWS::EC2::"), strings.HasPrefix(typ, "AWS::Route53::"),
		strings.HasPrefix(typ, "List<AWS::EC2::"), strings.HasPrefix(typ, "List<AWS::Route53::"):
		return ""
	}
	return "Template format error: Unrecognized parameter type: " + typ
}

func isListType(typ string) bool {
	return typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")
}

func paramValue(typ, raw string) any {
	if !isListType(typ) {
		return raw
	}
	if raw == "" {
		return []any{}
	}
	var out []any
	// "each member string is space trimmed" (Parameters section reference).
	for _, s := range strings.Split(raw, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// checkValue applies a parameter's constraints to a value. List types check
// each element.
func (p *Plan) checkValue(path []string, pa *param, def map[string]any, raw string) error {
	values := []string{raw}
	if isListType(pa.typ) {
		values = values[:0]
		for _, v := range paramValue(pa.typ, raw).([]any) {
			values = append(values, v.(string))
		}
	}
	for _, v := range values {
		if msg := checkConstraints(pa, def, v); msg != "" {
			if cd, ok := def["ConstraintDescription"].(string); ok && cd != "" {
				msg = fmt.Sprintf("Parameter '%s' failed to satisfy constraint: %s", pa.name, cd)
			}
			return p.t.Errorf(path, "%s", msg)
		}
	}
	return nil
}

// checkConstraints returns CloudFormation's message for the first constraint
// v breaks, or "".
func checkConstraints(pa *param, def map[string]any, v string) string {
	name := pa.name
	numeric := pa.typ == "Number" || pa.typ == "List<Number>"
	if numeric {
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return fmt.Sprintf("Parameter '%s' must be a number", name)
		}
	}
	if av, ok := def["AllowedValues"].([]any); ok && !allowed(av, v, numeric) {
		return fmt.Sprintf("Parameter '%s' must be one of AllowedValues", name)
	}
	if pat, ok := def["AllowedPattern"].(string); ok {
		re, err := regexp.Compile("^(?:" + pat + ")$")
		if err != nil || !re.MatchString(v) {
			return fmt.Sprintf("Parameter '%s' must match pattern %s", name, pat)
		}
	}
	n := utf8.RuneCountInString(v)
	if m, ok := number(def["MinLength"]); ok && float64(n) < m {
		return fmt.Sprintf("Parameter '%s' must contain at least %s characters", name, scalarString(def["MinLength"]))
	}
	if m, ok := number(def["MaxLength"]); ok && float64(n) > m {
		return fmt.Sprintf("Parameter '%s' must contain at most %s characters", name, scalarString(def["MaxLength"]))
	}
	if !numeric {
		return ""
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if m, ok := number(def["MinValue"]); ok && f < m {
		return fmt.Sprintf("Parameter '%s' must be a number not less than %s", name, scalarString(def["MinValue"]))
	}
	if m, ok := number(def["MaxValue"]); ok && f > m {
		return fmt.Sprintf("Parameter '%s' must be a number not greater than %s", name, scalarString(def["MaxValue"]))
	}
	return ""
}

func allowed(av []any, v string, numeric bool) bool {
	for _, a := range av {
		s := scalarString(a)
		if s == v {
			return true
		}
		if numeric {
			x, err1 := strconv.ParseFloat(s, 64)
			y, err2 := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err1 == nil && err2 == nil && x == y {
				return true
			}
		}
	}
	return false
}

// number reads a numeric template value written as a number or a string.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

// scalarString renders a scalar the way CloudFormation reads it as a string
// (YAML 8080 and "8080" are the same parameter default). Lists become
// comma-delimited, as a CommaDelimitedList default may be written as a list.
func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = scalarString(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}
