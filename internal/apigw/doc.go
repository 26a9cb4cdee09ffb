// Package apigw is the model of API Gateway REST APIs (v1) over store.Store:
// rest APIs, their resource tree and methods, deployments (immutable
// snapshots of resources, methods and the resource policy) and stages. It
// imports OpenAPI 3 and Swagger 2 definitions with the
// x-amazon-apigateway-* extensions the way ImportRestApi / PutRestApi and
// CloudFormation's AWS::ApiGateway::RestApi Body do, and hands the data
// plane the deployed snapshot of a stage, with path matching.
//
// It does not serve HTTP (package gateway runs the data plane, package
// controlplane the REST control plane) and writes no wire errors: failures
// are *awserr.Error values with API Gateway's codes and wording.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html
// and https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
package apigw
