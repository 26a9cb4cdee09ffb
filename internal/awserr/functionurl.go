package awserr

import (
	"bytes"
	"net/http"
)

// FunctionURLResponse is one answer a Lambda function URL writes itself
// (not its function's). Function URLs answer in Lambda's REST JSON types
// but with their own bodies: {"Message":"..."} for their fixed answers and
// {"message":"..."} for a signature the service refuses
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html,
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
type FunctionURLResponse int

// The function URL responses iamgate writes.
const (
	URLForbidden       FunctionURLResponse = iota + 1 // unsigned on AWS_IAM, or not allowed
	URLSignatureError                                 // a signature that does not verify: sigv4's text
	URLInternalError                                  // authentication could not run
	URLRequestTooLarge                                // a body over the 6 MB synchronous payload
	URLFunctionError                                  // the function failed or answered in an invalid shape
	urlCount
)

type functionURLResponse struct {
	status  int
	errType string // x-amzn-ErrorType; "" sends none
	message string
	// lowerKey: the body's key is "message" (signature errors), else
	// "Message".
	lowerKey bool
}

// functionURLResponses is the one table of the function URL edge's own
// answers.
var functionURLResponses = [urlCount]functionURLResponse{
	URLForbidden:       {http.StatusForbidden, "AccessDeniedException", "Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html", false},
	URLSignatureError:  {http.StatusForbidden, "AccessDeniedException", "Forbidden", true},
	URLInternalError:   {http.StatusInternalServerError, "ServiceException", "Internal Server Error", false},
	URLRequestTooLarge: {http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation", false},
	// A function error or an invalid answer is 502 with no error type.
	URLFunctionError: {http.StatusBadGateway, "", "Internal Server Error", false},
}

func (u FunctionURLResponse) entry() functionURLResponse {
	if u <= 0 || u >= urlCount {
		return functionURLResponses[URLInternalError] // never reached: every constant has an entry (tested)
	}
	return functionURLResponses[u]
}

// Status is the HTTP status of the response.
func (u FunctionURLResponse) Status() int { return u.entry().status }

// WriteFunctionURLResponse writes resp with message ("" for its default
// text).
func WriteFunctionURLResponse(w http.ResponseWriter, resp FunctionURLResponse, message string) {
	e := resp.entry()
	if message == "" {
		message = e.message
	}
	key := `{"Message":`
	if e.lowerKey {
		key = `{"message":`
	}
	var b bytes.Buffer
	b.WriteString(key)
	b.Write(jsonString(message))
	b.WriteByte('}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if e.errType != "" {
		h.Set("x-amzn-ErrorType", e.errType)
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(b.Bytes())
}
