package s3api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// listQuery is what both listings ask: prefix, delimiter, where to start
// (exclusive) and how many entries at most.
type listQuery struct {
	prefix, delimiter, after string
	maxKeys                  int
}

// listPage is one page: objects and common prefixes in key order; last is
// the final entry returned (key or prefix), the resume point.
type listPage struct {
	objects   []s3.Object
	prefixes  []string
	truncated bool
	last      string
}

// page walks keys in order, rolling keys that contain the delimiter after
// the prefix into one CommonPrefix each; a prefix counts as one entry
// against max-keys, as in S3.
func page(objs []s3.Object, q listQuery) listPage {
	var p listPage
	n := 0
	for _, o := range objs {
		if !strings.HasPrefix(o.Key, q.prefix) {
			continue
		}
		entry, isPrefix := o.Key, false
		if q.delimiter != "" {
			if i := strings.Index(o.Key[len(q.prefix):], q.delimiter); i >= 0 {
				entry, isPrefix = o.Key[:len(q.prefix)+i+len(q.delimiter)], true
			}
		}
		if entry <= q.after || (isPrefix && len(p.prefixes) > 0 && p.prefixes[len(p.prefixes)-1] == entry) {
			continue
		}
		if n == q.maxKeys {
			p.truncated = true
			break
		}
		n++
		p.last = entry
		if isPrefix {
			p.prefixes = append(p.prefixes, entry)
		} else {
			p.objects = append(p.objects, o)
		}
	}
	return p
}

// maxKeys reads max-keys: default and ceiling 1000.
func (t target) maxKeys() (int, error) {
	v := t.query.Get("max-keys")
	if v == "" {
		return 1000, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, awserr.New(InvalidArgument, "Provided max-keys not an integer or within integer range")
	}
	return min(n, 1000), nil
}

func (c *call) list(after string) (listQuery, listPage, error) {
	if err := c.authorize("s3:ListBucket", bucketARN(c.t.bucket)); err != nil {
		return listQuery{}, listPage{}, err
	}
	max, err := c.t.maxKeys()
	if err != nil {
		return listQuery{}, listPage{}, err
	}
	q := listQuery{prefix: c.t.query.Get("prefix"), delimiter: c.t.query.Get("delimiter"), after: after, maxKeys: max}
	objs, err := c.h.o.Objects.ListObjects(c.ctx, c.t.bucket, q.prefix)
	if err != nil {
		return q, listPage{}, err
	}
	return q, page(objs, q), nil
}

func (c *call) entries(p listPage, withOwner bool) ([]objectEntry, []commonPrefix) {
	objs := make([]objectEntry, 0, len(p.objects))
	for _, o := range p.objects {
		e := objectEntry{Key: o.Key, LastModified: iso(o.LastModified), ETag: o.ETag, Size: o.Size, StorageClass: "STANDARD"}
		if withOwner {
			e.Owner = &c.h.owner
		}
		objs = append(objs, e)
	}
	var cps []commonPrefix
	for _, s := range p.prefixes {
		cps = append(cps, commonPrefix{Prefix: s})
	}
	return objs, cps
}

// listObjectsV1 is ListObjects (marker paging). NextMarker is sent only
// with a delimiter; otherwise clients resume from the last key.
func (c *call) listObjectsV1() error {
	marker := c.t.query.Get("marker")
	q, p, err := c.list(marker)
	if err != nil {
		return err
	}
	res := listBucketResult{NS: s3NS, Name: c.t.bucket, Prefix: q.prefix, Marker: &marker, MaxKeys: q.maxKeys,
		Delimiter: q.delimiter, IsTruncated: p.truncated}
	res.Contents, res.CommonPrefixes = c.entries(p, true)
	if p.truncated && q.delimiter != "" {
		res.NextMarker = p.last
	}
	return c.writeXML(http.StatusOK, res)
}

// listObjectsV2 is ListObjectsV2. The continuation token is the resume
// point, opaque to clients.
func (c *call) listObjectsV2() error {
	after := c.t.query.Get("start-after")
	token := c.t.query.Get("continuation-token")
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return awserr.New(InvalidArgument, "The continuation token provided is incorrect")
		}
		after = max(after, string(b))
	}
	q, p, err := c.list(after)
	if err != nil {
		return err
	}
	count := len(p.objects) + len(p.prefixes)
	res := listBucketResult{NS: s3NS, Name: c.t.bucket, Prefix: q.prefix, MaxKeys: q.maxKeys, Delimiter: q.delimiter,
		IsTruncated: p.truncated, KeyCount: &count, ContinuationToken: token, StartAfter: c.t.query.Get("start-after")}
	res.Contents, res.CommonPrefixes = c.entries(p, c.t.query.Get("fetch-owner") == "true")
	if p.truncated {
		res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(p.last))
	}
	return c.writeXML(http.StatusOK, res)
}
