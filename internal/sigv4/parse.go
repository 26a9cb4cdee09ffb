package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Credential is the parsed Credential parameter:
// "AKID/20150830/us-east-1/service/aws4_request".
type Credential struct {
	AccessKeyID string
	Date        string // YYYYMMDD as sent
	Region      string
	Service     string
	Terminator  string
}

// Scope returns the credential scope as sent: date/region/service/terminator.
func (c Credential) Scope() string {
	return c.Date + "/" + c.Region + "/" + c.Service + "/" + c.Terminator
}

// Authorization is a parsed SigV4 Authorization header or presigned query.
type Authorization struct {
	Algorithm     string
	Credential    Credential
	SignedHeaders []string // as sent, split on ';'
	Signature     string

	// Presigned query only.
	Date    string // X-Amz-Date as sent
	Expires time.Duration
	// HasExpires is false when X-Amz-Expires was not sent: outside S3 the
	// URL is then held to the header form's clock window (see checkTime).
	HasExpires    bool
	SecurityToken string
}

// Wording of the parse failures, as API Gateway returns them.
const (
	msgNeedCredential    = "Authorization header requires 'Credential' parameter."
	msgNeedSignature     = "Authorization header requires 'Signature' parameter."
	msgNeedSignedHeaders = "Authorization header requires 'SignedHeaders' parameter."
	msgNeedDate          = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
)

// ParseAuthorization parses an Authorization header value. hasDate tells
// whether the request carries an X-Amz-Date or Date header: AWS reports a
// missing date in the same IncompleteSignature message as missing parts.
//
// AWS's checks, in order: every comma-separated element after the algorithm
// must be key=value ("'x' not a valid key=value pair (missing equal-sign) in
// Authorization header: '<value>'."), then Credential, Signature and
// SignedHeaders must be present (one sentence per missing part, then
// "Authorization=<value>"), then the algorithm and the credential's shape.
func ParseAuthorization(value string, hasDate bool) (Authorization, *Error) {
	var a Authorization
	alg, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	a.Algorithm = alg
	var hasCred, hasSig, hasSigned bool
	// Each comma-separated element, as strings.Split would give them,
	// without the slice.
	for more := true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return a, incomplete(fmt.Sprintf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, value))
		}
		switch strings.TrimSpace(k) {
		case "Credential":
			hasCred = true
			a.Credential.AccessKeyID = v // parsed below, once presence is known
		case "SignedHeaders":
			hasSigned = true
			a.SignedHeaders = splitSignedHeaders(v)
		case "Signature":
			hasSig = true
			a.Signature = strings.TrimSpace(v)
		}
	}
	var missing []string
	for _, p := range []struct {
		seen bool
		msg  string
	}{
		{hasCred, msgNeedCredential}, {hasSig, msgNeedSignature}, {hasSigned, msgNeedSignedHeaders},
	} {
		if !p.seen {
			missing = append(missing, p.msg)
		}
	}
	if !hasDate {
		missing = append(missing, msgNeedDate)
	}
	if len(missing) > 0 {
		return a, incomplete(strings.Join(missing, " ") + " Authorization=" + value)
	}
	if a.Algorithm != Algorithm {
		return a, &Error{Reason: UnsupportedAlgorithm, Message: "Unsupported algorithm: '" + a.Algorithm + "'."}
	}
	cred, err := ParseCredential(a.Credential.AccessKeyID)
	if err != nil {
		return a, err
	}
	a.Credential = cred
	return a, nil
}

func incomplete(msg string) *Error { return &Error{Reason: IncompleteSignature, Message: msg} }

func splitSignedHeaders(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	return strings.Split(v, ";")
}

// ParseCredential splits a Credential value into its five parts.
func ParseCredential(v string) (Credential, *Error) {
	v = strings.TrimSpace(v)
	c, ok := cutCredential(v)
	if !ok {
		// Wording seen from AWS query and JSON services; not confirmed for execute-api.
		return Credential{}, incomplete(fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", v))
	}
	return c, nil
}

// cutCredential splits v at its slashes into the five parts of a
// credential (substrings of v: no slice is made); ok is false unless there
// are exactly five.
func cutCredential(v string) (c Credential, ok bool) {
	if strings.Count(v, "/") != 4 {
		return Credential{}, false
	}
	c.AccessKeyID, v, _ = strings.Cut(v, "/")
	c.Date, v, _ = strings.Cut(v, "/")
	c.Region, v, _ = strings.Cut(v, "/")
	c.Service, c.Terminator, _ = strings.Cut(v, "/")
	return c, true
}

// Presigned query parameter names.
const (
	QueryAlgorithm     = "X-Amz-Algorithm"
	QueryCredential    = "X-Amz-Credential"
	QueryDate          = "X-Amz-Date"
	QueryExpires       = "X-Amz-Expires"
	QuerySignedHeaders = "X-Amz-SignedHeaders"
	QuerySignature     = "X-Amz-Signature"
	QuerySecurityToken = "X-Amz-Security-Token"
)

// MaxPresignExpires is the longest X-Amz-Expires AWS accepts (seven days).
const MaxPresignExpires = 604800 * time.Second

// ParsePresigned parses the X-Amz-* parameters of a presigned URL's raw
// query. Missing parameters are reported together, one sentence each.
func ParsePresigned(rawQuery string) (Authorization, *Error) {
	q := presignParams(rawQuery)
	var a Authorization
	var missing []string
	for _, k := range []string{QueryAlgorithm, QueryCredential, QuerySignature, QuerySignedHeaders, QueryDate} {
		if _, ok := q[k]; !ok {
			missing = append(missing, "AWS query-string parameters must include '"+k+"'.")
		}
	}
	if len(missing) > 0 {
		e := incomplete(strings.Join(missing, " ") + " Re-examine the query-string parameters.")
		e.Presigned = true
		return a, e
	}
	a.Algorithm, a.Signature, a.Date = q[QueryAlgorithm], q[QuerySignature], q[QueryDate]
	a.SignedHeaders = splitSignedHeaders(q[QuerySignedHeaders])
	a.SecurityToken = q[QuerySecurityToken]
	if a.Algorithm != Algorithm {
		return a, &Error{Reason: UnsupportedAlgorithm, Presigned: true,
			Message: "X-Amz-Algorithm only supports \"" + Algorithm + "\""}
	}
	exp, ok, err := parseExpires(q)
	if err != nil {
		return a, err
	}
	a.Expires, a.HasExpires = exp, ok
	cred, err := ParseCredential(q[QueryCredential])
	if err != nil {
		err.Presigned = true
		return a, err
	}
	a.Credential = cred
	return a, nil
}

// parseExpires reads X-Amz-Expires, in [0, 604800] (S3 wording:
// "X-Amz-Expires must be less than a week (in seconds) that is 604800").
// Absent is not an error here: S3 requires it (checkTime), other services
// accept a presigned URL without it as a request signed at X-Amz-Date, as
// clients such as aws4 send execute-api URLs.
func parseExpires(q map[string]string) (time.Duration, bool, *Error) {
	v, ok := q[QueryExpires]
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		return 0, true, &Error{Reason: IncompleteSignature, Presigned: true, Message: "X-Amz-Expires should be a number"}
	case n < 0:
		return 0, true, &Error{Reason: IncompleteSignature, Presigned: true, Message: "X-Amz-Expires must be non-negative"}
	case time.Duration(n)*time.Second > MaxPresignExpires:
		return 0, true, &Error{Reason: IncompleteSignature, Presigned: true, Message: "X-Amz-Expires must be less than a week (in seconds) that is 604800"}
	}
	return time.Duration(n) * time.Second, true, nil
}

