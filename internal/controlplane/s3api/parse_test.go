package s3api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/s3"
)

func cmpDiff(want, got any) string { return cmp.Diff(want, got) }

func TestIsVirtualHost(t *testing.T) {
	tests := []struct {
		host, bucket string
		ok           bool
	}{
		{"bucket.s3.amazonaws.com", "bucket", true},
		{"cm-fujii.genki-deploy.s3.amazonaws.com", "cm-fujii.genki-deploy", true},
		{"my.bucket.s3.us-east-1.amazonaws.com", "my.bucket", true},
		{"b1.s3-us-west-2.amazonaws.com", "b1", true},
		{"b1.s3.dualstack.eu-west-1.amazonaws.com", "b1", true},
		{"bucket.s3.localhost:4566", "bucket", true},
		{"BUCKET.S3.LOCALHOST", "bucket", true},
		{"s3.amazonaws.com", "", false},
		{"s3.us-east-1.amazonaws.com", "", false},
		{"127.0.0.1:4566", "", false},
		{"localhost", "", false},
		{"abc.execute-api.us-east-1.amazonaws.com", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "http://"+tc.host+"/", nil)
			b, ok := IsVirtualHost(r)
			if b != tc.bucket || ok != tc.ok {
				t.Errorf("IsVirtualHost = %q, %v; want %q, %v", b, ok, tc.bucket, tc.ok)
			}
		})
	}
}

