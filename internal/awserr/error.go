package awserr

import (
	"errors"
	"fmt"
)

// Code is an AWS error code as it appears on the wire (NoSuchEntity,
// AccessDenied, ValidationError, ...). Domain packages return errors carrying
// a Code; only the protocol edge turns them into status lines and bodies.
type Code string

// Error is a domain error with the AWS code and message a caller should see.
type Error struct {
	Code    Code
	Message string
	// Reason is the Reason member some REST-JSON errors carry (Lambda's
	// TooManyRequestsException); "" writes none.
	Reason string
}

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// As extracts the *Error in err's chain. Any other error becomes an
// InternalFailure whose message does not leak the internal text.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: InternalFailure, Message: "We encountered an internal error. Please try again."}
}

// Is reports whether err carries code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
