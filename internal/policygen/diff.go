package policygen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// Grant is one action × resource an Allow statement of a current policy
// names.
type Grant struct {
	Policy    string // the policy's name
	Statement int    // its index in the document
	Sid       string
	Action    string
	Resource  string
}

func (g Grant) String() string {
	at := fmt.Sprintf("%s statement %d", g.Policy, g.Statement)
	if g.Sid != "" {
		at += " (" + g.Sid + ")"
	}
	return g.Action + " on " + g.Resource + "  [" + at + "]"
}

// Named is a current policy document with its name.
type Named struct {
	Name     string
	Document string
}

// Unused returns the grants of the Allow statements in policies that no
// call used, and notes for statements it cannot compare (NotAction,
// NotResource, or a document that does not parse).
func Unused(policies []Named, calls []Call) (unused []Grant, notes []string) {
	for _, p := range policies {
		pol, err := iampolicy.Parse([]byte(p.Document), iampolicy.IdentityPolicy)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: not compared: %v", p.Name, err))
			continue
		}
		for _, st := range pol.Statements {
			if st.Effect != "Allow" {
				continue
			}
			if len(st.NotAction) > 0 || len(st.NotResource) > 0 {
				notes = append(notes, fmt.Sprintf("%s statement %d: NotAction/NotResource are not compared", p.Name, st.Index))
				continue
			}
			for _, a := range st.Action {
				for _, r := range st.Resource {
					g := Grant{Policy: p.Name, Statement: st.Index, Sid: st.Sid, Action: a, Resource: r}
					if !used(g, calls) {
						unused = append(unused, g)
					}
				}
			}
		}
	}
	return unused, notes
}

// used reports whether a call falls under g: actions match
// case-insensitively, resources case-sensitively, both with IAM's
// wildcards.
func used(g Grant, calls []Call) bool {
	return slices.ContainsFunc(calls, func(c Call) bool {
		return arn.GlobFold(g.Action, c.Action) && (g.Resource == "*" || arn.Glob(g.Resource, c.Resource))
	})
}

// Needed returns, once each and sorted, the calls that were denied.
func Needed(calls []Call) []Call {
	var out []Call
	for _, c := range calls {
		if c.Allowed || slices.ContainsFunc(out, func(o Call) bool { return strings.EqualFold(o.Action, c.Action) && o.Resource == c.Resource }) {
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y Call) int {
		if c := strings.Compare(x.Action, y.Action); c != 0 {
			return c
		}
		return strings.Compare(x.Resource, y.Resource)
	})
	return out
}
