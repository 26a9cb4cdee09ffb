package policygen

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Call is one recorded request of the principal.
type Call struct {
	Action   string // "execute-api:Invoke"
	Resource string // the ARN, or "*"
	Allowed  bool   // false: denied (and needed)
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is an Allow statement of a generated policy.
type Statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource []string
}

// MarshalJSON writes a one-element Action or Resource as a string, as IAM
// and the console print them.
func (s Statement) MarshalJSON() ([]byte, error) {
	one := func(v []string) any {
		if len(v) == 1 {
			return v[0]
		}
		return v
	}
	return json.Marshal(struct {
		Sid      string `json:"Sid"`
		Effect   string `json:"Effect"`
		Action   any    `json:"Action"`
		Resource any    `json:"Resource"`
	}{s.Sid, s.Effect, one(s.Action), one(s.Resource)})
}

// JSON is the document, indented as `aws iam get-policy-version` prints it.
func (p Policy) JSON() string {
	b, _ := json.MarshalIndent(p, "", "    ")
	return string(b) + "\n"
}

// Generate returns the least-privilege policy allowing every call: one
// statement per service and set of resources, actions sorted, resources
// generalized by Generalize. Denied calls are included: the principal
// needed them.
func Generate(calls []Call) Policy {
	byAction := map[string][]string{} // canonical action → resources seen
	names := map[string]string{}      // lower-cased action → first spelling
	for _, c := range calls {
		if c.Action == "" {
			continue
		}
		key := strings.ToLower(c.Action)
		if _, ok := names[key]; !ok {
			names[key] = c.Action
		}
		a := names[key]
		if r := c.Resource; r != "" && !slices.Contains(byAction[a], r) {
			byAction[a] = append(byAction[a], r)
		}
	}
	type group struct {
		service   string
		resources []string
		actions   []string
	}
	var groups []*group
	find := func(service string, res []string) *group {
		for _, g := range groups {
			if g.service == service && slices.Equal(g.resources, res) {
				return g
			}
		}
		g := &group{service: service, resources: res}
		groups = append(groups, g)
		return g
	}
	for _, a := range sortedKeys(byAction) {
		res := Generalize(byAction[a])
		if len(res) == 0 {
			res = []string{"*"}
		}
		service, _, _ := strings.Cut(a, ":")
		g := find(strings.ToLower(service), res)
		g.actions = append(g.actions, a)
	}
	slices.SortStableFunc(groups, func(x, y *group) int { return strings.Compare(x.service, y.service) })
	p := Policy{Version: "2012-10-17", Statement: []Statement{}}
	count := map[string]int{}
	for _, g := range groups {
		count[g.service]++
	}
	seen := map[string]int{}
	for _, g := range groups {
		sid := sidOf(g.service)
		if count[g.service] > 1 {
			seen[g.service]++
			sid += strconv.Itoa(seen[g.service])
		}
		p.Statement = append(p.Statement, Statement{Sid: sid, Effect: "Allow", Action: g.actions, Resource: g.resources})
	}
	return p
}

// sidOf makes a Sid (letters and digits only) from a service prefix:
// "execute-api" → "ExecuteApi".
func sidOf(service string) string {
	var b strings.Builder
	up := true
	for _, r := range service {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Statement"
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
