// Package apigwapi serves the API Gateway REST API control plane
// (REST-JSON under /restapis, /apikeys, /usageplans, /account) over
// package apigw, enough for the aws CLI to build an API without
// CloudFormation: rest APIs (create, import, put, update, delete),
// resources, methods, integrations with their integration and method
// responses, deployments, stages (update-stage
// patch operations), models, request validators, gateway responses, API
// keys, usage plans and their keys, get-usage and get-export, in AWS's
// shapes (collections as {"item": [...]}, dates as epoch seconds, creates
// 201, deletes 202).
//
// It is mounted in package controlplane under the signing name
// "apigateway": the dispatcher verifies the signature; this package
// authorizes each call with IAM as API Gateway does (action
// apigateway:{HTTP method} on arn:aws:apigateway:REGION::{path}, and
// iam:PassRole for integration roles) and writes errors only through
// awserr.APIGateway.Write. It owns no state.
//
// Not served: authorizers' writes (CloudFormation or OpenAPI only),
// domain names, test-invoke-method.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/api/ and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-create-and-manage-api.html.
package apigwapi
