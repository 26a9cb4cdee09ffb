package awserr

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// API Gateway codes: the control plane's REST JSON codes and the data
// plane's x-amzn-ErrorType values. The data-plane types are not Codes of the
// shared table because they never travel as domain errors: only the gateway
// writes them, through WriteAPIGateway.
const (
	BadRequestException Code = "BadRequestException"
	ConflictException   Code = "ConflictException"
)

// x-amzn-ErrorType values of execute-api responses, as listed in
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
const (
	APIGWMissingAuthenticationToken = "MissingAuthenticationTokenException"
	APIGWIncompleteSignature        = "IncompleteSignatureException"
	APIGWInvalidSignature           = "InvalidSignatureException"
	APIGWUnrecognizedClient         = "UnrecognizedClientException"
	APIGWExpiredToken               = "ExpiredTokenException"
	APIGWAccessDenied               = "AccessDeniedException"
	APIGWForbidden                  = "ForbiddenException"
	APIGWInternalServerError        = "InternalServerErrorException"
	APIGWUnauthorized               = "UnauthorizedException"
	APIGWAuthorizerConfiguration    = "AuthorizerConfigurationException"
	APIGWBadRequest                 = "BadRequestException"
	APIGWTooManyRequests            = "TooManyRequestsException"
	APIGWLimitExceeded              = "LimitExceededException"
	APIGWUnsupportedMediaType       = "UnsupportedMediaTypeException"
)

// Fixed execute-api messages (gateway response defaults).
const (
	APIGWMissingTokenMessage    = "Missing Authentication Token"
	APIGWInvalidTokenMessage    = "The security token included in the request is invalid."
	APIGWExpiredTokenMessage    = "The security token included in the request is expired"
	APIGWInternalErrorMessage   = "Internal server error"
	APIGWTimeoutMessage         = "Endpoint request timed out"
	APIGWForbiddenMessage       = "Forbidden"
	APIGWRequestTooLongMessage  = "Request Too Long"
	APIGWUnauthorizedMessage    = "Unauthorized"
	apigwDefaultIncompleteSig   = "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	apigwDefaultInvalidSigMsg   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	apigwDefaultSignatureExpiry = "Signature expired"
)

// GatewayResponse is one answer the execute-api data plane writes itself
// (not its integration's): one of API Gateway's default gateway responses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
// The gateway names the response; gatewayResponses owns its status,
// x-amzn-ErrorType, default message and body shape.
type GatewayResponse int

// The gateway responses iamgate writes. The comment names AWS's gateway
// response type.
const (
	GWMissingAuthenticationToken   GatewayResponse = iota + 1 // MISSING_AUTHENTICATION_TOKEN: unsigned, or no such API, stage, resource or method
	GWAccessDenied                                            // ACCESS_DENIED: the policy decision
	GWInvalidAPIKey                                           // INVALID_API_KEY: apiKeyRequired and no valid key
	GWIncompleteSignature                                     // DEFAULT_4XX: a signature missing parts
	GWInvalidSignature                                        // INVALID_SIGNATURE: a signature that does not verify or has expired
	GWUnrecognizedClient                                      // DEFAULT_4XX: an unknown or inactive key, an invalid session token
	GWExpiredToken                                            // EXPIRED_TOKEN
	GWRequestTooLarge                                         // REQUEST_TOO_LARGE: a body over the 10 MB payload quota
	GWConfigurationError                                      // API_CONFIGURATION_ERROR / AUTHORIZER_CONFIGURATION_ERROR: what the gateway cannot run
	GWIntegrationFailure                                      // DEFAULT_5XX: function error, bad proxy response
	GWIntegrationTimeout                                      // INTEGRATION_TIMEOUT
	GWUnauthorized                                            // UNAUTHORIZED: a Lambda authorizer's identity source is missing or invalid, or the authorizer said "Unauthorized"
	GWAuthorizerConfigurationError                            // AUTHORIZER_CONFIGURATION_ERROR / AUTHORIZER_FAILURE: the authorizer could not be called, failed, or answered in an invalid shape
	GWBadRequestParameters                                    // BAD_REQUEST_PARAMETERS: a required request parameter is missing
	GWBadRequestBody                                          // BAD_REQUEST_BODY: the body does not match the method's model
	GWThrottled                                               // THROTTLED: over a usage plan's rate or burst
	GWQuotaExceeded                                           // QUOTA_EXCEEDED: over a usage plan's quota
	GWInvokeRejected                                          // INTEGRATION_FAILURE (DEFAULT_5XX): Lambda refused the invocation (throttled)
	GWUnsupportedMediaType                                    // UNSUPPORTED_MEDIA_TYPE: no request template for the content type and a strict passthrough behavior
	GWUnparsableLambdaPayload                                 // DEFAULT_4XX: a non-proxy Lambda integration's request body is not JSON
	gwCount
)

