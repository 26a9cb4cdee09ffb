package iampolicy

import (
	"fmt"
	"testing"
)

// AWS documentation pages that state each expected outcome.
const (
	docEval        = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"
	docBasics      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"
	docCross       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"
	docBoundary    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
	docSession     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"
	docAction      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
	docNotAction   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"
	docResource    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
	docNotResource = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"
	docPrincipal   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
	docNotPrinc    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	docOps         = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
	docMulti       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
	docMultiCond   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html"
	docVars        = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
	docKeys        = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	docAPIGW       = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html"
	docAPIGWARN    = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html"
)

type evalCase struct {
	name     string
	doc      string // the AWS page stating the outcome
	req      Request
	set      Set
	want     Effect
	deniedBy string // checked when non-empty
}

func TestEvaluateCases(t *testing.T) {
	var cases []evalCase
	cases = append(cases, logicCases()...)
	cases = append(cases, actionResourceCases()...)
	cases = append(cases, conditionCases()...)
	cases = append(cases, variableCases()...)
	if len(cases) < 150 {
		t.Errorf("only %d evaluation cases; the table must keep at least 150", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			if tc.doc == "" {
				t.Fatal("case cites no AWS page")
			}
			d := Evaluate(&tc.req, tc.set)
			if d.Effect != tc.want {
				t.Errorf("Effect = %v, want %v (%s)\nreason: %s\ntrace:\n%s", d.Effect, tc.want, tc.doc, d.Reason, traceText(d))
			}
			if tc.deniedBy != "" && d.DeniedBy != tc.deniedBy {
				t.Errorf("DeniedBy = %q, want %q (%s)", d.DeniedBy, tc.deniedBy, tc.doc)
			}
			if d.Effect == Allow && d.DeniedBy != "" {
				t.Errorf("DeniedBy = %q on an Allow", d.DeniedBy)
			}
			if d.Effect == ExplicitDeny && d.Statement == nil {
				t.Error("explicit deny without a deciding statement")
			}
		})
	}
}

func traceText(d Decision) string {
	s := ""
	for _, st := range d.Trace {
		s += "  " + st.String() + "\n"
	}
	return s
}

func req(p Principal) Request {
	return Request{Principal: p, Action: invoke, Resource: apiARN}
}

func xreq(p Principal) Request {
	r := req(p)
	r.ResourceAccount = acct
	return r
}

var (
	allowInvoke    = doc(stmt("Effect", "Allow", "Action", invoke, "Resource", apiARN))
	denyInvoke     = doc(stmt("Effect", "Deny", "Action", invoke, "Resource", apiARN))
	allowS3        = doc(stmt("Effect", "Allow", "Action", "s3:*", "Resource", "*"))
	allowEverythin = doc(allowAll())
)

