package s3api

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// BadDigest is S3's answer to a Content-MD5 that does not match the body.
const BadDigest awserr.Code = "BadDigest"

// defaultContentType is what S3 stores when a PUT names none.
const defaultContentType = "binary/octet-stream"

// putObject is PutObject, or CopyObject when x-amz-copy-source is set.
func (c *call) putObject() error {
	if c.r.Header.Get("x-amz-copy-source") != "" {
		return c.copyObject()
	}
	if err := c.authorize("s3:PutObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	if err := s3.ValidateKey(c.t.key); err != nil {
		return err
	}
	if _, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	seg, sum, check, err := c.stageBody("")
	if err != nil {
		return err
	}
	o, err := c.h.o.Objects.Commit(c.ctx, c.t.bucket, c.t.key, []s3.Segment{seg}, `"`+hex.EncodeToString(sum[:])+`"`,
		contentType(c.r.Header), userMetadata(c.r.Header), check)
	if err != nil {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), seg)
		return err
	}
	h := c.ok()
	h.Set("ETag", o.ETag)
	setChecksumHeaders(h, o.Checksum)
	return c.empty(http.StatusOK)
}

// stageBody streams the request body into the store (hashing it on the
// way: MD5 for the ETag and Content-MD5, the declared additional checksum,
// or alg's when none is declared (CRC64NVME when alg is ""), SHA-256 or
// chunk signatures by the sigv4 reader) and checks Content-MD5 and the
// checksum; nothing is kept when a check fails.
func (c *call) stageBody(alg s3.ChecksumAlgorithm) (s3.Segment, [md5.Size]byte, *s3.Checksum, error) {
	var sum [md5.Size]byte
	d, err := declaredChecksum(c.r.Header)
	if err != nil {
		return s3.Segment{}, sum, nil, err
	}
	if d == nil && alg != "" {
		d = &declared{alg: alg, name: string(alg)}
	}
	k := newChecksumming(d)
	var body io.Reader = http.NoBody
	if c.r.Body != nil {
		body = k.reader(c.r.Body)
	}
	seg, sum, err := c.h.o.Objects.Stage(c.ctx, body)
	if err != nil {
		return s3.Segment{}, sum, nil, bodyError(err)
	}
	if claimed := c.r.Header.Get("Content-MD5"); claimed != "" && claimed != base64.StdEncoding.EncodeToString(sum[:]) {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), seg)
		return s3.Segment{}, sum, nil, awserr.New(BadDigest, "The Content-MD5 you specified did not match what we received.")
	}
	check, err := k.result(c)
	if err != nil {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), seg)
		return s3.Segment{}, sum, nil, err
	}
	return seg, sum, check, nil
}

func contentType(h http.Header) string {
	if ct := h.Get("Content-Type"); ct != "" {
		return ct
	}
	return defaultContentType
}

// userMetadata collects x-amz-meta-* headers, names lower-cased and
// without the prefix, as S3 stores them.
func userMetadata(h http.Header) map[string]string {
	var meta map[string]string
	for k, v := range h {
		lk := strings.ToLower(k)
		if name, ok := strings.CutPrefix(lk, "x-amz-meta-"); ok && len(v) > 0 {
			if meta == nil {
				meta = map[string]string{}
			}
			meta[name] = strings.Join(v, ",")
		}
	}
	return meta
}

// objectHeaders writes the headers GetObject and HeadObject share.
func (c *call) objectHeaders(o s3.Object) http.Header {
	h := c.ok()
	ct := o.ContentType
	if ct == "" {
		ct = defaultContentType
	}
	h.Set("Content-Type", ct)
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", httpTime(o.LastModified))
	h.Set("Accept-Ranges", "bytes")
	for k, v := range o.Metadata {
		h.Set("x-amz-meta-"+k, v)
	}
	return h
}

