package s3

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func TestBucketsAndObjects(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s := New(st, "us-east-1", time.Now)
	check := func(name string, err error, code awserr.Code) {
		t.Helper()
		if code == "" && err != nil || code != "" && !awserr.Is(err, code) {
			t.Errorf("%s: got %v, want %q", name, err, code)
		}
	}
	check("create", s.CreateBucket(ctx, "cm-fujii.genki-deploy"), "")
	check("create again", s.CreateBucket(ctx, "cm-fujii.genki-deploy"), BucketAlreadyOwnedByYou)
	check("bad name", s.CreateBucket(ctx, "Bad_Name"), InvalidBucketName)
	check("dots", s.CreateBucket(ctx, "a..b"), InvalidBucketName)
	_, err := s.PutObject(ctx, "nope", "k", []byte("x"), "", nil)
	check("put to missing bucket", err, NoSuchBucket)
	o, err := s.PutObject(ctx, "cm-fujii.genki-deploy", "Api-IAM-Sample-Stack/api.yaml", []byte("openapi: 3.0.1\n"), "text/yaml", nil)
	check("put", err, "")
	if o.ETag != `"d9a4ee8a7fbf2d00fc0fd8b6e5ab3c8b"` && len(o.ETag) != 34 {
		t.Errorf("etag %s", o.ETag)
	}
	_, data, err := s.GetObject(ctx, "cm-fujii.genki-deploy", "Api-IAM-Sample-Stack/api.yaml")
	if err != nil || string(data) != "openapi: 3.0.1\n" {
		t.Errorf("get: %q %v", data, err)
	}
	_, _, err = s.GetObject(ctx, "cm-fujii.genki-deploy", "missing")
	check("get missing", err, NoSuchKey)
	objs, err := s.ListObjects(ctx, "cm-fujii.genki-deploy", "Api-")
	if err != nil || len(objs) != 1 || objs[0].Size != 15 {
		t.Errorf("list %+v %v", objs, err)
	}
	check("delete non-empty bucket", s.DeleteBucket(ctx, "cm-fujii.genki-deploy"), BucketNotEmpty)
	check("delete object", s.DeleteObject(ctx, "cm-fujii.genki-deploy", "Api-IAM-Sample-Stack/api.yaml"), "")
	check("delete missing object", s.DeleteObject(ctx, "cm-fujii.genki-deploy", "Api-IAM-Sample-Stack/api.yaml"), "")
	check("delete bucket", s.DeleteBucket(ctx, "cm-fujii.genki-deploy"), "")
}

func TestParseLocation(t *testing.T) {
	cases := []struct {
		in, bucket, key string
		ok              bool
	}{
		{"s3://b/k/x.yaml", "b", "k/x.yaml", true},
		{"s3://b", "b", "", false},
		{"https://b.s3.amazonaws.com/k", "b", "k", true},
		{"https://b.s3.us-east-1.amazonaws.com/k/y", "b", "k/y", true},
		{"https://s3.amazonaws.com/b/k", "b", "k", true},
		{"not a url", "", "", false},
	}
	for _, c := range cases {
		b, k, ok := ParseLocation(c.in)
		if b != c.bucket || k != c.key || ok != c.ok {
			t.Errorf("%s: got %q %q %v", c.in, b, k, ok)
		}
	}
}

func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"s3://b/k", "https://b.s3.amazonaws.com/k", "", "s3://", "https://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, k, ok := ParseLocation(s)
		if ok && (b == "" || k == "") {
			t.Fatalf("ok with empty part: %q %q", b, k)
		}
	})
}

// Bucket naming rules:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
func TestValidateBucketName(t *testing.T) {
	for _, ok := range []string{"abc", "my-bucket", "my.bucket.1", "a1b", strings.Repeat("a", 63), "iamgate-managed-000000000000"} {
		if err := ValidateBucketName(ok); err != nil {
			t.Errorf("ValidateBucketName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "ab", "..", ".", "../x", "a/b", "A_B", "ABC", strings.Repeat("a", 64), "-ab", "ab-", ".ab",
		"a..b", "a.-b", "a-.b", "192.168.5.4", "xn--abc", "sthree-x", "amzn-s3-demo-x", "x-s3alias", "x--ol-s3", "x.mrap",
		"x--x-s3", "x--table-s3", "a b", "a\x00b"} {
		if err := ValidateBucketName(bad); !awserr.Is(err, InvalidBucketName) || awserr.As(err).Message != "The specified bucket is not valid." {
			t.Errorf("ValidateBucketName(%q) = %v, want InvalidBucketName", bad, err)
		}
	}
	if err := ValidateKey(strings.Repeat("k", 1024)); err != nil {
		t.Errorf("1024-byte key: %v", err)
	}
	if err := ValidateKey(strings.Repeat("k", 1025)); !awserr.Is(err, KeyTooLong) {
		t.Errorf("1025-byte key: %v", err)
	}
}