func resPolicy(effect string, principal any) string {
	return doc(stmt("Effect", effect, "Principal", principal, "Action", invoke, "Resource", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*"))
}

func logicCases() []evalCase {
	u, s := user(), session()
	x := userIn(other, "visitor")
	return []evalCase{
		{"seed user allowed", docBasics, req(u), Set{Identity: ids(allowInvoke)}, Allow, ""},
		{"no policies implicit deny", docEval, req(u), Set{}, ImplicitDeny, LayerIdentity},
		{"unrelated policy implicit deny", docEval, req(u), Set{Identity: ids(allowS3)}, ImplicitDeny, LayerIdentity},
		{"identity deny beats identity allow", docEval, req(u), Set{Identity: ids(allowInvoke, denyInvoke)}, ExplicitDeny, LayerIdentity},
		{"deny and allow in one policy", docEval, req(u), Set{Identity: ids(doc(stmt("Effect", "Allow", "Action", "*", "Resource", "*"), stmt("Effect", "Deny", "Action", invoke, "Resource", "*")))}, ExplicitDeny, LayerIdentity},
		{"deny of other action ignored", docEval, req(u), Set{Identity: ids(allowInvoke, doc(stmt("Effect", "Deny", "Action", "s3:*", "Resource", "*")))}, Allow, ""},
		{"group policy allows", docBasics, req(u), Set{Identity: ids(allowS3, allowInvoke)}, Allow, ""},
		{"resource policy deny beats identity allow", docEval, req(u), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Deny", "*"))}, ExplicitDeny, LayerResource},
		{"resource policy allow user arn alone", docBasics, req(u), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": userARN}))}, Allow, ""},
		{"resource policy allow star alone", docAPIGW, req(u), Set{Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"resource policy allow AWS star alone", docPrincipal, req(u), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": "*"}))}, Allow, ""},
		{"resource policy account principal needs identity", docPrincipal, req(u), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": acct}))}, ImplicitDeny, LayerIdentity},
		{"resource policy account root principal needs identity", docPrincipal, req(u), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": "arn:aws:iam::000000000000:root"}))}, ImplicitDeny, LayerIdentity},
		{"resource policy account plus identity allow", docAPIGW, req(u), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", map[string]any{"AWS": acct}))}, Allow, ""},
		{"resource policy other user no grant", docPrincipal, req(u), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": "arn:aws:iam::000000000000:user/other"}))}, ImplicitDeny, LayerIdentity},
		{"resource policy silent identity allows same account", docAPIGW, req(u), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", map[string]any{"AWS": "arn:aws:iam::000000000000:user/other"}))}, Allow, ""},
		{"resource deny other user ignored", docPrincipal, req(u), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Deny", map[string]any{"AWS": "arn:aws:iam::000000000000:user/other"}))}, Allow, ""},
		{"resource deny account applies to user", docPrincipal, req(u), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Deny", map[string]any{"AWS": acct}))}, ExplicitDeny, LayerResource},
		{"boundary allows and identity allows", docBoundary, req(u), Set{Identity: ids(allowInvoke), Boundary: bnd(allowInvoke)}, Allow, ""},
		{"boundary silent limits identity", docBoundary, req(u), Set{Identity: ids(allowInvoke), Boundary: bnd(allowS3)}, ImplicitDeny, LayerBoundary},
		{"boundary alone grants nothing", docBoundary, req(u), Set{Boundary: bnd(allowEverythin)}, ImplicitDeny, LayerIdentity},
		{"boundary deny", docBoundary, req(u), Set{Identity: ids(allowInvoke), Boundary: bnd(doc(allowAll(), stmt("Effect", "Deny", "Action", invoke, "Resource", "*")))}, ExplicitDeny, LayerBoundary},
		{"boundary does not limit resource grant to user arn", docBoundary, req(u), Set{Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", map[string]any{"AWS": userARN}))}, Allow, ""},
		{"boundary deny beats resource grant", docBoundary, req(u), Set{Boundary: bnd(doc(stmt("Effect", "Deny", "Action", "*", "Resource", "*"))), Resource: ress(resPolicy("Allow", map[string]any{"AWS": userARN}))}, ExplicitDeny, LayerBoundary},
		{"role session identity allows", docBasics, req(s), Set{Identity: ids(allowInvoke)}, Allow, ""},
		{"role session no policy", docEval, req(s), Set{}, ImplicitDeny, LayerIdentity},
		{"session policy limits role", docSession, req(s), Set{Identity: ids(allowInvoke), Session: sess(allowS3)}, ImplicitDeny, LayerSession},
		{"session policy allows within role", docSession, req(s), Set{Identity: ids(allowInvoke), Session: sess(allowEverythin)}, Allow, ""},
		{"session policy alone grants nothing", docSession, req(s), Set{Session: sess(allowEverythin)}, ImplicitDeny, LayerIdentity},
		{"session policy deny", docSession, req(s), Set{Identity: ids(allowEverythin), Session: sess(doc(allowAll(), stmt("Effect", "Deny", "Action", invoke, "Resource", "*")))}, ExplicitDeny, LayerSession},
		{"resource grant to session arn beats session policy", docSession, req(s), Set{Session: sess(allowS3), Resource: ress(resPolicy("Allow", map[string]any{"AWS": sessARN}))}, Allow, ""},
		{"resource grant to role arn limited by session policy", docSession, req(s), Set{Session: sess(allowS3), Resource: ress(resPolicy("Allow", map[string]any{"AWS": roleARN}))}, ImplicitDeny, LayerIdentity},
		{"resource grant to role arn within session policy", docSession, req(s), Set{Session: sess(allowEverythin), Resource: ress(resPolicy("Allow", map[string]any{"AWS": roleARN}))}, Allow, ""},
		{"resource grant to role arn limited by boundary", docBoundary, req(s), Set{Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", map[string]any{"AWS": roleARN}))}, ImplicitDeny, LayerIdentity},
		{"resource grant to role arn no limits", docBasics, req(s), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": roleARN}))}, Allow, ""},
		{"resource grant to session arn beats boundary", docBoundary, req(s), Set{Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", map[string]any{"AWS": sessARN}))}, Allow, ""},
		{"root allowed in own account", docBasics, req(root()), Set{}, Allow, ""},
		{"root denied by resource policy", docEval, req(root()), Set{Resource: ress(resPolicy("Deny", "*"))}, ExplicitDeny, LayerResource},
		{"anonymous needs resource policy", docAPIGW, req(anonymous()), Set{}, ImplicitDeny, LayerResource},
		{"anonymous allowed by star", docAPIGW, req(anonymous()), Set{Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"anonymous allowed by AWS star", docPrincipal, req(anonymous()), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": "*"}))}, Allow, ""},
		{"anonymous not matched by account", docPrincipal, req(anonymous()), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": acct}))}, ImplicitDeny, LayerResource},
		{"anonymous denied by star deny", docEval, req(anonymous()), Set{Resource: ress(resPolicy("Allow", "*"), resPolicy("Deny", "*"))}, ExplicitDeny, LayerResource},
		{"cross account both allow", docCross, xreq(x), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", map[string]any{"AWS": other}))}, Allow, ""},
		{"cross account identity only", docCross, xreq(x), Set{Identity: ids(allowInvoke)}, ImplicitDeny, LayerResource},
		{"cross account resource only", docCross, xreq(x), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": x.ARN}))}, ImplicitDeny, LayerIdentity},
		{"cross account resource names user", docCross, xreq(x), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", map[string]any{"AWS": x.ARN}))}, Allow, ""},
		{"cross account resource names other account", docCross, xreq(x), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", map[string]any{"AWS": acct}))}, ImplicitDeny, LayerResource},
		{"cross account star", docCross, xreq(x), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"cross account boundary limits", docCross, xreq(x), Set{Identity: ids(allowInvoke), Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", "*"))}, ImplicitDeny, LayerBoundary},
		{"cross account identity deny", docCross, xreq(x), Set{Identity: ids(allowInvoke, denyInvoke), Resource: ress(resPolicy("Allow", "*"))}, ExplicitDeny, LayerIdentity},
		{"cross account resource deny", docCross, xreq(x), Set{Identity: ids(allowInvoke), Resource: ress(resPolicy("Allow", "*"), resPolicy("Deny", map[string]any{"AWS": other}))}, ExplicitDeny, LayerResource},
		{"cross account root with resource allow", docCross, xreq(Principal{ARN: "arn:aws:iam::111111111111:root", AccountID: other, Type: TypeRoot}), Set{Resource: ress(resPolicy("Allow", map[string]any{"AWS": other}))}, Allow, ""},
		{"cross account root without resource allow", docCross, xreq(Principal{ARN: "arn:aws:iam::111111111111:root", AccountID: other, Type: TypeRoot}), Set{}, ImplicitDeny, LayerResource},
		{"notprincipal allow excludes caller", docNotPrinc, req(u), Set{Resource: ress(doc(stmt("Effect", "Allow", "NotPrincipal", map[string]any{"AWS": userARN}, "Action", invoke, "Resource", "*")))}, ImplicitDeny, LayerIdentity},
		{"notprincipal allow others", docNotPrinc, req(u), Set{Resource: ress(doc(stmt("Effect", "Allow", "NotPrincipal", map[string]any{"AWS": "arn:aws:iam::000000000000:user/bob"}, "Action", invoke, "Resource", "*")))}, Allow, ""},
		{"notprincipal deny spares listed user", docNotPrinc, req(u), Set{Identity: ids(allowInvoke), Resource: ress(doc(stmt("Effect", "Deny", "NotPrincipal", map[string]any{"AWS": userARN}, "Action", invoke, "Resource", "*")))}, Allow, ""},
		{"notprincipal deny hits others", docNotPrinc, req(u), Set{Identity: ids(allowInvoke), Resource: ress(doc(stmt("Effect", "Deny", "NotPrincipal", map[string]any{"AWS": "arn:aws:iam::000000000000:user/bob"}, "Action", invoke, "Resource", "*")))}, ExplicitDeny, LayerResource},
		{"notprincipal deny spares role session by role arn", docNotPrinc, req(s), Set{Identity: ids(allowInvoke), Resource: ress(doc(stmt("Effect", "Deny", "NotPrincipal", map[string]any{"AWS": []any{roleARN, sessARN}}, "Action", invoke, "Resource", "*")))}, Allow, ""},
		{"notprincipal deny always hits a principal with a boundary", docBoundary, req(u), Set{Identity: ids(allowInvoke), Boundary: bnd(allowEverythin), Resource: ress(doc(stmt("Effect", "Deny", "NotPrincipal", map[string]any{"AWS": userARN}, "Action", invoke, "Resource", "*")))}, ExplicitDeny, LayerResource},
		{"notprincipal allow with boundary not affected", docBoundary, req(u), Set{Boundary: bnd(allowEverythin), Resource: ress(doc(stmt("Effect", "Allow", "NotPrincipal", map[string]any{"AWS": "arn:aws:iam::000000000000:user/bob"}, "Action", invoke, "Resource", "*")))}, Allow, ""},
		{"star grant to role session limited by session policy", docSession, req(s), Set{Session: sess(allowS3), Resource: ress(resPolicy("Allow", "*"))}, ImplicitDeny, LayerIdentity},
		{"star grant to role session within session policy", docSession, req(s), Set{Session: sess(allowEverythin), Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"star grant to role session not limited by boundary", docBoundary, req(s), Set{Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"star grant to user not limited by boundary", docBoundary, req(u), Set{Boundary: bnd(allowS3), Resource: ress(resPolicy("Allow", "*"))}, Allow, ""},
		{"service principal not a user", docPrincipal, req(u), Set{Resource: ress(doc(stmt("Effect", "Allow", "Principal", map[string]any{"Service": "lambda.amazonaws.com"}, "Action", invoke, "Resource", "*")))}, ImplicitDeny, LayerIdentity},
		{"service principal matches service", docPrincipal, req(Principal{ARN: "apigateway.amazonaws.com", Type: TypeService}), Set{Resource: ress(doc(stmt("Effect", "Allow", "Principal", map[string]any{"Service": "apigateway.amazonaws.com"}, "Action", invoke, "Resource", "*")))}, Allow, ""},
		{"apigw shorthand resource policy", docAPIGW, req(u), Set{Resource: expanded(doc(stmt("Effect", "Allow", "Principal", "*", "Action", invoke, "Resource", "execute-api:/*")))}, Allow, ""},
		{"apigw shorthand deny other stage", docAPIGW, req(u), Set{Identity: ids(allowInvoke), Resource: expanded(doc(stmt("Effect", "Deny", "Principal", "*", "Action", invoke, "Resource", "execute-api:/prod/*")))}, Allow, ""},
		{"apigw shorthand deny this method", docAPIGW, req(u), Set{Identity: ids(allowInvoke), Resource: expanded(doc(stmt("Effect", "Deny", "Principal", "*", "Action", invoke, "Resource", "execute-api:/*/GET/hello")))}, ExplicitDeny, LayerResource},
		{"apigw shorthand unexpanded matches own api", docAPIGW, req(u), Set{Resource: ress(doc(stmt("Effect", "Allow", "Principal", "*", "Action", invoke, "Resource", "execute-api:/v1/GET/*")))}, Allow, ""},
		{"apigw shorthand unexpanded other stage", docAPIGW, req(u), Set{Resource: ress(doc(stmt("Effect", "Allow", "Principal", "*", "Action", invoke, "Resource", "execute-api:/prod/GET/*")))}, ImplicitDeny, LayerIdentity},
		{"nil policy skipped", docEval, req(u), Set{Identity: []Named{{Name: "empty"}}}, ImplicitDeny, LayerIdentity},
	}
}

func expanded(d string) []Named {
	n := ress(d)
	n[0].Policy.ExpandExecuteAPI("aws", "us-east-1", acct, "abc123defg")
	return n
}

func actionResourceCases() []evalCase {
	type ar struct {
		name, doc string
		action    any
		notA      bool
		resource  any
		notR      bool
		want      Effect
	}
	list := []ar{
		{"action exact", docAction, invoke, false, "*", false, Allow},
		{"action case-insensitive", docAction, "EXECUTE-API:invoke", false, "*", false, Allow},
		{"action service star", docAction, "execute-api:*", false, "*", false, Allow},
		{"action prefix star", docAction, "execute-api:Inv*", false, "*", false, Allow},
		{"action question mark", docAction, "execute-api:Invok?", false, "*", false, Allow},
		{"action question needs one char", docAction, "execute-api:Invoke?", false, "*", false, ImplicitDeny},
		{"action star", docAction, "*", false, "*", false, Allow},
		{"action star colon star", docAction, "*:*", false, "*", false, Allow},
		{"action list second", docAction, []any{"s3:GetObject", invoke}, false, "*", false, Allow},
		{"action other service", docAction, "s3:*", false, "*", false, ImplicitDeny},
		{"action other verb", docAction, "execute-api:ManageConnections", false, "*", false, ImplicitDeny},
		{"action star suffix", docAction, "execute-api:Invoke*", false, "*", false, Allow},
		{"notaction excludes", docNotAction, invoke, true, "*", false, ImplicitDeny},
		{"notaction other", docNotAction, "s3:*", true, "*", false, Allow},
		{"notaction wildcard excludes", docNotAction, "execute-api:*", true, "*", false, ImplicitDeny},
		{"notaction case-insensitive", docNotAction, "Execute-Api:INVOKE", true, "*", false, ImplicitDeny},
		{"resource exact", docResource, invoke, false, apiARN, false, Allow},
		{"resource api star", docAPIGWARN, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*", false, Allow},
		{"resource stage method star", docAPIGWARN, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/*", false, Allow},
		{"resource other method", docAPIGWARN, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/POST/*", false, ImplicitDeny},
		{"resource other stage", docAPIGWARN, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/prod/GET/hello", false, ImplicitDeny},
		{"resource other api", docAPIGWARN, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:zzz/*", false, ImplicitDeny},
		{"resource region star", docResource, invoke, false, "arn:aws:execute-api:*:000000000000:abc123defg/*", false, Allow},
		{"resource account star", docResource, invoke, false, "arn:aws:execute-api:us-east-1:*:abc123defg/*", false, Allow},
		{"resource other region", docResource, invoke, false, "arn:aws:execute-api:eu-west-1:000000000000:abc123defg/*", false, ImplicitDeny},
		{"resource other account", docResource, invoke, false, "arn:aws:execute-api:us-east-1:111111111111:abc123defg/*", false, ImplicitDeny},
		{"resource case-sensitive", docResource, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/get/hello", false, ImplicitDeny},
		{"resource question mark", docResource, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v?/GET/hello", false, Allow},
		{"resource all segments star", docResource, invoke, false, "arn:aws:execute-api:*:*:*", false, Allow},
		{"resource path prefix only", docResource, invoke, false, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hell", false, ImplicitDeny},
		{"resource list second", docResource, invoke, false, []any{"arn:aws:s3:::b", apiARN}, false, Allow},
		{"resource other service", docResource, invoke, false, "arn:aws:s3:::*", false, ImplicitDeny},
		{"notresource excludes", docNotResource, invoke, false, apiARN, true, ImplicitDeny},
		{"notresource other", docNotResource, invoke, false, "arn:aws:s3:::*", true, Allow},
		{"notresource wildcard excludes", docNotResource, invoke, false, "arn:aws:execute-api:*:*:*", true, ImplicitDeny},
		{"notaction and notresource", docNotResource, "s3:*", true, "arn:aws:s3:::*", true, Allow},
	}
	var out []evalCase
	for _, c := range list {
		ak, rk := pick(c.notA, "NotAction", "Action"), pick(c.notR, "NotResource", "Resource")
		d := doc(stmt("Effect", "Allow", ak, c.action, rk, c.resource))
		out = append(out, evalCase{c.name, c.doc, req(user()), Set{Identity: ids(d)}, c.want, ""})
	}
	return out
}

// condCase is one condition operator test: a policy allowing everything when
// Condition {op: {key: vals}} holds, against a request context.
type condCase struct {
	name, doc string
	op, key   string
	vals      any
	ctx       map[string][]string
	want      bool
}

func ctx(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

func conditionCases() []evalCase {
	list := []condCase{
		{"StringEquals match", docOps, "StringEquals", "aws:PrincipalTag/team", "blue", nil, true},
		{"StringEquals case-sensitive", docOps, "StringEquals", "aws:PrincipalTag/team", "Blue", nil, false},
		{"StringEquals key name case-insensitive", docOps, "StringEquals", "AWS:principaltag/TEAM", "blue", nil, true},
		{"StringEquals OR values", docMultiCond, "StringEquals", "aws:PrincipalTag/team", []any{"red", "blue"}, nil, true},
		{"StringEquals absent key", docOps, "StringEquals", "aws:PrincipalTag/nope", "blue", nil, false},
		{"StringNotEquals other", docOps, "StringNotEquals", "aws:PrincipalTag/team", "red", nil, true},
		{"StringNotEquals same", docOps, "StringNotEquals", "aws:PrincipalTag/team", "blue", nil, false},
		{"StringNotEquals NOR values", docMultiCond, "StringNotEquals", "aws:PrincipalTag/team", []any{"red", "blue"}, nil, false},
		{"StringNotEquals absent key true", docOps, "StringNotEquals", "aws:PrincipalTag/nope", "blue", nil, true},
		{"StringEqualsIgnoreCase", docOps, "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "BLUE", nil, true},
		{"StringNotEqualsIgnoreCase", docOps, "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "BLUE", nil, false},
		{"StringLike star", docOps, "StringLike", "aws:PrincipalTag/team", "bl*", nil, true},
		{"StringLike question", docOps, "StringLike", "aws:PrincipalTag/team", "bl?e", nil, true},
		{"StringLike no match", docOps, "StringLike", "aws:PrincipalTag/team", "r*", nil, false},
		{"StringLike case-sensitive", docOps, "StringLike", "aws:PrincipalTag/team", "BL*", nil, false},
		{"StringNotLike", docOps, "StringNotLike", "aws:PrincipalTag/team", "r*", nil, true},
		{"StringNotLike matching", docOps, "StringNotLike", "aws:PrincipalTag/team", "b*", nil, false},
		{"StringNotLike absent key", docOps, "StringNotLike", "aws:PrincipalTag/nope", "b*", nil, true},
		{"StringEquals userid", docKeys, "StringEquals", "aws:userid", "AIDAEXAMPLE", nil, true},
		{"StringEquals username", docKeys, "StringEquals", "aws:username", "api-gateway-user", nil, true},
		{"StringEquals principal type", docKeys, "StringEquals", "aws:PrincipalType", "User", nil, true},
		{"StringEquals principal account", docKeys, "StringEquals", "aws:PrincipalAccount", acct, nil, true},
		{"ArnEquals principal arn", docKeys, "ArnEquals", "aws:PrincipalArn", userARN, nil, true},
		{"ArnLike principal arn wildcard", docOps, "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/*", nil, true},
		{"ArnLike no match", docOps, "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/*", nil, false},
		{"ArnEquals wildcard per segment", docOps, "ArnEquals", "aws:SourceArn", "arn:aws:lambda:*:000000000000:function:f", ctx("aws:SourceArn", "arn:aws:lambda:us-east-1:000000000000:function:f"), true},
		{"ArnNotEquals", docOps, "ArnNotEquals", "aws:SourceArn", "arn:aws:lambda:*:000000000000:function:g", ctx("aws:SourceArn", "arn:aws:lambda:us-east-1:000000000000:function:f"), true},
		{"ArnNotLike matching", docOps, "ArnNotLike", "aws:SourceArn", "arn:aws:lambda:*:*:*", ctx("aws:SourceArn", "arn:aws:lambda:us-east-1:000000000000:function:f"), false},
		{"ArnLike star does not cross colon", docOps, "ArnLike", "aws:SourceArn", "arn:aws:lambda:*:function:f", ctx("aws:SourceArn", "arn:aws:lambda:us-east-1:000000000000:function:f"), false},
		{"NumericEquals", docOps, "NumericEquals", "s3:max-keys", "10", ctx("s3:max-keys", "10"), true},
		{"NumericEquals decimal", docOps, "NumericEquals", "k:n", "1.10", ctx("k:n", "1.1"), true},
		{"NumericNotEquals", docOps, "NumericNotEquals", "k:n", "10", ctx("k:n", "11"), true},
		{"NumericLessThan", docOps, "NumericLessThan", "k:n", "10", ctx("k:n", "9"), true},
		{"NumericLessThan equal", docOps, "NumericLessThan", "k:n", "10", ctx("k:n", "10"), false},
		{"NumericLessThanEquals", docOps, "NumericLessThanEquals", "k:n", "10", ctx("k:n", "10"), true},
		{"NumericGreaterThan", docOps, "NumericGreaterThan", "k:n", "10", ctx("k:n", "10.5"), true},
		{"NumericGreaterThanEquals", docOps, "NumericGreaterThanEquals", "k:n", "10", ctx("k:n", "9"), false},
		{"Numeric json number", docOps, "NumericLessThanEquals", "k:n", 3600, ctx("k:n", "3600"), true},
		{"Numeric not a number", docOps, "NumericEquals", "k:n", "10", ctx("k:n", "ten"), false},
		{"Numeric negative", docOps, "NumericLessThan", "k:n", "0", ctx("k:n", "-1"), true},
		{"DateGreaterThan", docOps, "DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", ctx("aws:CurrentTime", "2026-11-25T10:00:00Z"), true},
		{"DateLessThan", docOps, "DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", ctx("aws:CurrentTime", "2026-11-25T10:00:00Z"), false},
		{"DateEquals date only", docOps, "DateEquals", "aws:CurrentTime", "2026-11-25", ctx("aws:CurrentTime", "2026-11-25T00:00:00Z"), true},
		{"DateNotEquals", docOps, "DateNotEquals", "aws:CurrentTime", "2026-11-25", ctx("aws:CurrentTime", "2026-11-25T00:00:01Z"), true},
		{"DateLessThanEquals epoch", docOps, "DateLessThanEquals", "aws:EpochTime", "1700000000", ctx("aws:EpochTime", "1700000000"), true},
		{"DateGreaterThanEquals mixed forms", docOps, "DateGreaterThanEquals", "aws:CurrentTime", "1700000000", ctx("aws:CurrentTime", "2023-11-14T22:13:20Z"), true},
		{"Date offset zone", docOps, "DateEquals", "aws:CurrentTime", "2026-11-25T12:00:00+02:00", ctx("aws:CurrentTime", "2026-11-25T10:00:00Z"), true},
		{"Date unparsable", docOps, "DateEquals", "aws:CurrentTime", "yesterday", ctx("aws:CurrentTime", "2026-11-25T10:00:00Z"), false},
		{"Bool true", docOps, "Bool", "aws:SecureTransport", "true", ctx("aws:SecureTransport", "true"), true},
		{"Bool json false", docOps, "Bool", "aws:SecureTransport", false, ctx("aws:SecureTransport", "false"), true},
		{"Bool mismatch", docOps, "Bool", "aws:SecureTransport", "true", ctx("aws:SecureTransport", "false"), false},
		{"Bool case-insensitive", docOps, "Bool", "aws:SecureTransport", "TRUE", ctx("aws:SecureTransport", "true"), true},
		{"Bool absent", docOps, "Bool", "aws:MultiFactorAuthPresent", "true", nil, false},
		{"BoolIfExists absent", docOps, "BoolIfExists", "aws:MultiFactorAuthPresent", "true", nil, true},
		{"BoolIfExists present false", docOps, "BoolIfExists", "aws:MultiFactorAuthPresent", "true", ctx("aws:MultiFactorAuthPresent", "false"), false},
		{"BinaryEquals", docOps, "BinaryEquals", "k:bin", "QmluYXJ5VmFsdWU=", ctx("k:bin", "QmluYXJ5VmFsdWU="), true},
		{"BinaryEquals mismatch", docOps, "BinaryEquals", "k:bin", "QmluYXJ5VmFsdWU=", ctx("k:bin", "b3RoZXI="), false},
		{"IpAddress in v4 block", docOps, "IpAddress", "aws:SourceIp", "203.0.113.0/24", ctx("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress outside v4 block", docOps, "IpAddress", "aws:SourceIp", "203.0.113.0/24", ctx("aws:SourceIp", "203.0.114.7"), false},
		{"IpAddress single address", docOps, "IpAddress", "aws:SourceIp", "127.0.0.1", ctx("aws:SourceIp", "127.0.0.1"), true},
		{"IpAddress v6 block", docOps, "IpAddress", "aws:SourceIp", "2001:db8::/32", ctx("aws:SourceIp", "2001:db8:1234::1"), true},
		{"IpAddress v6 outside", docOps, "IpAddress", "aws:SourceIp", "2001:db8::/32", ctx("aws:SourceIp", "2001:db9::1"), false},
		{"IpAddress list", docOps, "IpAddress", "aws:SourceIp", []any{"10.0.0.0/8", "127.0.0.0/8"}, ctx("aws:SourceIp", "127.0.0.1"), true},
		{"IpAddress v4 vs v6 block", docOps, "IpAddress", "aws:SourceIp", "2001:db8::/32", ctx("aws:SourceIp", "127.0.0.1"), false},
		{"NotIpAddress outside", docOps, "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", ctx("aws:SourceIp", "127.0.0.1"), true},
		{"NotIpAddress inside", docOps, "NotIpAddress", "aws:SourceIp", "127.0.0.0/8", ctx("aws:SourceIp", "127.0.0.1"), false},
		{"NotIpAddress absent", docOps, "NotIpAddress", "aws:SourceIp", "127.0.0.0/8", nil, true},
		{"IpAddress absent", docOps, "IpAddress", "aws:SourceIp", "127.0.0.0/8", nil, false},
		{"IpAddress bad request value", docOps, "IpAddress", "aws:SourceIp", "127.0.0.0/8", ctx("aws:SourceIp", "localhost"), false},
		{"Null true absent", docOps, "Null", "aws:TokenIssueTime", "true", nil, true},
		{"Null true present", docOps, "Null", "aws:TokenIssueTime", "true", ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"), false},
		{"Null false present", docOps, "Null", "aws:TokenIssueTime", "false", ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"), true},
		{"Null false absent", docOps, "Null", "aws:TokenIssueTime", "false", nil, false},
		{"StringEqualsIfExists absent", docOps, "StringEqualsIfExists", "ec2:InstanceType", "t2.micro", nil, true},
		{"StringEqualsIfExists present match", docOps, "StringEqualsIfExists", "ec2:InstanceType", "t2.micro", ctx("ec2:InstanceType", "t2.micro"), true},
		{"StringEqualsIfExists present mismatch", docOps, "StringEqualsIfExists", "ec2:InstanceType", "t2.micro", ctx("ec2:InstanceType", "m5.large"), false},
		{"NumericLessThanIfExists absent", docOps, "NumericLessThanIfExists", "k:n", "1", nil, true},
		{"ForAnyValue match one", docMulti, "ForAnyValue:StringEquals", "aws:TagKeys", []any{"env", "team"}, ctx("aws:TagKeys", "team", "aws:TagKeys", "cost"), true},
		{"ForAnyValue none", docMulti, "ForAnyValue:StringEquals", "aws:TagKeys", []any{"env"}, ctx("aws:TagKeys", "team", "aws:TagKeys", "cost"), false},
		{"ForAnyValue absent false", docMulti, "ForAnyValue:StringEquals", "aws:TagKeys", []any{"env"}, nil, false},
		{"ForAnyValue empty list false", docMulti, "ForAnyValue:StringEquals", "aws:TagKeys", []any{"env"}, map[string][]string{"aws:TagKeys": {}}, false},
		{"ForAllValues all in set", docMulti, "ForAllValues:StringEquals", "aws:TagKeys", []any{"env", "team"}, ctx("aws:TagKeys", "team", "aws:TagKeys", "env"), true},
		{"ForAllValues one outside", docMulti, "ForAllValues:StringEquals", "aws:TagKeys", []any{"env", "team"}, ctx("aws:TagKeys", "team", "aws:TagKeys", "cost"), false},
		{"ForAllValues absent true", docMulti, "ForAllValues:StringEquals", "aws:TagKeys", []any{"env"}, nil, true},
		{"ForAllValues StringLike", docMulti, "ForAllValues:StringLike", "aws:TagKeys", []any{"e*", "t*"}, ctx("aws:TagKeys", "team", "aws:TagKeys", "env"), true},
		{"ForAnyValue StringNotEquals some other", docMulti, "ForAnyValue:StringNotEquals", "aws:TagKeys", []any{"env"}, ctx("aws:TagKeys", "env", "aws:TagKeys", "team"), true},
		{"ForAllValues StringNotEquals one equal", docMulti, "ForAllValues:StringNotEquals", "aws:TagKeys", []any{"env"}, ctx("aws:TagKeys", "env", "aws:TagKeys", "team"), false},
		{"ForAllValues StringNotEquals none equal", docMulti, "ForAllValues:StringNotEquals", "aws:TagKeys", []any{"env"}, ctx("aws:TagKeys", "cost", "aws:TagKeys", "team"), true},
		{"ForAnyValue IfExists absent", docMulti, "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", []any{"env"}, nil, true},
		{"qualifier case-insensitive", docMulti, "forallvalues:StringEquals", "aws:TagKeys", []any{"env"}, ctx("aws:TagKeys", "env"), true},
		{"multi-valued without qualifier any match", docMulti, "StringEquals", "aws:TagKeys", "env", ctx("aws:TagKeys", "team", "aws:TagKeys", "env"), true},
		{"request key case-insensitive", docOps, "StringEquals", "aws:sourcevpc", "vpc-1", ctx("AWS:SourceVpc", "vpc-1"), true},
	}
	var out []evalCase
	for _, c := range list {
		d := doc(stmt("Effect", "Allow", "Action", "*", "Resource", "*", "Condition", map[string]any{c.op: map[string]any{c.key: c.vals}}))
		r := req(user())
		r.Context = c.ctx
		out = append(out, evalCase{"condition " + c.name, c.doc, r, Set{Identity: ids(d)}, pick(c.want, Allow, ImplicitDeny), ""})
	}
	// Several operators and keys: AND.
	and := doc(stmt("Effect", "Allow", "Action", "*", "Resource", "*", "Condition", map[string]any{
		"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue", "aws:username": "api-gateway-user"},
		"IpAddress":    map[string]any{"aws:SourceIp": "127.0.0.0/8"},
	}))
	for i, ip := range []string{"127.0.0.1", "10.0.0.1"} {
		r := req(user())
		r.Context = ctx("aws:SourceIp", ip)
		out = append(out, evalCase{fmt.Sprintf("condition AND across operators %d", i), docMultiCond, r, Set{Identity: ids(and)}, pick(i == 0, Allow, ImplicitDeny), ""})
	}
	denyUnlessTLS := doc(allowAll(), stmt("Effect", "Deny", "Action", "*", "Resource", "*", "Condition", map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}))
	for i, v := range []string{"false", "true"} {
		r := req(user())
		r.Context = ctx("aws:SecureTransport", v)
		out = append(out, evalCase{"condition deny without TLS " + v, docOps, r, Set{Identity: ids(denyUnlessTLS)}, pick(i == 0, ExplicitDeny, Allow), ""})
	}
	return out
}

func variableCases() []evalCase {
	r := func(p Principal, resource string, c map[string][]string) Request {
		return Request{Principal: p, Action: "s3:GetObject", Resource: resource, Context: c}
	}
	home := func(version string) string {
		return `{"Version":"` + version + `","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}]}`
	}
	tagged := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"))
	withDefault := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${aws:PrincipalTag/dept, 'shared'}/*"))
	literal := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${*}/x"))
	question := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/a${?}"))
	dollar := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${$}x"))
	inCond := doc(stmt("Effect", "Allow", "Action", "s3:ListBucket", "Resource", "*", "Condition", map[string]any{"StringLike": map[string]any{"s3:prefix": "home/${aws:username}/*"}}))
	userid := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${aws:userid}/*"))
	sourceIP := doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${aws:SourceIp}"))
	old := `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}"}]}`
	u := user()
	list := []evalCase{
		{"variable username own home", docVars, r(u, "arn:aws:s3:::bucket/home/api-gateway-user/f.txt", nil), Set{Identity: ids(home("2012-10-17"))}, Allow, ""},
		{"variable username other home", docVars, r(u, "arn:aws:s3:::bucket/home/bob/f.txt", nil), Set{Identity: ids(home("2012-10-17"))}, ImplicitDeny, ""},
		{"variable username absent for role", docVars, r(session(), "arn:aws:s3:::bucket/home/s1/f.txt", nil), Set{Identity: ids(home("2012-10-17"))}, ImplicitDeny, ""},
		{"variable principal tag", docVars, r(u, "arn:aws:s3:::bucket/blue/f", nil), Set{Identity: ids(tagged)}, Allow, ""},
		{"variable principal tag other", docVars, r(u, "arn:aws:s3:::bucket/red/f", nil), Set{Identity: ids(tagged)}, ImplicitDeny, ""},
		{"variable default used", docVars, r(u, "arn:aws:s3:::bucket/shared/f", nil), Set{Identity: ids(withDefault)}, Allow, ""},
		{"variable literal star", docVars, r(u, "arn:aws:s3:::bucket/*/x", nil), Set{Identity: ids(literal)}, Allow, ""},
		{"variable literal star is not a wildcard", docVars, r(u, "arn:aws:s3:::bucket/abc/x", nil), Set{Identity: ids(literal)}, ImplicitDeny, ""},
		{"variable literal question", docVars, r(u, "arn:aws:s3:::bucket/a?", nil), Set{Identity: ids(question)}, Allow, ""},
		{"variable literal question not wildcard", docVars, r(u, "arn:aws:s3:::bucket/ab", nil), Set{Identity: ids(question)}, ImplicitDeny, ""},
		{"variable literal dollar", docVars, r(u, "arn:aws:s3:::bucket/$x", nil), Set{Identity: ids(dollar)}, Allow, ""},
		{"variable in condition", docVars, Request{Principal: u, Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket", Context: ctx("s3:prefix", "home/api-gateway-user/docs")}, Set{Identity: ids(inCond)}, Allow, ""},
		{"variable in condition other", docVars, Request{Principal: u, Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket", Context: ctx("s3:prefix", "home/bob/docs")}, Set{Identity: ids(inCond)}, ImplicitDeny, ""},
		{"variable userid", docVars, r(u, "arn:aws:s3:::bucket/AIDAEXAMPLE/f", nil), Set{Identity: ids(userid)}, Allow, ""},
		{"variable request key", docVars, r(u, "arn:aws:s3:::bucket/127.0.0.1", ctx("aws:SourceIp", "127.0.0.1")), Set{Identity: ids(sourceIP)}, Allow, ""},
		{"variable value wildcard is literal", docVars, r(Principal{ARN: userARN, AccountID: acct, Type: TypeUser, Tags: map[string]string{"team": "*"}}, "arn:aws:s3:::bucket/red/f", nil), Set{Identity: ids(tagged)}, ImplicitDeny, ""},
		{"variable unresolved in NotResource voids statement", docVars, r(session(), "arn:aws:s3:::bucket/x", nil), Set{Identity: ids(doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "NotResource", "arn:aws:s3:::bucket/${aws:username}/*")))}, ImplicitDeny, ""},
		{"variable unresolved Deny NotResource does not deny", docVars, r(session(), "arn:aws:s3:::bucket/x", nil), Set{Identity: ids(allowEverythin, doc(stmt("Effect", "Deny", "Action", "s3:GetObject", "NotResource", "arn:aws:s3:::bucket/${aws:username}/*")))}, Allow, ""},
		{"variable multi-valued key does not resolve", docVars, r(u, "arn:aws:s3:::bucket/a/f", ctx("k:list", "a", "k:list", "b")), Set{Identity: ids(doc(stmt("Effect", "Allow", "Action", "s3:GetObject", "Resource", "arn:aws:s3:::bucket/${k:list}/*")))}, ImplicitDeny, ""},
		{"variable 2008 version literal", docVars, r(u, "arn:aws:s3:::bucket/${aws:username}", nil), Set{Resource: ress(old)}, Allow, ""},
		{"variable 2008 version not substituted", docVars, r(u, "arn:aws:s3:::bucket/api-gateway-user", nil), Set{Resource: ress(old)}, ImplicitDeny, ""},
	}
	return list
}
