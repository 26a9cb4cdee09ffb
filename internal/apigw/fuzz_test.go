package apigw

import (
	"slices"
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
		// models, validators and gateway responses
		`{"swagger":"2.0","definitions":{"Item":{"type":"object","required":["name"]}},"x-amazon-apigateway-request-validators":{"all":{"validateRequestBody":true,"validateRequestParameters":true}},"x-amazon-apigateway-request-validator":"all","paths":{"/i":{"post":{"consumes":["application/json"],"parameters":[{"in":"body","name":"b","schema":{"$ref":"#/definitions/Item"}}]}}}}`,
		`{"openapi":"3.0.1","components":{"schemas":{"A":{"type":"string"},"b-c":{}}},"paths":{"/i":{"put":{"x-amazon-apigateway-request-validator":"nope","requestBody":{"content":{"text/plain":{"schema":{"$ref":"#/components/schemas/b-c"}}}}}},"/j":{"put":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}}`,
		`{"openapi":"3.0.1","x-amazon-apigateway-gateway-responses":{"DEFAULT_4XX":{"statusCode":"404","responseParameters":{"gatewayresponse.header.a":"'b'"},"responseTemplates":{"application/json":"{}"}},"NOPE":{}},"paths":{}}`,
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
		checkParts(t, def)
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

// checkParts: every validator and model a method names is the definition's.
func checkParts(t *testing.T, def *Definition) {
	t.Helper()
	for _, r := range def.Resources {
		for verb, m := range r.Methods {
			if id := m.RequestValidatorID; id != "" && !slices.ContainsFunc(def.Validators, func(v RequestValidator) bool { return v.Name == id }) {
				t.Fatalf("%s %s names validator %q the definition lacks", verb, r.Path, id)
			}
			for ct, name := range m.RequestModels {
				if !slices.ContainsFunc(def.Models, func(x Model) bool { return x.Name == name }) {
					t.Fatalf("%s %s: model %q for %s is not the definition's", verb, r.Path, name, ct)
				}
			}
		}
	}
	for _, g := range def.GatewayResponses {
		if !slices.Contains(awserr.GatewayResponseTypes, g.ResponseType) {
			t.Fatalf("gateway response of type %q", g.ResponseType)
		}
	}
}
