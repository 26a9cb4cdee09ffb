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
	f, n := Fields(s)
	if n != 6 || f[0] != "arn" {
		return ARN{}, fmtErr(s, "expected arn:partition:service:region:account-id:resource")
	}
	a := ARN{Partition: f[1], Service: f[2], Region: f[3], AccountID: f[4], Resource: f[5]}
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

// Fields splits s as IAM reads an ARN-shaped text that need not be a whole
// ARN, such as a policy's Resource element: up to six colon-separated
// fields, the sixth keeping any further ':'. It checks nothing (fewer
// fields, empty ones and wildcards are kept as they are): n is the number
// of fields s has, and joining f[:n] with ':' gives s back. Parse is Fields
// plus the rules of a whole ARN.
func Fields(s string) (f [6]string, n int) {
	for n < 5 {
		field, rest, found := strings.Cut(s, ":")
		f[n], n = field, n+1
		if !found {
			return f, n
		}
		s = rest
	}
	f[5] = s
	return f, 6
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
