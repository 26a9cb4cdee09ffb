package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Key is what the verifier needs to know about an access key. The sigv4
// package owns the lookup interface; package iam implements it.
type Key struct {
	AccessKeyID  string
	Secret       string    // plaintext secret access key
	SessionToken string    // non-empty for STS session keys: the request must carry exactly this token
	Expires      time.Time // zero for long-term keys
	Active       bool      // false for a key whose status is Inactive
}

// LogValue keeps the secret and the session token out of logs.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", k.AccessKeyID), slog.Bool("active", k.Active),
		slog.Bool("session", k.SessionToken != ""))
}

// KeyLookup finds an access key by its id.
type KeyLookup interface {
	LookupKey(ctx context.Context, accessKeyID string) (key Key, found bool, err error)
}

// Verifier authenticates SigV4-signed requests. It is safe for concurrent use.
type Verifier struct {
	keys  KeyLookup
	now   func() time.Time
	cache *keyCache
}

// NewVerifier returns a verifier that looks keys up in keys and reads the
// clock from now (time.Now when nil).
func NewVerifier(keys KeyLookup, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{keys: keys, now: now, cache: newKeyCache(defaultCacheSize)}
}

// Fixed messages, as API Gateway words them.
const (
	msgMissingToken  = "Missing Authentication Token"
	msgInvalidToken  = "The security token included in the request is invalid."
	msgExpiredToken  = "The security token included in the request is expired"
	msgHostNotSigned = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	msgMismatch      = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// signed is what both forms reduce to before the signature is checked.
type signed struct {
	auth      Authorization
	signedAt  time.Time
	rawDate   string // the date as sent (for AWS's scope-date message)
	token     string
	presigned bool
}

// Verify authenticates r (header or presigned-query form) over its raw
// request URI. It reads and restores r.Body when the payload hash must be
// computed or checked; for S3 it instead wraps r.Body so the claimed hash is
// checked as the body is read (the error surfaces from Read at EOF).
// On failure it returns *Error; a KeyLookup failure is returned wrapped.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, opts Options) (*Result, error) {
	res := new(Result)
	if err := v.VerifyTo(ctx, r, opts, res); err != nil {
		return nil, err
	}
	return res, nil
}

// VerifyTo is Verify writing the result into res, for a caller that
// allocates it with what it keeps beside it (auth's Caller); res is
// written only when r verifies.
func (v *Verifier) VerifyTo(ctx context.Context, r *http.Request, opts Options, res *Result) error {
	rawPath, rawQuery := rawTarget(r)
	s, err := v.parse(r, rawQuery)
	if err != nil {
		return err
	}
	if err := v.checkShape(r, s, opts); err != nil {
		return err
	}
	key, err := v.lookup(ctx, s)
	if err != nil {
		return err
	}
	payload, err := payloadHash(r, s, opts)
	if err != nil {
		return err
	}
	// The canonical request, string to sign and signature are written into
	// buffers on this stack; they become strings only for a mismatch's
	// message.
	var creqBuf [1024]byte
	var stsBuf [256]byte
	var sigBuf [2 * sha256.Size]byte
	w, sk := v.compute(signing{creq: creqBuf[:0], sts: stsBuf[:0], sig: sigBuf[:0]}, r, s, key, rawPath, rawQuery, payload, opts)
	ok := equalConstantTime(w.sig, s.auth.Signature)
	if !ok && s.presigned && s.token != "" {
		// Some signers append X-Amz-Security-Token after signing (the
		// suites' post-sts-header-after case); the token is still checked
		// against the key, so accept a signature that leaves it out.
		alt, _ := v.compute(signing{}, r, s, key, rawPath, withoutParam(rawQuery, QuerySecurityToken), payload, opts)
		if equalConstantTime(alt.sig, s.auth.Signature) {
			w, ok = alt, true
		}
	}
	if !ok {
		creq, sts := string(w.creq), string(w.sts)
		e := &Error{Reason: SignatureMismatch, Presigned: s.presigned,
			Message: mismatchMessage(creq, sts), CanonicalRequest: creq, StringToSign: sts}
		if h := v.portlessMatch(r, s, key, rawPath, rawQuery, payload, opts); h != "" {
			e.SignedHostWithoutPort = h
			e.Message += portHint(h, r.Host)
		}
		return e
	}
	if err := checkBody(r, payload, opts); err != nil {
		return err
	}
	c := &s.auth.Credential
	// The signature matched byte for byte: the one sent is the one computed.
	*res = Result{AccessKeyID: c.AccessKeyID, SessionToken: s.token, Region: c.Region, Service: c.Service,
		SignedAt: s.signedAt, Presigned: s.presigned, SignedHeaders: s.auth.SignedHeaders,
		PayloadHash: payload, Signature: s.auth.Signature, signingKey: sk}
	return nil
}

