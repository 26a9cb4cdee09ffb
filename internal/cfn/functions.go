package cfn

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// Arity messages, worded as CloudFormation's "Template error" responses.
const (
	subArity    = "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string"
	subVarName  = "Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons"
	joinArity   = "Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined."
	selectArity = "Template error: Fn::Select requires a list argument with two elements: an integer index and a list"
	splitArity  = "Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split."
	findArity   = "Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value"
	base64Arg   = "Template error: every Fn::Base64 object must have a String value"
	getAZsArg   = "Template error: every Fn::GetAZs object requires a single string parameter (the region name)"
	importArg   = "Template error: every Fn::ImportValue object requires a String value"
	lengthArg   = "Template error: Fn::Length requires a list argument"
)

// subPart is a piece of an Fn::Sub string: literal text or a ${variable}.
type subPart struct {
	text  string
	isVar bool
}

// parseSub splits an Fn::Sub string into literals and variables. ${!X}
// stands for the literal ${X}; an unclosed ${ is literal text.
func parseSub(s string) ([]subPart, bool) {
	var parts []subPart
	var lit strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		s = s[i+2:]
		if strings.HasPrefix(s, "!") {
			lit.WriteString("${")
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '}')
		if j < 0 {
			lit.WriteString("${")
			lit.WriteString(s)
			break
		}
		name := strings.TrimSpace(s[:j])
		if !validSubVar(name) {
			return nil, false
		}
		if lit.Len() > 0 {
			parts = append(parts, subPart{text: lit.String()})
			lit.Reset()
		}
		parts = append(parts, subPart{text: name, isVar: true})
		s = s[j+1:]
	}
	if lit.Len() > 0 {
		parts = append(parts, subPart{text: lit.String()})
	}
	return parts, true
}

