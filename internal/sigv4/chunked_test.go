package sigv4

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// awsChunkExample is the worked example of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// (PUT chunkObject.txt: 64 KiB then 1 KiB of 'a').
func awsChunkExample(t *testing.T, corrupt func([]byte) []byte) (*Result, []byte, error) {
	t.Helper()
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	sigs := []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
	var body bytes.Buffer
	for i, n := range []int{65536, 1024, 0} {
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n%s\r\n", n, sigs[i], strings.Repeat("a", n))
	}
	b := body.Bytes()
	if corrupt != nil {
		b = corrupt(b)
	}
	r := httptest.NewRequest("PUT", "https://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(b))
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	r.Header.Set("X-Amz-Content-Sha256", StreamingPayload)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	r.Host = "s3.amazonaws.com"
	v := NewVerifier(testKeys(), func() time.Time { return at })
	res, err := v.Verify(context.Background(), r, Options{Service: "s3", S3: true})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	out, err := io.ReadAll(NewChunkReader(r.Body, res))
	return res, out, err
}

func TestChunkReaderAWSExample(t *testing.T) {
	_, out, err := awsChunkExample(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("a", 66560); string(out) != want {
		t.Fatalf("payload: got %d bytes", len(out))
	}
}

func TestChunkReaderRejects(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
		reason  Reason
	}{
		{"data byte changed", func(b []byte) []byte { b[200] = 'b'; return b }, SignatureMismatch},
		{"chunk signature changed", func(b []byte) []byte { b[30] ^= 1; return b }, SignatureMismatch},
		{"truncated", func(b []byte) []byte { return b[:len(b)-100] }, BadChunk},
		{"final chunk missing", func(b []byte) []byte { return b[:bytes.LastIndex(b, []byte("0;chunk"))] }, BadChunk},
		{"bad size", func(b []byte) []byte { b[0] = 'z'; return b }, BadChunk},
		{"chunks swapped", func(b []byte) []byte {
			i := bytes.Index(b, []byte("400;"))
			j := bytes.Index(b, []byte("0;chunk-signature=b6"))
			return append(append(append([]byte{}, b[i:j]...), b[:i]...), b[j:]...)
		}, SignatureMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := awsChunkExample(t, tc.corrupt)
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Reason != tc.reason {
				t.Fatalf("err = %v, want reason %v", err, tc.reason)
			}
		})
	}
}

// TestChunkReaderGoSDKStreamSigner signs chunks with aws-sdk-go-v2's stream
// signer (the same chain: previous signature, empty headers hash, data hash).
func TestChunkReaderGoSDKStreamSigner(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	r := httptest.NewRequest("PUT", "https://bucket.s3.us-west-2.amazonaws.com/key", nil)
	r.Header.Set("X-Amz-Content-Sha256", StreamingPayload)
	r.Header.Set("Content-Encoding", "aws-chunked")
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, StreamingPayload, "s3", "us-west-2", at); err != nil {
		t.Fatal(err)
	}
	seed := r.Header.Get("Authorization")
	seedSig, _ := hex.DecodeString(seed[strings.LastIndex(seed, "=")+1:])
	ss := v4.NewStreamSigner(creds, "s3", "us-west-2", seedSig)
	var body bytes.Buffer
	chunks := []string{"hello ", "chunked ", "world", ""}
	for _, c := range chunks {
		sig, err := ss.GetSignature(context.Background(), nil, []byte(c), at)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&body, "%x;chunk-signature=%x\r\n%s\r\n", len(c), sig, c)
	}
	r.Body = io.NopCloser(&body)
	res, err := NewVerifier(testKeys(), func() time.Time { return at }).Verify(context.Background(), r, Options{Service: "s3", S3: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(NewChunkReader(r.Body, res))
	if err != nil || string(out) != "hello chunked world" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestChunkReaderUnsignedTrailer(t *testing.T) {
	body := "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
	cr := NewChunkReader(strings.NewReader(body), &Result{PayloadHash: StreamingUnsignedTrail})
	out, err := io.ReadAll(cr)
	if err != nil || string(out) != "hello" {
		t.Fatalf("got %q, %v", out, err)
	}
	if got := cr.Trailers(); len(got) != 1 || got[0] != "x-amz-checksum-crc32:NhCmhg==" {
		t.Errorf("trailers = %q", got)
	}
}