// equalConstantTime compares a computed signature with the one sent in
// time independent of where they differ (as hmac.Equal, without making a
// byte slice of the string).
func equalConstantTime(computed []byte, sent string) bool {
	if len(computed) != len(sent) {
		return false
	}
	var d byte
	for i := 0; i < len(computed); i++ {
		d |= computed[i] ^ sent[i]
	}
	return d == 0
}

func (v *Verifier) parse(r *http.Request, rawQuery string) (signed, error) {
	if authz := getCanonical(r.Header, hdrAuthorization); authz != "" {
		return parseHeaderForm(r, authz)
	}
	if isPresigned(rawQuery) {
		return parseQueryForm(r, rawQuery)
	}
	return signed{}, &Error{Reason: MissingAuthentication, Message: msgMissingToken}
}

func parseHeaderForm(r *http.Request, authz string) (signed, error) {
	hasDate := getCanonical(r.Header, hdrAmzDate) != "" || getCanonical(r.Header, hdrDate) != ""
	a, perr := ParseAuthorization(authz, hasDate)
	if perr != nil {
		return signed{}, perr
	}
	t, _, derr := requestDate(r.Header)
	if derr != nil {
		return signed{}, derr
	}
	raw := getCanonical(r.Header, hdrAmzDate)
	if raw == "" {
		raw = t.Format(TimeFormat)
	}
	return signed{auth: a, signedAt: t, rawDate: raw, token: getCanonical(r.Header, hdrSecurityToken)}, nil
}

func parseQueryForm(r *http.Request, rawQuery string) (signed, error) {
	a, perr := ParsePresigned(rawQuery)
	if perr != nil {
		return signed{}, perr
	}
	t, derr := ParseAmzDate(a.Date)
	if derr != nil {
		derr.Presigned = true
		return signed{}, derr
	}
	token := a.SecurityToken
	if token == "" {
		token = getCanonical(r.Header, hdrSecurityToken)
	}
	return signed{auth: a, signedAt: t, rawDate: a.Date, token: token, presigned: true}, nil
}

// checkShape runs the checks that need no key: host signed, credential
// scope, clock window, and (S3) every x-amz-* header signed.
func (v *Verifier) checkShape(r *http.Request, s signed, opts Options) error {
	if !slices.Contains(s.auth.SignedHeaders, "host") {
		return &Error{Reason: HeaderNotSigned, Presigned: s.presigned, Message: msgHostNotSigned}
	}
	if err := checkScope(s, opts); err != nil {
		return err
	}
	if err := v.checkTime(s, opts); err != nil {
		return err
	}
	if opts.S3 && !s.presigned {
		if extra := unsignedAmzHeaders(r.Header, s.auth.SignedHeaders); len(extra) > 0 {
			return &Error{Reason: HeaderNotSigned, Headers: extra,
				Message: "There were headers present in the request which were not signed"}
		}
	}
	return nil
}

// checkScope compares the credential scope with the request date and what
// the service expects. AWS reports region, service and terminator problems
// together, each sentence followed by a space, e.g.
// "Credential should be scoped to a valid region, not 'us-east-1'. Credential should be scoped to correct service: 'execute-api'. "
// (https://github.com/Kong/insomnia/issues/830,
// https://github.com/cllunsford/aws-signing-proxy/issues/25).
func checkScope(s signed, opts Options) error {
	c := s.auth.Credential
	var date [16]byte
	if want := appendAmzDate(date[:0], s.signedAt); c.Date != string(want) {
		return &Error{Reason: BadCredentialScope, Presigned: s.presigned, Message: fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			c.Date, string(want), s.rawDate)}
	}
	badRegion := c.Region == "" || (opts.Region != "" && c.Region != opts.Region)
	badService := opts.Service != "" && c.Service != opts.Service
	badTerminator := c.Terminator != "aws4_request"
	if !badRegion && !badService && !badTerminator {
		return nil // the builder below would be on the heap for every request
	}
	var msg strings.Builder
	if badRegion {
		fmt.Fprintf(&msg, "Credential should be scoped to a valid region, not '%s'. ", c.Region)
	}
	if badService {
		fmt.Fprintf(&msg, "Credential should be scoped to correct service: '%s'. ", opts.Service)
	}
	if badTerminator {
		fmt.Fprintf(&msg, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", c.Terminator)
	}
	return &Error{Reason: BadCredentialScope, Presigned: s.presigned, Message: msg.String()}
}

