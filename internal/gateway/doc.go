// Package gateway is the execute-api data plane of REST APIs: it routes a
// request (host style {apiId}.execute-api.{region}.amazonaws.com or
// {apiId}.execute-api.localhost, or path style
// /restapis/{apiId}/{stage}/_user_request_/...) to a deployed method,
// authenticates and authorizes it for AWS_IAM methods (and resource
// policies), builds the Lambda proxy integration event (payload 1.0),
// invokes the function and maps its response, writing every failure exactly
// as API Gateway does.
//
// It owns no state: APIs come from package apigw through the APIs
// interface, identities and policies through package auth, functions
// through the Invoker. Error bodies are written by package awserr.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
// and https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
package gateway
