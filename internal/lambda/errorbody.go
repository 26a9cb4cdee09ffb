package lambda

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// errorRequest is the body a runtime posts to /invocation/{id}/error and
// /init/error (Content-Type application/vnd.aws.lambda.error+json): Lambda's
// standard error format, described in the header of runtime-api.yaml.
type errorRequest struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace,omitempty"`
}

// functionError is what an invocation that failed returns to the caller.
type functionError struct {
	payload   []byte // the error document returned as the Invoke payload
	errorType string // for logs and the INIT_REPORT line
}

// parseErrorBody turns a runtime's error post into the payload Invoke
// returns. A JSON object is passed on unchanged (Lambda returns what the
// runtime reported, e.g. the Python runtime's requestId and stackTrace); when
// the body is missing or unreadable Lambda falls back to the
// Lambda-Runtime-Function-Error-Type header (runtime-api.yaml header note).
func parseErrorBody(body []byte, headerType string) functionError {
	trimmed := bytes.TrimSpace(body)
	var obj map[string]json.RawMessage
	if len(trimmed) > 0 && json.Unmarshal(trimmed, &obj) == nil && obj != nil {
		var er errorRequest
		_ = json.Unmarshal(trimmed, &er) // best effort: fields may have other types
		typ := er.ErrorType
		if typ == "" {
			typ = headerType
		}
		return functionError{payload: append([]byte(nil), trimmed...), errorType: typ}
	}
	typ := headerType
	if typ == "" {
		typ = "Runtime.Unknown"
	}
	payload, _ := json.Marshal(errorRequest{ErrorMessage: "Unknown application error occurred", ErrorType: typ})
	return functionError{payload: payload, errorType: typ}
}

// platformError is the payload of an error detected by Lambda itself rather
// than reported by the runtime, e.g.
// {"errorMessage":"RequestId: 9f8e... Error: Runtime exited with error: exit status 1","errorType":"Runtime.ExitError"}.
func platformError(requestID, errorType, reason string) functionError {
	payload, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{fmt.Sprintf("RequestId: %s Error: %s", requestID, reason), errorType})
	return functionError{payload: payload, errorType: errorType}
}

// timeoutMessage is Lambda's timeout text, used both as the log line and in
// the payload: "2020-11-10T05:46:57.874Z 160788cd-... Task timed out after 3.00 seconds"
// (https://github.com/alexa-samples/skill-sample-nodejs-smarthome-switch/issues/18).
func timeoutMessage(at time.Time, requestID string, timeout time.Duration) string {
	return fmt.Sprintf("%s %s Task timed out after %.2f seconds",
		at.UTC().Format(logTimeLayout), requestID, timeout.Seconds())
}

// timeoutError is the Invoke payload of a timed-out invocation: only
// errorMessage, no errorType.
func timeoutError(msg string) functionError {
	payload, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
	}{msg})
	return functionError{payload: payload, errorType: "Sandbox.Timedout"}
}

const logTimeLayout = "2006-01-02T15:04:05.000Z"