// gatewayResponse is one entry of the table.
type gatewayResponse struct {
	typ     string // the gateway response type an API customizes
	status  int
	errType string // x-amzn-ErrorType; "" sends none (504s carry none)
	message string // the default message
	// capitalKey: AccessDeniedException bodies use "Message"; every other
	// gateway response "message".
	capitalKey bool
	// nullMessage: the body is {"message": null} (authorizer failures).
	nullMessage bool
	// spaced: the default body has a space after the colon, as 5xx
	// bodies and the request validation bodies do.
	spaced bool
}

// gatewayResponses is the one table of execute-api's own answers. Texts and
// types from ../shared/conformance/apigw-errors.md and
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden;
// the payload quota (10 MB, 413) from
// https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html.
var gatewayResponses = [gwCount]gatewayResponse{
	GWMissingAuthenticationToken: {typ: "MISSING_AUTHENTICATION_TOKEN", status: http.StatusForbidden, errType: APIGWMissingAuthenticationToken, message: APIGWMissingTokenMessage},
	GWAccessDenied:               {typ: "ACCESS_DENIED", status: http.StatusForbidden, errType: APIGWAccessDenied, capitalKey: true},
	GWInvalidAPIKey:              {typ: "INVALID_API_KEY", status: http.StatusForbidden, errType: APIGWForbidden, message: APIGWForbiddenMessage},
	GWIncompleteSignature:        {typ: "DEFAULT_4XX", status: http.StatusForbidden, errType: APIGWIncompleteSignature, message: apigwDefaultIncompleteSig},
	GWInvalidSignature:           {typ: "INVALID_SIGNATURE", status: http.StatusForbidden, errType: APIGWInvalidSignature, message: apigwDefaultInvalidSigMsg},
	GWUnrecognizedClient:         {typ: "DEFAULT_4XX", status: http.StatusForbidden, errType: APIGWUnrecognizedClient, message: APIGWInvalidTokenMessage},
	GWExpiredToken:               {typ: "EXPIRED_TOKEN", status: http.StatusForbidden, errType: APIGWExpiredToken, message: APIGWExpiredTokenMessage},
	GWRequestTooLarge:            {typ: "REQUEST_TOO_LARGE", status: http.StatusRequestEntityTooLarge, message: APIGWRequestTooLongMessage},
	GWConfigurationError:         {typ: "API_CONFIGURATION_ERROR", status: http.StatusInternalServerError, errType: APIGWInternalServerError, message: APIGWInternalErrorMessage, spaced: true},
	GWIntegrationFailure:         {typ: "DEFAULT_5XX", status: http.StatusBadGateway, errType: APIGWInternalServerError, message: APIGWInternalErrorMessage, spaced: true},
	GWIntegrationTimeout:         {typ: "INTEGRATION_TIMEOUT", status: http.StatusGatewayTimeout, message: APIGWTimeoutMessage, spaced: true},
	// Lambda authorizer answers: 401 {"message":"Unauthorized"} with
	// UnauthorizedException, and 500 {"message": null} with
	// AuthorizerConfigurationException for an authorizer that fails, times
	// out or answers in an invalid shape (captures in
	// https://dev.to/marcogrcr/api-gateway-lambda-authorizer-lambda-proxy-integration-failure-modes-52bc
	// and https://loige.co/debugging-custom-apigateway-authorizers/).
	GWUnauthorized:                 {typ: "UNAUTHORIZED", status: http.StatusUnauthorized, errType: APIGWUnauthorized, message: APIGWUnauthorizedMessage},
	GWAuthorizerConfigurationError: {typ: "AUTHORIZER_CONFIGURATION_ERROR", status: http.StatusInternalServerError, errType: APIGWAuthorizerConfiguration, nullMessage: true},
	// Validation bodies keep a space after the colon: {"message": "Invalid
	// request body"} (captured in https://github.com/pulumi/pulumi-aws-apigateway
	// examples test and published curl output).
	GWBadRequestParameters: {typ: "BAD_REQUEST_PARAMETERS", status: http.StatusBadRequest, errType: APIGWBadRequest, spaced: true},
	GWBadRequestBody:       {typ: "BAD_REQUEST_BODY", status: http.StatusBadRequest, errType: APIGWBadRequest, message: "Invalid request body", spaced: true},
	// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
	GWThrottled:     {typ: "THROTTLED", status: http.StatusTooManyRequests, errType: APIGWTooManyRequests, message: "Too Many Requests"},
	GWQuotaExceeded: {typ: "QUOTA_EXCEEDED", status: http.StatusTooManyRequests, errType: APIGWLimitExceeded, message: "Limit Exceeded"},
	// "If the Lambda API rejects the invocation request, API Gateway returns
	// a 500 error code" with {"message": "Internal server error"}
	// (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
	GWInvokeRejected: {typ: "INTEGRATION_FAILURE", status: http.StatusInternalServerError, errType: APIGWInternalServerError, message: APIGWInternalErrorMessage, spaced: true},
	// 415 of https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
	GWUnsupportedMediaType: {typ: "UNSUPPORTED_MEDIA_TYPE", status: http.StatusUnsupportedMediaType, errType: APIGWUnsupportedMediaType, message: "Unsupported Media Type"},
	// Lambda takes only JSON; API Gateway's answer to a body it cannot
	// parse, as captured in https://github.com/fluct/fluct/pull/33.
	GWUnparsableLambdaPayload: {typ: "DEFAULT_4XX", status: http.StatusBadRequest, errType: APIGWBadRequest, message: "Could not parse request body into json."},
}

