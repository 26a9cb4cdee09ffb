package authorizer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseResponse: any bytes either parse or fail with
// ErrInvalidResponse, never panic; a parsed REST answer has only scalar
// context values and a policy that evaluates without panicking.
func FuzzParseResponse(f *testing.F) {
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]},"context":{"a":"b","n":1,"t":true}}`))
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Statement":{"Effect":"Deny","NotAction":"x","NotResource":["arn:*"]}}}`))
	f.Add([]byte(`{"isAuthorized":true,"context":{"k":[1,2]}}`))
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":"arn:aws:execute-api:*:*:*/*/GET/?"}]},"usageIdentifierKey":"k"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, format := range []Format{FormatREST, FormatHTTPPolicy, FormatHTTPSimple} {
			r, err := ParseResponse(out, format)
			if err != nil {
				if !errors.Is(err, ErrInvalidResponse) {
					t.Fatalf("error %v does not wrap ErrInvalidResponse", err)
				}
				continue
			}
			if format == FormatREST {
				for k, v := range r.Context {
					switch v.(type) {
					case string, json.Number, bool:
					default:
						t.Fatalf("context %q holds %T", k, v)
					}
				}
			}
			if r.Policy != nil {
				_ = r.Policy.Evaluate("arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/x")
			}
		}
	})
}

// FuzzPolicyMatch checks the matcher's properties on arbitrary patterns and
// method ARNs: an exact resource always allows, a lone "*" always allows,
// a Deny of the same resource always wins, and a pattern without wildcards
// allows only its own ARN.
func FuzzPolicyMatch(f *testing.F) {
	f.Add("arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/*", "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/1")
	f.Add("arn:aws:execute-api:*:*:abc/prod/?ET/pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets")
	f.Add("arn:aws:execute-api:us-east-1:1:abc/prod/GET/a", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/a")
	f.Add("*:*:*:*:*:*", "arn:aws:execute-api:r:a:x/y")
	f.Fuzz(func(t *testing.T, pattern, methodARN string) {
		if !strings.HasPrefix(methodARN, "arn:") || strings.Count(methodARN, ":") < 5 || len(methodARN) > maxResourceLen || len(pattern) > maxResourceLen {
			return
		}
		enc := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		eval := func(doc string) Effect {
			p, err := parsePolicy(json.RawMessage(doc))
			if err != nil {
				t.Fatalf("parsePolicy(%s): %v", doc, err)
			}
			return p.Evaluate(methodARN).Effect
		}
		allow := func(res string) string {
			return `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":` + enc(res) + `}]}`
		}
		if eval(allow(methodARN)) != Allow && !strings.ContainsAny(methodARN, "\uE000\uE001") {
			t.Fatalf("exact resource %q does not allow itself", methodARN)
		}
		if eval(allow("*")) != Allow {
			t.Fatal("lone * does not allow")
		}
		both := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":` + enc(pattern) + `}]}`
		got := eval(both)
		plain := eval(allow(pattern))
		if plain == Allow && got != ExplicitDeny {
			t.Fatalf("Deny of %q does not win over Allow *", pattern)
		}
		if !strings.ContainsAny(pattern, "*?") && plain == Allow && pattern != methodARN {
			t.Fatalf("literal pattern %q allows other ARN %q", pattern, methodARN)
		}
	})
}

// FuzzParseSources: an identity source list either fails or parses into
// sources whose String forms parse back to the same sources.
func FuzzParseSources(f *testing.F) {
	f.Add("method.request.header.Authorization")
	f.Add("method.request.header.A, method.request.querystring.q,stageVariables.s, context.identity.sourceIp")
	f.Add(",")
	f.Add("method.request.header.")
	f.Fuzz(func(t *testing.T, s string) {
		src, err := ParseSources(s)
		if err != nil {
			return
		}
		parts := make([]string, len(src))
		for i, x := range src {
			parts[i] = x.String()
		}
		again, err := ParseSources(strings.Join(parts, ", "))
		if err != nil || len(again) != len(src) {
			t.Fatalf("%q → %q does not parse back: %v", s, parts, err)
		}
		for i := range src {
			if again[i] != src[i] {
				t.Fatalf("%q: source %d %v became %v", s, i, src[i], again[i])
			}
		}
	})
}
