package cptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// Clock is a settable clock, safe for concurrent use, to inject where a
// test needs exact dates.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// IdentityOptions configure NewIdentities.
type IdentityOptions struct {
	// Now is the domain's clock (creation dates, session expiry); nil is
	// time.Now.
	Now func() time.Time
	// VerifyNow is the clock signatures are checked against; nil is Now.
	// Requests signed by an SDK or the aws CLI carry the real time, which
	// those clients do not let a test choose.
	VerifyNow func() time.Time
}

// Identities is the real identity side of a server over a fresh sqlite
// store: package iam with the server's policy validators, and the
// authenticator and authorizer (auth.Service) over it. Root is the
// account's root key.
type Identities struct {
	Store store.Store
	IAM   *iam.Service
	Auth  *auth.Service
	Root  Key
}

// NewIdentities opens the store and creates the root key; the store is
// closed when the test ends.
func NewIdentities(t testing.TB, o IdentityOptions) *Identities {
	t.Helper()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.VerifyNow == nil {
		o.VerifyNow = o.Now
	}
	st, err := sqlite.Open(t.TempDir() + "/db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := seal.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ids := iam.New(st, sealer, iam.Options{AccountID: AccountID, Now: o.Now,
		ValidatePolicy: policyValidator(iampolicy.IdentityPolicy), ValidateTrustPolicy: policyValidator(iampolicy.TrustPolicy)})
	rk, err := ids.EnsureRootKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &Identities{Store: st, IAM: ids, Auth: auth.NewService(ids, o.VerifyNow),
		Root: Key{ID: rk.AccessKeyID, Secret: rk.Secret.Reveal()}}
}

// policyValidator checks documents as the server does (server.go).
func policyValidator(kind iampolicy.Kind) func(string) error {
	return func(doc string) error {
		_, err := iampolicy.Parse([]byte(doc), kind)
		return err
	}
}

// UserKey creates an IAM user at path "/" and an access key for it.
func (ids *Identities) UserKey(t testing.TB, name string) (iam.User, Key) {
	t.Helper()
	ctx := context.Background()
	u, err := ids.IAM.CreateUser(ctx, name, "/", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ids.IAM.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return u, Key{ID: k.AccessKeyID, Secret: k.Secret.Reveal()}
}

// RoleSession issues credentials of a session of the role, as a
// successful sts:AssumeRole would.
func (ids *Identities) RoleSession(t testing.TB, roleARN, session string) Key {
	t.Helper()
	s, err := ids.IAM.CreateSession(context.Background(), roleARN, session, time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	return Key{ID: s.AccessKeyID, Secret: s.Secret.Reveal(), Token: s.SessionToken.Reveal()}
}

// Sign signs r with SigV4 (aws-sdk-go-v2's signer) for service and region
// at the time at, hashing and restoring its body. For S3 it sends the
// payload hash in X-Amz-Content-Sha256, as the SDKs do.
func (k Key) Sign(t testing.TB, r *http.Request, service, region string, at time.Time) {
	t.Helper()
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	sum := sha256.Sum256(body)
	if service == "s3" { // S3 signs the payload hash as a header, as its SDKs send it
		r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	creds := aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret, SessionToken: k.Token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
}
