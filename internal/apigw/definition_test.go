package apigw

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/testutil"
)

const helloURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:HelloWorldFunction/invocations"

func TestParseDefinitionSeed(t *testing.T) {
	def, err := ParseDefinition(seedBody(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &Definition{
		Title:   "sample api",
		Version: "1.0.0",
		Resources: []Resource{
			{Path: "/", Methods: map[string]*Method{}},
			{Path: "/hello", PathPart: "hello", Methods: map[string]*Method{
				"GET": {
					HTTPMethod:        "GET",
					AuthorizationType: AuthIAM,
					Integration: &Integration{
						Type: IntegrationAWSProxy, HTTPMethod: "POST", URI: helloURI,
						PassthroughBehavior: "WHEN_NO_TEMPLATES", ContentHandling: "CONVERT_TO_TEXT",
						TimeoutMillis:        29000,
						IntegrationResponses: map[string]IntegrationResponse{"200": {StatusCode: "200"}},
					},
					MethodResponses: map[string]MethodResponse{"200": {StatusCode: "200"}, "403": {StatusCode: "403"}, "500": {StatusCode: "500"}},
				},
			}},
		},
	}
	if diff := cmp.Diff(want, def); diff != "" {
		t.Errorf("seed definition (-want +got):\n%s", diff)
	}
	fn, ok := def.Resources[1].Methods["GET"].Integration.FunctionARN()
	if !ok || fn != "arn:aws:lambda:us-east-1:000000000000:function:HelloWorldFunction" {
		t.Errorf("FunctionARN = %q, %v", fn, ok)
	}
}

// methodsOf summarises a definition as "PATH METHOD AUTH INTEGRATION" lines.
func methodsOf(def *Definition) []string {
	var out []string
	for _, r := range def.Resources {
		for _, k := range slices.Sorted(maps.Keys(anyMap(r.Methods))) {
			m := r.Methods[k]
			typ := ""
			if m.Integration != nil {
				typ = m.Integration.Type
			}
			out = append(out, strings.Join([]string{r.Path, k, m.AuthorizationType, typ}, " "))
		}
	}
	return out
}

func anyMap(m map[string]*Method) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// A response parameter whose source is neither a 'quoted' value nor a
// known location fails the import, as on AWS: SAM's own test writes
// Cors: '*' unquoted, which API Gateway refuses ("the value must be a
// quoted string", https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html).
func TestParseDefinitionUnquotedCors(t *testing.T) {
	body, ok := samBodies(t, "api_with_open_api_version.json")["ServerlessRestApi"]
	if !ok {
		t.Fatal("no ServerlessRestApi")
	}
	_, err := ParseDefinition(body)
	if err == nil || !strings.Contains(err.Error(), "Unable to put integration on 'OPTIONS' for resource at path '/': Invalid mapping expression specified") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseDefinitionSAMOutputs(t *testing.T) {
	tests := []struct {
		file, api string
		want      []string
		policy    bool
	}{
		{"api_with_default_aws_iam_auth.json", "MyApiWithAwsIamAuth", []string{"/ GET AWS_IAM AWS_PROXY"}, false},
		{"api_with_method_aws_iam_auth.json", "MyApiWithoutAuth", nil, false},
		{"api_with_resource_policy.json", "ExplicitApi", nil, true},
		{"api_with_aws_iam_auth_overrides.json", "MyApiWithAwsIamAuth", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.api, func(t *testing.T) {
			body, ok := samBodies(t, tc.file)[tc.api]
			if !ok {
				t.Fatalf("no RestApi %s in %s", tc.api, tc.file)
			}
			def, err := ParseDefinition(body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil {
				if diff := cmp.Diff(tc.want, methodsOf(def)); diff != "" {
					t.Errorf("methods (-want +got):\n%s", diff)
				}
			}
			if got := def.Policy != ""; got != tc.policy {
				t.Errorf("policy present = %v, want %v (%q)", got, tc.policy, def.Policy)
			}
		})
	}
}

// Every RestApi Body SAM produces must import or fail as BadRequestException.
func TestParseDefinitionAllSAMOutputs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testutil.Shared(t, "conformance", "sam", "output"), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		for id, body := range samBodies(t, filepath.Base(f)) {
			n++
			def, err := ParseDefinition(body)
			if err != nil {
				if !awserr.Is(err, awserr.BadRequestException) {
					t.Errorf("%s %s: error %v is not a BadRequestException", filepath.Base(f), id, err)
				}
				continue
			}
			checkDefinition(t, def)
		}
	}
	if n < 20 {
		t.Errorf("only %d RestApi bodies found", n)
	}
}

// IAM auth in the SAM outputs must come out as AWS_IAM wherever SAM wrote
// an awsSigv4 scheme on the operation.
func TestParseDefinitionIAMOverrides(t *testing.T) {
	bodies := samBodies(t, "api_with_aws_iam_auth_overrides.json")
	def, err := ParseDefinition(bodies["MyApiWithAwsIamAuth"])
	if err != nil {
		t.Fatal(err)
	}
	iam := 0
	for _, line := range methodsOf(def) {
		if strings.Contains(line, " AWS_IAM ") {
			iam++
		}
	}
	if iam == 0 {
		t.Errorf("no AWS_IAM method in %v", methodsOf(def))
	}
}

func TestParseDefinitionErrors(t *testing.T) {
	tests := []struct {
		name string
		body any
		want string
	}{
		{"empty", []byte(""), "Invalid OpenAPI input."},
		{"not a map", []byte("[1,2]"), "Invalid OpenAPI input."},
		{"bad yaml", []byte("openapi: [\n"), "Invalid OpenAPI input."},
		{"no version", map[string]any{"paths": map[string]any{}}, "Invalid OpenAPI input."},
		{"swagger 1.2", map[string]any{"swagger": "1.2"}, "Invalid OpenAPI input."},
		{"bad path part", `{"openapi":"3.0.1","paths":{"/a b":{}}}`,
			"Errors found during import:\n\tUnable to create resource at path '/a b': " + msgBadPathPart},
		{"greedy not last", `{"openapi":"3.0.1","paths":{"/{p+}/x":{}}}`,
			"Errors found during import:\n\tUnable to create resource at path '/{p+}/x': A greedy resource path variable must be the last path part"},
		{"two variable siblings", `{"openapi":"3.0.1","paths":{"/{a}":{},"/{b}":{}}}`,
			"Errors found during import:\n\tUnable to create resource at path '/{b}': A sibling ({a}) of this resource already has a variable path part -- only one is allowed"},
		{"bad lambda uri", `{"swagger":"2.0","paths":{"/":{"get":{"x-amazon-apigateway-integration":{"type":"aws_proxy","httpMethod":"POST","uri":"nope"}}}}}`,
			"Errors found during import:\n\tUnable to put integration on 'GET' for resource at path '/': Invalid function ARN or invalid uri"},
		{"unresolved uri", map[string]any{"swagger": "2.0", "paths": map[string]any{"/": map[string]any{"get": map[string]any{
			"x-amazon-apigateway-integration": map[string]any{"type": "aws_proxy", "uri": map[string]any{"Fn::Sub": "x"}}}}}},
			"Errors found during import:\n\tUnable to put integration on 'GET' for resource at path '/': Invalid function ARN or invalid uri"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDefinition(tc.body)
			e := awserr.As(err)
			if err == nil || e.Code != awserr.BadRequestException {
				t.Fatalf("err = %v, want BadRequestException", err)
			}
			if diff := cmp.Diff(tc.want, e.Message); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDefinitionExtensions(t *testing.T) {
	body := `
swagger: "2.0"
info: {title: t, description: d}
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement: [{Effect: Allow, Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*"}]
x-amazon-apigateway-binary-media-types: ["image/png", "*/*"]
x-amazon-apigateway-endpoint-configuration: {types: [REGIONAL]}
x-amazon-apigateway-api-key-source: HEADER
securityDefinitions:
  sig: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
  key: {type: apiKey, name: x-api-key, in: header}
  lam: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: custom,
        x-amazon-apigateway-authorizer: {type: token, authorizerUri: "` + helloURI + `"}}
security: [{sig: []}]
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      operationId: anything
      parameters: [{name: proxy, in: path, required: true}, {name: q, in: query}]
      x-amazon-apigateway-integration: {type: AWS_PROXY, httpMethod: POST, uri: "` + helloURI + `", timeoutInMillis: 3000}
  /open:
    get:
      security: []
  /keyed:
    get:
      security: [{key: []}]
  /custom:
    get:
      security: [{lam: []}]
  /iamauth:
    get:
      security: []
      x-amazon-apigateway-auth: {type: AWS_IAM}
`
	def, err := ParseDefinition(body)
	if err != nil {
		t.Fatal(err)
	}
	if def.Policy == "" || def.Title != "t" || def.Description != "d" {
		t.Errorf("api settings: %+v", def)
	}
	if diff := cmp.Diff([]string{"image/png", "*/*"}, def.BinaryMediaTypes); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"REGIONAL"}, def.EndpointTypes); diff != "" {
		t.Error(diff)
	}
	got := map[string]*Method{}
	for _, r := range def.Resources {
		for k, m := range r.Methods {
			got[r.Path+" "+k] = m
		}
	}
	want := map[string]*Method{
		"/{proxy+} ANY": {HTTPMethod: "ANY", AuthorizationType: AuthIAM, OperationName: "anything",
			RequestParameters: map[string]bool{"method.request.path.proxy": true, "method.request.querystring.q": false},
			Integration:       &Integration{Type: "AWS_PROXY", HTTPMethod: "POST", URI: helloURI, TimeoutMillis: 3000}},
		"/open GET":    {HTTPMethod: "GET", AuthorizationType: AuthNone},
		"/keyed GET":   {HTTPMethod: "GET", AuthorizationType: AuthNone, APIKeyRequired: true},
		"/custom GET":  {HTTPMethod: "GET", AuthorizationType: AuthCustom, AuthorizerID: "lam"},
		"/iamauth GET": {HTTPMethod: "GET", AuthorizationType: AuthIAM},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("methods (-want +got):\n%s", diff)
	}
}

// checkDefinition asserts the invariants every parsed definition keeps.
func checkDefinition(t testing.TB, def *Definition) {
	t.Helper()
	seen := map[string]bool{}
	for i, r := range def.Resources {
		if i > 0 && def.Resources[i-1].Path >= r.Path {
			t.Fatalf("resources not sorted: %q then %q", def.Resources[i-1].Path, r.Path)
		}
		if _, err := splitResourcePath(r.Path); err != nil {
			t.Fatalf("resource path %q does not re-parse: %v", r.Path, err)
		}
		if r.Path != "/" && !seen[parentPath(r.Path)] {
			t.Fatalf("resource %q has no parent", r.Path)
		}
		seen[r.Path] = true
	}
	if !seen["/"] {
		t.Fatal("no root resource")
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// Security requirements are alternatives: the seed's method lists its own
// awsSigv4 and SAM's AWS_IAM, and after SAM's OpenAPI 3 post-processing only
// AWS_IAM is defined. The method is AWS_IAM and nothing is reported as
// imported without authorization; an undefined name alone still is.
func TestParseDefinitionUndefinedScheme(t *testing.T) {
	const iamScheme = `"AWS_IAM":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"awsSigv4"}`
	tests := []struct {
		name, security, wantAuth string
		wantWarnings             int
	}{
		{"seed", `[{"awsSigv4":[]},{"AWS_IAM":[]}]`, "AWS_IAM", 0},
		{"undefined alone", `[{"NONE":[]}]`, "NONE", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def, err := ParseDefinition(`{"openapi":"3.0.1","paths":{"/hello":{"get":{"security":` + tc.security +
				`}}},"components":{"securitySchemes":{` + iamScheme + `}}}`)
			if err != nil {
				t.Fatal(err)
			}
			if got := methodsOf(def); len(got) != 1 || !strings.Contains(got[0], " "+tc.wantAuth+" ") {
				t.Errorf("methods = %v, want %s", got, tc.wantAuth)
			}
			if len(def.Warnings) != tc.wantWarnings {
				t.Errorf("warnings = %q", def.Warnings)
			}
		})
	}
}

// An exported definition imports back to the same integration responses,
// parameter mappings and method responses.
func TestExportIntegrationResponsesRoundTrip(t *testing.T) {
	const def = `{"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {"/p": {"get": {
	  "responses": {"200": {"description": "ok", "headers": {"X-A": {"schema": {"type": "string"}}}}, "404": {"description": "nf"}},
	  "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
	    "requestParameters": {"integration.request.header.X": "'v'"},
	    "responses": {"default": {"statusCode": "200", "responseParameters": {"method.response.header.X-A": "'a'"}, "responseTemplates": {"application/json": "{}"}},
	                  "4\\d{2}": {"statusCode": "404", "contentHandling": "CONVERT_TO_TEXT"}}}}}}}`
	first, err := ParseDefinition(def)
	if err != nil {
		t.Fatal(err)
	}
	snap := &Snapshot{API: RestAPI{ID: "a1", Name: "t"}, Stage: Stage{StageName: "v1"}, Resources: first.Resources}
	for i := range snap.Resources {
		snap.Resources[i].ID = "r" + strconv.Itoa(i)
	}
	doc, err := json.Marshal(exportDoc(snap, "us-east-1", false, true, true))
	if err != nil {
		t.Fatal(err)
	}
	second, err := ParseDefinition(doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	got, want := second.Resources[1].Methods["GET"], first.Resources[1].Methods["GET"]
	if diff := cmp.Diff(want.Integration.IntegrationResponses, got.Integration.IntegrationResponses); diff != "" {
		t.Errorf("integration responses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Integration.RequestParameters, got.Integration.RequestParameters); diff != "" {
		t.Errorf("request parameters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.MethodResponses, got.MethodResponses); diff != "" {
		t.Errorf("method responses (-want +got):\n%s", diff)
	}
}
