package awserr

import (
	"net/http"
	"slices"
)

// Codes shared across services. Each service's own codes are added to the
// table below; a code missing from the table is a bug caught by a test.
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
)

type entry struct {
	status int
	// sender is true for client faults (<Type>Sender</Type> in query XML).
	sender bool
}

var table = map[Code]entry{
	InternalFailure:             {http.StatusInternalServerError, false},
	AccessDenied:                {http.StatusForbidden, true},
	AccessDeniedException:       {http.StatusForbidden, true},
	ValidationError:             {http.StatusBadRequest, true},
	InvalidAction:               {http.StatusBadRequest, true},
	MissingAction:               {http.StatusBadRequest, true},
	InvalidParameterValue:       {http.StatusBadRequest, true},
	MissingParameter:            {http.StatusBadRequest, true},
	NoSuchEntity:                {http.StatusNotFound, true},
	EntityAlreadyExists:         {http.StatusConflict, true},
	LimitExceeded:               {http.StatusConflict, true},
	MalformedPolicyDocument:     {http.StatusBadRequest, true},
	InvalidInput:                {http.StatusBadRequest, true},
	DeleteConflict:              {http.StatusConflict, true},
	SignatureDoesNotMatch:       {http.StatusForbidden, true},
	IncompleteSignature:         {http.StatusBadRequest, true},
	InvalidClientTokenID:        {http.StatusForbidden, true},
	ExpiredToken:                {http.StatusForbidden, true},
	MissingAuthenticationToken:  {http.StatusForbidden, true},
	UnrecognizedClientException: {http.StatusForbidden, true},
	AlreadyExistsException:      {http.StatusBadRequest, true},
	ResourceNotFoundException:   {http.StatusNotFound, true},
	ResourceConflictException:   {http.StatusConflict, true},
	InvalidParameterValueExc:    {http.StatusBadRequest, true},
	ChangeSetNotFound:           {http.StatusNotFound, true},
	InsufficientCapabilities:    {http.StatusBadRequest, true},
	NotFoundException:           {http.StatusNotFound, true},
	NoSuchBucket:                {http.StatusNotFound, true},
	NoSuchKey:                   {http.StatusNotFound, true},
	BucketAlreadyOwnedByYou:     {http.StatusConflict, true},
	BadRequestException:         {http.StatusBadRequest, true},
	ConflictException:           {http.StatusConflict, true},

	ServiceFailure:                {http.StatusInternalServerError, false},
	UnmodifiableEntity:            {http.StatusBadRequest, true},
	PolicyNotAttachable:           {http.StatusBadRequest, true},
	ConcurrentModification:        {http.StatusConflict, true},
	InvalidChangeSetStatus:        {http.StatusBadRequest, true},
	LimitExceededException:        {http.StatusBadRequest, true},
	TokenAlreadyExistsException:   {http.StatusBadRequest, true},
	PackedPolicyTooLarge:          {http.StatusBadRequest, true},
	MalformedQueryString:          {http.StatusBadRequest, true},
	ValidationException:           {http.StatusBadRequest, true},
	UnknownOperationException:     {http.StatusBadRequest, true},
	SerializationException:        {http.StatusBadRequest, true},
	InvalidSignatureException:     {http.StatusForbidden, true},
	IncompleteSignatureException:  {http.StatusForbidden, true},
	MissingAuthTokenException:     {http.StatusForbidden, true},
	ExpiredTokenException:         {http.StatusForbidden, true},
	InvalidAccessKeyID:            {http.StatusForbidden, true},
	InvalidToken:                  {http.StatusBadRequest, true},
	RequestTimeTooSkewed:          {http.StatusForbidden, true},
	XAmzContentSHA256Mismatch:     {http.StatusBadRequest, true},
	AuthorizationHeaderMalformed:  {http.StatusBadRequest, true},
	AuthorizationQueryParamsError: {http.StatusBadRequest, true},
	InvalidRequest:                {http.StatusBadRequest, true},
	IncompleteBody:                {http.StatusBadRequest, true},
	ServiceUnavailable:            {http.StatusServiceUnavailable, false},
}

// Codes lists every code of the table, for tests that walk them all.
func Codes() []Code {
	out := make([]Code, 0, len(table))
	for c := range table {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Status is the HTTP status AWS answers with for code.
func Status(code Code) int {
	if e, ok := table[code]; ok {
		return e.status
	}
	return http.StatusBadRequest
}

// Sender reports whether code is a client fault.
func Sender(code Code) bool {
	if e, ok := table[code]; ok {
		return e.sender
	}
	return true
}
