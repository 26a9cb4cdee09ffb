package policytest

import (
	"fmt"
	"strings"
)

// Env is what !Sub and !Ref resolve against: the pseudo parameters and,
// when a stack is named, its parameters, resources' physical ids and
// outputs.
type Env struct {
	Region    string
	AccountID string
	StackName string // "" when no stack was named
	StackID   string
	// Parameters, Resources (logical id → physical id) and Outputs of the stack.
	Parameters map[string]string
	Resources  map[string]string
	Outputs    map[string]string
}

// lookup resolves one name as CloudFormation's Fn::Sub does: a pseudo
// parameter, a template parameter, a resource's physical id (what Ref
// returns for most types); then, as iamgate's extension for tables, a
// stack output of that name.
func (e *Env) lookup(name string) (string, error) {
	switch name {
	case "AWS::Region":
		return e.Region, nil
	case "AWS::AccountId":
		return e.AccountID, nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName", "AWS::StackId":
		if e.StackName == "" {
			return "", fmt.Errorf("${%s} needs a stack (--stack)", name)
		}
		if name == "AWS::StackId" {
			return e.StackID, nil
		}
		return e.StackName, nil
	}
	if e.StackName == "" {
		return "", fmt.Errorf("${%s} names a stack resource, parameter or output: pass --stack", name)
	}
	if v, ok := e.Parameters[name]; ok {
		return v, nil
	}
	if v, ok := e.Resources[name]; ok {
		return v, nil
	}
	if v, ok := e.Outputs[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%s is not a parameter, resource or output of stack %s", name, e.StackName)
}

// Resolve returns the string v stands for.
func (e *Env) Resolve(v Value) (string, error) {
	switch v.Kind {
	case Ref:
		return e.lookup(v.Text)
	case Sub:
		parts, err := splitSub(v.Text)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		for _, p := range parts {
			if !p.name {
				b.WriteString(p.text)
				continue
			}
			s, err := e.lookup(p.text)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		return b.String(), nil
	}
	return v.Text, nil
}

// subPart is literal text or a ${name}.
type subPart struct {
	text string
	name bool
}

// splitSub splits an Fn::Sub template. "${!Literal}" is the text
// "${Literal}" (the CloudFormation escape); a "${" without "}" is an error;
// "${Name.Attribute}" (Fn::GetAtt) is refused, as a table has no template
// to take attributes from.
func splitSub(s string) ([]subPart, error) {
	var out []subPart
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			if s != "" {
				out = append(out, subPart{text: s})
			}
			return out, nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("!Sub: unclosed ${ in %q", s)
		}
		name := s[i+2 : i+j]
		if i > 0 {
			out = append(out, subPart{text: s[:i]})
		}
		switch {
		case strings.HasPrefix(name, "!"):
			out = append(out, subPart{text: "${" + name[1:] + "}"})
		case name == "" || strings.TrimSpace(name) != name || strings.ContainsAny(name, "${ \t"):
			return nil, fmt.Errorf("!Sub: %q is not a name", "${"+name+"}")
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			return nil, fmt.Errorf("!Sub: ${%s}: attributes (Fn::GetAtt) cannot be resolved from a table; use a stack output", name)
		default:
			out = append(out, subPart{text: name, name: true})
		}
		s = s[i+j+1:]
	}
}
