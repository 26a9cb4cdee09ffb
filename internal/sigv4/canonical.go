package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"sort"
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
	if s3 {
		return encodeOnce(rawPath)
	}
	return uriEncode(normalizePath(rawPath), false)
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

// encodeOnce is S3's canonical path: decode valid escapes, encode every byte
// but the unreserved ones and '/'. An escaped slash (%2F) stays escaped,
// because the SDKs sign it that way.
func encodeOnce(p string) string {
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			d := unhex(p[i+1])<<4 | unhex(p[i+2])
			i += 2
			writeEncoded(&b, d, true)
			continue
		}
		writeEncoded(&b, c, false)
	}
	if b.Len() == 0 || !strings.HasPrefix(b.String(), "/") {
		return "/" + b.String()
	}
	return b.String()
}

// uriEncode encodes every byte of s except the unreserved characters
// (A-Z a-z 0-9 - . _ ~) and, unless encodeSlash, '/'.
func uriEncode(s string, encodeSlash bool) string {
	if !needsEncoding(s, encodeSlash) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		writeEncoded(&b, s[i], encodeSlash)
	}
	return b.String()
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

func writeEncoded(b *strings.Builder, c byte, encodeSlash bool) {
	if unreserved(c) || (c == '/' && !encodeSlash) {
		b.WriteByte(c)
		return
	}
	b.WriteByte('%')
	b.WriteByte(upperHex[c>>4])
	b.WriteByte(upperHex[c&15])
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
	type pair struct{ k, v string }
	parts := strings.Split(rawQuery, "&")
	pairs := make([]pair, 0, len(parts))
	for _, p := range parts {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		k = queryDecode(k)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, pair{uriEncode(k, true), uriEncode(queryDecode(v), true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// CanonicalHeaders returns the canonical headers block (each line
// "name:value\n") for the signed header names, which must be lower case and
// sorted. host is the Host header (net/http moves it out of Header). Values
// of a repeated header are joined with ',' in order; each value is trimmed
// and its runs of spaces and tabs squeezed to one space. A signed header that
// is absent yields an empty value, as AWS computes it.
func CanonicalHeaders(h http.Header, host string, signed []string) string {
	// Each header is looked up once; the block is written into one buffer.
	var buf [16][]string
	vals := buf[:0]
	n := 0
	for _, name := range signed {
		vs := headerValues(h, host, name)
		vals = append(vals, vs)
		n += len(name) + 2 + len(vs)
		for _, v := range vs {
			n += len(v)
		}
	}
	if n == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n)
	for i, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		for j, v := range vals[i] {
			if j > 0 {
				b.WriteByte(',')
			}
			writeSqueezed(&b, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// headerValues finds a header by its lower-case name, whether or not the
// map key was canonicalized.
func headerValues(h http.Header, host, name string) []string {
	if name == "host" {
		if vs, ok := h["Host"]; ok && host == "" {
			return vs
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

// writeSqueezed writes v trimmed, with each run of blanks (space, tab, and
// the line breaks of a folded header) replaced by one space.
func writeSqueezed(b *strings.Builder, v string) {
	v = strings.Trim(v, " \t\r\n")
	blank := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			blank = true
			continue
		}
		if blank {
			b.WriteByte(' ')
			blank = false
		}
		b.WriteByte(c)
	}
}

// CanonicalRequest joins the six parts of a canonical request.
func CanonicalRequest(method, canonicalURI, canonicalQuery, canonicalHeaders string, signedHeaders []string, payloadHash string) string {
	return method + "\n" + canonicalURI + "\n" + canonicalQuery + "\n" +
		canonicalHeaders + "\n" + strings.Join(signedHeaders, ";") + "\n" + payloadHash
}

// Scope is a credential scope "date/region/service/aws4_request".
func Scope(t time.Time, region, service string) string {
	return t.UTC().Format(DateFormat) + "/" + region + "/" + service + "/aws4_request"
}

// StringToSign builds the string to sign of a canonical request.
func StringToSign(signedAt time.Time, scope, canonicalRequest string) string {
	return Algorithm + "\n" + signedAt.UTC().Format(TimeFormat) + "\n" + scope + "\n" + hashHex([]byte(canonicalRequest))
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
	sum, ok := hmacSmall(signingKey, stringToSign)
	if !ok {
		return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
	}
	return hex.EncodeToString(sum[:])
}

// hmacSmall is HMAC-SHA256 (RFC 2104) of a key of at most one block and a
// message that fits a stack buffer: two SHA-256 sums over buffers on the
// stack, where crypto/hmac allocates five objects per signature. Every
// request's signature is one; ok is false for other sizes.
func hmacSmall(key []byte, msg string) (sum [sha256.Size]byte, ok bool) {
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
