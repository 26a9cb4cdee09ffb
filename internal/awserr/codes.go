package awserr

// Codes shared across services. Each service's table (table.go) gives
// their statuses; a code missing from a service's table is a bug caught by
// TestEveryCodeHasAnEntry.
const (
	InternalFailure             Code = "InternalFailure"
	AccessDenied                Code = "AccessDenied"
	AccessDeniedException       Code = "AccessDeniedException"
	ValidationError             Code = "ValidationError"
	InvalidAction               Code = "InvalidAction"
	MissingAction               Code = "MissingAction"
	InvalidParameterValue       Code = "InvalidParameterValue"
	MissingParameter            Code = "MissingParameter"
	NoSuchEntity                Code = "NoSuchEntity"
	EntityAlreadyExists         Code = "EntityAlreadyExists"
	LimitExceeded               Code = "LimitExceeded"
	MalformedPolicyDocument     Code = "MalformedPolicyDocument"
	InvalidInput                Code = "InvalidInput"
	DeleteConflict              Code = "DeleteConflict"
	SignatureDoesNotMatch       Code = "SignatureDoesNotMatch"
	IncompleteSignature         Code = "IncompleteSignature"
	InvalidClientTokenID        Code = "InvalidClientTokenId"
	ExpiredToken                Code = "ExpiredToken"
	MissingAuthenticationToken  Code = "MissingAuthenticationToken"
	UnrecognizedClientException Code = "UnrecognizedClientException"
	AlreadyExistsException      Code = "AlreadyExistsException"
	ResourceNotFoundException   Code = "ResourceNotFoundException"
	ResourceConflictException   Code = "ResourceConflictException"
	InvalidParameterValueExc    Code = "InvalidParameterValueException"
	ChangeSetNotFound           Code = "ChangeSetNotFound"
	InsufficientCapabilities    Code = "InsufficientCapabilitiesException"
	NotFoundException           Code = "NotFoundException"
	NoSuchBucket                Code = "NoSuchBucket"
	NoSuchKey                   Code = "NoSuchKey"
	BucketAlreadyOwnedByYou     Code = "BucketAlreadyOwnedByYou"
)

// Codes of the control plane's protocols (query XML for IAM, STS and
// CloudFormation; JSON and REST JSON; S3's REST XML), mostly for
// authentication failures worded per protocol by FromSigV4.
const (
	ServiceFailure                Code = "ServiceFailure"
	UnmodifiableEntity            Code = "UnmodifiableEntity"
	PolicyNotAttachable           Code = "PolicyNotAttachable"
	ConcurrentModification        Code = "ConcurrentModification"
	InvalidChangeSetStatus        Code = "InvalidChangeSetStatus"
	LimitExceededException        Code = "LimitExceededException"
	TokenAlreadyExistsException   Code = "TokenAlreadyExistsException"
	PackedPolicyTooLarge          Code = "PackedPolicyTooLarge"
	MalformedQueryString          Code = "MalformedQueryString"
	ValidationException           Code = "ValidationException"
	UnknownOperationException     Code = "UnknownOperationException"
	SerializationException        Code = "SerializationException"
	InvalidSignatureException     Code = "InvalidSignatureException"
	IncompleteSignatureException  Code = "IncompleteSignatureException"
	MissingAuthTokenException     Code = "MissingAuthenticationTokenException"
	ExpiredTokenException         Code = "ExpiredTokenException"
	InvalidAccessKeyID            Code = "InvalidAccessKeyId"
	InvalidToken                  Code = "InvalidToken"
	RequestTimeTooSkewed          Code = "RequestTimeTooSkewed"
	XAmzContentSHA256Mismatch     Code = "XAmzContentSHA256Mismatch"
	AuthorizationHeaderMalformed  Code = "AuthorizationHeaderMalformed"
	AuthorizationQueryParamsError Code = "AuthorizationQueryParametersError"
	InvalidRequest                Code = "InvalidRequest"
	IncompleteBody                Code = "IncompleteBody"
	// ServiceUnavailable is the query protocols' 503 ("the request has
	// failed due to a temporary failure of the server"), answered while a
	// server shuts down.
	ServiceUnavailable Code = "ServiceUnavailable"
	// NotImplemented answers a request for a service iamgate does not
	// serve (Unserved), and S3's operations it does not implement.
	NotImplemented Code = "NotImplemented"
)
