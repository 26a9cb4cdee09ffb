package authorizer

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

func TestParseResponse(t *testing.T) {
	out := []byte(`{"principalId":"user|a1","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]},
		"context":{"s":"v","n":1.50,"b":true},"usageIdentifierKey":"k1"}`)
	r, err := ParseResponse(out, FormatREST)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"s": "v", "n": json.Number("1.50"), "b": true}
	if diff := cmp.Diff(want, r.Context); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
	if r.PrincipalID != "user|a1" || r.UsageIdentifierKey != "k1" || len(r.Policy.Statements) != 1 {
		t.Errorf("result = %+v", r)
	}
}

// AWS's own sample output (aws-lambda-go events testdata) parses.
func TestParseResponseSample(t *testing.T) {
	b, err := os.ReadFile(testutil.Shared(t, "conformance", "lambda", "aws-lambda-go-events", "apigw-custom-auth-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The sample's Effect is the placeholder "Allow|Deny"; make it a real one.
	b = []byte(strings.Replace(string(b), "Allow|Deny", "Allow", 1))
	r, err := ParseResponse(b, FormatREST)
	if err != nil {
		t.Fatal(err)
	}
	if r.PrincipalID != "yyyyyyyy" || r.Context["numberKey"] != "1" || r.UsageIdentifierKey != "{api-key}" {
		t.Errorf("result = %+v", r)
	}
}

// Each answer API Gateway refuses with 500 AuthorizerConfigurationException.
func TestParseResponseInvalid(t *testing.T) {
	okPolicy := `"policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}`
	bad := map[string]string{
		"not JSON":            `allow`,
		"null":                `null`,
		"a string":            `"Allow"`,
		"no policy":           `{"principalId":"u"}`,
		"no principalId":      `{` + okPolicy + `}`,
		"numeric principalId": `{"principalId":7,` + okPolicy + `}`,
		"policy as a string":  `{"principalId":"u","policyDocument":"{}"}`,
		"nested context":      `{"principalId":"u",` + okPolicy + `,"context":{"o":{"a":1}}}`,
		"array context":       `{"principalId":"u",` + okPolicy + `,"context":{"o":[1]}}`,
		"null context value":  `{"principalId":"u",` + okPolicy + `,"context":{"o":null}}`,
		"context not object":  `{"principalId":"u",` + okPolicy + `,"context":"x"}`,
		"bad usage key":       `{"principalId":"u",` + okPolicy + `,"usageIdentifierKey":5}`,
	}
	for name, out := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := ParseResponse([]byte(out), FormatREST)
			if !errors.Is(err, ErrInvalidResponse) {
				t.Errorf("ParseResponse = %v, want ErrInvalidResponse", err)
			}
		})
	}
}

func TestParseSimpleResponse(t *testing.T) {
	r, err := ParseResponse([]byte(`{"isAuthorized":true,"context":{"user":{"id":1}}}`), FormatHTTPSimple)
	if err != nil || !r.Authorized || !r.Simple {
		t.Fatalf("ParseResponse = %+v, %v", r, err)
	}
	for _, out := range []string{`{}`, `{"isAuthorized":"true"}`, `[]`} {
		if _, err := ParseResponse([]byte(out), FormatHTTPSimple); !errors.Is(err, ErrInvalidResponse) {
			t.Errorf("%s: err = %v", out, err)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	cases := map[string]bool{
		`{"errorMessage":"Unauthorized","errorType":"Exception","stackTrace":[]}`: true,
		`{"errorMessage":"unauthorized"}`:                                         false,
		`{"errorMessage":"Unauthorized!"}`:                                        false,
		`{"errorMessage":"boom"}`:                                                 false,
		`not json`:                                                                false,
	}
	for out, want := range cases {
		if got := Unauthorized([]byte(out)); got != want {
			t.Errorf("Unauthorized(%s) = %v", out, got)
		}
	}
}

type fakeLookup map[string]string

func (f fakeLookup) get(k string) (string, bool)           { v, ok := f[k]; return v, ok }
func (f fakeLookup) Header(n string) (string, bool)        { return f.get("h:" + strings.ToLower(n)) }
func (f fakeLookup) Query(n string) (string, bool)         { return f.get("q:" + n) }
func (f fakeLookup) StageVariable(n string) (string, bool) { return f.get("s:" + n) }
func (f fakeLookup) Context(n string) (string, bool)       { return f.get("c:" + n) }

func TestSources(t *testing.T) {
	src, err := ParseSources("method.request.header.Auth, method.request.querystring.name,stageVariables.v, context.identity.sourceIp")
	if err != nil {
		t.Fatal(err)
	}
	l := fakeLookup{"h:auth": "tok", "q:name": "n", "s:v": "sv", "c:identity.sourceIp": "1.2.3.4"}
	vals, _, ok := src.Values(l)
	if !ok || !cmp.Equal(vals, []string{"tok", "n", "sv", "1.2.3.4"}) {
		t.Errorf("Values = %q, %v", vals, ok)
	}
	l["q:name"] = ""
	if _, missing, ok := src.Values(l); ok || missing != "method.request.querystring.name" {
		t.Errorf("empty value accepted (missing %q)", missing)
	}
	for _, bad := range []string{"header.Auth", "method.request.header.", "method.request.path.id", "method.request.header.a b"} {
		if _, err := ParseSources(bad); err == nil {
			t.Errorf("ParseSources(%q) accepted", bad)
		}
	}
	v2, err := ParseSourcesV2([]string{"$request.header.Authorization", "$request.querystring.q", "$context.routeKey", "$stageVariables.s"})
	if err != nil || len(v2) != 4 || v2[2] != (Source{Context, "routeKey"}) {
		t.Errorf("ParseSourcesV2 = %v, %v", v2, err)
	}
	if _, err := ParseSourcesV2([]string{"method.request.header.X"}); err == nil {
		t.Error("a REST expression accepted as v2")
	}
}

// The cache serves a result until its TTL passes on the injected clock, keys
// by every identity value, and caches nothing for a TTL of 0.
func TestCache(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewCache(func() time.Time { return now })
	r := &Result{PrincipalID: "u"}
	k := Key("api/auth1", []string{"tok"})
	c.Put(k, r, DefaultTTL)
	if got, ok := c.Get(k); !ok || got != r {
		t.Fatal("fresh entry missing")
	}
	if _, ok := c.Get(Key("api/auth1", []string{"tok2"})); ok {
		t.Error("other token hit")
	}
	if _, ok := c.Get(Key("api/auth2", []string{"tok"})); ok {
		t.Error("other authorizer hit")
	}
	if Key("a", []string{"b|1:c"}) == Key("a", []string{"b", "c"}) {
		t.Error("keys collide")
	}
	now = now.Add(DefaultTTL - time.Second)
	if _, ok := c.Get(k); !ok {
		t.Error("expired early")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get(k); ok {
		t.Error("served at the TTL")
	}
	c.Put(k, r, 0)
	if _, ok := c.Get(k); ok {
		t.Error("TTL 0 cached")
	}
	c.Put(k, r, 2*MaxTTL)
	now = now.Add(MaxTTL)
	if _, ok := c.Get(k); ok {
		t.Error("TTL not capped at MaxTTL")
	}
}

func TestCacheBound(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewCache(func() time.Time { return now })
	for i := range maxEntries + 10 {
		c.Put(Key("a", []string{string(rune(i))}), &Result{}, time.Minute)
	}
	if c.Len() > maxEntries {
		t.Errorf("cache holds %d entries, bound %d", c.Len(), maxEntries)
	}
}
