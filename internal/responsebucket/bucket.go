package responsebucket

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/store"
)

// kind is the store kind of the bucket's slots, one per open request.
const kind = "cfn-response"

// maxBody caps what a PUT may store. CloudFormation itself refuses answers
// over 4096 bytes ("Response object is too long."), after S3 took them; the
// cap only bounds what a function can make this server keep.
const maxBody = 1 << 20

// slot is a key the engine opened; Body is set once an answer was put.
type slot struct {
	Answered bool   `json:"answered"`
	Body     []byte `json:"body,omitempty"`
}

// Bucket is the response bucket of one region.
type Bucket struct {
	st       store.Store
	name     string
	region   string
	endpoint func() string // the server's own endpoint, where functions reach it
	now      func() time.Time
	key      sigv4.Key
	verifier *sigv4.Verifier
}

// Name is AWS's name of the bucket in region.
func Name(region string) string {
	return "cloudformation-custom-resource-response-" + strings.ReplaceAll(region, "-", "")
}

// New returns the bucket of region over st. endpoint gives the base URL
// the pre-signed URLs point at (the server's listening address); the
// signing key is made here and never leaves the process.
func New(st store.Store, region string, endpoint func() string, now func() time.Time) *Bucket {
	if now == nil {
		now = time.Now
	}
	id := randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	secret := randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
	b := &Bucket{st: st, name: Name(region), region: region, endpoint: endpoint, now: now,
		key: sigv4.Key{AccessKeyID: "AKIA" + id, Secret: secret, Active: true}}
	b.verifier = sigv4.NewVerifier(b, now)
	return b
}

// randomString draws n characters of alphabet (32 or 64 of them, so that
// every byte maps evenly).
func randomString(n int, alphabet string) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // never fails (crypto/rand)
	for i, c := range buf {
		buf[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(buf)
}

// LookupKey knows the bucket's own key only; any other key, the account's
// included, is not one this bucket's owner accepts.
func (b *Bucket) LookupKey(_ context.Context, id string) (sigv4.Key, bool, error) {
	if id != b.key.AccessKeyID {
		return sigv4.Key{}, false, nil
	}
	return b.key, true, nil
}

// PresignPut opens key and returns the URL that lets its answer be PUT,
// valid for expires (S3 allows up to 7 days).
func (b *Bucket) PresignPut(ctx context.Context, key string, expires time.Duration) (string, error) {
	base := ""
	if b.endpoint != nil {
		base = strings.TrimSuffix(b.endpoint(), "/")
	}
	if base == "" {
		return "", errors.New("responsebucket: the server is not listening yet, so a function cannot reach a response URL")
	}
	expires = min(expires, 7*24*time.Hour)
	raw, _ := json.Marshal(slot{})
	if err := b.st.Put(ctx, kind, key, raw); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/"+b.name+"/"+escapeKey(key), nil)
	if err != nil {
		return "", err
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	req.URL.RawQuery = q.Encode()
	// S3 signs the path as sent: no second escaping.
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: b.key.AccessKeyID, SecretAccessKey: b.key.Secret}
	u, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", b.region, b.now().UTC())
	return u, err
}

// escapeKey percent-encodes an object key for a URL path as S3's SDKs do:
// every byte but the unreserved ones and '/'.
func escapeKey(key string) string {
	var sb strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			sb.WriteByte(c)
			continue
		}
		fmt.Fprintf(&sb, "%%%02X", c)
	}
	return sb.String()
}

// Take returns the answer put at key and closes the key; ok is false while
// none was put.
func (b *Bucket) Take(ctx context.Context, key string) ([]byte, bool, error) {
	raw, err := b.st.Get(ctx, kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var s slot
	if err := json.Unmarshal(raw, &s); err != nil || !s.Answered {
		return nil, false, err
	}
	if err := b.st.Delete(ctx, kind, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	return s.Body, true, nil
}

// Discard closes key without an answer (the wait for it ended).
func (b *Bucket) Discard(ctx context.Context, key string) error {
	err := b.st.Delete(ctx, kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// Match reports whether r is addressed to this bucket: path style on
// iamgate's endpoint, or host style ({bucket}.s3[.region].amazonaws.com).
func (b *Bucket) Match(r *http.Request) bool {
	_, ok := b.objectKey(r)
	return ok
}

// objectKey is the key r names in this bucket.
func (b *Bucket) objectKey(r *http.Request) (string, bool) {
	host := r.Host
	if h, _, found := strings.Cut(host, ":"); found {
		host = h
	}
	if host == b.name+".s3.amazonaws.com" || host == b.name+".s3."+b.region+".amazonaws.com" {
		return strings.TrimPrefix(r.URL.Path, "/"), true
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/"+b.name); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
		return strings.TrimPrefix(rest, "/"), true
	}
	return "", false
}

// ServeHTTP serves the bucket: the PUT of an open key with a valid
// pre-signed URL, and S3's refusals for everything else.
func (b *Bucket) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := strings.ToUpper(strings.ReplaceAll(uuid.NewString(), "-", ""))[:16]
	tag, err := b.put(r)
	if err != nil {
		// awserr.As makes any other error S3's InternalError (500).
		awserr.S3.Write(w, awserr.As(err), awserr.Reply{RequestID: reqID})
		return
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("x-amz-request-id", reqID)
	w.Header().Set("x-amz-id-2", reqID)
	w.WriteHeader(http.StatusOK)
}

func accessDenied() error { return awserr.New(awserr.AccessDenied, "Access Denied") }

// put checks r and stores its body as the answer of its key; it returns
// the object's ETag.
func (b *Bucket) put(r *http.Request) (string, error) {
	body, err := b.check(r)
	if err != nil {
		return "", err
	}
	key, _ := b.objectKey(r)
	err = b.st.Update(r.Context(), func(tx store.Tx) error {
		if _, err := tx.Get(r.Context(), kind, key); errors.Is(err, store.ErrNotFound) {
			// No request waits for this key (any more).
			return accessDenied()
		} else if err != nil {
			return err
		}
		// A second answer replaces the first, as a second PUT does in S3.
		raw, _ := json.Marshal(slot{Answered: true, Body: body})
		return tx.Put(r.Context(), kind, key, raw)
	})
	return etag(body), err
}

// check authenticates r as the PUT of a pre-signed URL of this bucket and
// reads its body.
func (b *Bucket) check(r *http.Request) ([]byte, error) {
	key, _ := b.objectKey(r)
	if !sigv4.HasAuth(r) {
		return nil, accessDenied()
	}
	res, err := b.verifier.Verify(r.Context(), r, sigv4.Options{Service: "s3", Region: b.region, S3: true})
	var se *sigv4.Error
	if errors.As(err, &se) {
		if se.Reason == sigv4.UnknownKey {
			// Another account's credentials: the bucket is not theirs.
			return nil, accessDenied()
		}
		return nil, awserr.FromSigV4(se, awserr.RESTXML)
	}
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPut || !res.Presigned || key == "" {
		return nil, accessDenied()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, awserr.New(awserr.Code("IncompleteBody"), "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	if len(body) > maxBody {
		return nil, awserr.New(awserr.Code("EntityTooLarge"), "Your proposed upload exceeds the maximum allowed size")
	}
	return body, nil
}

// ETag of a stored body, as S3 computes it for a single-part upload.
func etag(body []byte) string {
	sum := md5.Sum(body)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
