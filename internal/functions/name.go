package functions

import (
	"regexp"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// FunctionNamePattern is the FunctionName pattern of the Lambda API
// reference (CreateFunction, DeleteFunction, GetFunction, AddPermission...,
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName):
// a name, a partial ARN or an ARN, with an optional qualifier.
const FunctionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

var functionName = regexp.MustCompile(`^(?:` + FunctionNamePattern + `)$`)

// Lambda's length limits: 140 characters for FunctionName as sent (an ARN
// with a qualifier), 64 for the name itself.
const (
	maxFunctionName = 140
	maxName         = 64
)

// ValidateName checks a FunctionName as Lambda does before anything else,
// with Lambda's ValidationException text. Every name that reaches the store
// or the runtime has passed it: names never become paths here (code is kept
// by content hash), but they must still never be "..", "a/b" or empty.
func ValidateName(v string) error {
	switch {
	case v == "":
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null")
	case len(v) > maxFunctionName:
		return lengthError(v, maxFunctionName)
	case !plainName(v) && !functionName.MatchString(v):
		return awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
			v, FunctionNamePattern)
	case len(NameOf(v)) > maxName:
		return lengthError(v, maxName)
	}
	return nil
}

// plainName reports whether v is a bare name, [a-zA-Z0-9-_]+: the pattern's
// name group alone matches it, so the regular expression need not run. It
// is what every read of a stored function checks (twice per API Gateway
// invoke: the function and its policy), where the expression was 3% of the
// server's CPU.
func plainName(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func lengthError(v string, limit int) error {
	return awserr.New(awserr.ValidationException,
		"1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to %d", v, limit)
}

// NameOf reduces the FunctionName forms Lambda accepts to the name: "name",
// "name:qualifier", "123456789012:function:name[:qualifier]",
// "arn:aws:lambda:region:123456789012:function:name[:qualifier]".
func NameOf(v string) string {
	if i := strings.Index(v, ":function:"); i >= 0 {
		v = v[i+len(":function:"):]
	}
	name, _, _ := strings.Cut(v, ":")
	return name
}
