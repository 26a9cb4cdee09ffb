package lambdaapi

import (
	"net/http"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
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

// statuses is Lambda's HTTP status for codes the central table does not know.
var statuses = controlplane.Statuses{
	InvalidRequestContent: http.StatusBadRequest,
	RequestTooLarge:       http.StatusRequestEntityTooLarge,
	ServiceException:      http.StatusInternalServerError,
	ResourceNotFound:      http.StatusNotFound,
	ResourceConflict:      http.StatusConflict,
	InvalidParameter:      http.StatusBadRequest,
}

// maxRequest is Lambda's synchronous payload limit, 6 MB; request bodies
// (CreateFunction with a zip) are capped at 70 MB by Lambda but this
// server keeps one limit for simplicity.
const maxRequest = 6291456

// maxCreate bounds CreateFunction/UpdateFunctionCode bodies: a 50 MB zip
// base64-encoded.
const maxCreate = 70 << 20

func tooLarge(op string) error {
	if op == "Invoke" {
		op = "InvokeFunction"
	}
	return awserr.New(RequestTooLarge, "Request must be smaller than %s bytes for the %s operation", strconv.Itoa(maxRequest), op)
}
