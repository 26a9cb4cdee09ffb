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
)

// Fixed execute-api messages (gateway response defaults).
const (
	APIGWMissingTokenMessage    = "Missing Authentication Token"
	APIGWInvalidTokenMessage    = "The security token included in the request is invalid."
	APIGWExpiredTokenMessage    = "The security token included in the request is expired"
	APIGWInternalErrorMessage   = "Internal server error"
	APIGWTimeoutMessage         = "Endpoint request timed out"
	APIGWForbiddenMessage       = "Forbidden"
	apigwDefaultIncompleteSig   = "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	apigwDefaultInvalidSigMsg   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	apigwDefaultSignatureExpiry = "Signature expired"
)

// APIGatewayAuthError words an authentication failure the way execute-api
// answers it: every failure is a 403; the error type depends on the reason;
// the message is the one sigv4 built (AWS's text for that request) or, when
// sigv4 left it empty, API Gateway's generic text for the reason.
func APIGatewayAuthError(e *sigv4.Error) (status int, errType, message string) {
	errType, fallback := apigwAuthType(e.Reason)
	message = e.Message
	if message == "" || fixedAPIGWMessage(e.Reason) {
		message = fallback
	}
	return http.StatusForbidden, errType, message
}

func apigwAuthType(r sigv4.Reason) (errType, fallback string) {
	switch r {
	case sigv4.MissingAuthentication:
		return APIGWMissingAuthenticationToken, APIGWMissingTokenMessage
	case sigv4.IncompleteSignature, sigv4.UnsupportedAlgorithm, sigv4.BadDate, sigv4.HeaderNotSigned:
		return APIGWIncompleteSignature, apigwDefaultIncompleteSig
	case sigv4.UnknownKey, sigv4.InactiveKey, sigv4.InvalidToken:
		return APIGWUnrecognizedClient, APIGWInvalidTokenMessage
	case sigv4.ExpiredToken:
		return APIGWExpiredToken, APIGWExpiredTokenMessage
	case sigv4.SignatureExpired, sigv4.NotYetCurrent, sigv4.PresignExpired:
		return APIGWInvalidSignature, apigwDefaultSignatureExpiry
	default: // SignatureMismatch, BadCredentialScope, BadPayloadHash and unknown reasons
		return APIGWInvalidSignature, apigwDefaultInvalidSigMsg
	}
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

// WriteAPIGateway writes an execute-api error: JSON body, x-amzn-ErrorType
// (omitted when errType is empty, as on 504s). AccessDeniedException uses the
// capitalised "Message" key (lowerMessageKey false); the other gateway
// responses use "message". 5xx bodies keep the space after the colon that
// API Gateway's integration-failure responses carry:
// {"message": "Internal server error"}.
func WriteAPIGateway(w http.ResponseWriter, status int, errType, message string, lowerMessageKey bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if errType != "" {
		h.Set("x-amzn-ErrorType", errType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(apigwBody(status, message, lowerMessageKey))
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
