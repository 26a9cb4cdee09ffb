package arn

import (
	"errors"
	"strings"
)

// ARN is an Amazon Resource Name split into its parts. Resource keeps any
// further ':' or '/' it contains (for example "function:my-fn:alias" or
// "abc123defg/v1/GET/hello").
type ARN struct {
	Partition, Service, Region, AccountID, Resource string
}

// ErrMalformed is wrapped by every Parse error.
var ErrMalformed = errors.New("malformed ARN")

// Parse splits s into its six parts. It requires the "arn" prefix, six
// colon-separated parts, and a non-empty partition, service and resource;
// region and account may be empty (S3 and IAM ARNs leave them empty).
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmtErr(s, "expected arn:partition:service:region:account-id:resource")
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: parts[5]}
	switch {
	case a.Partition == "":
		return ARN{}, fmtErr(s, "empty partition")
	case a.Service == "":
		return ARN{}, fmtErr(s, "empty service")
	case a.Resource == "":
		return ARN{}, fmtErr(s, "empty resource")
	}
	return a, nil
}

func fmtErr(s, why string) error {
	return &parseError{input: s, why: why}
}

type parseError struct{ input, why string }

func (e *parseError) Error() string { return "arn: malformed ARN " + quote(e.input) + ": " + e.why }
func (e *parseError) Unwrap() error { return ErrMalformed }

// quote keeps error text short and printable without pulling in strconv's
// escaping of every non-ASCII rune.
func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return `"` + s + `"`
}

// String formats a as arn:partition:service:region:account-id:resource.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// Match reports whether arn matches pattern with IAM wildcard rules: '*' and
// '?' within each of the first five colon-separated segments, and across '/'
// and ':' in the resource segment. A lone "*" matches anything. Matching is
// case-sensitive, as IAM's Resource element and ArnLike are.
func Match(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	if strings.Count(pattern, ":") < 5 || strings.Count(arn, ":") < 5 {
		// Not ARN-shaped: fall back to a whole-string wildcard match, which is
		// what IAM does for a non-ARN value in an ArnLike condition.
		return strings.Count(pattern, ":") < 5 && strings.Count(arn, ":") < 5 && Glob(pattern, arn)
	}
	// Walk the first five segments without allocating; the rest is the resource.
	for i := 0; i < 5; i++ {
		var p, a string
		p, pattern, _ = strings.Cut(pattern, ":")
		a, arn, _ = strings.Cut(arn, ":")
		if !Glob(p, a) {
			return false
		}
	}
	return Glob(pattern, arn)
}
