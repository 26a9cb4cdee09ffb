package s3api

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/s3"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Objects is what the handler needs from the S3 domain; *s3.Service
// satisfies it.
type Objects interface {
	CreateBucket(ctx context.Context, name string) error
	HeadBucket(ctx context.Context, name string) (s3.Bucket, error)
	ListBuckets(ctx context.Context) ([]s3.Bucket, error)
	DeleteBucket(ctx context.Context, name string) error
	PutObject(ctx context.Context, bucket, key string, data []byte, contentType string, meta map[string]string) (s3.Object, error)
	PutObjectETag(ctx context.Context, bucket, key string, data []byte, contentType string, meta map[string]string, etag string) (s3.Object, error)
	HeadObject(ctx context.Context, bucket, key string) (s3.Object, error)
	GetObject(ctx context.Context, bucket, key string) (s3.Object, []byte, error)
	DeleteObject(ctx context.Context, bucket, key string) error
	ListObjects(ctx context.Context, bucket, prefix string) ([]s3.Object, error)
	// Stage, Commit, Drop and ReadObject stream object data through the
	// store a chunk at a time.
	Stage(ctx context.Context, r io.Reader) (s3.Segment, [md5.Size]byte, error)
	Commit(ctx context.Context, bucket, key string, segs []s3.Segment, etag, contentType string, meta map[string]string, sum *s3.Checksum) (s3.Object, error)
	Drop(ctx context.Context, segs ...s3.Segment) error
	ReadObject(ctx context.Context, o s3.Object, off, n int64, w io.Writer) error
	PutBucketPolicy(ctx context.Context, bucket, doc string) error
	GetBucketPolicy(ctx context.Context, bucket string) (string, error)
	DeleteBucketPolicy(ctx context.Context, bucket string) error
	BucketPolicy(ctx context.Context, bucket string) (string, error)
}

var _ Objects = (*s3.Service)(nil)

// Options configures a Handler. Objects and Authz are required.
type Options struct {
	Objects Objects
	Authz   auth.Authorizer
	Now     func() time.Time
	// Region is the server's region: GetBucketLocation, x-amz-bucket-region.
	mount.Options
}

// Handler serves S3's REST-XML API. It is an http.Handler to mount in
// controlplane.Options.Services["s3"] with S3: true.
type Handler struct {
	o       Options
	log     *slog.Logger
	uploads *uploads
	owner   owner
}

// New returns a Handler.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Options = o.Options.Filled()
	// S3's canonical user id is 64 hex digits; derive a stable one.
	sum := sha256.Sum256([]byte("iamgate-s3-owner:" + o.AccountID))
	return &Handler{o: o, log: o.Logger.With("component", "s3api"), uploads: newUploads(),
		owner: owner{ID: hex.EncodeToString(sum[:]), DisplayName: "iamgate"}}
}

// call is one request being served.
type call struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	caller *auth.Caller
	reqID  string
	t      target
	// chunks decodes an aws-chunked body; its trailers may carry the
	// body's checksum.
	chunks *sigv4.ChunkReader
}

// ServeHTTP decodes the operation, then runs it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, reqID := h.o.Request(r.Context())
	c := &call{h: h, w: w, r: r, ctx: r.Context(), caller: caller, reqID: reqID}
	c.t = parseTarget(r)
	op, err := c.t.operation(r.Method)
	if err != nil {
		c.fail(err)
		return
	}
	if err := c.wrapBody(); err != nil {
		c.fail(err)
		return
	}
	if err := op.run(c); err != nil {
		c.fail(err)
		return
	}
	h.log.Info("request", "request_id", c.reqID, "operation", op.name, "principal_arn", c.caller.ARN)
}

// wrapBody decodes an aws-chunked body (STREAMING-* payload hashes) with
// the chunk-signature verifier seeded by the request's signature.
func (c *call) wrapBody() error {
	if c.caller.Signed == nil || c.r.Body == nil {
		return nil
	}
	switch c.caller.Signed.PayloadHash {
	case sigv4.StreamingPayload, sigv4.StreamingPayloadTrail, sigv4.StreamingUnsignedTrail:
		c.chunks = sigv4.NewChunkReader(c.r.Body, c.caller.Signed)
		c.r.Body = io.NopCloser(c.chunks)
	}
	return nil
}

