// Package authorizer holds what API Gateway's Lambda authorizers share
// between REST APIs (TOKEN and REQUEST authorizers) and HTTP APIs (payload
// format 1.0 and 2.0): the events an authorizer function receives, the
// parsing of its answer (an IAM-shaped policy with principalId, context and
// usageIdentifierKey, or HTTP APIs' simple {"isAuthorized": ...}), the
// policy matcher API Gateway applies to that answer against the method ARN,
// identity sources, and the result cache keyed by identity-source values.
//
// It invokes nothing and writes no HTTP: package gateway runs the
// authorizer function through its Lambda invoker and maps each Failure to
// API Gateway's response. The returned policy is not IAM policy evaluation
// (no principals, no condition keys): API Gateway matches the statements'
// Action and Resource against the method ARN itself, so this package does
// not use internal/iampolicy or internal/auth.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
package authorizer
