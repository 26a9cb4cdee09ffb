package s3api

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// virtualHost matches the virtual-hosted-style endpoints S3 clients build:
// bucket.s3.amazonaws.com, bucket.s3.REGION.amazonaws.com, the legacy
// bucket.s3-REGION.amazonaws.com, dual-stack names and bucket.s3.localhost.
// The bucket part is greedy from the left but must leave ".s3" for the
// suffix, so dotted bucket names keep their dots.
var virtualHost = regexp.MustCompile(`^(.+)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com$|^(.+)\.s3\.localhost$`)

// IsVirtualHost reports whether r addresses a bucket by host name and
// returns the bucket. The server routes such requests to S3 whatever the
// path.
func IsVirtualHost(r *http.Request) (bucket string, ok bool) {
	return bucketOfHost(r.Host)
}

func bucketOfHost(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	m := virtualHost.FindStringSubmatch(host)
	if m == nil {
		return "", false
	}
	b := m[1] + m[2]
	// "s3.us-east-1.amazonaws.com" must not read as bucket "s3" of a
	// regional endpoint: a service host has no bucket.
	if b == "" || b == "s3" || strings.HasPrefix(b, "s3.") || strings.HasPrefix(b, "s3-") {
		return "", false
	}
	return b, true
}

// target is what a request addresses: bucket, key and query.
type target struct {
	bucket string
	key    string
	query  url.Values
}

// parseTarget splits the request into bucket and key, from the host in
// virtual-host style, else from the first path segment. The key is the
// decoded rest of the path, kept verbatim (S3 keys may hold "//").
func parseTarget(r *http.Request) target {
	t := target{query: r.URL.Query()}
	p := strings.TrimPrefix(r.URL.Path, "/")
	if b, ok := IsVirtualHost(r); ok {
		t.bucket, t.key = b, p
		return t
	}
	t.bucket, t.key, _ = strings.Cut(p, "/")
	return t
}

func (t target) has(name string) bool {
	_, ok := t.query[name]
	return ok
}

// operation is one S3 API call.
type operation struct {
	name string
	run  func(*call) error
}

// bucketSubresources are query parameters naming bucket configuration this
// server does not implement; answering them as a listing would mislead.
var bucketSubresources = []string{"acl", "policy", "cors", "lifecycle", "versioning", "tagging", "website",
	"logging", "notification", "replication", "encryption", "accelerate", "requestPayment", "object-lock",
	"ownershipControls", "publicAccessBlock", "analytics", "inventory", "metrics", "intelligent-tiering", "versions"}

var objectSubresources = []string{"acl", "tagging", "retention", "legal-hold", "torrent", "restore", "attributes", "select"}

func notImplemented() error {
	return awserr.New(NotImplemented, "A header you provided implies functionality that is not implemented")
}

func methodNotAllowed() error {
	return awserr.New(MethodNotAllowed, "The specified method is not allowed against this resource.")
}

// operation picks the API call from method, bucket, key and query, as S3's
// REST routing does.
func (t target) operation(method string) (operation, error) {
	switch {
	case t.bucket == "":
		if method == http.MethodGet {
			return operation{"ListBuckets", (*call).listBuckets}, nil
		}
		return operation{}, methodNotAllowed()
	case t.key == "":
		return t.bucketOperation(method)
	}
	return t.objectOperation(method)
}

func (t target) bucketOperation(method string) (operation, error) {
	if method == http.MethodGet && t.has("location") {
		return operation{"GetBucketLocation", (*call).getBucketLocation}, nil
	}
	if t.has("policy") {
		switch method {
		case http.MethodPut:
			return operation{"PutBucketPolicy", (*call).putBucketPolicy}, nil
		case http.MethodGet:
			return operation{"GetBucketPolicy", (*call).getBucketPolicy}, nil
		case http.MethodDelete:
			return operation{"DeleteBucketPolicy", (*call).deleteBucketPolicy}, nil
		}
		return operation{}, methodNotAllowed()
	}
	for _, s := range bucketSubresources {
		if t.has(s) {
			return operation{}, notImplemented()
		}
	}
	switch method {
	case http.MethodPut:
		return operation{"CreateBucket", (*call).createBucket}, nil
	case http.MethodHead:
		return operation{"HeadBucket", (*call).headBucket}, nil
	case http.MethodDelete:
		return operation{"DeleteBucket", (*call).deleteBucket}, nil
	case http.MethodGet:
		switch {
		case t.has("uploads"):
			return operation{"ListMultipartUploads", (*call).listMultipartUploads}, nil
		case t.query.Get("list-type") == "2":
			return operation{"ListObjectsV2", (*call).listObjectsV2}, nil
		}
		return operation{"ListObjects", (*call).listObjectsV1}, nil
	case http.MethodPost:
		if t.has("delete") {
			return operation{"DeleteObjects", (*call).deleteObjects}, nil
		}
	}
	return operation{}, methodNotAllowed()
}

func (t target) objectOperation(method string) (operation, error) {
	for _, s := range objectSubresources {
		if t.has(s) {
			return operation{}, notImplemented()
		}
	}
	upload := t.has("uploadId")
	switch method {
	case http.MethodPut:
		switch {
		case upload && t.has("partNumber"):
			return operation{"UploadPart", (*call).uploadPart}, nil
		}
		return operation{"PutObject", (*call).putObject}, nil
	case http.MethodGet:
		if upload {
			return operation{"ListParts", (*call).listParts}, nil
		}
		return operation{"GetObject", (*call).getObject}, nil
	case http.MethodHead:
		return operation{"HeadObject", (*call).headObject}, nil
	case http.MethodDelete:
		if upload {
			return operation{"AbortMultipartUpload", (*call).abortUpload}, nil
		}
		return operation{"DeleteObject", (*call).deleteObject}, nil
	case http.MethodPost:
		switch {
		case t.has("uploads"):
			return operation{"CreateMultipartUpload", (*call).createUpload}, nil
		case upload:
			return operation{"CompleteMultipartUpload", (*call).completeUpload}, nil
		}
	}
	return operation{}, methodNotAllowed()
}
