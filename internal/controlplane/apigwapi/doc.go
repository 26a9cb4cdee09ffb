// Package apigwapi serves the read side of the API Gateway REST API control
// plane (REST-JSON under /restapis) over package apigw: GetRestApis,
// GetRestApi, GetResources, GetResource, GetMethod, GetStages, GetStage,
// GetDeployments and GetDeployment, in AWS's shapes (collections as
// {"item": [...]}, dates as epoch seconds).
//
// It is mounted in package controlplane under the signing name
// "apigateway": the dispatcher verifies the signature; this package
// authorizes each call with IAM as API Gateway does (action apigateway:GET
// on arn:aws:apigateway:REGION::/restapis/…) and writes errors only through
// awserr.WriteRESTJSON. Writes (create, import, deploy) belong to
// CloudFormation here and are not served. It owns no state.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/api/ and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-create-and-manage-api.html.
package apigwapi
