// Package httpapi is the model of API Gateway HTTP APIs (API Gateway v2,
// protocol HTTP) over store.Store: APIs, their routes, integrations and
// authorizers, deployments (immutable snapshots of routes, integrations and
// authorizers) and stages, the $default stage and auto-deploy included. It
// imports OpenAPI 3 / Swagger 2 bodies with the x-amazon-apigateway-*
// extensions the way ImportApi and CloudFormation's AWS::ApiGatewayV2::Api
// Body do, creates quick-create APIs (Target), and hands the data plane the
// deployed snapshot of a stage with route selection as API Gateway ranks
// routes.
//
// It does not serve HTTP (package gateway runs the data plane), evaluates
// no authorizer (it stores their configuration: the gateway decides), and
// writes no wire errors: failures are *awserr.Error values with API
// Gateway's codes.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html
// and https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html
package httpapi
