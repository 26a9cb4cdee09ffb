package functions

import (
	"regexp"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Latest is the qualifier of a function's unpublished version.
const Latest = "$LATEST"

// qualifierPattern is the Qualifier pattern of the Lambda API reference
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#lambda-Invoke-request-Qualifier).
const qualifierPattern = `(|[a-zA-Z0-9$_-]+)`

var qualifierRE = regexp.MustCompile(`^` + qualifierPattern + `$`)

// aliasNamePattern is CreateAlias's Name pattern: not all digits (that is a
// version), letters, digits, '-' and '_'
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html#lambda-CreateAlias-request-Name).
const aliasNamePattern = `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`

var aliasChars = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// Split reduces a FunctionName form to the name and its qualifier ("" when
// it has none): "name", "name:live", "123456789012:function:name:7",
// "arn:aws:lambda:region:123456789012:function:name:live".
func Split(v string) (name, qualifier string) {
	if i := strings.Index(v, ":function:"); i >= 0 {
		v = v[i+len(":function:"):]
	}
	name, qualifier, _ = strings.Cut(v, ":")
	return name, qualifier
}

// Owner is the region and the account a FunctionName form names, "" for
// what it leaves out: a bare name names neither, a partial ARN
// (ACCOUNT:function:NAME) and an ARN without its region
// (arn:aws:lambda:ACCOUNT:function:NAME) only the account. Another region's
// or account's function of the same name is another function: Split's name
// alone must not decide which one is meant.
func Owner(v string) (region, account string) {
	i := strings.Index(v, ":function:")
	if i < 0 {
		return "", ""
	}
	f, n := arn.Fields(v[:i])
	switch {
	case f[0] != "arn":
		return "", f[n-1]
	case n == 5:
		return f[3], f[4]
	default:
		return "", f[n-1]
	}
}

// Qualify combines a FunctionName form with a Qualifier parameter as Lambda
// does: either may name the version or alias, and if both do they must
// agree.
func Qualify(functionName, param string) (name, qualifier string, err error) {
	name, qualifier = Split(functionName)
	if param != "" {
		if len(param) > 128 || !qualifierRE.MatchString(param) {
			return "", "", awserr.New(awserr.ValidationException,
				"1 validation error detected: Value '%s' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", param, qualifierPattern)
		}
		if qualifier != "" && qualifier != param {
			return "", "", awserr.New(InvalidParameter, "The derived qualifier from the function name does not match the specified qualifier.")
		}
		qualifier = param
	}
	return name, qualifier, nil
}

// IsVersion reports whether a qualifier names a published version: the
// decimal form Lambda writes (1, 2, ...). "01" is not version 1: read as 1
// it would be served as :1 while authorized as the ARN ending :01, around a
// Deny on :1.
func IsVersion(q string) bool {
	if q == "" || q[0] == '0' {
		return false
	}
	for _, r := range q {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ValidateAliasName checks an alias Name as CreateAlias does.
func ValidateAliasName(v string) error {
	switch {
	case v == "":
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	case len(v) > 128:
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must have length less than or equal to 128", v)
	case !aliasChars.MatchString(v) || IsVersion(v):
		return awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, aliasNamePattern)
	}
	return nil
}
