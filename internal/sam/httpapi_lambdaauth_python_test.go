package sam

// HttpApi Lambda authorizer cases, run by TestHTTPAPIMatchesPythonTranslator
// against the installed samtranslator.
func init() {
	const authFn = `
  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: auth.handler
      Runtime: python3.12
`
	api := func(authorizer string) string {
		return httpFn + `
      Events:
        Get: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /hello, Method: get}}
        Open: {Type: HttpApi, Properties: {ApiId: !Ref MyApi, Path: /open, Method: get, Auth: {Authorizer: NONE}}}
  MyApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Lambda
        Authorizers:
          Lambda:
` + authorizer + authFn
	}
	cases := map[string]string{
		"lambda authorizer, simple responses, permissions": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            FunctionInvokeRole: !Sub arn:aws:iam::${AWS::AccountId}:role/invoker
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            EnableFunctionDefaultPermissions: true
            Identity:
              Headers: [Authorization]
              QueryStrings: [q]
              StageVariables: [s]
              Context: [routeKey]
              ReauthorizeEvery: 60
`),
		"lambda authorizer 1.0 without permissions": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "1.0"
            Identity: {Headers: [X-Token]}
`),
		"lambda authorizer, invoke role NONE": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            FunctionInvokeRole: NONE
            AuthorizerPayloadFormatVersion: "2.0"
            EnableFunctionDefaultPermissions: false
`),
		"error: lambda authorizer without payload version": api(`
            FunctionArn: !GetAtt AuthFn.Arn
`),
		"error: lambda authorizer without function": api(`
            AuthorizerPayloadFormatVersion: "2.0"
            Identity: {Headers: [A]}
`),
		"error: lambda authorizer with JWT property": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            IdentitySource: $request.header.Authorization
`),
		"error: identity headers not a list": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            Identity: {Headers: Authorization}
`),
		"error: permissions flag not a boolean": api(`
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableFunctionDefaultPermissions: "yes"
`),
	}
	for k, v := range cases {
		httpAPICases[k] = v
	}
}
