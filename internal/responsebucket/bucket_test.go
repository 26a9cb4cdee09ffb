package responsebucket

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newBucket(t *testing.T) (*Bucket, *clock, string) {
	t.Helper()
	st := storetest.SQLite(t)
	c := &clock{t: time.Now().UTC()}
	var b *Bucket
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !b.Match(r) {
			http.NotFound(w, r)
			return
		}
		b.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b = New(st, "us-east-1", func() string { return srv.URL }, c.now)
	return b, c, srv.URL
}

// key is an object key as CloudFormation makes them: stack id, logical id
// and request id, joined by '|'.
const key = "arn:aws:cloudformation:us-east-1:000000000000:stack/s/1b2c3d4e-0000-0000-0000-000000000000|Thing|5e6f7a8b-0000-0000-0000-000000000000"

func do(t *testing.T, method, u, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// errCode is the <Code> of an S3 error body.
func errCode(body string) string {
	_, rest, _ := strings.Cut(body, "<Code>")
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

func TestPresignedPut(t *testing.T) {
	ctx := context.Background()
	b, _, base := newBucket(t)
	u, err := b.PresignPut(ctx, key, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// AWS's form: the bucket, the key escaped once, X-Amz-Expires=7200.
	if want := base + "/cloudformation-custom-resource-response-useast1/arn%3Aaws%3Acloudformation%3Aus-east-1%3A000000000000%3Astack/s/1b2c3d4e-0000-0000-0000-000000000000%7CThing%7C5e6f7a8b"; !strings.HasPrefix(u, want) ||
		!strings.Contains(u, "X-Amz-Expires=7200") || !strings.Contains(u, "X-Amz-SignedHeaders=host") {
		t.Errorf("url %s", u)
	}
	if _, ok, _ := b.Take(ctx, key); ok {
		t.Fatal("an answer before any PUT")
	}
	status, body, h := do(t, http.MethodPut, u, `{"Status":"SUCCESS"}`)
	sum := md5.Sum([]byte(`{"Status":"SUCCESS"}`))
	if status != 200 || body != "" || h.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Fatalf("PUT: %d %q %v", status, body, h)
	}
	got, ok, err := b.Take(ctx, key)
	if err != nil || !ok || string(got) != `{"Status":"SUCCESS"}` {
		t.Fatalf("Take: %q %v %v", got, ok, err)
	}
	// Taken: the key is closed, a late PUT is refused and nothing is kept.
	if status, body, _ := do(t, http.MethodPut, u, "late"); status != 403 || errCode(body) != "AccessDenied" {
		t.Errorf("late PUT: %d %s", status, body)
	}
	if _, ok, _ := b.Take(ctx, key); ok {
		t.Error("a second answer after Take")
	}
}

// TestOnlyThatPut: the URL allows the PUT of its key and nothing else
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html);
// the account's own credentials and unsigned requests get AccessDenied, as
// for another account's bucket.
func TestOnlyThatPut(t *testing.T) {
	ctx := context.Background()
	b, c, base := newBucket(t)
	u, err := b.PresignPut(ctx, key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(u, "%7CThing%7C", "%7COther%7C", 1)
	signedByAccount := func() string {
		req, _ := http.NewRequest(http.MethodPut, base+"/cloudformation-custom-resource-response-useast1/x?X-Amz-Expires=60", nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
			req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}()
	tests := []struct {
		name, method, url string
		code              string
	}{
		{"GET with the PUT URL", http.MethodGet, u, "SignatureDoesNotMatch"},
		{"DELETE with the PUT URL", http.MethodDelete, u, "SignatureDoesNotMatch"},
		{"another key", http.MethodPut, other, "SignatureDoesNotMatch"},
		{"unsigned", http.MethodPut, base + "/cloudformation-custom-resource-response-useast1/" + "k", "AccessDenied"},
		{"the account's key", http.MethodPut, signedByAccount, "AccessDenied"},
		{"list the bucket", http.MethodGet, base + "/cloudformation-custom-resource-response-useast1", "AccessDenied"},
	}
	for _, tc := range tests {
		status, body, _ := do(t, tc.method, tc.url, "{}")
		if status != 403 || errCode(body) != tc.code {
			t.Errorf("%s: %d %s, want 403 %s", tc.name, status, body, tc.code)
		}
	}
	if _, ok, _ := b.Take(ctx, key); ok {
		t.Error("a refused request left an answer")
	}
	c.add(time.Hour + time.Second)
	if status, body, _ := do(t, http.MethodPut, u, "{}"); status != 403 || !strings.Contains(body, "<Message>Request has expired</Message>") {
		t.Errorf("expired URL: %d %s", status, body)
	}
}

func TestDiscardCloses(t *testing.T) {
	ctx := context.Background()
	b, _, _ := newBucket(t)
	u, err := b.PresignPut(ctx, key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Discard(ctx, key); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := do(t, http.MethodPut, u, "{}"); status != 403 || errCode(body) != "AccessDenied" {
		t.Errorf("PUT after Discard: %d %s", status, body)
	}
}

func TestNotListening(t *testing.T) {
	st := storetest.SQLite(t)
	b := New(st, "us-east-1", func() string { return "" }, nil)
	if _, err := b.PresignPut(context.Background(), key, time.Hour); err == nil {
		t.Error("a URL with no endpoint")
	}
}

// FuzzMatch: any request line is matched or not without panicking, and a
// matched one names the bucket by host or by the path's first segment.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"127.0.0.1:4566", "/cloudformation-custom-resource-response-useast1/a%7Cb"},
		{"cloudformation-custom-resource-response-useast1.s3.amazonaws.com", "/k"},
		{"127.0.0.1", "/cloudformation-custom-resource-response-useast1x/k"},
		{"", "/"},
	} {
		f.Add(s[0], s[1])
	}
	b := New(nil, "us-east-1", nil, nil)
	f.Fuzz(func(t *testing.T, host, path string) {
		r := &http.Request{Host: host, URL: &url.URL{Path: path}}
		key, ok := b.objectKey(r)
		if !ok {
			return
		}
		byPath := strings.HasPrefix(path, "/"+b.name+"/") || path == "/"+b.name
		if !byPath && !strings.HasPrefix(host, b.name+".s3.") {
			t.Fatalf("matched %q %q", host, path)
		}
		if byPath && !strings.HasSuffix(path, key) {
			t.Fatalf("key %q not from path %q", key, path)
		}
	})
}
