package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Payload markers that stand in for a hex SHA-256 in the canonical request.
const (
	UnsignedPayload        = "UNSIGNED-PAYLOAD"
	StreamingPayload       = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrail  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrail = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// EmptySHA256 is the hex SHA-256 of an empty payload.
const EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TimeFormat is SigV4's ISO 8601 basic format (X-Amz-Date).
const TimeFormat = "20060102T150405Z"

// DateFormat is the credential-scope date.
const DateFormat = "20060102"

// CanonicalURI returns the canonical URI of a path exactly as it appeared on
// the wire (escaped, as in the request line).
//
// Every service but S3 removes dot segments and repeated slashes from the
// raw path, then URI-encodes it again, so an escape such as %20 becomes
// %2520 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html:
// "each path segment must be URI-encoded twice"). S3 keeps the path as it is
// and encodes it once: existing escapes are decoded and re-encoded
// canonically, other bytes are encoded.
func CanonicalURI(rawPath string, s3 bool) string {
	if rawPath == "" {
		return "/"
	}
	if !s3 {
		if p := normalizePath(rawPath); !needsEncoding(p, false) {
			return p // most paths: no copy
		}
	}
	return string(appendCanonicalURI(nil, rawPath, s3))
}

// appendCanonicalURI appends CanonicalURI(rawPath, s3) to b.
func appendCanonicalURI(b []byte, rawPath string, s3 bool) []byte {
	if rawPath == "" {
		return append(b, '/')
	}
	if s3 {
		return appendEncodedOnce(b, rawPath)
	}
	return appendURIEncoded(b, normalizePath(rawPath), false)
}

// normalizePath removes "." and ".." segments and empty segments (repeated
// slashes), keeping a leading and a trailing slash.
func normalizePath(p string) string {
	if isNormalPath(p) {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	var b strings.Builder
	b.Grow(len(p) + 1)
	b.WriteByte('/')
	b.WriteString(strings.Join(out, "/"))
	if len(out) > 0 && strings.HasSuffix(p, "/") {
		b.WriteByte('/')
	}
	return b.String()
}

// isNormalPath reports whether normalizePath would return p unchanged: a
// leading slash, no empty segment inside, no "." or ".." segment (most
// paths, which then cost no split and join).
func isNormalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		seg := p[i+1:]
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
			if seg == "" {
				return false // "//"
			}
		}
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// appendEncodedOnce appends S3's canonical path: valid escapes decoded,
// every byte but the unreserved ones and '/' encoded. An escaped slash
// (%2F) stays escaped, because the SDKs sign it that way.
func appendEncodedOnce(b []byte, p string) []byte {
	// The path starts with '/' exactly when p does (an escaped slash stays
	// escaped), so a missing one is written first.
	if p == "" || p[0] != '/' {
		b = append(b, '/')
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			d := unhex(p[i+1])<<4 | unhex(p[i+2])
			i += 2
			b = appendEncoded(b, d, true)
			continue
		}
		b = appendEncoded(b, c, false)
	}
	return b
}

// uriEncode encodes every byte of s except the unreserved characters
// (A-Z a-z 0-9 - . _ ~) and, unless encodeSlash, '/'.
func uriEncode(s string, encodeSlash bool) string {
	if !needsEncoding(s, encodeSlash) {
		return s
	}
	return string(appendURIEncoded(make([]byte, 0, len(s)+16), s, encodeSlash))
}

// appendURIEncoded appends uriEncode(s, encodeSlash) to b.
func appendURIEncoded(b []byte, s string, encodeSlash bool) []byte {
	if !needsEncoding(s, encodeSlash) {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		b = appendEncoded(b, s[i], encodeSlash)
	}
	return b
}

func needsEncoding(s string, encodeSlash bool) bool {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && (encodeSlash || s[i] != '/') {
			return true
		}
	}
	return false
}

const upperHex = "0123456789ABCDEF"

