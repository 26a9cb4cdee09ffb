// Package apigwv2api serves the read side of the API Gateway v2 control
// plane of HTTP APIs (REST-JSON under /v2/apis) over package httpapi:
// GetApis, GetApi, GetRoutes, GetRoute, GetIntegrations, GetIntegration,
// GetAuthorizers, GetAuthorizer, GetStages, GetStage and GetDeployments, in
// AWS's shapes (collections as {"items": [...]}, dates in ISO 8601).
//
// It shares the signing name "apigateway" with the REST API control plane;
// the server sends it the /v2/ paths. It authorizes each call with IAM as
// API Gateway does (action apigateway:GET on
// arn:aws:apigateway:REGION::/apis/…) and writes errors only through
// awserr.APIGateway.Write. Writes belong to CloudFormation here and are
// refused with a clear message. It owns no state.
//
// Follows https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/ and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html.
package apigwv2api
