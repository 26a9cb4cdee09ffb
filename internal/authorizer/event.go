package authorizer

import (
	"github.com/iamgate/iamgate/internal/payload"
)

// Event shapes an authorizer function receives, as AWS sends them (see
// ../shared/conformance/lambda/aws-lambda-go-events/apigw-custom-auth-*.json
// and apigw-v2-custom-authorizer-*.json).

// TokenEvent is a REST TOKEN authorizer's input.
type TokenEvent struct {
	Type               string `json:"type"` // "TOKEN"
	MethodArn          string `json:"methodArn"`
	AuthorizationToken string `json:"authorizationToken"`
}

// NewTokenEvent returns the TOKEN event for a token and method ARN.
func NewTokenEvent(methodARN, token string) TokenEvent {
	return TokenEvent{Type: "TOKEN", MethodArn: methodARN, AuthorizationToken: token}
}

// RequestEvent is a REST REQUEST authorizer's input; with Version "1.0"
// and IdentitySource/AuthorizationToken set it is also an HTTP API
// authorizer's payload format 1.0. RequestContext is the request context
// the proxy integration event carries (the gateway owns its shape).
type RequestEvent struct {
	Version            string  `json:"version,omitempty"`
	Type               string  `json:"type"` // "REQUEST"
	MethodArn          string  `json:"methodArn"`
	IdentitySource     *string `json:"identitySource,omitempty"`
	AuthorizationToken *string `json:"authorizationToken,omitempty"`
	payload.RequestV1
	RequestContext any `json:"requestContext"`
}

// RequestEventV2 is an HTTP API Lambda authorizer's payload format 2.0.
// RequestContext is the v2 request context the gateway builds.
type RequestEventV2 struct {
	Version               string            `json:"version"` // "2.0"
	Type                  string            `json:"type"`    // "REQUEST"
	RouteArn              string            `json:"routeArn"`
	IdentitySource        []string          `json:"identitySource"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        any               `json:"requestContext"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}
