package apigw

import "testing"

// A YAML template's "swagger: 2.0" reaches API Gateway as the number 2.0;
// serverless-patterns (apigw-private-lambda, apigw-mappingtemplate-lambda-nodejs)
// deploy with it on AWS.
func TestParseDefinitionSwaggerAsNumber(t *testing.T) {
	for _, body := range []any{
		map[string]any{"swagger": 2.0, "info": map[string]any{"title": "t"}, "paths": map[string]any{"/": map[string]any{}}},
		[]byte("swagger: 2.0\ninfo: {title: t}\npaths:\n  /: {}\n"),
	} {
		d, err := ParseDefinition(body)
		if err != nil {
			t.Fatalf("%v: %v", body, err)
		}
		if d.Title != "t" {
			t.Errorf("title %q", d.Title)
		}
	}
	if _, err := ParseDefinition(map[string]any{"swagger": 3.0}); err == nil {
		t.Error("swagger 3.0 accepted")
	}
}
