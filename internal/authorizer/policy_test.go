package authorizer

import (
	"encoding/json"
	"testing"
)

func mustPolicy(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := parsePolicy(json.RawMessage(doc))
	if err != nil {
		t.Fatalf("parsePolicy(%s): %v", doc, err)
	}
	return p
}

func allowDoc(resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":` + resource + `}]}`
}

const method = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42/toys"

// Wildcards in an authorizer policy: '*' in the resource part spans '/'
// wherever it stands (a '*' in the verb or stage position is not limited
// to that segment), while region and account wildcards stay inside their
// colon-separated segment; '?' is exactly one character.
// Sources: https://repost.aws/questions/QU4Fkm_neaTBu6ub8RJsgFTQ ("GET/user/*
// seems to also allow GET/user/*/sensitive"),
// https://github.com/awslabs/aws-apigateway-lambda-authorizer-blueprints/pull/40
// ("'*' expands over '/' so it goes beyond the limiter of stage, apiId, or
// region"), https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html.
func TestEvaluateWildcards(t *testing.T) {
	cases := []struct {
		name, resource string
		want           Effect
	}{
		{"exact", `"` + method + `"`, Allow},
		{"lone star", `"*"`, Allow},
		{"everything of the API", `"arn:aws:execute-api:us-east-1:123456789012:abc123/*"`, Allow},
		{"star stage and verb", `"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*/pets/42/toys"`, Allow},
		{"trailing star spans segments", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*"`, Allow},
		{"inner star spans segments", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/toys"`, Allow},
		{"star in the stage spans into the path", `"arn:aws:execute-api:us-east-1:123456789012:abc123/*/toys"`, Allow},
		{"question mark is one char", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/4?/toys"`, Allow},
		{"question mark is not two", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/?/toys"`, ImplicitDeny},
		{"region and account wildcards", `"arn:aws:execute-api:*:*:abc123/prod/GET/pets/42/toys"`, Allow},
		{"region question marks", `"arn:aws:execute-api:us-east-?:123456789012:abc123/*"`, Allow},
		{"region star does not cross a colon", `"arn:aws:execute-api:*:abc123/*"`, ImplicitDeny},
		{"other verb", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*"`, ImplicitDeny},
		{"other stage", `"arn:aws:execute-api:us-east-1:123456789012:abc123/test/*"`, ImplicitDeny},
		{"other API", `"arn:aws:execute-api:us-east-1:123456789012:zzz999/*"`, ImplicitDeny},
		{"other account", `"arn:aws:execute-api:us-east-1:999999999999:abc123/*"`, ImplicitDeny},
		{"prefix without star", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets"`, ImplicitDeny},
		{"case-sensitive path", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/Pets/*"`, ImplicitDeny},
		{"case-sensitive verb", `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/get/*"`, ImplicitDeny},
		{"not an ARN", `"abc123/*"`, ImplicitDeny},
		{"service wildcard", `"arn:aws:*:us-east-1:123456789012:abc123/*"`, Allow},
		{"list, one matches", `["arn:aws:execute-api:us-east-1:123456789012:abc123/test/*","arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*"]`, Allow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := mustPolicy(t, allowDoc(tc.resource)).Evaluate(method)
			if d.Effect != tc.want {
				t.Errorf("Evaluate = %v, want %v", d.Effect, tc.want)
			}
		})
	}
}

// Allow/Deny precedence: a matching Deny wins over any Allow, whatever the
// order; no matching statement is an implicit deny. The two denies are told
// apart in API Gateway's answers
// (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer).
func TestEvaluatePrecedence(t *testing.T) {
	all := `"arn:aws:execute-api:us-east-1:123456789012:abc123/*"`
	this := `"` + method + `"`
	other := `"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*"`
	st := func(effect, action, res string) string {
		return `{"Effect":"` + effect + `","Action":` + action + `,"Resource":` + res + `}`
	}
	cases := []struct {
		name, statements string
		want             Effect
		stmt             int
	}{
		{"deny after allow", st("Allow", `"execute-api:Invoke"`, all) + "," + st("Deny", `"execute-api:Invoke"`, this), ExplicitDeny, 1},
		{"deny before allow", st("Deny", `"execute-api:Invoke"`, this) + "," + st("Allow", `"execute-api:Invoke"`, all), ExplicitDeny, 0},
		{"deny elsewhere", st("Deny", `"execute-api:Invoke"`, other) + "," + st("Allow", `"execute-api:Invoke"`, all), Allow, 1},
		{"only deny elsewhere", st("Deny", `"execute-api:Invoke"`, other), ImplicitDeny, -1},
		{"action wildcard", st("Allow", `"execute-api:*"`, this), Allow, 0},
		{"action star", st("Allow", `"*"`, this), Allow, 0},
		{"action case-insensitive", st("Allow", `"Execute-API:invoke"`, this), Allow, 0},
		{"other action", st("Allow", `"execute-api:ManageConnections"`, this), ImplicitDeny, -1},
		{"other service", st("Allow", `"lambda:InvokeFunction"`, this), ImplicitDeny, -1},
		{"action list", st("Allow", `["s3:GetObject","execute-api:Invoke"]`, this), Allow, 0},
		{"NotResource", `{"Effect":"Allow","Action":"execute-api:Invoke","NotResource":` + other + `}`, Allow, 0},
		{"NotResource excludes", `{"Effect":"Allow","Action":"execute-api:Invoke","NotResource":` + all + `}`, ImplicitDeny, -1},
		{"NotAction", `{"Effect":"Deny","NotAction":"s3:*","Resource":` + all + `}`, ExplicitDeny, 0},
		{"conditioned allow never allows", `{"Effect":"Allow","Action":"execute-api:Invoke","Resource":` + all + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, ImplicitDeny, -1},
		{"conditioned deny denies", st("Allow", `"*"`, all) + `,{"Effect":"Deny","Action":"execute-api:Invoke","Resource":` + all + `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, ExplicitDeny, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPolicy(t, `{"Version":"2012-10-17","Statement":[`+tc.statements+`]}`)
			d := p.Evaluate(method)
			if d.Effect != tc.want || d.Statement != tc.stmt {
				t.Errorf("Evaluate = %v by statement %d, want %v by %d", d.Effect, d.Statement, tc.want, tc.stmt)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	long := `"arn:aws:execute-api:us-east-1:123456789012:abc123/` + string(make([]byte, 0)) + repeat("a", 500) + `"`
	bad := []string{
		`[]`,
		`"policy"`,
		`{}`,
		`{"Statement":[]}`,
		`{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":1,"Resource":"*"}]}`,
		`{"Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":` + long + `}]}`,
	}
	for _, doc := range bad {
		if _, err := parsePolicy(json.RawMessage(doc)); err == nil {
			t.Errorf("parsePolicy(%.80s) accepted", doc)
		}
	}
	// A single statement object is accepted as well as a list.
	p := mustPolicy(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}}`)
	if p.Evaluate(method).Effect != Allow {
		t.Error("single statement object not applied")
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}
