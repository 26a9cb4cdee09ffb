package s3api

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

const seedBucket = "cm-fujii.genki-deploy"

// TestCLIBlogSequence runs the seed post's S3 commands with the real aws
// CLI: mb, cp up (signed payload), ls, cp down, rm, rb.
func TestCLIBlogSequence(t *testing.T) {
	e := newEnv(t)
	apiYAML := testutil.Shared(t, "seed", "api.yaml")
	want, err := os.ReadFile(apiYAML)
	if err != nil {
		t.Fatal(err)
	}
	dst := "s3://" + seedBucket + "/Api-IAM-Sample-Stack/api.yaml"

	steps := []struct {
		name string
		args []string
		want string // substring of stdout
	}{
		{"mb", []string{"s3", "mb", "s3://" + seedBucket}, "make_bucket: " + seedBucket},
		{"cp up", []string{"s3", "cp", apiYAML, dst}, "upload: "},
		{"ls buckets", []string{"s3", "ls"}, " " + seedBucket},
		{"ls bucket", []string{"s3", "ls", "s3://" + seedBucket}, "PRE Api-IAM-Sample-Stack/"},
		{"ls recursive", []string{"s3", "ls", "--recursive", "s3://" + seedBucket}, "Api-IAM-Sample-Stack/api.yaml"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if out := e.Must(t, e.Root, s.args...); !strings.Contains(out, s.want) {
				t.Errorf("stdout = %q, want it to contain %q", out, s.want)
			}
		})
	}
	t.Run("cp down", func(t *testing.T) {
		local := filepath.Join(t.TempDir(), "api.yaml")
		e.Must(t, e.Root, "s3", "cp", dst, local)
		got, err := os.ReadFile(local)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("downloaded %d bytes differ from the %d uploaded", len(got), len(want))
		}
	})
	t.Run("rb non-empty", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "s3", "rb", "s3://"+seedBucket)
		if err == nil || !strings.Contains(stderr, "BucketNotEmpty") {
			t.Errorf("err = %v, stderr = %q; want BucketNotEmpty", err, stderr)
		}
	})
	t.Run("rm", func(t *testing.T) {
		if out := e.Must(t, e.Root, "s3", "rm", dst); !strings.Contains(out, "delete: "+dst) {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("rb", func(t *testing.T) {
		if out := e.Must(t, e.Root, "s3", "rb", "s3://"+seedBucket); !strings.Contains(out, "remove_bucket: "+seedBucket) {
			t.Errorf("stdout = %q", out)
		}
	})
}

// TestCLIMultipart uploads a file above the CLI's 8 MB multipart threshold
// and reads it back, then checks the multipart ETag shape.
func TestCLIMultipart(t *testing.T) {
	e := newEnv(t)
	e.Must(t, e.Root, "s3", "mb", "s3://big")
	data := bytes.Repeat([]byte("0123456789abcdef"), 9<<20/16)
	dir := t.TempDir()
	src := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e.Must(t, e.Root, "s3", "cp", src, "s3://big/big.bin")
	back := filepath.Join(dir, "back.bin")
	e.Must(t, e.Root, "s3", "cp", "s3://big/big.bin", back)
	got, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("round trip: got %d bytes, want %d", len(got), len(data))
	}
	var head struct {
		ContentLength int64
		ETag          string
	}
	if err := json.Unmarshal([]byte(e.Must(t, e.Root, "s3api", "head-object", "--bucket", "big", "--key", "big.bin")), &head); err != nil {
		t.Fatal(err)
	}
	if head.ContentLength != int64(len(data)) || !strings.HasSuffix(head.ETag, `-2"`) {
		t.Errorf("head-object = %+v, want %d bytes and a 2-part ETag", head, len(data))
	}
}

// TestCLIDenied checks that a user without policies gets S3's AccessDenied
// with the caller, action and quoted resource
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html).
func TestCLIDenied(t *testing.T) {
	e := newEnv(t)
	e.Must(t, e.Root, "s3", "mb", "s3://bk1")
	user := "arn:aws:iam::" + acct + ":user/api-gateway-user"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ListObjectsV2", []string{"s3api", "list-objects-v2", "--bucket", "bk1"},
			"An error occurred (AccessDenied) when calling the ListObjectsV2 operation: User: " + user +
				` is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::bk1" because no identity-based policy allows the s3:ListBucket action`},
		{"PutObject", []string{"s3api", "put-object", "--bucket", "bk1", "--key", "a/b.txt"},
			"An error occurred (AccessDenied) when calling the PutObject operation: User: " + user +
				` is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::bk1/a/b.txt" because no identity-based policy allows the s3:PutObject action`},
		{"ListBuckets", []string{"s3api", "list-buckets"},
			"An error occurred (AccessDenied) when calling the ListBuckets operation: User: " + user +
				` is not authorized to perform: s3:ListAllMyBuckets on resource: "arn:aws:s3:::*" because no identity-based policy allows the s3:ListAllMyBuckets action`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := e.AWS(t, e.User, tc.args...)
			if err == nil {
				t.Fatal("aws succeeded; want AccessDenied")
			}
			if got := strings.TrimSpace(stderr); got != tc.want {
				t.Errorf("stderr:\n%s", cmp.Diff(tc.want, got))
			}
		})
	}
}