// readBodyAs reads a (small, XML) request payload, answering tooLarge
// past limit.
func (c *call) readBodyAs(limit int64, tooLarge func() *awserr.Error) ([]byte, error) {
	if c.r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	if err != nil {
		return nil, bodyError(err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge()
	}
	return b, nil
}

// bodyError maps a failed body read: a signature failure found while
// reading (chunk signatures, x-amz-content-sha256) to S3's code, the
// dispatcher's size cap to its answer, anything else to IncompleteBody.
func bodyError(err error) error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return awserr.FromSigV4(se, awserr.RESTXML)
	}
	var tl *controlplane.BodyTooLarge
	if errors.As(err, &tl) {
		return tl.Limit.Err
	}
	return awserr.New(IncompleteBody, "The request body terminated unexpectedly")
}

// fail writes err as S3's XML error document.
func (c *call) fail(err error) {
	e := awserr.As(err)
	if e.Code == awserr.InternalFailure {
		c.h.log.Error("s3 operation", "request_id", c.reqID, "err", err)
	}
	c.h.log.Info("request failed", "request_id", c.reqID, "code", string(e.Code), "principal_arn", c.caller.ARN)
	awserr.S3.Write(c.w, e, awserr.Reply{RequestID: c.reqID, Log: c.h.log})
}

// authorize asks IAM whether the caller may perform action on resource and
// answers AccessDenied in S3's wording when not.
//
// The bucket's policy, when it has one, is evaluated with the caller's
// identity policies, as S3 does for every request on a bucket or its
// objects.
func (c *call) authorize(action, resource string) error {
	req := auth.Request{Action: action, Resource: resource}
	if bucket, ok := bucketOf(resource); ok {
		doc, err := c.h.o.Objects.BucketPolicy(c.ctx, bucket)
		if err != nil {
			return err
		}
		if doc != "" {
			req.ResourcePolicies = []auth.Policy{{Name: "bucket policy of " + bucket, Document: doc}}
			req.ResourceAccount = c.h.o.AccountID
		}
	}
	d, err := c.h.o.Authz.Authorize(c.ctx, c.caller, req)
	if err != nil {
		return err
	}
	if d.Allowed {
		return nil
	}
	return accessDenied(c.caller, action, resource, d)
}

// accessDenied words a denial as S3 does for requests from the bucket
// owner's account, e.g. `User: arn:aws:iam::777788889999:user/MaryMajor is
// not authorized to perform: s3:GetObject on resource:
// "arn:aws:s3:::amzn-s3-demo-bucket1/object-name" because no identity-based
// policy allows the s3:GetObject action`
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html).
// Anonymous callers get the plain "Access Denied".
func accessDenied(caller *auth.Caller, action, resource string, d auth.Decision) error {
	if caller.Type == "Anonymous" || caller.ARN == "" {
		return awserr.New(awserr.AccessDenied, "Access Denied")
	}
	return awserr.New(awserr.AccessDenied, "User: %s is not authorized to perform: %s on resource: \"%s\"%s",
		caller.ARN, action, resource, d.Because)
}

func bucketARN(bucket string) string { return arn.S3Bucket(bucket) }

// bucketOf is the bucket an S3 resource ARN names.
func bucketOf(resource string) (string, bool) {
	rest, ok := strings.CutPrefix(resource, "arn:aws:s3:::")
	if !ok || rest == "" || rest == "*" {
		return "", false
	}
	b, _, _ := strings.Cut(rest, "/")
	return b, true
}
func objectARN(bucket, key string) string { return arn.S3Object(bucket, key) }

// ok sets the S3 request id headers every response carries.
func (c *call) ok() http.Header {
	h := c.w.Header()
	if c.reqID != "" {
		h.Set("x-amz-request-id", c.reqID)
		h.Set("x-amz-id-2", c.reqID)
	}
	return h
}
