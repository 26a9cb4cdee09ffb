package s3api

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIChecksums: the aws CLI (botocore 1.36+ sends a CRC32 by default)
// stores and reads back additional checksums; a wrong one is BadDigest
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html,
// wording as S3 answers: aws/aws-sdk-ruby#3322 "The CRC32 you specified did
// not match the calculated checksum.").
func TestCLIChecksums(t *testing.T) {
	e := newEnv(t)
	e.Must(t, e.Root, "s3api", "create-bucket", "--bucket", "sums")
	dir := t.TempDir()
	body := filepath.Join(dir, "body")
	if err := os.WriteFile(body, []byte("123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Digests of "123456789", base64: CRC32 cbf43926, SHA1 f7c3bc1d..., SHA256 15e2b0d3...
	want := map[string]string{
		"CRC32":  "y/Q5Jg==",
		"SHA1":   "98O8HYCOBHMq32eZZczDTKeuNEE=",
		"SHA256": "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=",
	}
	for alg, sum := range want {
		t.Run(alg, func(t *testing.T) {
			key := "k-" + strings.ToLower(alg)
			out := e.Must(t, e.Root, "s3api", "put-object", "--bucket", "sums", "--key", key, "--body", body, "--checksum-algorithm", alg)
			if !strings.Contains(out, `"Checksum`+alg+`": "`+sum+`"`) {
				t.Errorf("put-object = %s", out)
			}
			var head map[string]any
			if err := json.Unmarshal([]byte(e.Must(t, e.Root, "s3api", "head-object", "--bucket", "sums", "--key", key, "--checksum-mode", "ENABLED")), &head); err != nil {
				t.Fatal(err)
			}
			if head["Checksum"+alg] != sum || head["ChecksumType"] != "FULL_OBJECT" {
				t.Errorf("head-object = %v", head)
			}
			// Without checksum mode no checksum is returned.
			if out := e.Must(t, e.Root, "s3api", "head-object", "--bucket", "sums", "--key", key); strings.Contains(out, "Checksum"+alg) {
				t.Errorf("head-object without checksum mode = %s", out)
			}
			// get-object validates the returned checksum itself.
			e.Must(t, e.Root, "s3api", "get-object", "--bucket", "sums", "--key", key, "--checksum-mode", "ENABLED", filepath.Join(dir, "out-"+alg))
		})
	}
	t.Run("wrong checksum", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "s3api", "put-object", "--bucket", "sums", "--key", "bad", "--body", body, "--checksum-crc32", "AAAAAA==")
		// botocore retries BadDigest (a transfer error) before giving up.
		if err == nil || !strings.Contains(stderr, "(BadDigest) when calling the PutObject operation") ||
			!strings.Contains(stderr, ": The CRC32 you specified did not match the calculated checksum.") {
			t.Errorf("err = %v, stderr = %s", err, stderr)
		}
		_, stderr, _ = e.AWS(t, e.Root, "s3api", "head-object", "--bucket", "sums", "--key", "bad")
		if !strings.Contains(stderr, "404") {
			t.Errorf("an object with a bad checksum was stored: %s", stderr)
		}
	})
	t.Run("malformed checksum", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "s3api", "put-object", "--bucket", "sums", "--key", "bad", "--body", body, "--checksum-sha256", "AAAAAA==")
		if err == nil || !strings.Contains(stderr, "(InvalidRequest) when calling the PutObject operation: Value for x-amz-checksum-sha256 header is invalid.") {
			t.Errorf("err = %v, stderr = %s", err, stderr)
		}
	})
	t.Run("multipart round trip", func(t *testing.T) {
		// s3transfer splits 9 MiB into parts, with the CLI's default
		// checksums, and checks the download's checksum if one is returned.
		big := make([]byte, 9<<20)
		_, _ = rand.Read(big)
		src, dst := filepath.Join(dir, "big"), filepath.Join(dir, "big.out")
		if err := os.WriteFile(src, big, 0o600); err != nil {
			t.Fatal(err)
		}
		e.Must(t, e.Root, "s3", "cp", src, "s3://sums/big")
		e.Must(t, e.Root, "s3", "cp", "s3://sums/big", dst)
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("round trip differs: %v", err)
		}
		out := e.Must(t, e.Root, "s3api", "create-multipart-upload", "--bucket", "sums", "--key", "mp", "--checksum-algorithm", "SHA256")
		var up struct{ UploadId string }
		if err := json.Unmarshal([]byte(out), &up); err != nil {
			t.Fatal(err)
		}
		out = e.Must(t, e.Root, "s3api", "upload-part", "--bucket", "sums", "--key", "mp", "--upload-id="+up.UploadId,
			"--part-number", "1", "--body", body, "--checksum-algorithm", "SHA256")
		var part struct{ ETag, ChecksumSHA256 string }
		if err := json.Unmarshal([]byte(out), &part); err != nil || part.ChecksumSHA256 != want["SHA256"] {
			t.Fatalf("upload-part = %s", out)
		}
		parts := `{"Parts":[{"PartNumber":1,"ETag":` + strconvQuote(part.ETag) + `,"ChecksumSHA256":"` + part.ChecksumSHA256 + `"}]}`
		out = e.Must(t, e.Root, "s3api", "complete-multipart-upload", "--bucket", "sums", "--key", "mp", "--upload-id="+up.UploadId, "--multipart-upload", parts)
		// COMPOSITE: SHA-256 of the part's binary SHA-256, "-1".
		if !strings.Contains(out, `"ChecksumSHA256": "`) || !strings.Contains(out, `-1"`) {
			t.Errorf("complete-multipart-upload = %s", out)
		}
	})
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzDeclaredChecksum: any checksum headers give a declaration or an S3
// error, never a panic; a declared value is well formed.
func FuzzDeclaredChecksum(f *testing.F) {
	f.Add("x-amz-checksum-crc32", "y/Q5Jg==", "", "")
	f.Add("x-amz-checksum-sha256", "AAAA", "x-amz-checksum-crc32", "crc32")
	f.Add("x-amz-meta-a", "b", "x-amz-checksum-crc64nvme", "")
	f.Add("x-amz-checksum-md5", "x", "", "SHA1")
	f.Fuzz(func(t *testing.T, name, value, trailer, sdk string) {
		h := http.Header{}
		h.Set(name, value)
		if trailer != "" {
			h.Set("x-amz-trailer", trailer)
		}
		if sdk != "" {
			h.Set("x-amz-sdk-checksum-algorithm", sdk)
		}
		d, err := declaredChecksum(h)
		if err != nil {
			return
		}
		if d != nil && d.value != "" && !d.alg.Valid(d.value) {
			t.Errorf("declared an invalid value %q for %s", d.value, d.alg)
		}
	})
}
