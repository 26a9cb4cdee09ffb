package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/iampolicy/condition"
)

// Parse validates a policy document as IAM does for its kind and returns the
// parsed policy. Every refusal is a *ParseError carrying IAM's
// MalformedPolicyDocument message; the checks run in the order IAM applies
// them, so that a document with several faults gets IAM's first message.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	if kind < IdentityPolicy || kind > SessionPolicy {
		return nil, fmt.Errorf("iampolicy: unknown policy kind %d", kind)
	}
	raw, err := decodeObject(doc)
	if err != nil {
		return nil, &ParseError{Message: msgSyntax}
	}
	p, err := buildPolicy(raw, kind)
	if err != nil {
		return nil, err
	}
	if err := validate(p); err != nil {
		return nil, err
	}
	return p, nil
}

// MustParse is Parse for documents known to be valid (tests, built-in
// policies); it panics on error.
func MustParse(doc string, kind Kind) *Policy {
	p, err := Parse([]byte(doc), kind)
	if err != nil {
		panic(fmt.Sprintf("iampolicy.MustParse: %v", err))
	}
	return p
}

var errSyntax = &ParseError{Message: msgSyntax}

func decodeObject(doc []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the document")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("document is not an object")
	}
	return m, nil
}

var topElements = []string{"Version", "Id", "Statement"}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func buildPolicy(raw map[string]any, kind Kind) (*Policy, error) {
	for k := range raw {
		if !slices.Contains(topElements, k) {
			return nil, errSyntax
		}
	}
	p := &Policy{Kind: kind}
	var ok bool
	if v, has := raw["Version"]; has {
		if p.Version, ok = v.(string); !ok || (p.Version != "2012-10-17" && p.Version != "2008-10-17") {
			return nil, errSyntax
		}
	}
	if v, has := raw["Id"]; has {
		if p.ID, ok = v.(string); !ok {
			return nil, errSyntax
		}
	}
	var list []any
	switch s := raw["Statement"].(type) {
	case map[string]any:
		list = []any{s}
	case []any:
		list = s
	default:
		return nil, errSyntax
	}
	if len(list) == 0 {
		return nil, errSyntax
	}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, errSyntax
		}
		st, err := buildStatement(m, kind)
		if err != nil {
			return nil, err
		}
		st.Index = i
		st.actionIndex, st.notActionIndex = newActionIndex(st.Action), newActionIndex(st.NotAction)
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func buildStatement(m map[string]any, kind Kind) (Statement, error) {
	var st Statement
	for k := range m {
		if !slices.Contains(statementElements, k) {
			return st, errSyntax
		}
	}
	_, hasP := m["Principal"]
	_, hasNP := m["NotPrincipal"]
	if (hasP || hasNP) && !kind.hasPrincipal() {
		return st, &ParseError{Message: msgNoPrincipal}
	}
	if both(m, "Action", "NotAction") || both(m, "Resource", "NotResource") || (hasP && hasNP) {
		return st, errSyntax
	}
	effect, ok := m["Effect"].(string)
	if !ok || (!strings.EqualFold(effect, "Allow") && !strings.EqualFold(effect, "Deny")) {
		return st, errSyntax
	}
	st.Effect = effect
	if v, has := m["Sid"]; has {
		if st.Sid, ok = v.(string); !ok {
			return st, errSyntax
		}
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"Action", &st.Action}, {"NotAction", &st.NotAction}, {"Resource", &st.Resource}, {"NotResource", &st.NotResource}} {
		if v, has := m[f.name]; has {
			if *f.dst, err = stringList(v); err != nil {
				return st, errSyntax
			}
			if *f.dst == nil {
				*f.dst = []string{}
			}
		}
	}
	if hasP {
		if st.Principal, err = parsePrincipals(m["Principal"]); err != nil {
			return st, errSyntax
		}
	}
	if hasNP {
		if st.NotPrincipal, err = parsePrincipals(m["NotPrincipal"]); err != nil {
			return st, errSyntax
		}
	}
	if v, has := m["Condition"]; has {
		if st.Condition, err = parseCondition(v); err != nil {
			return st, errSyntax
		}
	}
	return st, nil
}

func both(m map[string]any, a, b string) bool {
	_, x := m[a]
	_, y := m[b]
	return x && y
}

// stringList accepts the grammar's string-or-list-of-strings.
func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, errSyntax
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errSyntax
}

func parsePrincipals(v any) (*Principals, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, errSyntax
		}
		return &Principals{Wildcard: true}, nil
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, errSyntax
	}
	p := &Principals{}
	for k, val := range m {
		list, err := stringList(val)
		if err != nil {
			return nil, err
		}
		switch k {
		case "AWS":
			p.AWS = list
		case "Service":
			p.Service = list
		case "Federated":
			p.Federated = list
		case "CanonicalUser":
			p.CanonicalUser = list
		default:
			return nil, errSyntax
		}
	}
	return p, nil
}

// parseCondition reads operator → key → value(s). IAM accepts strings,
// numbers and booleans as values (e.g. "aws:SecureTransport": false); they
// are kept as their JSON text.
func parseCondition(v any) (condition.Block, error) {
	ops, ok := v.(map[string]any)
	if !ok {
		return nil, errSyntax
	}
	raw := make(map[string]map[string][]string, len(ops))
	for op, keysV := range ops {
		keys, ok := keysV.(map[string]any)
		if !ok {
			return nil, errSyntax
		}
		if !condition.Known(op) {
			if len(keys) == 0 {
				continue // IAM ignores an unknown operator with no keys
			}
			return nil, errSyntax
		}
		raw[op] = make(map[string][]string, len(keys))
		for key, val := range keys {
			vals, err := conditionValues(val)
			if err != nil {
				return nil, err
			}
			raw[op][key] = vals
		}
	}
	return condition.Parse(raw)
}

func conditionValues(v any) ([]string, error) {
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalar(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		if t {
			return "true", nil
		}
		return "false", nil
	}
	return "", errSyntax
}
