package redact

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Mask replaces a credential.
const Mask = "REDACTED"

// params are the query parameters whose values are credentials
// (compared case-insensitively, as AWS names them).
var params = []string{"X-Amz-Signature", "X-Amz-Security-Token"}

func isSecretParam(name string) bool {
	for _, p := range params {
		if strings.EqualFold(name, p) {
			return true
		}
	}
	return false
}

// Query returns rawQuery with the value of every credential parameter
// masked, the rest byte for byte as it was.
func Query(rawQuery string) string {
	if rawQuery == "" {
		return rawQuery
	}
	parts := strings.Split(rawQuery, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if hasValue && isSecretParam(name) {
			parts[i] = k + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// URL returns u (absolute or a request URI) with Query applied to its
// query; a fragment is kept.
func URL(u string) string {
	base, rest, ok := strings.Cut(u, "?")
	if !ok {
		return u
	}
	q, frag, hasFrag := strings.Cut(rest, "#")
	out := base + "?" + Query(q)
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// minSecret is the shortest value treated as a credential: signatures are
// 64 hex digits and tokens far longer, so shorter values (a stray "x") are
// not masked all over a text.
const minSecret = 16

// Scrubber masks a fixed set of credential strings wherever they occur.
type Scrubber struct{ secrets []string }

// Secrets returns the Scrubber of r's credentials: the Authorization
// header's Signature, X-Amz-Security-Token (header and query) and
// X-Amz-Signature (query), each as sent, URL-decoded and URI-encoded the
// canonical way.
func Secrets(r *http.Request) Scrubber { return SourceOf(r).Scrubber() }

// Source is what Secrets reads of a request, kept apart from the request
// so that the Scrubber can be made later, or never: the gateway keeps one
// per trace and masks the trace only when someone reads it.
type Source struct {
	Authorization string   // the Authorization header
	Tokens        []string // the X-Amz-Security-Token header's values
	RawQuery      string   // the query as sent
}

// SourceOf takes r's credential-bearing parts; it allocates nothing.
func SourceOf(r *http.Request) Source {
	raw := r.URL.RawQuery
	if i := strings.IndexByte(r.RequestURI, '?'); i >= 0 {
		raw = r.RequestURI[i+1:]
	}
	// Canonical keys read directly, as Get and Values would after
	// re-spelling them: this runs for every execute-api request.
	src := Source{Tokens: r.Header["X-Amz-Security-Token"], RawQuery: raw}
	if v := r.Header["Authorization"]; len(v) > 0 {
		src.Authorization = v[0]
	}
	return src
}

// Scrubber returns the Scrubber of the source's credentials (see Secrets).
func (src Source) Scrubber() Scrubber {
	var s Scrubber
	if a := src.Authorization; a != "" {
		if _, sig, ok := strings.Cut(a, "Signature="); ok {
			sig, _, _ = strings.Cut(sig, ",")
			s.add(strings.TrimSpace(sig), false)
		}
	}
	for _, t := range src.Tokens {
		s.add(t, false)
	}
	for _, p := range strings.Split(src.RawQuery, "&") {
		k, v, ok := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if ok && isSecretParam(name) {
			s.add(v, true)
		}
	}
	return s
}

// add records v in every spelling a derived text may hold: as sent, and
// its value (decoded when it came from a query) URI- and form-encoded.
func (s *Scrubber) add(v string, fromQuery bool) {
	forms := []string{v}
	d := v
	if fromQuery {
		if u, err := url.QueryUnescape(v); err == nil {
			d = u
		}
	}
	forms = append(forms, d, uriEncode(d), url.QueryEscape(d))
	for _, f := range forms {
		if len(f) >= minSecret && !slices.Contains(s.secrets, f) {
			s.secrets = append(s.secrets, f)
		}
	}
	// Longest first, once here rather than on every String.
	slices.SortStableFunc(s.secrets, func(a, b string) int { return len(b) - len(a) })
}

// String returns x with every credential masked; longer credentials are
// masked first so that one that contains another is masked whole.
func (s Scrubber) String(x string) string {
	if len(s.secrets) == 0 || x == "" {
		return x
	}
	for _, v := range s.secrets { // longest first (add)
		x = strings.ReplaceAll(x, v, Mask)
	}
	return x
}

// Strings applies String to each element of xs: xs itself when nothing
// changes (never written to: it may be shared), else a new slice.
func (s Scrubber) Strings(xs []string) []string {
	var out []string
	for i, x := range xs {
		y := s.String(x)
		if out == nil && y != x {
			out = slices.Clone(xs)
		}
		if out != nil {
			out[i] = y
		}
	}
	if out == nil {
		return xs
	}
	return out
}

// uriEncode is SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ as
// %XX with upper-case hex (the canonical query's spelling).
func uriEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
