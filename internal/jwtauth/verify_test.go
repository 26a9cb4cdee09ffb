package jwtauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuer is a local OpenID Connect issuer serving discovery and a JWKS.
type issuer struct {
	srv   *httptest.Server
	key   *rsa.PrivateKey
	kid   string
	hits  atomic.Int32
	iss   string
	extra []map[string]string
}

var testKey, _ = rsa.GenerateKey(rand.Reader, 2048)

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	is := &issuer{key: testKey, kid: "k1"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.hits.Add(1)
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.iss, "jwks_uri": is.iss + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		keys := append([]map[string]string{{"kty": "RSA", "kid": is.kid, "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(is.key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(is.key.E)).Bytes())}}, is.extra...)
		json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	})
	is.srv = httptest.NewServer(mux)
	is.iss = is.srv.URL
	t.Cleanup(is.srv.Close)
	return is
}

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func (is *issuer) token(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	base := jwt.MapClaims{"iss": is.iss, "sub": "u1", "aud": "client1", "exp": t0.Add(time.Hour).Unix(), "iat": t0.Unix(), "token_use": "id"}
	for k, v := range claims {
		if v == nil {
			delete(base, k)
			continue
		}
		base[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, base)
	tok.Header["kid"] = is.kid
	s, err := tok.SignedString(is.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	is := newIssuer(t)
	now := t0
	v := New(NewRemote(RemoteOptions{Now: func() time.Time { return now }}), func() time.Time { return now })
	ctx := context.Background()
	exp := Expect{Issuers: []string{is.iss}, Audiences: []string{"client1"}}

	pubDER, _ := x509.MarshalPKIXPublicKey(&is.key.PublicKey)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": is.iss, "aud": "client1", "exp": t0.Add(time.Hour).Unix()})
	hs.Header["kid"] = "k1"
	hsTok, _ := hs.SignedString(pubDER) // the RS/HS key-confusion attack
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+is.iss+`","aud":"client1","exp":9999999999}`)) + "."
	good := is.token(t, nil)
	// Another base64url character in the signature (not a bit flip, which
	// may leave the alphabet and fail as Malformed instead).
	swap := map[bool]string{true: "B", false: "A"}[good[len(good)-5] == 'A']
	flipped := good[:len(good)-5] + swap + good[len(good)-4:]

	for _, tc := range []struct {
		name   string
		tok    string
		expect Expect
		want   Reason
	}{
		{"valid", good, exp, 0},
		{"empty", "", exp, Missing},
		{"two parts", "a.b", exp, Malformed},
		{"not json", "e30.bm90anNvbg.c2ln", exp, Malformed},
		{"alg none", none, exp, BadAlgorithm},
		{"HS256 with the public key", hsTok, exp, BadAlgorithm},
		{"flipped signature", flipped, exp, BadSignature},
		{"other issuer", is.token(t, jwt.MapClaims{"iss": "https://evil.example"}), exp, WrongIssuer},
		{"expired", is.token(t, jwt.MapClaims{"exp": t0.Add(-time.Second).Unix()}), exp, Expired},
		{"no exp", is.token(t, jwt.MapClaims{"exp": nil}), exp, Expired},
		{"nbf in the future", is.token(t, jwt.MapClaims{"nbf": t0.Add(time.Minute).Unix()}), exp, NotYetValid},
		{"iat in the future", is.token(t, jwt.MapClaims{"iat": t0.Add(time.Minute).Unix()}), exp, NotYetValid},
		{"wrong audience", is.token(t, jwt.MapClaims{"aud": "other"}), exp, WrongAudience},
		{"client_id as audience", is.token(t, jwt.MapClaims{"aud": nil, "client_id": "client1"}), exp, 0},
		{"aud list", is.token(t, jwt.MapClaims{"aud": []string{"x", "client1"}}), exp, 0},
		{"scope granted", is.token(t, jwt.MapClaims{"scope": "read write"}), Expect{Issuers: exp.Issuers, Scopes: []string{"write"}}, 0},
		{"scp list granted", is.token(t, jwt.MapClaims{"scp": []string{"read"}}), Expect{Issuers: exp.Issuers, Scopes: []string{"read"}}, 0},
		{"scope missing", is.token(t, jwt.MapClaims{"scope": "read"}), Expect{Issuers: exp.Issuers, Scopes: []string{"write"}}, MissingScope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := v.Verify(ctx, tc.tok, tc.expect)
			if got := ReasonOf(err); got != tc.want || (tc.want == 0 && (err != nil || tok == nil)) {
				t.Fatalf("Verify = %v, want reason %v", err, tc.want)
			}
		})
	}
}

