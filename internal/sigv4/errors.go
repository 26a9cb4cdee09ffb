package sigv4

import "time"

// Reason classifies why a request failed authentication. The protocol edges
// (package awserr) turn a Reason into each service's status, code and wording.
type Reason int

const (
	// MissingAuthentication: no Authorization header and no presigned query.
	MissingAuthentication Reason = iota + 1
	// IncompleteSignature: the Authorization header or presigned query lacks
	// a part (Credential, Signature, SignedHeaders, date) or is malformed.
	IncompleteSignature
	// UnsupportedAlgorithm: an algorithm other than AWS4-HMAC-SHA256.
	UnsupportedAlgorithm
	// BadCredentialScope: the scope names the wrong date, region, service or terminator.
	BadCredentialScope
	// UnknownKey: the access key id is not known ("The security token included in the request is invalid.").
	UnknownKey
	// InactiveKey: the access key exists but its status is Inactive.
	InactiveKey
	// InvalidToken: a session key used with a missing or wrong session token.
	InvalidToken
	// ExpiredToken: the session credentials have expired.
	ExpiredToken
	// SignatureMismatch: the signature does not match the one computed.
	SignatureMismatch
	// SignatureExpired: the signing time is older than the allowed window.
	SignatureExpired
	// NotYetCurrent: the signing time is further in the future than the window.
	NotYetCurrent
	// PresignExpired: a presigned URL used after X-Amz-Date + X-Amz-Expires.
	PresignExpired
	// BadDate: the X-Amz-Date / Date value is missing or malformed.
	BadDate
	// BadPayloadHash: x-amz-content-sha256 does not match the body.
	BadPayloadHash
	// HeaderNotSigned: a header that must be signed (host, x-amz-*) is not in SignedHeaders,
	// or a signed header is not present.
	HeaderNotSigned
	// MissingContentHash: an S3 request without x-amz-content-sha256 (S3 requires it).
	MissingContentHash
	// BadChunk: an aws-chunked body whose framing is malformed or truncated
	// (S3 IncompleteBody / InvalidChunkSizeError); a bad chunk signature is
	// SignatureMismatch.
	BadChunk
)

// Error is an authentication failure. Message carries AWS's wording as
// API Gateway (execute-api) returns it; the other fields let other protocols
// word it their own way.
type Error struct {
	Reason  Reason
	Message string

	// For SignatureMismatch: what the server computed.
	CanonicalRequest string
	StringToSign     string
	// SignedHostWithoutPort is set when the signature matches the request
	// with the port left out of Host: the client's likely mistake.
	SignedHostWithoutPort string

	// For SignatureExpired / NotYetCurrent / PresignExpired: the times involved.
	// Window is the skew allowed (SignatureExpired, NotYetCurrent) or the
	// presigned URL's X-Amz-Expires (PresignExpired).
	SignedAt time.Time
	Now      time.Time
	Window   time.Duration

	// Presigned is true when the failure concerns the query-string form, so
	// that S3 can answer AuthorizationQueryParametersError instead of the
	// header wording.
	Presigned bool
	// Headers lists, for HeaderNotSigned, the x-amz-* headers present but
	// unsigned (S3's HeadersNotSigned detail); empty when host is unsigned.
	Headers []string
	// ComputedHash and ClaimedHash are set for BadPayloadHash
	// (S3's XAmzContentSHA256Mismatch detail).
	ComputedHash, ClaimedHash string
}

func (e *Error) Error() string { return e.Message }