// msgNeedExpires is S3's answer to a presigned URL without X-Amz-Expires.
const msgNeedExpires = "AWS query-string parameters must include '" + QueryExpires + "'. Re-examine the query-string parameters."

// presignParams decodes the X-Amz-* parameters of a raw query (first value
// wins, as AWS reads them).
func presignParams(rawQuery string) map[string]string {
	q := make(map[string]string, 7)
	for _, p := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(p, "=")
		k = queryDecode(k)
		if !strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		if _, dup := q[k]; !dup {
			q[k] = queryDecode(v)
		}
	}
	return q
}

// HasAuth reports whether r carries any SigV4 material: an Authorization
// header or X-Amz-* authentication parameters in the query.
func HasAuth(r *http.Request) bool { return KindOf(r) != None }

func isPresigned(rawQuery string) bool {
	if rawQuery == "" {
		return false
	}
	q := presignParams(rawQuery)
	_, a := q[QueryAlgorithm]
	_, c := q[QueryCredential]
	_, s := q[QuerySignature]
	return a || c || s
}

// ParseAmzDate parses an X-Amz-Date value. AWS's wording on failure:
// "Date must be in ISO-8601 'basic format'. Got '<value>'. See http://en.wikipedia.org/wiki/ISO_8601".
func ParseAmzDate(v string) (time.Time, *Error) {
	if t, ok := parseBasicTime(v); ok {
		return t, nil
	}
	t, err := time.Parse(TimeFormat, v)
	if err != nil {
		return time.Time{}, &Error{Reason: BadDate,
			Message: "Date must be in ISO-8601 'basic format'. Got '" + v + "'. See http://en.wikipedia.org/wiki/ISO_8601"}
	}
	return t, nil
}

// parseBasicTime reads the form every signer sends, YYYYMMDDTHHMMSSZ,
// field by field, where time.Parse interprets its layout each time. It
// accepts only what time.Parse(TimeFormat, v) accepts with the same
// result (FuzzParseBasicTime holds it to that); ok is false for anything
// else, valid or not (a one-digit hour, a fraction of a second), which
// then takes time.Parse's way.
func parseBasicTime(v string) (t time.Time, ok bool) {
	if len(v) != len(TimeFormat) || v[8] != 'T' || v[15] != 'Z' {
		return time.Time{}, false
	}
	var n [14]int
	for i, j := 0, 0; i < 15; i++ {
		if i == 8 {
			continue
		}
		c := v[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n[j] = int(c - '0')
		j++
	}
	year := n[0]*1000 + n[1]*100 + n[2]*10 + n[3]
	month := time.Month(n[4]*10 + n[5])
	day := n[6]*10 + n[7]
	hour, minute, sec := n[8]*10+n[9], n[10]*10+n[11], n[12]*10+n[13]
	if month < time.January || month > time.December || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, month, day, hour, minute, sec, 0, time.UTC), true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2) // 31 in Jan, Mar, May, Jul, Aug, Oct, Dec
}

// requestDate finds the signing time of a header-signed request:
// X-Amz-Date first, else Date (ISO 8601 basic or an HTTP date).
func requestDate(h http.Header) (time.Time, bool, *Error) {
	if v := getCanonical(h, hdrAmzDate); v != "" {
		t, err := ParseAmzDate(v)
		return t, true, err
	}
	v := getCanonical(h, hdrDate)
	if v == "" {
		return time.Time{}, false, nil
	}
	if t, err := ParseAmzDate(v); err == nil {
		return t, true, nil
	}
	t, err := http.ParseTime(v)
	if err != nil {
		_, e := ParseAmzDate(v)
		return time.Time{}, true, e
	}
	return t.UTC(), true, nil
}
