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
	gwCount
)

// gatewayResponse is one entry of the table.
type gatewayResponse struct {
	status  int
	errType string // x-amzn-ErrorType; "" sends none (504s carry none)
	message string // the default message
	// capitalKey: AccessDeniedException bodies use "Message"; every other
	// gateway response "message".
	capitalKey bool
	// nullMessage: the body is {"message": null} (authorizer failures).
	nullMessage bool
}

// gatewayResponses is the one table of execute-api's own answers. Texts and
// types from ../shared/conformance/apigw-errors.md and
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden;
// the payload quota (10 MB, 413) from
// https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html.
var gatewayResponses = [gwCount]gatewayResponse{
	GWMissingAuthenticationToken: {http.StatusForbidden, APIGWMissingAuthenticationToken, APIGWMissingTokenMessage, false, false},
	GWAccessDenied:               {http.StatusForbidden, APIGWAccessDenied, "", true, false},
	GWInvalidAPIKey:              {http.StatusForbidden, APIGWForbidden, APIGWForbiddenMessage, false, false},
	GWIncompleteSignature:        {http.StatusForbidden, APIGWIncompleteSignature, apigwDefaultIncompleteSig, false, false},
	GWInvalidSignature:           {http.StatusForbidden, APIGWInvalidSignature, apigwDefaultInvalidSigMsg, false, false},
	GWUnrecognizedClient:         {http.StatusForbidden, APIGWUnrecognizedClient, APIGWInvalidTokenMessage, false, false},
	GWExpiredToken:               {http.StatusForbidden, APIGWExpiredToken, APIGWExpiredTokenMessage, false, false},
	GWRequestTooLarge:            {http.StatusRequestEntityTooLarge, "", APIGWRequestTooLongMessage, false, false},
	GWConfigurationError:         {http.StatusInternalServerError, APIGWInternalServerError, APIGWInternalErrorMessage, false, false},
	GWIntegrationFailure:         {http.StatusBadGateway, APIGWInternalServerError, APIGWInternalErrorMessage, false, false},
	GWIntegrationTimeout:         {http.StatusGatewayTimeout, "", APIGWTimeoutMessage, false, false},
	// Lambda authorizer answers: 401 {"message":"Unauthorized"} with
	// UnauthorizedException, and 500 {"message": null} with
	// AuthorizerConfigurationException for an authorizer that fails, times
	// out or answers in an invalid shape (captures in
	// https://dev.to/marcogrcr/api-gateway-lambda-authorizer-lambda-proxy-integration-failure-modes-52bc
	// and https://loige.co/debugging-custom-apigateway-authorizers/).
	GWUnauthorized:                 {http.StatusUnauthorized, APIGWUnauthorized, APIGWUnauthorizedMessage, false, false},
	GWAuthorizerConfigurationError: {http.StatusInternalServerError, APIGWAuthorizerConfiguration, "", false, true},
}

// Status is the HTTP status of a gateway response.
func (g GatewayResponse) Status() int { return g.entry().status }

func (g GatewayResponse) entry() gatewayResponse {
	if g <= 0 || g >= gwCount {
		return gatewayResponses[GWConfigurationError] // never reached: every constant has an entry (tested)
	}
	return gatewayResponses[g]
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
// through here: JSON body, x-amzn-ErrorType when the response has one.
// 5xx bodies keep the space after the colon that API Gateway's
// integration-failure responses carry: {"message": "Internal server error"}.
func WriteGatewayResponse(w http.ResponseWriter, resp GatewayResponse, message string) []byte {
	e := resp.entry()
	if message == "" {
		message = e.message
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if e.errType != "" {
		h.Set("x-amzn-ErrorType", e.errType)
	}
	body := apigwBody(e.status, message, !e.capitalKey)
	if e.nullMessage {
		body = []byte(`{"message": null}`)
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
	return body
}

func apigwBody(status int, message string, lowerMessageKey bool) []byte {
	key := "Message"
	if lowerMessageKey {
		key = "message"
	}
	sep := ":"
	if status >= 500 {
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
