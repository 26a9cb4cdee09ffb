package apigw

import (
	"context"
	"github.com/iamgate/iamgate/internal/store/record"
	"testing"
)

// TestDomainNames: a custom domain may not name a host iamgate answers as
// itself, and its mappings resolve by first path part, else "(none)".
func TestDomainNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"api.example.com": true, "a-b.c.example": true,
		"localhost": false, "x.localhost": false, "127.0.0.1": false, "::1": false, "example": false,
		"abc.execute-api.us-east-1.amazonaws.com": false, "s3.amazonaws.com": false, "x.lambda-url.us-east-1.on.aws": false,
		"API.example.com": false, "a..b": false, "-a.b": false, "a_b.c": false,
		// The hosts iamgate answers as itself (control plane, Cognito's
		// issuer, proxy mode's CONNECT targets, function URLs).
		"iam.amazonaws.com": false, "IAM.amazonaws.com": false, "amazonaws.com": false, "on.aws": false,
		"cognito-idp.us-east-1.amazonaws.com": false, "sts.cn-north-1.amazonaws.com.cn": false,
		"iam.amazonaws.com.": false, "execute-api.localhost": false, "localhost.": false, "0x7f.0.0.1": false, "127.1": false,
	} {
		if validDomainName(name) != ok {
			t.Errorf("validDomainName(%q) = %v, want %v", name, !ok, ok)
		}
	}
	ctx := context.Background()
	s := newTestService()
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "d", Body: `{"openapi":"3.0.1","paths":{"/k":{"get":{}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeployment(ctx, api.ID, "v1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDomainName(ctx, DomainName{DomainName: "localhost"}); err == nil {
		t.Error("localhost accepted as a custom domain")
	}
	if _, err := s.CreateDomainName(ctx, DomainName{DomainName: "api.example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []BasePathMapping{{BasePath: "shop", RestAPIID: api.ID, Stage: "v1"}, {RestAPIID: api.ID, Stage: "v1"}} {
		if _, err := s.CreateBasePathMapping(ctx, "api.example.com", m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateBasePathMapping(ctx, "api.example.com", BasePathMapping{BasePath: "a/b", RestAPIID: api.ID}); err == nil {
		t.Error("a base path with a slash was accepted")
	}
	tests := []struct {
		first    string
		consumed bool
	}{{"shop", true}, {"k", false}, {"", false}}
	for _, tc := range tests {
		id, stage, consumed, ok := s.ResolveDomain(ctx, "api.example.com", tc.first)
		if !ok || id != api.ID || stage != "v1" || consumed != tc.consumed {
			t.Errorf("ResolveDomain(%q) = %s %s %v %v", tc.first, id, stage, consumed, ok)
		}
	}
	// A mapping stored under a refused name (by an older version) is
	// never served.
	if err := record.Create(ctx, s.st, kindBasePath, "iam.amazonaws.com/"+NoBasePath, &BasePathMapping{BasePath: NoBasePath, RestAPIID: api.ID, Stage: "v1"}); err != nil {
		t.Fatal(err)
	}
	s.domains.Invalidate()
	if s.IsDomain(ctx, "iam.amazonaws.com") {
		t.Error("iam.amazonaws.com served as a custom domain")
	}
	if err := s.DeleteDomainName(ctx, "api.example.com"); err != nil {
		t.Fatal(err)
	}
	if s.IsDomain(ctx, "api.example.com") {
		t.Error("a deleted domain still resolves")
	}
}
