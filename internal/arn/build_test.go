package arn

import "testing"

// Every builder makes an ARN that Parse reads back into the parts it was
// given, in the service's format.
func TestBuilders(t *testing.T) {
	const r, a = "us-east-1", "000000000000"
	for _, c := range []struct {
		got, want string
		service   string
	}{
		{IAM(a, "root"), "arn:aws:iam::000000000000:root", "iam"},
		{IAMEntity(a, "user", "", "bob"), "arn:aws:iam::000000000000:user/bob", "iam"},
		{IAMEntity(a, "role", "/svc/", "r"), "arn:aws:iam::000000000000:role/svc/r", "iam"},
		{AssumedRole(a, "r", "s1"), "arn:aws:sts::000000000000:assumed-role/r/s1", "sts"},
		{LambdaFunction(r, a, "fn"), "arn:aws:lambda:us-east-1:000000000000:function:fn", "lambda"},
		{LambdaLayer(r, a, "lib"), "arn:aws:lambda:us-east-1:000000000000:layer:lib", "lambda"},
		{LogGroup(r, a, "/aws/lambda/fn"), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:*", "logs"},
		{LogStream(r, a, "g", "s"), "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s", "logs"},
		{S3Bucket("b"), "arn:aws:s3:::b", "s3"},
		{S3Object("b", "k/x"), "arn:aws:s3:::b/k/x", "s3"},
		{APIGateway(r, "/restapis/abc"), "arn:aws:apigateway:us-east-1::/restapis/abc", "apigateway"},
		{ExecuteAPI(r, a, "abc/v1/GET/hello"), "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", "execute-api"},
		{CloudFormationStack(r, a, "s", "id"), "arn:aws:cloudformation:us-east-1:000000000000:stack/s/id", "cloudformation"},
		{CloudFormationChangeSet(r, a, "c", "id"), "arn:aws:cloudformation:us-east-1:000000000000:changeSet/c/id", "cloudformation"},
		{CognitoUserPool(r, a, "us-east-1_abc"), "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc", "cognito-idp"},
	} {
		if c.got != c.want {
			t.Errorf("built %q, want %q", c.got, c.want)
		}
		p, err := Parse(c.got)
		if err != nil || p.Partition != Partition || p.Service != c.service || p.String() != c.got {
			t.Errorf("Parse(%q) = %+v, %v", c.got, p, err)
		}
	}
}
