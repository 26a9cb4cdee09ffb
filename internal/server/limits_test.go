package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// listening starts s on a loopback port and returns its address.
func listening(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		<-done
	})
	return s, addr.String()
}

// bogusAuth is a well-formed Authorization header naming a real access key
// (key ids are not secret) with a wrong signature: what an attacker can send.
func bogusAuth(keyID, service string) string {
	day := time.Now().UTC().Format("20060102")
	return "AWS4-HMAC-SHA256 Credential=" + keyID + "/" + day + "/us-east-1/" + service +
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)
}

// rawExchange writes head (no body) and reads one response, within 10 s.
func rawExchange(t *testing.T, addr, head string) (*http.Response, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response before the body was sent: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestBodyCapsBeforeSignature: a declared Content-Length over a service's
// limit is answered with the service's error before a byte of the body is
// read (the client sends none), even though the signature is bogus.
func TestBodyCapsBeforeSignature(t *testing.T) {
	s, addr := listening(t, Config{})
	root, _ := s.RootKey()
	date := time.Now().UTC().Format("20060102T150405Z")
	tests := []struct {
		name, method, path, service, extra string
		length                             int64
		wantStatus                         int
		wantCode, wantMessage              string
	}{
		{name: "lambda CreateFunction over 69905067 bytes", method: "POST", path: "/2015-03-31/functions", service: "lambda",
			length: 69905068, wantStatus: 413, wantCode: "RequestEntityTooLargeException",
			wantMessage: "Request must be smaller than 69905067 bytes for the CreateFunction operation"},
		{name: "lambda UpdateFunctionCode", method: "PUT", path: "/2015-03-31/functions/f/code", service: "lambda",
			length: 300 << 20, wantStatus: 413, wantCode: "RequestEntityTooLargeException",
			wantMessage: "Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation"},
		{name: "lambda Invoke over 6 MB", method: "POST", path: "/2015-03-31/functions/f/invocations", service: "lambda",
			length: 6291457, wantStatus: 413, wantCode: "RequestTooLargeException",
			wantMessage: "Request must be smaller than 6291456 bytes for the InvokeFunction operation"},
		{name: "logs PutLogEvents over 1 MiB", method: "POST", path: "/", service: "logs",
			extra:  "X-Amz-Target: Logs_20140328.PutLogEvents\r\nContent-Type: application/x-amz-json-1.1\r\n",
			length: 2 << 20, wantStatus: 400, wantCode: "InvalidParameterException",
			wantMessage: "Upload too large: 2097152 bytes exceeds limit of 1048576"},
		{name: "s3 PutObject over 5 GiB", method: "PUT", path: "/bucket/key", service: "s3",
			extra: "X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n", length: 5<<30 + 1, wantStatus: 400,
			wantCode: "EntityTooLarge", wantMessage: "Your proposed upload exceeds the maximum allowed size"},
		{name: "s3 aws-chunked PutObject decoded over 5 GiB", method: "PUT", path: "/bucket/key", service: "s3",
			extra:  "X-Amz-Content-Sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\nX-Amz-Decoded-Content-Length: 5368709121\r\n",
			length: 1 << 20, wantStatus: 400, wantCode: "EntityTooLarge"},
		{name: "s3 DeleteObjects body", method: "POST", path: "/bucket?delete", service: "s3",
			extra: "X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n", length: 64 << 20, wantStatus: 400,
			wantCode: "MaxMessageLengthExceeded", wantMessage: "Your request was too big."},
		{name: "iam query body", method: "POST", path: "/", service: "iam",
			extra: "Content-Type: application/x-www-form-urlencoded\r\n", length: 300 << 20, wantStatus: 400,
			wantCode: "ValidationError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nX-Amz-Date: %s\r\nAuthorization: %s\r\n%sContent-Length: %d\r\n\r\n",
				tc.method, tc.path, addr, date, bogusAuth(root, tc.service), tc.extra, tc.length)
			resp, body := rawExchange(t, addr, head)
			body += " " + resp.Header.Get("X-Amzn-Errortype")
			if resp.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantCode) || !strings.Contains(body, tc.wantMessage) {
				t.Errorf("got %d %s\nwant %d %s %q", resp.StatusCode, body, tc.wantStatus, tc.wantCode, tc.wantMessage)
			}
		})
	}
}