// headObject is HeadObject: s3:GetObject on the object.
func (c *call) headObject() error {
	if err := c.authorize("s3:GetObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	o, err := c.h.o.Objects.HeadObject(c.ctx, c.t.bucket, c.t.key)
	if err != nil {
		return err
	}
	h := c.objectHeaders(o)
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	if checksumMode(c.r) {
		setChecksumHeaders(h, o.Checksum)
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getObject is GetObject, with a single byte Range when asked.
func (c *call) getObject() error {
	if err := c.authorize("s3:GetObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	o, err := c.h.o.Objects.HeadObject(c.ctx, c.t.bucket, c.t.key)
	if err != nil {
		return err
	}
	status := http.StatusOK
	first, n := int64(0), o.Size
	if spec := c.r.Header.Get("Range"); spec != "" {
		f, last, ok, err := parseRange(spec, o.Size)
		if err != nil {
			return err
		}
		if ok {
			c.ok().Set("Content-Range", "bytes "+strconv.FormatInt(f, 10)+"-"+strconv.FormatInt(last, 10)+
				"/"+strconv.FormatInt(o.Size, 10))
			first, n = f, last-f+1
			status = http.StatusPartialContent
		}
	}
	h := c.objectHeaders(o)
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	// A range's bytes are not what the object's checksum covers: S3 returns
	// it only for the whole object.
	if checksumMode(c.r) && status == http.StatusOK {
		setChecksumHeaders(h, o.Checksum)
	}
	c.w.WriteHeader(status)
	// Streamed a chunk at a time. Past the headers a failure can only cut
	// the body short, which the client sees against Content-Length.
	if err := c.h.o.Objects.ReadObject(c.ctx, o, first, n, c.w); err != nil {
		c.h.log.Warn("get object: body cut short", "request_id", c.reqID, "err", err)
	}
	return nil
}

// parseRange reads "bytes=first-last", "bytes=first-" or "bytes=-suffix"
// against an object of size bytes. ok is false when the header is not a
// single byte range (S3 then returns the whole object); a range starting
// past the end is InvalidRange.
func parseRange(spec string, size int64) (first, last int64, ok bool, err error) {
	r, found := strings.CutPrefix(strings.TrimSpace(spec), "bytes=")
	if !found || strings.Contains(r, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(strings.TrimSpace(r), "-")
	if !found {
		return 0, 0, false, nil
	}
	unsatisfiable := awserr.New(InvalidRange, "The requested range is not satisfiable")
	if a == "" {
		n, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || n < 0 {
			return 0, 0, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, unsatisfiable
		}
		return max(size-n, 0), size - 1, true, nil
	}
	first, perr := strconv.ParseInt(a, 10, 64)
	if perr != nil || first < 0 {
		return 0, 0, false, nil
	}
	last = size - 1
	if b != "" {
		if last, perr = strconv.ParseInt(b, 10, 64); perr != nil || last < first {
			return 0, 0, false, nil
		}
		last = min(last, size-1)
	}
	if first >= size {
		return 0, 0, false, unsatisfiable
	}
	return first, last, true, nil
}

// deleteObject is DeleteObject: 204 whether or not the key existed.
func (c *call) deleteObject() error {
	if err := c.authorize("s3:DeleteObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	if err := c.h.o.Objects.DeleteObject(c.ctx, c.t.bucket, c.t.key); err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

// deleteObjects is DeleteObjects: each key is authorized and deleted on
// its own; failures are reported per key in the result, as S3 does.
func (c *call) deleteObjects() error {
	var req deleteRequest
	if err := c.readXML(&req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > 1000 {
		return awserr.New(MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if _, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	res := deleteResult{NS: s3NS}
	for _, o := range req.Objects {
		err := c.authorize("s3:DeleteObject", objectARN(c.t.bucket, o.Key))
		if err == nil {
			err = c.h.o.Objects.DeleteObject(c.ctx, c.t.bucket, o.Key)
		}
		if err != nil {
			e := awserr.As(err)
			res.Errors = append(res.Errors, deleteError{Key: o.Key, Code: string(e.Code), Message: e.Message})
			continue
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedEntry{Key: o.Key})
		}
	}
	return c.writeXML(http.StatusOK, res)
}

// copyObject is CopyObject: s3:GetObject on the source, s3:PutObject on the
// destination. Metadata is copied unless x-amz-metadata-directive is REPLACE.
func (c *call) copyObject() error {
	srcBucket, srcKey, ok := parseCopySource(c.r.Header.Get("x-amz-copy-source"))
	if !ok {
		return awserr.New(InvalidArgument, "Invalid copy source object key")
	}
	if err := c.authorize("s3:GetObject", objectARN(srcBucket, srcKey)); err != nil {
		return err
	}
	if err := c.authorize("s3:PutObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	replace := strings.EqualFold(c.r.Header.Get("x-amz-metadata-directive"), "REPLACE")
	if srcBucket == c.t.bucket && srcKey == c.t.key && !replace {
		return awserr.New(InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	src, err := c.h.o.Objects.HeadObject(c.ctx, srcBucket, srcKey)
	if err != nil {
		return err
	}
	if _, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	ct, meta := src.ContentType, src.Metadata
	if replace {
		ct, meta = contentType(c.r.Header), userMetadata(c.r.Header)
	}
	// Copied through a pipe, a chunk at a time, the copy's checksum computed
	// on the way: the algorithm asked for, else the source's.
	k := newChecksumming(copyChecksum(c.r.Header, src.Checksum))
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(c.h.o.Objects.ReadObject(c.ctx, src, 0, -1, pw)) }()
	seg, sum, err := c.h.o.Objects.Stage(c.ctx, k.reader(pr))
	pr.Close()
	if err != nil {
		return err
	}
	check, _ := k.result(c)
	o, err := c.h.o.Objects.Commit(c.ctx, c.t.bucket, c.t.key, []s3.Segment{seg}, `"`+hex.EncodeToString(sum[:])+`"`, ct, meta, check)
	if err != nil {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), seg)
		return err
	}
	return c.writeXML(http.StatusOK, copyObjectResult{NS: s3NS, LastModified: iso(o.LastModified), ETag: o.ETag})
}

// parseCopySource reads x-amz-copy-source: "bucket/key" or "/bucket/key",
// URL-encoded, optionally with "?versionId=".
func parseCopySource(v string) (bucket, key string, ok bool) {
	v, _, _ = strings.Cut(v, "?versionId=")
	dec, err := url.PathUnescape(v)
	if err != nil {
		return "", "", false
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	return bucket, key, bucket != "" && key != ""
}