func appendEncoded(b []byte, c byte, encodeSlash bool) []byte {
	if unreserved(c) || (c == '/' && !encodeSlash) {
		return append(b, c)
	}
	return append(b, '%', upperHex[c>>4], upperHex[c&15])
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// queryDecode decodes a query component the way servers (and net/url) do:
// '+' is a space, valid %XX escapes are decoded, anything else is literal.
func queryDecode(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// CanonicalQuery returns the canonical query string of a raw query (as on
// the wire, without '?'): each name and value decoded then URI-encoded,
// pairs sorted by name then value, a missing value written as "name=".
// With presigned set, the X-Amz-Signature parameter is left out.
func CanonicalQuery(rawQuery string, presigned bool) string {
	if rawQuery == "" {
		return ""
	}
	return string(appendCanonicalQuery(nil, rawQuery, presigned))
}

// queryPair is one name=value of a canonical query, both encoded.
type queryPair struct{ k, v string }

// appendCanonicalQuery appends CanonicalQuery(rawQuery, presigned) to b.
func appendCanonicalQuery(b []byte, rawQuery string, presigned bool) []byte {
	if rawQuery == "" {
		return b
	}
	var buf [16]queryPair // most queries: the pairs on the stack
	pairs := buf[:0]
	for rest, more := rawQuery, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, "&")
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		k = queryDecode(k)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, queryPair{uriEncode(k, true), uriEncode(queryDecode(v), true)})
	}
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.k...)
		b = append(b, '=')
		b = append(b, p.v...)
	}
	return b
}

// CanonicalHeaders returns the canonical headers block (each line
// "name:value\n") for the signed header names, which must be lower case and
// sorted. host is the Host header (net/http moves it out of Header). Values
// of a repeated header are joined with ',' in order; each value is trimmed
// and its runs of spaces and tabs squeezed to one space. A signed header that
// is absent yields an empty value, as AWS computes it.
func CanonicalHeaders(h http.Header, host string, signed []string) string {
	return string(appendCanonicalHeaders(nil, h, host, signed))
}

// appendCanonicalHeaders appends CanonicalHeaders(h, host, signed) to b,
// each header looked up once.
func appendCanonicalHeaders(b []byte, h http.Header, host string, signed []string) []byte {
	for _, name := range signed {
		b = append(b, name...)
		b = append(b, ':')
		if name == "host" && hostOutsideHeader(h, host) {
			b = appendSqueezed(b, host) // one value: no slice made
		} else {
			for j, v := range headerValues(h, host, name) {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendSqueezed(b, v)
			}
		}
		b = append(b, '\n')
	}
	return b
}

// hostOutsideHeader reports whether the host header's value is host (where
// net/http moves it), not a Host entry of h: headerValues's rule.
func hostOutsideHeader(h http.Header, host string) bool {
	_, inHeader := h["Host"]
	return !inHeader || host != ""
}

// headerValues finds a header by its lower-case name, whether or not the
// map key was canonicalized.
func headerValues(h http.Header, host, name string) []string {
	if name == "host" {
		if !hostOutsideHeader(h, host) {
			return h["Host"]
		}
		return []string{host}
	}
	if vs, ok := lookupCanonical(h, name); ok {
		return vs
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}

// lookupCanonical is h[textproto.CanonicalMIMEHeaderKey(name)] without
// the key's allocation: the canonical spelling is made in a stack buffer
// (names longer than it take textproto's way).
func lookupCanonical(h http.Header, name string) ([]string, bool) {
	var key [64]byte
	if len(name) > len(key) {
		vs, ok := h[textproto.CanonicalMIMEHeaderKey(name)]
		return vs, ok
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !tokenByte(c) { // textproto keeps such a name as it is
			vs, ok := h[textproto.CanonicalMIMEHeaderKey(name)]
			return vs, ok
		}
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		key[i] = c
		upper = c == '-'
	}
	vs, ok := h[string(key[:len(name)])]
	return vs, ok
}

// tokenByte reports whether c may appear in a header name (RFC 7230 tchar).
func tokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// appendSqueezed appends v trimmed, with each run of blanks (space, tab,
// and the line breaks of a folded header) replaced by one space.
func appendSqueezed(b []byte, v string) []byte {
	v = strings.Trim(v, " \t\r\n")
	blank := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			blank = true
			continue
		}
		if blank {
			b = append(b, ' ')
			blank = false
		}
		b = append(b, c)
	}
	return b
}

// CanonicalRequest joins the six parts of a canonical request.
func CanonicalRequest(method, canonicalURI, canonicalQuery, canonicalHeaders string, signedHeaders []string, payloadHash string) string {
	return method + "\n" + canonicalURI + "\n" + canonicalQuery + "\n" +
		canonicalHeaders + "\n" + strings.Join(signedHeaders, ";") + "\n" + payloadHash
}

// canonicalInput is what a request's canonical request is made of.
type canonicalInput struct {
	method, rawPath, rawQuery string
	s3URI, presigned          bool
	header                    http.Header
	host                      string
	signed                    []string
	payload                   string
}

