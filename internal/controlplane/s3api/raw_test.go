package s3api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// do sends one request signed with the SDK's signer. host, when set,
// replaces the Host header (virtual-host style over 127.0.0.1).
func (e *env) do(t *testing.T, k cptest.Key, method, path, host string, hdr http.Header, body []byte, payloadHash string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for name, v := range hdr {
		req.Header[name] = v
	}
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		SignHTTP(context.Background(), creds, req, payloadHash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// chunked builds an aws-chunked body for data signed from seed, in chunks
// of size n (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html).
func chunked(secret string, signedAt time.Time, seed string, data []byte, n int) []byte {
	key := sigv4.SigningKey(secret, signedAt.Format(sigv4.DateFormat), "us-east-1", "s3")
	scope := sigv4.Scope(signedAt, "us-east-1", "s3")
	prev := seed
	var out bytes.Buffer
	for {
		c := data[:min(n, len(data))]
		data = data[len(c):]
		sum := sha256.Sum256(c)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + signedAt.Format(sigv4.TimeFormat) + "\n" + scope + "\n" + prev + "\n" +
			sigv4.EmptySHA256 + "\n" + hex.EncodeToString(sum[:])
		prev = sigv4.Signature(key, sts)
		fmt.Fprintf(&out, "%x;chunk-signature=%s\r\n%s\r\n", len(c), prev, c)
		if len(c) == 0 {
			return out.Bytes()
		}
	}
}

// putChunked sends a STREAMING-AWS4-HMAC-SHA256-PAYLOAD PutObject, as
// `aws s3 cp` and the SDKs do, optionally corrupting the framed body.
func (e *env) putChunked(t *testing.T, path string, data []byte, corrupt func([]byte) []byte) (int, string) {
	t.Helper()
	signedAt := time.Now().UTC()
	// The seed signature depends on Content-Length, which depends on the
	// framing; chunk signatures are all 64 hex digits, so frame once with
	// a dummy seed to learn the length.
	length := len(chunked(e.Root.Secret, signedAt, strings.Repeat("0", 64), data, 4096))
	req, err := http.NewRequest(http.MethodPut, e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(length)
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingPayload)
	creds := aws.Credentials{AccessKeyID: e.Root.ID, SecretAccessKey: e.Root.Secret}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		SignHTTP(context.Background(), creds, req, sigv4.StreamingPayload, "s3", "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	authz := req.Header.Get("Authorization")
	seed := authz[strings.LastIndex(authz, "Signature=")+len("Signature="):]
	body := chunked(e.Root.Secret, signedAt, seed, data, 4096)
	if corrupt != nil {
		body = corrupt(body)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestChunkedUpload(t *testing.T) {
	e := newEnv(t)
	if resp, b := e.do(t, e.Root, http.MethodPut, "/chunks", "", nil, nil, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("CreateBucket: %d %s", resp.StatusCode, b)
	}
	data := bytes.Repeat([]byte("streamed payload "), 1000)
	tests := []struct {
		name       string
		corrupt    func([]byte) []byte
		wantStatus int
		wantCode   string
	}{
		{"valid", nil, http.StatusOK, ""},
		{"flipped data byte", func(b []byte) []byte {
			i := bytes.Index(b, []byte("streamed"))
			b[i] ^= 1
			return b
		}, http.StatusForbidden, "<Code>SignatureDoesNotMatch</Code>"},
		{"bad chunk size", func(b []byte) []byte { b[0] = 'z'; return b }, http.StatusBadRequest, "<Code>IncompleteBody</Code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.putChunked(t, "/chunks/"+strings.ReplaceAll(tc.name, " ", "-"), data, tc.corrupt)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantCode) {
				t.Fatalf("PutObject = %d %s; want %d %s", status, body, tc.wantStatus, tc.wantCode)
			}
			if tc.wantCode != "" {
				return
			}
			resp, got := e.do(t, e.Root, http.MethodGet, "/chunks/valid", "", nil, nil, "")
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
				t.Errorf("GetObject = %d, %d bytes; want 200, %d bytes", resp.StatusCode, len(got), len(data))
			}
		})
	}
}

// TestVirtualHostAndRange reads an object through bucket.s3.localhost and
// with Range requests.
func TestVirtualHostAndRange(t *testing.T) {
	e := newEnv(t)
	host := "vhost.s3.localhost"
	if resp, b := e.do(t, e.Root, http.MethodPut, "/", host, nil, nil, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("CreateBucket: %d %s", resp.StatusCode, b)
	}
	hdr := http.Header{"Content-Type": {"text/plain"}, "X-Amz-Meta-Color": {"blue"}}
	if resp, b := e.do(t, e.Root, http.MethodPut, "/dir/obj.txt", host, hdr, []byte("0123456789"), sigv4.UnsignedPayload); resp.StatusCode != http.StatusOK {
		t.Fatalf("PutObject: %d %s", resp.StatusCode, b)
	}
	tests := []struct {
		name, rng, want, contentRange string
		status                        int
	}{
		{"whole", "", "0123456789", "", http.StatusOK},
		{"first-last", "bytes=2-4", "234", "bytes 2-4/10", http.StatusPartialContent},
		{"open end", "bytes=7-", "789", "bytes 7-9/10", http.StatusPartialContent},
		{"suffix", "bytes=-3", "789", "bytes 7-9/10", http.StatusPartialContent},
		{"past end clamps", "bytes=8-100", "89", "bytes 8-9/10", http.StatusPartialContent},
		{"unsatisfiable", "bytes=10-", "", "", http.StatusRequestedRangeNotSatisfiable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h http.Header
			if tc.rng != "" {
				h = http.Header{"Range": {tc.rng}}
			}
			resp, body := e.do(t, e.Root, http.MethodGet, "/dir/obj.txt", host, h, nil, "")
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status == http.StatusRequestedRangeNotSatisfiable {
				if !strings.Contains(string(body), "<Code>InvalidRange</Code>") {
					t.Errorf("body = %s", body)
				}
				return
			}
			got := map[string]string{"body": string(body), "range": resp.Header.Get("Content-Range"),
				"type": resp.Header.Get("Content-Type"), "meta": resp.Header.Get("X-Amz-Meta-Color")}
			want := map[string]string{"body": tc.want, "range": tc.contentRange, "type": "text/plain", "meta": "blue"}
			if diff := cmpDiff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorDocuments pins S3's XML error shape and statuses for codes this
// package maps itself.
func TestErrorDocuments(t *testing.T) {
	e := newEnv(t)
	e.do(t, e.Root, http.MethodPut, "/errs", "", nil, nil, "")
	e.do(t, e.Root, http.MethodPut, "/errs/k", "", nil, []byte("x"), "")
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"bucket not empty", http.MethodDelete, "/errs", http.StatusConflict, "BucketNotEmpty"},
		{"no such bucket", http.MethodGet, "/nobucket?list-type=2", http.StatusNotFound, "NoSuchBucket"},
		{"no such upload", http.MethodDelete, "/errs/k?uploadId=zzz", http.StatusNotFound, "NoSuchUpload"},
		{"not implemented", http.MethodGet, "/errs?acl", http.StatusNotImplemented, "NotImplemented"},
		{"method not allowed", http.MethodPost, "/errs/k", http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"bad bucket name", http.MethodPut, "/A_B", http.StatusBadRequest, "InvalidBucketName"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, e.Root, tc.method, tc.path, "", nil, nil, "")
			if resp.StatusCode != tc.status || !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>"+tc.code+"</Code>") {
				t.Errorf("got %d %s; want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
			if resp.Header.Get("x-amz-request-id") == "" {
				t.Error("no x-amz-request-id")
			}
		})
	}
}
