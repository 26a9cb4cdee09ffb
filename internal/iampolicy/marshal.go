package iampolicy

import "encoding/json"

// MarshalJSON writes the policy in a canonical form: lists always as arrays,
// absent elements omitted, condition values as strings. Parse of the output
// yields an equal Policy.
func (p *Policy) MarshalJSON() ([]byte, error) {
	type stmtJSON struct {
		Sid          string                         `json:"Sid,omitempty"`
		Effect       string                         `json:"Effect"`
		Principal    any                            `json:"Principal,omitempty"`
		NotPrincipal any                            `json:"NotPrincipal,omitempty"`
		Action       []string                       `json:"Action,omitempty"`
		NotAction    []string                       `json:"NotAction,omitempty"`
		Resource     []string                       `json:"Resource,omitempty"`
		NotResource  []string                       `json:"NotResource,omitempty"`
		Condition    map[string]map[string][]string `json:"Condition,omitempty"`
	}
	out := struct {
		Version   string     `json:"Version,omitempty"`
		ID        string     `json:"Id,omitempty"`
		Statement []stmtJSON `json:"Statement"`
	}{Version: p.Version, ID: p.ID}
	for _, st := range p.Statements {
		s := stmtJSON{Sid: st.Sid, Effect: st.Effect, Action: st.Action, NotAction: st.NotAction, Resource: st.Resource, NotResource: st.NotResource}
		if st.Principal != nil {
			s.Principal = st.Principal.jsonValue()
		}
		if st.NotPrincipal != nil {
			s.NotPrincipal = st.NotPrincipal.jsonValue()
		}
		for _, c := range st.Condition {
			if s.Condition == nil {
				s.Condition = map[string]map[string][]string{}
			}
			if s.Condition[c.Operator] == nil {
				s.Condition[c.Operator] = map[string][]string{}
			}
			s.Condition[c.Operator][c.Key] = c.Values
		}
		out.Statement = append(out.Statement, s)
	}
	return json.Marshal(out)
}

func (ps *Principals) jsonValue() any {
	if ps.Wildcard {
		return "*"
	}
	m := map[string][]string{}
	for k, v := range map[string][]string{"AWS": ps.AWS, "Service": ps.Service, "Federated": ps.Federated, "CanonicalUser": ps.CanonicalUser} {
		if v != nil {
			m[k] = v
		}
	}
	return m
}
