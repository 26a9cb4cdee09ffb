package awserr

import "net/http"

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