// TestCLIS3API drives the lower-level s3api commands and checks their
// parsed JSON.
func TestCLIS3API(t *testing.T) {
	e := newEnv(t)
	e.Must(t, e.Root, "s3api", "create-bucket", "--bucket", "bk2")
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a/1.txt", "a/2.txt", "b/3.txt", "top.txt"} {
		e.Must(t, e.Root, "s3api", "put-object", "--bucket", "bk2", "--key", k, "--body", empty)
	}
	type listing struct {
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
		KeyCount       int
		IsTruncated    bool
	}
	keys := func(l listing) []string {
		var out []string
		for _, c := range l.Contents {
			out = append(out, c.Key)
		}
		for _, p := range l.CommonPrefixes {
			out = append(out, p.Prefix)
		}
		return out
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"delimiter", []string{"list-objects-v2", "--bucket", "bk2", "--delimiter", "/"}, []string{"top.txt", "a/", "b/"}},
		{"prefix", []string{"list-objects-v2", "--bucket", "bk2", "--prefix", "a/"}, []string{"a/1.txt", "a/2.txt"}},
		{"paginated v2", []string{"list-objects-v2", "--bucket", "bk2", "--page-size", "1"}, []string{"a/1.txt", "a/2.txt", "b/3.txt", "top.txt"}},
		{"paginated v1 delimiter", []string{"list-objects", "--bucket", "bk2", "--delimiter", "/", "--page-size", "1"}, []string{"top.txt", "a/", "b/"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l listing
			if err := json.Unmarshal([]byte(e.Must(t, e.Root, append([]string{"s3api"}, tc.args...)...)), &l); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, keys(l)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("location", func(t *testing.T) {
		out := e.Must(t, e.Root, "s3api", "get-bucket-location", "--bucket", "bk2")
		if !strings.Contains(out, `"LocationConstraint": null`) {
			t.Errorf("get-bucket-location = %s", out)
		}
	})
	t.Run("copy", func(t *testing.T) {
		out := e.Must(t, e.Root, "s3api", "copy-object", "--bucket", "bk2", "--key", "c/copy.txt", "--copy-source", "bk2/top.txt")
		if !strings.Contains(out, `"ETag": "\"d41d8cd98f00b204e9800998ecf8427e\""`) {
			t.Errorf("copy-object = %s", out)
		}
	})
	t.Run("delete-objects", func(t *testing.T) {
		out := e.Must(t, e.Root, "s3api", "delete-objects", "--bucket", "bk2",
			"--delete", `{"Objects":[{"Key":"a/1.txt"},{"Key":"a/2.txt"}]}`)
		var res struct{ Deleted []struct{ Key string } }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Deleted) != 2 {
			t.Errorf("delete-objects = %s", out)
		}
	})
	t.Run("no such key", func(t *testing.T) {
		_, stderr, err := e.AWS(t, e.Root, "s3api", "get-object", "--bucket", "bk2", "--key", "nope", filepath.Join(t.TempDir(), "x"))
		if err == nil || !strings.Contains(stderr, "(NoSuchKey) when calling the GetObject operation: The specified key does not exist.") {
			t.Errorf("err = %v, stderr = %q", err, stderr)
		}
	})
}

// Re-creating a bucket you own answers 200 in us-east-1 (a legacy of that
// region) and BucketAlreadyOwnedByYou elsewhere:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
func TestCLIMakeOwnBucketAgain(t *testing.T) {
	e := newEnv(t)
	e.Must(t, e.Root, "s3", "mb", "s3://again-bucket")
	if out := e.Must(t, e.Root, "s3", "mb", "s3://again-bucket"); !strings.Contains(out, "make_bucket: again-bucket") {
		t.Errorf("second mb in us-east-1: %q", out)
	}

	other := newEnvIn(t, "eu-west-1")
	other.Must(t, other.Root, "s3", "mb", "s3://again-bucket")
	if _, stderr, err := other.AWS(t, other.Root, "s3", "mb", "s3://again-bucket"); err == nil || !strings.Contains(stderr, "BucketAlreadyOwnedByYou") {
		t.Errorf("second mb in eu-west-1: %v %s", err, stderr)
	}
}