// checkTime applies the clock window. Header form: the signing time must be
// within the window either side of now. Presigned: not later than now plus
// the window, and now not past signing time plus X-Amz-Expires; without
// X-Amz-Expires (not S3) the header form's window applies.
func (v *Verifier) checkTime(s signed, opts Options) error {
	now := v.now().UTC()
	w := opts.window()
	if s.signedAt.After(now.Add(w)) {
		return &Error{Reason: NotYetCurrent, Presigned: s.presigned, SignedAt: s.signedAt, Now: now, Window: w,
			Message: fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s)",
				s.signedAt.Format(TimeFormat), now.Add(w).Format(TimeFormat), now.Format(TimeFormat), minutes(w))}
	}
	if s.presigned && !s.auth.HasExpires && opts.S3 {
		return &Error{Reason: IncompleteSignature, Presigned: true, Message: msgNeedExpires}
	}
	if s.presigned && s.auth.HasExpires {
		if now.After(s.signedAt.Add(s.auth.Expires)) {
			return &Error{Reason: PresignExpired, Presigned: true, SignedAt: s.signedAt, Now: now, Window: s.auth.Expires,
				Message: fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s)",
					s.signedAt.Format(TimeFormat), now.Add(-s.auth.Expires).Format(TimeFormat), now.Format(TimeFormat), minutes(s.auth.Expires))}
		}
		return nil
	}
	if s.signedAt.Before(now.Add(-w)) {
		return &Error{Reason: SignatureExpired, Presigned: s.presigned, SignedAt: s.signedAt, Now: now, Window: w,
			Message: fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s)",
				s.signedAt.Format(TimeFormat), now.Add(-w).Format(TimeFormat), now.Format(TimeFormat), minutes(w))}
	}
	return nil
}

// minutes renders a window the way AWS does: "5 min.", "15 min.".
func minutes(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min.", int(d/time.Minute))
	}
	return fmt.Sprintf("%d sec.", int(d/time.Second))
}

func unsignedAmzHeaders(h http.Header, signedNames []string) []string {
	var out []string
	for k := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !slices.Contains(signedNames, lk) {
			out = append(out, lk)
		}
	}
	slices.Sort(out)
	return out
}

// lookup finds the key and checks its status and session token.
func (v *Verifier) lookup(ctx context.Context, s signed) (Key, error) {
	id := s.auth.Credential.AccessKeyID
	key, found, err := v.keys.LookupKey(ctx, id)
	if err != nil {
		return Key{}, fmt.Errorf("sigv4: look up access key: %w", err)
	}
	switch {
	case !found:
		return Key{}, &Error{Reason: UnknownKey, Presigned: s.presigned, Message: msgInvalidToken}
	case !key.Active:
		return Key{}, &Error{Reason: InactiveKey, Presigned: s.presigned, Message: msgInvalidToken}
	case key.SessionToken == "" && s.token != "",
		key.SessionToken != "" && subtle.ConstantTimeCompare([]byte(key.SessionToken), []byte(s.token)) != 1:
		return Key{}, &Error{Reason: InvalidToken, Presigned: s.presigned, Message: msgInvalidToken}
	case !key.Expires.IsZero() && !v.now().Before(key.Expires):
		return Key{}, &Error{Reason: ExpiredToken, Presigned: s.presigned, Message: msgExpiredToken}
	}
	return key, nil
}

// payloadHash picks the hashed-payload line: x-amz-content-sha256 (header,
// or query for presigned URLs) when sent; else UNSIGNED-PAYLOAD for S3
// presigned URLs; else (not S3) the SHA-256 of the body. S3 requires the
// header on header-signed requests.
func payloadHash(r *http.Request, s signed, opts Options) (string, error) {
	if h := getCanonical(r.Header, hdrContentSHA256); h != "" {
		return h, nil
	}
	if s.presigned {
		if h := presignParams(rawQueryOf(r))["X-Amz-Content-Sha256"]; h != "" {
			return h, nil
		}
		if opts.S3 {
			return UnsignedPayload, nil
		}
	} else if opts.S3 {
		return "", &Error{Reason: MissingContentHash, Message: "Missing required header for this request: x-amz-content-sha256"}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return EmptySHA256, nil // most GETs: no read, no hash
	}
	body, err := readBody(r)
	if err != nil {
		return "", err
	}
	return hashHex(body), nil
}

// readBody reads r.Body and puts an equivalent reader back.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("sigv4: read body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// signing is one computation of a request's signature: its canonical
// request, string to sign and hex signature, in buffers the caller gives
// (on its stack: compute takes and returns w by value and returns the key
// apart, since through a pointer or beside the key, which is kept, escape
// analysis would move the buffers to the heap).
type signing struct {
	creq, sts, sig []byte
}

