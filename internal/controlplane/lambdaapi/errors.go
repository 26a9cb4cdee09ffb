package lambdaapi

import (
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// Lambda error codes the central awserr table does not carry
// (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html and
// each operation's Errors section).
const (
	InvalidRequestContent awserr.Code = "InvalidRequestContentException"
	RequestTooLarge       awserr.Code = "RequestTooLargeException"
	ServiceException      awserr.Code = "ServiceException"
	ResourceNotFound                  = functions.ResourceNotFound
	ResourceConflict                  = functions.ResourceConflict
	InvalidParameter                  = functions.InvalidParameter
)

// maxRequest is Lambda's synchronous payload limit, 6 MB (6,291,456 bytes,
// "Request must be smaller than 6291456 bytes for the InvokeFunction
// operation"), also used for operations whose own limit is not published.
const maxRequest = 6291456

// maxCreate bounds CreateFunction/UpdateFunctionCode bodies (limit.go).
const maxCreate = maxCodeRequest

// tooLarge is Lambda's answer to a body over op's limit.
func tooLarge(op string) *awserr.Error {
	n, code := limitOf(op)
	name := op
	if op == "Invoke" {
		name = "InvokeFunction"
	}
	return awserr.New(code, "Request must be smaller than %s bytes for the %s operation", strconv.FormatInt(n, 10), name)
}
