package s3api

import (
	"crypto/md5"
	"encoding/base64"
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
	data, err := c.readBody(maxObject)
	if err != nil {
		return err
	}
	if err := checkMD5(c.r.Header.Get("Content-MD5"), data); err != nil {
		return err
	}
	o, err := c.h.o.Objects.PutObject(c.ctx, c.t.bucket, c.t.key, data, contentType(c.r.Header), userMetadata(c.r.Header))
	if err != nil {
		return err
	}
	c.ok().Set("ETag", o.ETag)
	return c.empty(http.StatusOK)
}

func checkMD5(claimed string, data []byte) error {
	if claimed == "" {
		return nil
	}
	sum := md5.Sum(data)
	if claimed != base64.StdEncoding.EncodeToString(sum[:]) {
		return awserr.New(BadDigest, "The Content-MD5 you specified did not match what we received.")
	}
	return nil
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
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getObject is GetObject, with a single byte Range when asked.
func (c *call) getObject() error {
	if err := c.authorize("s3:GetObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	o, data, err := c.h.o.Objects.GetObject(c.ctx, c.t.bucket, c.t.key)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if spec := c.r.Header.Get("Range"); spec != "" {
		first, last, ok, err := parseRange(spec, int64(len(data)))
		if err != nil {
			return err
		}
		if ok {
			c.ok().Set("Content-Range", "bytes "+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10)+
				"/"+strconv.Itoa(len(data)))
			data = data[first : last+1]
			status = http.StatusPartialContent
		}
	}
	h := c.objectHeaders(o)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	c.w.WriteHeader(status)
	_, _ = c.w.Write(data)
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
	src, data, err := c.h.o.Objects.GetObject(c.ctx, srcBucket, srcKey)
	if err != nil {
		return err
	}
	ct, meta := src.ContentType, src.Metadata
	if replace {
		ct, meta = contentType(c.r.Header), userMetadata(c.r.Header)
	}
	o, err := c.h.o.Objects.PutObject(c.ctx, c.t.bucket, c.t.key, data, ct, meta)
	if err != nil {
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
