package sam

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/cfn"
)

const httpFn = `
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: app.handler
      Runtime: python3.12
`

// httpAPICases are HTTP API templates covering what the transform writes
// for AWS::Serverless::HttpApi and HttpApi events; each is compared with
// the installed samtranslator's output or error.
var httpAPICases = map[string]string{
	"implicit": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {Path: /hello, Method: get}}
        Any: {Type: HttpApi}
        Item: {Type: HttpApi, Properties: {Path: "/items/{id}", Method: POST, TimeoutInMillis: 5000, PayloadFormatVersion: "1.0"}}
`,
	"implicit, default route only": httpFn + `
      Events:
        Any: {Type: HttpApi}
        Get: {Type: HttpApi, Properties: {Path: /x, Method: get}}
`,
	"explicit with IAM, CORS, tags, name": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get}}
        Open: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: "/open/{proxy+}", Method: ANY, Auth: {Authorizer: NONE}}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: prod
      Name: my-api
      Description: an api
      Tags: {team: a}
      StageVariables: {k: v}
      CorsConfiguration: {AllowOrigins: ["https://app.example"], AllowMethods: [GET, POST], AllowHeaders: [authorization], MaxAge: 600, AllowCredentials: true}
      Auth: {DefaultAuthorizer: AWS_IAM, EnableIamAuthorizer: true}
      DefaultRouteSettings: {ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5}
`,
	"cors true": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: true
`,
	"globals": `
Globals:
  HttpApi:
    CorsConfiguration: {AllowOrigins: ["*"]}
    Auth: {EnableIamAuthorizer: true, DefaultAuthorizer: AWS_IAM}
Resources:` + httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {Path: /hello, Method: get}}
        Pub: {Type: HttpApi, Properties: {Path: /pub, Method: get, Auth: {Authorizer: NONE}}}
`,
	"jwt": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get, Auth: {Authorizer: Jwt, AuthorizationScopes: [read]}}}
        Other: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /other, Method: get}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            AuthorizationScopes: [default]
            JwtConfiguration: {issuer: "https://issuer.example", audience: [client]}
`,
	"conditional function": `
Conditions:
  On: {Fn::Equals: [a, b]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: On
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: app.handler
      Runtime: python3.12
      Events:
        Get: {Type: HttpApi, Properties: {Path: /hello, Method: get, RouteSettings: {ThrottlingBurstLimit: 3}}}
`,
	"own body": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      FailOnWarnings: true
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: mine, version: "1"}
        paths:
          /hello:
            get:
              x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: !GetAtt Fn.Arn}
`,
	"definition uri": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: s3://bucket/api.yaml
`,
	"error: NONE without default": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get, Auth: {Authorizer: NONE}}}
  MyApi:
    Type: AWS::Serverless::HttpApi
`,
	"error: unknown authorizer": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get, Auth: {Authorizer: Nope}}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth: {EnableIamAuthorizer: true}
`,
	"error: auth without authorizer": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get, Auth: {AuthorizationScopes: [a]}}}
  MyApi:
    Type: AWS::Serverless::HttpApi
`,
	"error: default authorizer undefined": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth: {DefaultAuthorizer: AWS_IAM}
`,
	"error: bad api id": httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref Missing, Path: /hello, Method: get}}
`,
	"credentials, origins unset": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: {AllowCredentials: true}
`,
	"error: credentials with wildcard": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: {AllowCredentials: true, AllowOrigins: ["*"]}
`,
	"error: unknown property": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Nope: 1
`,
	"error: body and uri": `
Resources:
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: s3://b/k
      DefinitionBody: {openapi: "3.0.1", paths: {}}
`,
}

func TestHTTPAPIMatchesPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	var tpls []templateCase
	for _, name := range slices.Sorted(maps.Keys(httpAPICases)) {
		src := httpAPICases[name]
		if !strings.Contains(src, "Resources:") {
			src = "Resources:" + src
		}
		src = "Transform: AWS::Serverless-2016-10-31\n" + src
		tpl, err := cfn.Parse(name+".yaml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tpls = append(tpls, templateCase{name, tpl.Root})
	}
	comparePython(t, py, tpls, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "stack"},
		sameTemplate)
}
