package awserr

import (
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/sigv4"
)

// Messages AWS's control-plane services use for authentication failures.
const (
	// MissingTokenQueryMessage is IAM's and STS's text for an unsigned request.
	MissingTokenQueryMessage = "Request is missing Authentication Token"
	// InvalidTokenMessage is the text for an unknown access key or bad session token.
	InvalidTokenMessage = "The security token included in the request is invalid."
	// ExpiredTokenMessage is the text for expired session credentials.
	ExpiredTokenMessage = "The security token included in the request is expired"
	// SignatureMismatchMessage is the query and JSON services' text for a wrong signature.
	SignatureMismatchMessage = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

	s3SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	s3InvalidKey        = "The AWS Access Key Id you provided does not exist in our records."
	s3InvalidToken      = "The provided token is malformed or otherwise invalid."
	s3ExpiredToken      = "The provided token has expired."
	s3Skewed            = "The difference between the request time and the current time is too large."
	s3PayloadMismatch   = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

const amzDate = "20060102T150405Z"

// FromSigV4 words an authentication failure the way the services of protocol
// p do. Reasons whose text depends on the request (incomplete signature, bad
// scope) keep the message sigv4 built; the others use the service's fixed
// text. Clock failures are rebuilt from the times, in AWS's format:
// "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T002500Z - 15 min.)".
func FromSigV4(e *sigv4.Error, p Protocol) *Error {
	if p == RESTXML {
		return fromSigV4S3(e)
	}
	json := p == JSON || p == RESTJSON
	pick := func(query, jsonCode Code) Code {
		if json {
			return jsonCode
		}
		return query
	}
	switch e.Reason {
	case sigv4.MissingAuthentication:
		if json {
			return &Error{Code: MissingAuthTokenException, Message: "Missing Authentication Token"}
		}
		return &Error{Code: MissingAuthenticationToken, Message: MissingTokenQueryMessage}
	case sigv4.IncompleteSignature, sigv4.UnsupportedAlgorithm, sigv4.BadDate:
		return &Error{Code: pick(IncompleteSignature, IncompleteSignatureException), Message: orDefault(e.Message, "Request is missing required authentication information.")}
	case sigv4.UnknownKey, sigv4.InactiveKey, sigv4.InvalidToken:
		return &Error{Code: pick(InvalidClientTokenID, UnrecognizedClientException), Message: InvalidTokenMessage}
	case sigv4.ExpiredToken:
		return &Error{Code: pick(ExpiredToken, ExpiredTokenException), Message: ExpiredTokenMessage}
	case sigv4.SignatureExpired, sigv4.NotYetCurrent:
		return &Error{Code: pick(SignatureDoesNotMatch, InvalidSignatureException), Message: clockMessage(e)}
	case sigv4.BadCredentialScope, sigv4.HeaderNotSigned, sigv4.PresignExpired:
		return &Error{Code: pick(SignatureDoesNotMatch, InvalidSignatureException), Message: orDefault(e.Message, SignatureMismatchMessage)}
	default: // SignatureMismatch, BadPayloadHash and reasons added later
		return &Error{Code: pick(SignatureDoesNotMatch, InvalidSignatureException), Message: SignatureMismatchMessage}
	}
}

func fromSigV4S3(e *sigv4.Error) *Error {
	switch e.Reason {
	case sigv4.MissingAuthentication:
		return &Error{Code: AccessDenied, Message: "Access Denied"}
	case sigv4.IncompleteSignature, sigv4.UnsupportedAlgorithm, sigv4.BadDate, sigv4.BadCredentialScope:
		if e.Presigned {
			return &Error{Code: AuthorizationQueryParamsError, Message: orDefault(e.Message, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")}
		}
		return &Error{Code: AuthorizationHeaderMalformed, Message: orDefault(e.Message, "The authorization header is malformed.")}
	case sigv4.HeaderNotSigned:
		return &Error{Code: AccessDenied, Message: "There were headers present in the request which were not signed"}
	case sigv4.MissingContentHash:
		return &Error{Code: InvalidRequest, Message: "Missing required header for this request: x-amz-content-sha256"}
	case sigv4.BadChunk:
		return &Error{Code: IncompleteBody, Message: orDefault(e.Message, "The request body terminated unexpectedly")}
	case sigv4.UnknownKey, sigv4.InactiveKey:
		return &Error{Code: InvalidAccessKeyID, Message: s3InvalidKey}
	case sigv4.InvalidToken:
		return &Error{Code: InvalidToken, Message: s3InvalidToken}
	case sigv4.ExpiredToken:
		return &Error{Code: ExpiredToken, Message: s3ExpiredToken}
	case sigv4.SignatureExpired, sigv4.NotYetCurrent:
		return &Error{Code: RequestTimeTooSkewed, Message: s3Skewed}
	case sigv4.PresignExpired:
		return &Error{Code: AccessDenied, Message: "Request has expired"}
	case sigv4.BadPayloadHash:
		return &Error{Code: XAmzContentSHA256Mismatch, Message: s3PayloadMismatch}
	default:
		return &Error{Code: SignatureDoesNotMatch, Message: s3SignatureMismatch}
	}
}

// clockMessage rebuilds AWS's skew text from the times sigv4 recorded, or
// keeps sigv4's message when it did not record them.
func clockMessage(e *sigv4.Error) string {
	if e.Now.IsZero() || e.SignedAt.IsZero() {
		return orDefault(e.Message, SignatureMismatchMessage)
	}
	window := e.Window
	if window == 0 {
		window = 5 * time.Minute
	}
	mins := int(window / time.Minute)
	signed, now := e.SignedAt.UTC().Format(amzDate), e.Now.UTC()
	if e.Reason == sigv4.NotYetCurrent {
		return fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %d min.)",
			signed, now.Add(window).Format(amzDate), now.Format(amzDate), mins)
	}
	return fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %d min.)",
		signed, now.Add(-window).Format(amzDate), now.Format(amzDate), mins)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