// compute builds the canonical request, string to sign and signature into
// w's buffers; sk is the derived signing key.
func (v *Verifier) compute(w signing, r *http.Request, s signed, key Key, rawPath, rawQuery, payload string, opts Options) (_ signing, sk []byte) {
	c := &s.auth.Credential
	h := r.Header
	if slices.Contains(s.auth.SignedHeaders, "content-length") && getCanonical(h, hdrContentLength) == "" && r.ContentLength >= 0 {
		h = h.Clone()
		h.Set("Content-Length", contentLength(r.ContentLength))
	}
	in := canonicalInput{method: r.Method, rawPath: rawPath, rawQuery: rawQuery, s3URI: opts.S3 || opts.s3URIOnly,
		presigned: s.presigned, header: h, host: r.Host, signed: s.auth.SignedHeaders, payload: payload}
	w.creq = appendCanonicalRequest(w.creq[:0], &in)
	w.sts = appendStringToSign(w.sts[:0], s.signedAt, c, w.creq)
	sk = v.cache.get(key.AccessKeyID, key.Secret, c.Date, c.Region, c.Service)
	w.sig = appendSignature(w.sig[:0], sk, w.sts)
	return w, sk
}

// portlessMatch returns the host without its port when the signature
// would have matched with that host: a client that signs the host name but
// sends host:port (requests-aws4auth does). It only explains a failure; the
// request is still refused, since the port is part of what was sent.
func (v *Verifier) portlessMatch(r *http.Request, s signed, key Key, rawPath, rawQuery, payload string, opts Options) string {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil || host == "" || !slices.Contains(s.auth.SignedHeaders, "host") {
		return ""
	}
	r2 := *r
	r2.Host = host
	if strings.Contains(host, ":") {
		r2.Host = "[" + host + "]"
	}
	alt, _ := v.compute(signing{}, &r2, s, key, rawPath, rawQuery, payload, opts)
	if !equalConstantTime(alt.sig, s.auth.Signature) {
		return ""
	}
	return r2.Host
}

// portHint is iamgate's addition to the mismatch message (AWS's own
// endpoints have no port, so AWS never says this).
func portHint(signed, sent string) string {
	return "\niamgate: the signature matches this request with Host " + signed + " instead of " + sent +
		": the client signed the host without its port. Sign the Host header as sent, or call the endpoint's real URL " +
		"through iamgate as HTTPS proxy (eval \"$(iamgate env --proxy)\"), where there is no port.\n"
}

// mismatchMessage is AWS's SignatureDoesNotMatch text with the canonical
// request and string to sign it expected (https://knowledge.broadcom.com/external/article/186297).
func mismatchMessage(creq, sts string) string {
	return msgMismatch + "\n\nThe Canonical String for this request should have been\n'" + creq +
		"'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
}

// checkBody compares a claimed hex payload hash with the body. For S3 the
// body may be large, so the check is deferred to the reader's EOF.
func checkBody(r *http.Request, payload string, opts Options) error {
	if getCanonical(r.Header, hdrContentSHA256) == "" || !isHexHash(payload) {
		return nil
	}
	if opts.S3 {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = newHashCheckReader(r.Body, payload)
		} else if payload != EmptySHA256 {
			return badHash(payload, EmptySHA256)
		}
		return nil
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if got := hashHex(body); !strings.EqualFold(got, payload) {
		return badHash(payload, got)
	}
	return nil
}

func badHash(claimed, computed string) *Error {
	return &Error{Reason: BadPayloadHash, ClaimedHash: claimed, ComputedHash: computed,
		Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// rawTarget returns the path and query exactly as the client sent them:
// from RequestURI on a server request (origin or absolute form), else from
// the URL's escaped path.
func rawTarget(r *http.Request) (path, query string) {
	u := r.RequestURI
	if u == "" || u == "*" {
		if r.URL == nil {
			return "/", ""
		}
		return r.URL.EscapedPath(), r.URL.RawQuery
	}
	if !strings.HasPrefix(u, "/") {
		if i := strings.Index(u, "://"); i >= 0 {
			rest := u[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				u = rest[j:]
			} else {
				u = "/"
			}
		}
	}
	path, query, _ = strings.Cut(u, "?")
	path, _, _ = strings.Cut(path, "#")
	return path, query
}

// withoutParam drops every occurrence of parameter name from a raw query.
func withoutParam(rawQuery, name string) string {
	parts := strings.Split(rawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		if k, _, _ := strings.Cut(p, "="); queryDecode(k) != name {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "&")
}

func rawQueryOf(r *http.Request) string {
	_, q := rawTarget(r)
	return q
}
