package jwtauth

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Reason is why a token was refused.
type Reason int

// Reasons, in the order they are checked.
const (
	Missing         Reason = iota + 1 // no token at all
	Malformed                         // not three base64url parts of JSON
	BadAlgorithm                      // alg other than RS256 (none and HS* included)
	WrongIssuer                       // iss is not an expected issuer
	KeysUnavailable                   // the issuer's keys could not be had
	UnknownKey                        // no key of the issuer has the token's kid
	BadSignature                      // the signature does not verify
	Expired                           // exp is missing or not in the future
	NotYetValid                       // nbf or iat is in the future
	WrongAudience                     // neither aud nor client_id is expected
	MissingScope                      // none of the required scopes is granted
)

var reasonNames = map[Reason]string{Missing: "no token", Malformed: "malformed token", BadAlgorithm: "algorithm not RS256",
	WrongIssuer: "issuer not accepted", KeysUnavailable: "issuer keys unavailable", UnknownKey: "unknown signing key",
	BadSignature: "signature does not verify", Expired: "token expired", NotYetValid: "token not yet valid",
	WrongAudience: "audience not accepted", MissingScope: "required scope missing"}

func (r Reason) String() string { return reasonNames[r] }

// Error is a refused token.
type Error struct {
	Reason Reason
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "jwt: " + e.Reason.String()
	}
	return "jwt: " + e.Reason.String() + ": " + e.Detail
}

func fail(r Reason, detail string) error { return &Error{Reason: r, Detail: detail} }

// ReasonOf returns the Reason of a Verify error (0 for other errors).
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return 0
}

// KeySource finds an issuer's public key by kid.
type KeySource interface {
	Key(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error)
}

// ErrUnknownKey is what a KeySource returns for a kid the issuer does not
// publish.
var ErrUnknownKey = errors.New("jwtauth: unknown kid")

// Expect is what a token must satisfy.
type Expect struct {
	// Issuers accepted (exact match); at least one is required.
	Issuers []string
	// Audiences: when set, aud (or client_id, for tokens without aud) must
	// be one of them.
	Audiences []string
	// Scopes: when set, the token's scope (or scp) must grant one.
	Scopes []string
}

// Token is a verified token.
type Token struct {
	Header map[string]any
	Claims map[string]any
	// Scopes are the space-separated values of scope (or scp).
	Scopes []string
}

// Verifier checks tokens against keys from a KeySource on a clock.
type Verifier struct {
	keys KeySource
	now  func() time.Time
}

// New returns a Verifier; now nil is time.Now.
func New(keys KeySource, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{keys: keys, now: now}
}

// maxTokenBytes bounds what is parsed: API Gateway's header limit.
const maxTokenBytes = 10 << 10

// Verify checks raw and returns its claims.
func (v *Verifier) Verify(ctx context.Context, raw string, e Expect) (*Token, error) {
	if raw == "" {
		return nil, fail(Missing, "")
	}
	if len(raw) > maxTokenBytes {
		return nil, fail(Malformed, "token too long")
	}
	header, claims, err := Peek(raw)
	if err != nil {
		return nil, err
	}
	if alg, _ := header["alg"].(string); alg != "RS256" {
		return nil, fail(BadAlgorithm, alg)
	}
	iss, _ := claims["iss"].(string)
	if iss == "" || !slices.Contains(e.Issuers, iss) {
		return nil, fail(WrongIssuer, iss)
	}
	kid, _ := header["kid"].(string)
	key, err := v.keys.Key(ctx, iss, kid)
	if errors.Is(err, ErrUnknownKey) {
		return nil, fail(UnknownKey, kid)
	}
	if err != nil {
		return nil, fail(KeysUnavailable, err.Error())
	}
	var mc jwt.MapClaims
	_, err = jwt.ParseWithClaims(raw, &mc, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(v.now), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return nil, fail(BadSignature, "")
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return nil, fail(Expired, "")
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return nil, fail(NotYetValid, "")
	case err != nil:
		return nil, fail(Malformed, err.Error())
	}
	t := &Token{Header: header, Claims: mc, Scopes: scopes(mc)}
	if len(e.Audiences) > 0 && !audienceOK(mc, e.Audiences) {
		return nil, fail(WrongAudience, "")
	}
	if len(e.Scopes) > 0 && !slices.ContainsFunc(e.Scopes, func(s string) bool { return slices.Contains(t.Scopes, s) }) {
		return nil, fail(MissingScope, "")
	}
	return t, nil
}

// Peek decodes a compact JWS's header and claims without verifying
// anything: a token that is not three base64url parts with a JSON object
// in each of the first two is Malformed.
func Peek(raw string) (header, claims map[string]any, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, fail(Malformed, "not three parts")
	}
	dec := func(s string) (map[string]any, error) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return nil, fail(Malformed, "bad base64url")
		}
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		if err := d.Decode(&m); err != nil || m == nil || d.More() {
			return nil, fail(Malformed, "not a JSON object")
		}
		return m, nil
	}
	if header, err = dec(parts[0]); err != nil {
		return nil, nil, err
	}
	if claims, err = dec(parts[1]); err != nil {
		return nil, nil, err
	}
	return header, claims, nil
}

// audienceOK: aud (string or list) holds an expected audience, or, for a
// token without aud (Cognito access tokens), client_id does.
func audienceOK(c jwt.MapClaims, want []string) bool {
	if _, has := c["aud"]; has {
		aud, err := c.GetAudience()
		return err == nil && slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(want, a) })
	}
	id, _ := c["client_id"].(string)
	return id != "" && slices.Contains(want, id)
}

func scopes(c jwt.MapClaims) []string {
	for _, name := range []string{"scope", "scp"} {
		switch v := c[name].(type) {
		case string:
			return strings.Fields(v)
		case []any:
			var out []string
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, str)
				}
			}
			return out
		}
	}
	return nil
}