func TestOperation(t *testing.T) {
	tests := []struct {
		method, target, want string
	}{
		{"GET", "/", "ListBuckets"},
		{"PUT", "/b", "CreateBucket"},
		{"HEAD", "/b", "HeadBucket"},
		{"GET", "/b", "ListObjects"},
		{"GET", "/b?list-type=2&prefix=a", "ListObjectsV2"},
		{"GET", "/b?location", "GetBucketLocation"},
		{"GET", "/b?uploads", "ListMultipartUploads"},
		{"POST", "/b?delete", "DeleteObjects"},
		{"DELETE", "/b", "DeleteBucket"},
		{"PUT", "/b/k", "PutObject"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", "UploadPart"},
		{"GET", "/b/a//k", "GetObject"},
		{"HEAD", "/b/k", "HeadObject"},
		{"DELETE", "/b/k", "DeleteObject"},
		{"DELETE", "/b/k?uploadId=u", "AbortMultipartUpload"},
		{"POST", "/b/k?uploads", "CreateMultipartUpload"},
		{"POST", "/b/k?uploadId=u", "CompleteMultipartUpload"},
		{"GET", "/b/k?uploadId=u", "ListParts"},
		{"GET", "/b?policy", "GetBucketPolicy"},
		{"PUT", "/b?policy", "PutBucketPolicy"},
		{"DELETE", "/b?policy", "DeleteBucketPolicy"},
		{"POST", "/b?policy", "error"},
		{"GET", "/b?cors", "error"},
		{"PUT", "/", "error"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			op, err := parseTarget(httptest.NewRequest(tc.method, tc.target, nil)).operation(tc.method)
			got := op.name
			if err != nil {
				got = "error"
			}
			if got != tc.want {
				t.Errorf("operation = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParseTargetKeepsKey(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/b/a//b%20c/%E3%81%82", nil)
	got := parseTarget(r)
	if got.bucket != "b" || got.key != "a//b c/あ" {
		t.Errorf("parseTarget = %q %q", got.bucket, got.key)
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		spec        string
		first, last int64
		ok, err     bool
	}{
		{"bytes=0-0", 0, 0, true, false},
		{"bytes=2-4", 2, 4, true, false},
		{"bytes=7-", 7, 9, true, false},
		{"bytes=-3", 7, 9, true, false},
		{"bytes=-30", 0, 9, true, false},
		{"bytes=5-100", 5, 9, true, false},
		{"bytes=10-", 0, 0, false, true},
		{"bytes=-0", 0, 0, false, true},
		{"bytes=4-2", 0, 0, false, false},
		{"bytes=1-2,4-5", 0, 0, false, false},
		{"items=1-2", 0, 0, false, false},
		{"bytes=x-", 0, 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			first, last, ok, err := parseRange(tc.spec, 10)
			if first != tc.first || last != tc.last || ok != tc.ok || (err != nil) != tc.err {
				t.Errorf("parseRange = %d %d %v %v", first, last, ok, err)
			}
		})
	}
}

func TestParseCopySource(t *testing.T) {
	tests := []struct {
		in, bucket, key string
		ok              bool
	}{
		{"b/k", "b", "k", true},
		{"/b/dir/k%20x.txt", "b", "dir/k x.txt", true},
		{"b/k?versionId=3", "b", "k", true},
		{"b", "", "", false},
		{"%zz", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			b, k, ok := parseCopySource(tc.in)
			if ok != tc.ok || (ok && (b != tc.bucket || k != tc.key)) {
				t.Errorf("parseCopySource = %q %q %v", b, k, ok)
			}
		})
	}
}

func TestPage(t *testing.T) {
	var objs []s3.Object
	for _, k := range []string{"a/1", "a/2", "b/1", "c", "d/x/1", "e"} {
		objs = append(objs, s3.Object{Key: k, LastModified: time.Unix(0, 0)})
	}
	keys := func(p listPage) []string {
		var out []string
		for _, o := range p.objects {
			out = append(out, o.Key)
		}
		return append(out, p.prefixes...)
	}
	tests := []struct {
		name      string
		q         listQuery
		want      []string
		truncated bool
		last      string
	}{
		{"all", listQuery{maxKeys: 1000}, []string{"a/1", "a/2", "b/1", "c", "d/x/1", "e"}, false, "e"},
		{"delimiter", listQuery{delimiter: "/", maxKeys: 1000}, []string{"c", "e", "a/", "b/", "d/"}, false, "e"},
		{"delimiter page", listQuery{delimiter: "/", maxKeys: 2}, []string{"a/", "b/"}, true, "b/"},
		{"resume after prefix", listQuery{delimiter: "/", maxKeys: 2, after: "b/"}, []string{"c", "d/"}, true, "d/"},
		{"prefix and delimiter", listQuery{prefix: "d/", delimiter: "/", maxKeys: 10}, []string{"d/x/"}, false, "d/x/"},
		{"max zero", listQuery{maxKeys: 0}, nil, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := page(objs, tc.q)
			if diff := cmp.Diff(tc.want, keys(p)); diff != "" || p.truncated != tc.truncated || p.last != tc.last {
				t.Errorf("page: truncated %v last %q (-want +got):\n%s", p.truncated, p.last, diff)
			}
		})
	}
}

// FuzzTarget checks that any host and path split into a bucket without
// "/" and that virtual-host buckets come from the host.
func FuzzTarget(f *testing.F) {
	f.Add("bucket.s3.amazonaws.com", "/key/a")
	f.Add("127.0.0.1:4566", "/cm-fujii.genki-deploy/Api-IAM-Sample-Stack/api.yaml")
	f.Add("x.s3.localhost:4566", "/")
	f.Add("s3.us-east-1.amazonaws.com", "/b?uploads")
	f.Add("a.b.s3-eu-west-1.amazonaws.com", "//k")
	f.Fuzz(func(t *testing.T, host, path string) {
		b, ok := bucketOfHost(host)
		if ok && (b == "" || !strings.Contains(strings.ToLower(host), b)) {
			t.Fatalf("bucketOfHost(%q) = %q", host, b)
		}
		r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
		if err != nil {
			t.Skip()
		}
		r.Host = host
		r.URL.Path = path
		tg := parseTarget(r)
		if !ok && strings.Contains(tg.bucket, "/") {
			t.Fatalf("bucket %q holds a slash", tg.bucket)
		}
		for _, m := range []string{"GET", "PUT", "POST", "HEAD", "DELETE"} {
			_, _ = tg.operation(m)
		}
	})
}

// FuzzParseRange checks that a satisfiable range lies inside the object.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=-5", "bytes=3-", "bytes=9-1", "bytes=a-b", "bytes=1-2,3-4"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, spec string, size int64) {
		if size < 0 {
			size = -size
		}
		first, last, ok, _ := parseRange(spec, size)
		if ok && (first < 0 || first > last || last >= size) {
			t.Fatalf("parseRange(%q, %d) = %d-%d", spec, size, first, last)
		}
	})
}

// FuzzCopySource checks that a parsed copy source names a bucket without
// "/" and a non-empty key.
func FuzzCopySource(f *testing.F) {
	for _, s := range []string{"b/k", "/b/k%2Fx?versionId=1", "%", "b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		b, k, ok := parseCopySource(v)
		if ok && (b == "" || k == "" || strings.Contains(b, "/")) {
			t.Fatalf("parseCopySource(%q) = %q %q", v, b, k)
		}
	})
}
