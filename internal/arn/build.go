package arn

// The ARNs iamgate makes, one builder per resource kind, so that each shape
// is spelled in one place whatever package mints it (the formats are the
// "Resource types" of each service in the Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
// iamgate serves the aws partition only. Each builder is one
// concatenation: no more work than the literal it replaces.

// Partition is the partition of every ARN iamgate makes.
const Partition = "aws"

// IAM is arn:aws:iam::ACCOUNT:RESOURCE ("root", "user/NAME", "policy/...").
func IAM(account, resource string) string { return "arn:aws:iam::" + account + ":" + resource }

// IAMEntity is arn:aws:iam::ACCOUNT:KIND{path}{name} for a user, role,
// group, policy or instance profile; an empty path is "/".
func IAMEntity(account, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

// AssumedRole is a role session: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
func AssumedRole(account, role, session string) string {
	return "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session
}

// LambdaFunction is arn:aws:lambda:REGION:ACCOUNT:function:NAME; with name
// "" it is the prefix every function ARN of the account shares.
func LambdaFunction(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// LambdaLayer is arn:aws:lambda:REGION:ACCOUNT:layer:NAME (no version).
func LambdaLayer(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":layer:" + name
}

// LogGroup is a log group as DescribeLogGroups and the Arn attribute give
// it: arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*.
func LogGroup(region, account, name string) string {
	return "arn:aws:logs:" + region + ":" + account + ":log-group:" + name + ":*"
}

// LogStream is arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM,
// the resource of the stream actions; with stream "" it names the group's
// streams as logs:CreateLogGroup is authorized.
func LogStream(region, account, group, stream string) string {
	return "arn:aws:logs:" + region + ":" + account + ":log-group:" + group + ":log-stream:" + stream
}

// S3Bucket is arn:aws:s3:::BUCKET.
func S3Bucket(bucket string) string { return "arn:aws:s3:::" + bucket }

// S3Object is arn:aws:s3:::BUCKET/KEY.
func S3Object(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// APIGateway is a control-plane resource of API Gateway, named by its path:
// arn:aws:apigateway:REGION::/restapis/ID/... (no account).
func APIGateway(region, path string) string { return "arn:aws:apigateway:" + region + "::" + path }

// ExecuteAPI is arn:aws:execute-api:REGION:ACCOUNT:RESOURCE, the resource
// being API/STAGE/METHOD/PATH or API/authorizers/ID.
func ExecuteAPI(region, account, resource string) string {
	return "arn:aws:execute-api:" + region + ":" + account + ":" + resource
}

// CloudFormationStack is arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID.
func CloudFormationStack(region, account, name, id string) string {
	return "arn:aws:cloudformation:" + region + ":" + account + ":stack/" + name + "/" + id
}

// CloudFormationChangeSet is arn:aws:cloudformation:REGION:ACCOUNT:changeSet/NAME/ID.
func CloudFormationChangeSet(region, account, name, id string) string {
	return "arn:aws:cloudformation:" + region + ":" + account + ":changeSet/" + name + "/" + id
}

// CognitoUserPool is arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID.
func CognitoUserPool(region, account, id string) string {
	return "arn:aws:cognito-idp:" + region + ":" + account + ":userpool/" + id
}