// GatewayResponseTypes are the response types PutGatewayResponse accepts
// (https://docs.aws.amazon.com/apigateway/latest/api/API_GatewayResponse.html).
var GatewayResponseTypes = []string{"DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED", "INVALID_API_KEY",
	"ACCESS_DENIED", "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR", "INVALID_SIGNATURE", "EXPIRED_TOKEN",
	"MISSING_AUTHENTICATION_TOKEN", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR",
	"UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "REQUEST_TOO_LARGE", "THROTTLED",
	"QUOTA_EXCEEDED", "WAF_FILTERED"}

// Status is the HTTP status of a gateway response.
func (g GatewayResponse) Status() int { return g.entry().status }

func (g GatewayResponse) entry() gatewayResponse { return gatewayResponses[g.index()] }

// index is g's table index.
func (g GatewayResponse) index() GatewayResponse {
	if g <= 0 || g >= gwCount {
		return GWConfigurationError // never reached: every constant has an entry (tested)
	}
	return g
}

// APIGatewayAuthError names the gateway response of an authentication
// failure and its message: the one sigv4 built (AWS's text for that
// request) or, for reasons whose text never varies or when sigv4 left it
// empty, the response's default text.
func APIGatewayAuthError(e *sigv4.Error) (GatewayResponse, string) {
	resp, fallback := apigwAuthResponse(e.Reason)
	message := e.Message
	if message == "" || fixedAPIGWMessage(e.Reason) {
		message = fallback
	}
	return resp, message
}

func apigwAuthResponse(r sigv4.Reason) (GatewayResponse, string) {
	var resp GatewayResponse
	switch r {
	case sigv4.MissingAuthentication:
		resp = GWMissingAuthenticationToken
	case sigv4.IncompleteSignature, sigv4.UnsupportedAlgorithm, sigv4.BadDate, sigv4.HeaderNotSigned:
		resp = GWIncompleteSignature
	case sigv4.UnknownKey, sigv4.InactiveKey, sigv4.InvalidToken:
		resp = GWUnrecognizedClient
	case sigv4.ExpiredToken:
		resp = GWExpiredToken
	case sigv4.SignatureExpired, sigv4.NotYetCurrent, sigv4.PresignExpired:
		return GWInvalidSignature, apigwDefaultSignatureExpiry
	default: // SignatureMismatch, BadCredentialScope, BadPayloadHash and unknown reasons
		resp = GWInvalidSignature
	}
	return resp, resp.entry().message
}

// fixedAPIGWMessage reports reasons whose execute-api text never varies with
// the request, so a differently worded sigv4 message must not leak through.
func fixedAPIGWMessage(r sigv4.Reason) bool {
	switch r {
	case sigv4.MissingAuthentication, sigv4.UnknownKey, sigv4.InactiveKey, sigv4.InvalidToken, sigv4.ExpiredToken:
		return true
	}
	return false
}

