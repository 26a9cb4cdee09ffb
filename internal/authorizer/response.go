package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Result is an authorizer function's answer, once API Gateway accepted it.
type Result struct {
	// PrincipalID is the caller as the authorizer names it.
	PrincipalID string
	// Policy is the returned policyDocument (nil for a simple response).
	Policy *Policy
	// Simple is an HTTP API simple response; Authorized is its isAuthorized.
	Simple     bool
	Authorized bool
	// Context holds the returned context: for REST APIs string, number
	// (json.Number) and boolean values only.
	Context map[string]any
	// UsageIdentifierKey is the API key for usage plans with
	// apiKeySource AUTHORIZER.
	UsageIdentifierKey string
}

// ErrInvalidResponse wraps every reason an authorizer's answer is refused;
// API Gateway answers 500 AuthorizerConfigurationException then.
var ErrInvalidResponse = errors.New("authorizer: invalid response")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidResponse, fmt.Sprintf(format, args...))
}

// Format says which answer shapes an authorizer may give.
type Format int

const (
	// FormatREST is a REST API TOKEN or REQUEST authorizer: principalId and
	// policyDocument required, context values string, number or boolean.
	FormatREST Format = iota
	// FormatHTTPPolicy is an HTTP API Lambda authorizer without simple
	// responses: the same IAM-shaped answer, context values any JSON.
	FormatHTTPPolicy
	// FormatHTTPSimple is an HTTP API Lambda authorizer with
	// EnableSimpleResponses: {"isAuthorized": bool, "context": {...}}.
	FormatHTTPSimple
)

// ParseResponse reads what an authorizer function returned.
func ParseResponse(out []byte, f Format) (*Result, error) {
	m, err := fields(out)
	if err != nil {
		return nil, invalid("the function's answer is not a JSON object")
	}
	if f == FormatHTTPSimple {
		return parseSimple(m)
	}
	r := &Result{}
	if err := json.Unmarshal(m["principalId"], &r.PrincipalID); err != nil && f == FormatREST {
		return nil, invalid("principalId must be a string")
	}
	if !present(m["policyDocument"]) {
		return nil, invalid("policyDocument is missing")
	}
	if r.Policy, err = parsePolicy(m["policyDocument"]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidResponse, err)
	}
	if r.Context, err = parseContext(m["context"], f == FormatREST); err != nil {
		return nil, err
	}
	if v, ok := m["usageIdentifierKey"]; ok && present(v) {
		if err := json.Unmarshal(v, &r.UsageIdentifierKey); err != nil {
			return nil, invalid("usageIdentifierKey must be a string")
		}
	}
	return r, nil
}

// parseSimple reads an HTTP API simple response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
func parseSimple(m map[string]json.RawMessage) (*Result, error) {
	r := &Result{Simple: true}
	if err := json.Unmarshal(m["isAuthorized"], &r.Authorized); err != nil {
		return nil, invalid("isAuthorized must be a boolean")
	}
	ctx, err := parseContext(m["context"], false)
	if err != nil {
		return nil, err
	}
	r.Context = ctx
	return r, nil
}

// parseContext reads the context map. REST APIs accept only string,
// number and boolean values: "you cannot set a JSON object or array as a
// valid value of any key in the context map"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
func parseContext(raw json.RawMessage, scalarsOnly bool) (map[string]any, error) {
	if !present(raw) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var ctx map[string]any
	if err := dec.Decode(&ctx); err != nil {
		return nil, invalid("context must be an object")
	}
	if !scalarsOnly {
		return ctx, nil
	}
	for k, v := range ctx {
		switch v.(type) {
		case string, json.Number, bool:
		default:
			return nil, invalid("context value %q must be a string, number or boolean", k)
		}
	}
	return ctx, nil
}

// Unauthorized reports whether a failed invocation is the function saying
// "Unauthorized": an error whose errorMessage is exactly that word, which
// API Gateway answers with 401 instead of 500
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html,
// the sample authorizers `raise Exception('Unauthorized')` /
// `callback("Unauthorized")`).
func Unauthorized(out []byte) bool {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	return json.Unmarshal(out, &e) == nil && e.ErrorMessage == "Unauthorized"
}