// zeros is an endless body that counts what was read from it.
type zeros struct{ n atomic.Int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n.Add(int64(len(p)))
	return len(p), nil
}

// TestChunkedBodyCappedWhileStreaming: a body with no declared length and a
// bogus signature is cut at the service's limit, not read to its end (300 MB
// here; the server used to read it all, holding ~650 MB).
func TestChunkedBodyCappedWhileStreaming(t *testing.T) {
	s, addr := listening(t, Config{})
	root, _ := s.RootKey()
	for _, tc := range []struct {
		name, path, service, target string
		limit                       int64
		wantStatus                  int
		wantCode                    string
	}{
		{name: "lambda invoke", path: "/2015-03-31/functions/f/invocations", service: "lambda", limit: 6291456,
			wantStatus: 413, wantCode: "RequestTooLargeException"},
		{name: "logs", path: "/", service: "logs", target: "Logs_20140328.PutLogEvents", limit: 1 << 20,
			wantStatus: 400, wantCode: "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := &zeros{}
			body := io.LimitReader(z, 300<<20)
			r, _ := http.NewRequest("POST", "http://"+addr+tc.path, body)
			r.ContentLength = -1 // chunked
			r.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
			r.Header.Set("Authorization", bogusAuth(root, tc.service))
			if tc.target != "" {
				r.Header.Set("X-Amz-Target", tc.target)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			resp, err := http.DefaultClient.Do(r.WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got = append(got, resp.Header.Get("X-Amzn-Errortype")...)
			if resp.StatusCode != tc.wantStatus || !bytes.Contains(got, []byte(tc.wantCode)) {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, got, tc.wantStatus, tc.wantCode)
			}
			// What the client managed to send: the limit, the server's
			// post-handler drain (256 KiB) and socket buffers.
			if sent := z.n.Load(); sent > tc.limit+32<<20 {
				t.Errorf("client sent %d bytes before the server refused; limit %d", sent, tc.limit)
			}
		})
	}
}

// TestInvokePayloadLimitSDK: the AWS SDK for Go v2 gets Lambda's 413 for a
// synchronous payload over 6 MB, with the exact wording.
func TestInvokePayloadLimitSDK(t *testing.T) {
	s, addr := listening(t, Config{})
	id, secret := s.RootKey()
	c := newClients("http://"+addr, id, secret)
	payload := []byte(`{"k":"` + strings.Repeat("a", 6291456) + `"}`)
	_, err := c.lambda.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("f"), Payload: payload})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "RequestTooLargeException" ||
		ae.ErrorMessage() != "Request must be smaller than 6291456 bytes for the InvokeFunction operation" {
		t.Fatalf("err %v", err)
	}
}

// TestLogsBodyLimitSigned: a correctly signed PutLogEvents over the limit
// gets CloudWatch Logs' own answer.
func TestLogsBodyLimitSigned(t *testing.T) {
	s, addr := listening(t, Config{})
	id, secret := s.RootKey()
	body := []byte(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"` +
		strings.Repeat("x", 1<<20) + `"}]}`)
	r, _ := http.NewRequest("POST", "http://"+addr+"/", bytes.NewReader(body))
	r.Header.Set("X-Amz-Target", "Logs_20140328.PutLogEvents")
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, r,
		hex.EncodeToString(sum[:]), "logs", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf("Upload too large: %d bytes exceeds limit of 1048576", len(body))
	if resp.StatusCode != 400 || !bytes.Contains(got, []byte("InvalidParameterException")) || !bytes.Contains(got, []byte(want)) {
		t.Errorf("got %d %s", resp.StatusCode, got)
	}
}