// appendCanonicalRequest appends the canonical request of in to b: the
// parts CanonicalRequest joins, written into one buffer (the verifier's is
// on its stack) instead of a string per part.
func appendCanonicalRequest(b []byte, in *canonicalInput) []byte {
	b = append(b, in.method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, in.rawPath, in.s3URI)
	b = append(b, '\n')
	b = appendCanonicalQuery(b, in.rawQuery, in.presigned)
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, in.header, in.host, in.signed)
	b = append(b, '\n')
	for i, name := range in.signed {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, name...)
	}
	b = append(b, '\n')
	return append(b, in.payload...)
}

// Scope is a credential scope "date/region/service/aws4_request".
func Scope(t time.Time, region, service string) string {
	return t.UTC().Format(DateFormat) + "/" + region + "/" + service + "/aws4_request"
}

// StringToSign builds the string to sign of a canonical request.
func StringToSign(signedAt time.Time, scope, canonicalRequest string) string {
	return Algorithm + "\n" + signedAt.UTC().Format(TimeFormat) + "\n" + scope + "\n" + hashHex([]byte(canonicalRequest))
}

// appendStringToSign appends the string to sign of a canonical request
// signed at signedAt (UTC) within credential scope c, as sent.
func appendStringToSign(b []byte, signedAt time.Time, c *Credential, canonicalRequest []byte) []byte {
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = appendAmzTime(b, signedAt)
	b = append(b, '\n')
	b = append(b, c.Date...)
	b = append(b, '/')
	b = append(b, c.Region...)
	b = append(b, '/')
	b = append(b, c.Service...)
	b = append(b, '/')
	b = append(b, c.Terminator...)
	b = append(b, '\n')
	sum := sha256.Sum256(canonicalRequest)
	return hex.AppendEncode(b, sum[:])
}

// appendAmzTime appends t in TimeFormat, as t.Format(TimeFormat) would,
// without interpreting the layout each time; appendAmzDate the DateFormat
// part. Years outside 0..9999 (never parsed from a SigV4 date) take
// Format's way.
func appendAmzTime(b []byte, t time.Time) []byte {
	year, _, _ := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimeFormat)
	}
	b = appendAmzDate(b, t)
	hh, mm, ss := t.Clock()
	return append(b, 'T', byte('0'+hh/10), byte('0'+hh%10), byte('0'+mm/10), byte('0'+mm%10),
		byte('0'+ss/10), byte('0'+ss%10), 'Z')
}

func appendAmzDate(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, DateFormat)
	}
	return append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10),
		byte('0'+int(month)/10), byte('0'+int(month)%10), byte('0'+day/10), byte('0'+day%10))
}

// SigningKey derives the signing key of a secret for a day, region and service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// Signature is the hex HMAC-SHA256 of the string to sign.
func Signature(signingKey []byte, stringToSign string) string {
	var sig [2 * sha256.Size]byte
	return string(appendSignature(sig[:0], signingKey, stringToSign))
}

// appendSignature appends the hex HMAC-SHA256 of msg under signingKey.
func appendSignature[T string | []byte](b []byte, signingKey []byte, msg T) []byte {
	sum, ok := hmacSmall(signingKey, msg)
	if !ok {
		// string(msg) copies: msg, often on the caller's stack, stays there.
		return hex.AppendEncode(b, hmacSHA256(signingKey, string(msg)))
	}
	return hex.AppendEncode(b, sum[:])
}

// hmacSmall is HMAC-SHA256 (RFC 2104) of a key of at most one block and a
// message that fits a stack buffer: two SHA-256 sums over buffers on the
// stack, where crypto/hmac allocates five objects per signature. Every
// request's signature is one; ok is false for other sizes.
func hmacSmall[T string | []byte](key []byte, msg T) (sum [sha256.Size]byte, ok bool) {
	const block = 64
	var inner [block + 448]byte
	if len(key) > block || len(msg) > len(inner)-block {
		return sum, false
	}
	var outer [block + sha256.Size]byte
	copy(inner[:], key)
	copy(outer[:], key)
	for i := range block {
		inner[i] ^= 0x36
		outer[i] ^= 0x5c
	}
	copy(inner[block:], msg)
	ih := sha256.Sum256(inner[:block+len(msg)])
	copy(outer[block:], ih[:])
	return sha256.Sum256(outer[:]), true
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// contentLength renders a request's Content-Length for signing when net/http
// removed the header.
func contentLength(n int64) string { return strconv.FormatInt(n, 10) }