// WriteGatewayResponse writes resp with message ("" for its default text)
// and returns the body written, for traces. Every execute-api error goes
// through here or WriteCustomGatewayResponse: JSON body, x-amzn-ErrorType
// when the response has one. 5xx and request validation bodies keep the
// space after the colon that API Gateway's bodies carry:
// {"message": "Internal server error"}.
func WriteGatewayResponse(w http.ResponseWriter, resp GatewayResponse, message string) string {
	e := resp.entry()
	// Every routing-only request ends here: default bodies are encoded once.
	d := gatewayDefaults[resp.index()]
	if message != "" && message != e.message && !e.nullMessage {
		d.body = apigwBody(message, !e.capitalKey, e.spaced)
		d.text = string(d.body)
	}
	writeGatewayHeader(w.Header(), resp, "application/json", nil)
	w.WriteHeader(e.status)
	_, _ = w.Write(d.body)
	return d.text
}

// gatewayDefault is a gateway response's default body, as written and as
// traced.
type gatewayDefault struct {
	body []byte // shared: writers copy it, nothing writes to it
	text string
	// errType is the x-amzn-ErrorType header value; nil for none.
	errType []string
}

var gatewayDefaults = func() (d [gwCount]gatewayDefault) {
	for i, e := range gatewayResponses {
		body := apigwBody(e.message, !e.capitalKey, e.spaced)
		if e.nullMessage {
			body = []byte(`{"message": null}`)
		}
		d[i] = gatewayDefault{body: body, text: string(body)}
		if e.errType != "" {
			d[i].errType = []string{e.errType}
		}
	}
	return d
}()

// CustomResponse is a gateway response as an API's customization shapes
// it: the gateway renders the template and headers, awserr writes them.
type CustomResponse struct {
	Status      int
	Headers     map[string]string
	ContentType string
	Body        []byte
}

// WriteCustomGatewayResponse writes resp as an API customized it and
// returns the body written.
func WriteCustomGatewayResponse(w http.ResponseWriter, resp GatewayResponse, c CustomResponse) []byte {
	if c.Status == 0 {
		c.Status = resp.entry().status
	}
	if c.ContentType == "" {
		c.ContentType = "application/json"
	}
	return writeGateway(w, resp, c)
}

func writeGateway(w http.ResponseWriter, resp GatewayResponse, c CustomResponse) []byte {
	writeGatewayHeader(w.Header(), resp, c.ContentType, c.Headers)
	w.WriteHeader(c.Status)
	_, _ = w.Write(c.Body)
	return c.Body
}

// writeGatewayHeader sets Content-Type, x-amzn-ErrorType and an API's
// custom headers. The two fixed headers go in under their canonical keys
// with values made once (jsonType, gatewayDefault.errType): Set would
// re-spell x-amzn-ErrorType and allocate both values on every error
// response. The slices are shared, so their capacity is their length:
// an Add appends to a copy, and nothing writes a header value in place.
func writeGatewayHeader(h http.Header, resp GatewayResponse, contentType string, custom map[string]string) {
	if contentType == "application/json" {
		h["Content-Type"] = jsonType
	} else {
		h["Content-Type"] = []string{contentType}
	}
	if t := gatewayDefaults[resp.index()].errType; t != nil {
		h["X-Amzn-Errortype"] = t
	}
	for k, v := range custom {
		h.Set(k, v)
	}
}

var jsonType = []string{"application/json"}

// Type is the gateway response type an API customizes resp through
// (MISSING_AUTHENTICATION_TOKEN, ...).
func (g GatewayResponse) Type() string { return g.entry().typ }

// DefaultType is DEFAULT_4XX or DEFAULT_5XX, the type whose customization
// applies when resp's own type has none.
func (g GatewayResponse) DefaultType() string {
	if g.entry().status >= 500 {
		return "DEFAULT_5XX"
	}
	return "DEFAULT_4XX"
}

// ErrorType is resp's x-amzn-ErrorType ("" for none).
func (g GatewayResponse) ErrorType() string { return g.entry().errType }

// Message is message, or resp's default text when message is "": what
// $context.error.message holds.
func (g GatewayResponse) Message(message string) string {
	if message == "" {
		return g.entry().message
	}
	return message
}

// JSONString encodes s as a JSON string the way API Gateway writes it
// (no HTML escaping): what $context.error.messageString holds.
func JSONString(s string) []byte { return jsonString(s) }

func apigwBody(message string, lowerMessageKey, spaced bool) []byte {
	key := "Message"
	if lowerMessageKey {
		key = "message"
	}
	sep := ":"
	if spaced {
		sep = ": "
	}
	var b bytes.Buffer
	b.Grow(len(message) + 16)
	b.WriteString(`{"` + key + `"` + sep)
	b.Write(jsonString(message))
	b.WriteByte('}')
	return b.Bytes()
}

// jsonString encodes s without HTML escaping: AWS writes '<', '>' and '&'
// (common in canonical requests) as they are.
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}
