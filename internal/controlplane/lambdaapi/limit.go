package lambdaapi

import (
	"net/http"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
)

// RequestEntityTooLarge is Lambda's 413 for a request body over an
// operation's limit ("RequestEntityTooLargeException: Request must be
// smaller than 69905067 bytes for the CreateFunction operation", status
// 413: https://github.com/apex/up/issues/222,
// https://github.com/localstack/localstack/pull/2999). Invoke has its own
// code, RequestTooLargeException.
const RequestEntityTooLarge awserr.Code = "RequestEntityTooLargeException"

// maxCodeRequest is the body limit of CreateFunction and UpdateFunctionCode:
// a 50 MB (52,428,800-byte) zip uploaded directly ("Deployment package
// size", Lambda quotas), base64-encoded in JSON: 69,905,067 bytes, the number
// in Lambda's message.
const maxCodeRequest = 69905067

// limitOf is an operation's body limit and the code Lambda answers past it.
func limitOf(op string) (int64, awserr.Code) {
	switch op {
	case "CreateFunction", "UpdateFunctionCode", "PublishLayerVersion":
		return maxCodeRequest, RequestEntityTooLarge
	case "Invoke":
		return maxRequest, RequestTooLarge
	}
	return maxRequest, RequestEntityTooLarge
}

// BodyLimit is the mount's controlplane.Mount.Limit: the dispatcher refuses
// a larger body before the signature is checked. Unknown routes get the
// dispatcher's default.
func (h *Handler) BodyLimit(r *http.Request) controlplane.BodyLimit {
	rt, ok := parseRoute(r.Method, r.URL.EscapedPath())
	if !ok {
		return controlplane.BodyLimit{}
	}
	n, _ := limitOf(rt.op)
	return controlplane.BodyLimit{Max: n, Err: tooLarge(rt.op)}
}
