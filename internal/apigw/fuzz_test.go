package apigw

import (
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

// FuzzParseDefinition checks that any body either imports into a
// well-formed resource tree whose literal methods all match back, or fails
// with a BadRequestException; never a panic or another error.
func FuzzParseDefinition(f *testing.F) {
	seeds := []string{
		`{"openapi":"3.0.1","paths":{"/hello":{"get":{"security":[{"s":[]}]}}},"components":{"securitySchemes":{"s":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"awsSigv4"}}}}`,
		"swagger: '2.0'\npaths:\n  /{proxy+}:\n    x-amazon-apigateway-any-method: {}\n",
		`{"swagger":"2.0","x-amazon-apigateway-policy":{"Version":"2012-10-17"},"paths":{"/a/{b}/c":{"post":{}}}}`,
		"openapi: 3.0.1\npaths:\n  /a: {get: {responses: {200: {description: ok}}}}\n",
		`{"openapi":"3.0.1","paths":{"/{a}":{},"/{b}":{}}}`,
		`{"swagger":"2.0","paths":{"/":{"get":{"x-amazon-apigateway-integration":{"type":"aws_proxy","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:0:function:f/invocations"}}}}}`,
		`{"swagger":"2.0","paths":{"/":{"get":{"security":[{"a":[]}]}}},"securityDefinitions":{"a":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"custom","x-amazon-apigateway-authorizer":{"type":"token","authorizerUri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:0:function:f/invocations","identityValidationExpression":"Bearer .+","authorizerResultTtlInSeconds":60}}}}`,
		`{"swagger":"2.0","paths":{},"securityDefinitions":{"r":{"type":"apiKey","name":"Unused","in":"header","x-amazon-apigateway-authorizer":{"type":"request","identitySource":"method.request.header.A, context.x","authorizerUri":"x"}}}}`,
		"",
		"[]",
		"openapi: 3\npaths: 7\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		def, err := ParseDefinition(body)
		if err != nil {
			if !awserr.Is(err, awserr.BadRequestException) {
				t.Fatalf("error %v is not a BadRequestException", err)
			}
			return
		}
		checkDefinition(t, def)
		snap := &Snapshot{Resources: assignIDs(nil, def.Resources)}
		for _, r := range def.Resources {
			if strings.Contains(r.Path, "{") {
				continue
			}
			for verb := range r.Methods {
				if verb == MethodAny {
					continue
				}
				res, _, _, ok := snap.Match(verb, SplitPath(r.Path))
				if !ok || res.Path != r.Path {
					t.Fatalf("%s %s does not match its own resource", verb, r.Path)
				}
			}
		}
	})
}