func TestRemoteCaching(t *testing.T) {
	is := newIssuer(t)
	now := t0
	clock := func() time.Time { return now }
	v := New(NewRemote(RemoteOptions{Now: clock}), clock)
	ctx := context.Background()
	exp := Expect{Issuers: []string{is.iss}}
	for range 3 {
		if _, err := v.Verify(ctx, is.token(t, nil), exp); err != nil {
			t.Fatal(err)
		}
	}
	if n := is.hits.Load(); n != 1 {
		t.Errorf("discovery fetched %d times, want 1", n)
	}
	// An unknown kid refetches at most once a minute.
	is.kid = "k2"
	rotated := is.token(t, nil)
	if _, err := v.Verify(ctx, rotated, exp); ReasonOf(err) != UnknownKey {
		t.Fatalf("rotated within a minute: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := v.Verify(ctx, rotated, exp); err != nil {
		t.Fatalf("rotated after a minute: %v", err)
	}
	if n := is.hits.Load(); n != 2 {
		t.Errorf("discovery fetched %d times, want 2", n)
	}
	// An unreachable issuer answers KeysUnavailable, and is not asked again
	// for every request.
	down := Expect{Issuers: []string{"http://127.0.0.1:1"}}
	tok := is.token(t, jwt.MapClaims{"iss": "http://127.0.0.1:1"})
	if _, err := v.Verify(ctx, tok, down); ReasonOf(err) != KeysUnavailable {
		t.Fatalf("down issuer: %v", err)
	}
}

func TestRemoteRefusesForeignIssuerDocument(t *testing.T) {
	is := newIssuer(t)
	real := is.iss
	is.iss = "https://someone-else.example"
	v := New(NewRemote(RemoteOptions{}), func() time.Time { return t0 })
	tok := is.token(t, jwt.MapClaims{"iss": real})
	if _, err := v.Verify(context.Background(), tok, Expect{Issuers: []string{real}}); ReasonOf(err) != KeysUnavailable ||
		!strings.Contains(err.Error(), "names issuer") {
		t.Fatalf("Verify = %v", err)
	}
}

// FuzzVerify: no input panics, and nothing verifies unless it is signed by
// the issuer's key (the fuzzer cannot forge RS256), whatever alg, kid or
// claims it claims.
func FuzzVerify(f *testing.F) {
	is := &issuer{key: testKey, kid: "k1", iss: "https://issuer.example"}
	valid := is.token(&testing.T{}, nil)
	f.Add(valid)
	f.Add(valid[:len(valid)-2])
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.")
	f.Add("a.b.c")
	f.Add("..")
	f.Add("e30.e30.e30")
	f.Add(strings.Repeat("A", 100) + "." + strings.Repeat("B", 100) + ".")
	v := New(staticKeys{"https://issuer.example": {"k1": &testKey.PublicKey}}, func() time.Time { return t0 })
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := v.Verify(context.Background(), raw, Expect{Issuers: []string{"https://issuer.example"}})
		if err == nil && raw != valid {
			// A different string may verify only if it is the same JWS
			// re-encoded; it must carry a real RS256 signature.
			h, _, perr := Peek(raw)
			if perr != nil || h["alg"] != "RS256" || tok == nil {
				t.Fatalf("verified %q", raw)
			}
		}
	})
}

type staticKeys map[string]map[string]*rsa.PublicKey

func (s staticKeys) Key(_ context.Context, iss, kid string) (*rsa.PublicKey, error) {
	if k := s[iss][kid]; k != nil {
		return k, nil
	}
	return nil, ErrUnknownKey
}
