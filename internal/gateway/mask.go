package gateway

import "strings"

// maskAccountIDs hides all but the last four digits of each account id in
// the ARNs of a message, as API Gateway's AccessDeniedException bodies do:
// "User: anonymous is not authorized to perform: execute-api:Invoke on
// resource: arn:aws:execute-api:us-west-2:********2543:vd2gh6uqw3/api/GET/"
// (reported in https://github.com/ASFHyP3/hyp3/issues/2283, 2024), and for the
// caller "User: arn:aws:sts::********5355:assumed-role/...". The decision
// trace (`iamgate why`) keeps them in full.
//
// An account id is the twelve digits after an ARN's partition, service and
// region fields, ending at a word boundary. It is a scan, not a regular
// expression: every denied request writes this message, and the
// expression's replace cost a tenth of the denied path.
func maskAccountIDs(msg string) string {
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(msg[i:], "arn:aws")
		if j < 0 {
			break
		}
		at, ok := accountAt(msg, i+j)
		if !ok {
			i += j + 1
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(msg))
		}
		b.WriteString(msg[last:at])
		b.WriteString("********")
		last, i = at+8, at+12
	}
	if last == 0 {
		return msg
	}
	b.WriteString(msg[last:])
	return b.String()
}

// accountAt reports where the account id of the ARN starting at p begins:
// "arn:aws" [a-z-]* ":" [a-z0-9-]* ":" [a-z0-9-]* ":" then twelve digits
// not followed by a letter, digit or underscore.
func accountAt(s string, p int) (int, bool) {
	k := p + len("arn:aws")
	k = skipField(s, k, false)
	for range 2 {
		if k >= len(s) || s[k] != ':' {
			return 0, false
		}
		k = skipField(s, k+1, true)
	}
	if k >= len(s) || s[k] != ':' {
		return 0, false
	}
	at := k + 1
	if at+12 > len(s) {
		return 0, false
	}
	for i := at; i < at+12; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	if end := at + 12; end < len(s) && isWordByte(s[end]) {
		return 0, false
	}
	return at, true
}

// skipField passes [a-z-] (digits too when digits) from k.
func skipField(s string, k int, digits bool) int {
	for k < len(s) && ('a' <= s[k] && s[k] <= 'z' || s[k] == '-' || digits && isDigit(s[k])) {
		k++
	}
	return k
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWordByte is \w of Go's regular expressions: ASCII letters, digits, '_'.
func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}
