package awserr

import (
	"net/http"
)

// HTTPAPIResponse is one answer the data plane of an HTTP API (API Gateway
// v2) writes itself. HTTP APIs have no customizable gateway responses and
// fewer, terser answers than REST APIs: {"message":"Not Found"} for a
// request no stage or route takes, {"message":"Forbidden"} for an IAM
// refusal, 500 {"message":"Internal Server Error"} for a failed Lambda
// integration, 503 {"message":"Service Unavailable"} for an integration
// timeout
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html;
// an IAM caller without execute-api:Invoke on an HTTP API route gets
// 403 {"message":"Forbidden"}: https://github.com/aws/aws-cdk/issues/21182).
type HTTPAPIResponse int

// The HTTP API responses iamgate writes.
const (
	HTTPNotFound            HTTPAPIResponse = iota + 1 // no stage, no route
	HTTPForbidden                                      // AWS_IAM route unsigned, or execute-api:Invoke denied
	HTTPSignatureError                                 // a signature that is incomplete, does not verify, an unknown key, an expired token: the sigv4 text
	HTTPUnauthorized                                   // a JWT or Lambda authorizer's identity source missing or refused
	HTTPRequestTooLarge                                // a body over the 10 MB payload quota
	HTTPTooManyRequests                                // throttled
	HTTPInternalServerError                            // integration failure, function error, bad response, configuration iamgate cannot run
	HTTPServiceUnavailable                             // integration timeout
	httpCount
)

type httpAPIResponse struct {
	status  int
	message string
}

// httpAPIResponses is the one table of the HTTP API data plane's own
// answers. Bodies are {"message":"..."} with no space after the colon and
// no x-amzn-ErrorType header.
var httpAPIResponses = [httpCount]httpAPIResponse{
	HTTPNotFound:            {http.StatusNotFound, "Not Found"},
	HTTPForbidden:           {http.StatusForbidden, "Forbidden"},
	HTTPSignatureError:      {http.StatusForbidden, "Forbidden"},
	HTTPUnauthorized:        {http.StatusUnauthorized, "Unauthorized"},
	HTTPRequestTooLarge:     {http.StatusRequestEntityTooLarge, "Request Entity Too Large"},
	HTTPTooManyRequests:     {http.StatusTooManyRequests, "Too Many Requests"},
	HTTPInternalServerError: {http.StatusInternalServerError, "Internal Server Error"},
	HTTPServiceUnavailable:  {http.StatusServiceUnavailable, "Service Unavailable"},
}

// Status is the HTTP status of the response.
func (h HTTPAPIResponse) Status() int { return h.entry().status }

func (h HTTPAPIResponse) entry() httpAPIResponse {
	if h <= 0 || h >= httpCount {
		return httpAPIResponses[HTTPInternalServerError] // never reached: every constant has an entry (tested)
	}
	return httpAPIResponses[h]
}

// HTTPAPIFor is the HTTP API answer to a situation the REST table names,
// for the steps both data planes share (authentication, authorization,
// integration): the REST response says what happened, this what an HTTP
// API answers to it. keepMessage is true when the REST message (a
// signature error's text) is the HTTP API's too.
func HTTPAPIFor(resp GatewayResponse) (h HTTPAPIResponse, keepMessage bool) {
	switch resp {
	case GWMissingAuthenticationToken, GWAccessDenied, GWInvalidAPIKey:
		return HTTPForbidden, false
	case GWIncompleteSignature, GWInvalidSignature, GWUnrecognizedClient, GWExpiredToken:
		return HTTPSignatureError, true
	case GWRequestTooLarge:
		return HTTPRequestTooLarge, false
	case GWIntegrationTimeout:
		return HTTPServiceUnavailable, false
	case GWUnauthorized:
		return HTTPUnauthorized, false
	}
	return HTTPInternalServerError, false
}

// WriteHTTPAPIResponse writes resp with message ("" for its default text)
// and returns the body written, for traces.
func WriteHTTPAPIResponse(w http.ResponseWriter, resp HTTPAPIResponse, message string) []byte {
	e := resp.entry()
	if message == "" {
		message = e.message
	}
	w.Header().Set("Content-Type", "application/json")
	body := append(append([]byte(`{"message":`), jsonString(message)...), '}')
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
	return body
}