func validSubVar(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		ok := r == '_' || r == '.' || r == ':' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// subArgs reads Fn::Sub's two forms: "string" and ["string", {vars}].
func subArgs(arg any) (string, map[string]any, bool) {
	switch a := arg.(type) {
	case string:
		return a, nil, true
	case []any:
		if len(a) != 2 {
			return "", nil, false
		}
		s, ok := a[0].(string)
		vars, ok2 := a[1].(map[string]any)
		return s, vars, ok && ok2
	}
	return "", nil, false
}

func (e *evaluator) fnSub(path []string, arg any) (any, error) {
	s, vars, ok := subArgs(arg)
	if !ok {
		return nil, e.p.t.Errorf(path, subArity)
	}
	parts, ok := parseSub(s)
	if !ok {
		return nil, e.p.t.Errorf(path, subVarName)
	}
	var b strings.Builder
	for _, part := range parts {
		if !part.isVar {
			b.WriteString(part.text)
			continue
		}
		v, err := e.subVar(path, part.text, vars)
		if err != nil {
			return nil, err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// subVar resolves one ${name}: a key of the variable map, then a parameter or
// pseudo parameter or resource (as Ref), then Resource.Attribute (as GetAtt).
func (e *evaluator) subVar(path []string, name string, vars map[string]any) (string, error) {
	var v any
	var err error
	switch val, local := vars[name]; {
	case local:
		v, err = e.eval(childPath(childPath(path, "1"), name), val)
	case strings.Contains(name, ".") && e.p.params[name] == nil:
		res, attr, _ := strings.Cut(name, ".")
		v, err = e.getAtt(path, res, attr)
	default:
		v, err = e.ref(path, name, "Fn::Sub")
	}
	if err != nil {
		return "", err
	}
	switch v.(type) {
	case string, int, float64, bool:
		return scalarString(v), nil
	}
	return "", e.p.t.Errorf(path, "Template error: variable %s in Fn::Sub expression must resolve to a String", name)
}

func (e *evaluator) fnJoin(path []string, arg any) (any, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 2 {
		return nil, e.p.t.Errorf(path, joinArity)
	}
	delim, ok := a[0].(string)
	if !ok {
		return nil, e.p.t.Errorf(path, joinArity)
	}
	list, err := e.evalList(childPath(path, "1"), a[1], joinArity)
	if err != nil {
		return nil, err
	}
	strs := make([]string, len(list))
	for i, v := range list {
		switch v.(type) {
		case string, int, float64, bool:
			strs[i] = scalarString(v)
		default:
			return nil, e.p.t.Errorf(path, joinArity)
		}
	}
	return strings.Join(strs, delim), nil
}

func (e *evaluator) fnSelect(path []string, arg any) (any, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 2 {
		return nil, e.p.t.Errorf(path, selectArity)
	}
	idxs, err := e.evalString(childPath(path, "0"), a[0], selectArity)
	if err != nil {
		return nil, err
	}
	idx, err := strconv.Atoi(strings.TrimSpace(idxs))
	if err != nil {
		return nil, e.p.t.Errorf(path, "Template error: Fn::Select requires an integer index; got %s", idxs)
	}
	list, err := e.evalList(childPath(path, "1"), a[1], selectArity)
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx >= len(list) {
		return nil, e.p.t.Errorf(path, "Template error: Fn::Select cannot select nonexistent value at index %d", idx)
	}
	return list[idx], nil
}

func (e *evaluator) fnSplit(path []string, arg any) (any, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 2 {
		return nil, e.p.t.Errorf(path, splitArity)
	}
	delim, ok := a[0].(string)
	if !ok || delim == "" {
		return nil, e.p.t.Errorf(path, splitArity)
	}
	s, err := e.evalString(childPath(path, "1"), a[1], splitArity)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func (e *evaluator) fnBase64(path []string, arg any) (any, error) {
	s, err := e.evalString(path, arg, base64Arg)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// azCount is how many Availability Zones Fn::GetAZs returns for a region;
// regions not listed get three (a, b, c).
var azCount = map[string]int{"us-east-1": 6, "us-west-2": 4, "ap-northeast-1": 3, "ap-northeast-2": 4}

func (e *evaluator) fnGetAZs(path []string, arg any) (any, error) {
	region, err := e.evalString(path, arg, getAZsArg)
	if err != nil {
		return nil, err
	}
	if region == "" {
		region = e.p.env.Region
	}
	n := azCount[region]
	if n == 0 {
		n = 3
	}
	out := make([]any, n)
	for i := range out {
		out[i] = region + string(rune('a'+i))
	}
	return out, nil
}

func (e *evaluator) fnImportValue(path []string, arg any) (any, error) {
	if e.inCond {
		return nil, e.p.t.Errorf(path, "Template error: Fn::ImportValue cannot be used in the Conditions section")
	}
	name, err := e.evalString(path, arg, importArg)
	if err != nil {
		return nil, err
	}
	if e.p.env.Exports != nil {
		if v, ok := e.p.env.Exports(name); ok {
			return v, nil
		}
	}
	return nil, e.p.t.Errorf(path, "No export named %s found", name)
}

func (e *evaluator) fnLength(path []string, arg any) (any, error) {
	list, err := e.evalList(path, arg, lengthArg)
	if err != nil {
		return nil, err
	}
	return len(list), nil
}

func (e *evaluator) fnToJSONString(path []string, arg any) (any, error) {
	v, err := e.eval(path, arg)
	if err != nil {
		return nil, err
	}
	switch v.(type) {
	case map[string]any, []any:
	default:
		return nil, e.p.t.Errorf(path, "Template error: Fn::ToJsonString requires an object or a list")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, e.p.t.Errorf(path, "Template error: Fn::ToJsonString: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func (e *evaluator) fnFindInMap(path []string, arg any) (any, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 3 {
		return nil, e.p.t.Errorf(path, findArity)
	}
	var keys [3]string
	for i := range a {
		s, err := e.evalString(childPath(path, itoa(i)), a[i], findArity)
		if err != nil {
			return nil, err
		}
		keys[i] = s
	}
	top, ok := e.p.mappings[keys[0]].(map[string]any)
	if !ok {
		return nil, e.p.t.Errorf(path, "Template error: Mapping named '%s' is not present in the 'Mappings' section of template.", keys[0])
	}
	second, ok := top[keys[1]].(map[string]any)
	if !ok {
		return nil, e.p.t.Errorf(path, "Template error: Unable to get mapping for %s::%s::%s", keys[0], keys[1], keys[2])
	}
	v, ok := second[keys[2]]
	if !ok {
		return nil, e.p.t.Errorf(path, "Template error: Unable to get mapping for %s::%s::%s", keys[0], keys[1], keys[2])
	}
	return v, nil
}
