package s3api

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// minPartSize is S3's minimum size of every part but the last.
const minPartSize = 5 << 20

// uploads holds multipart uploads in progress, in memory.
type uploads struct {
	mu sync.Mutex
	m  map[string]*upload
}

type upload struct {
	id, bucket, key string
	contentType     string
	meta            map[string]string
	initiated       time.Time
	initiator       owner
	parts           map[int]part
	// checksum is the algorithm CreateMultipartUpload asked for (parts are
	// checksummed with it) and checksumType COMPOSITE or FULL_OBJECT.
	checksum     s3.ChecksumAlgorithm
	checksumType string
}

// part is an uploaded part: its data is staged in the store (s3.Stage),
// not held here, so that 10,000 parts of 5 GiB cost no memory.
type part struct {
	etag     string
	seg      s3.Segment
	modified time.Time
	checksum *s3.Checksum
}

func newUploads() *uploads { return &uploads{m: map[string]*upload{}} }

func noSuchUpload() error {
	return awserr.New(NoSuchUpload, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

// get returns the upload named by the request's uploadId, which must be for
// the request's bucket and key. The caller holds u.mu.
func (u *uploads) get(t target) (*upload, error) {
	up, ok := u.m[t.query.Get("uploadId")]
	if !ok || up.bucket != t.bucket || up.key != t.key {
		return nil, noSuchUpload()
	}
	return up, nil
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// createUpload is CreateMultipartUpload: s3:PutObject on the object.
func (c *call) createUpload() error {
	if err := c.authorize("s3:PutObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	if _, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	// An id never starts with '-', which command lines would read as an option.
	u := &upload{id: "u" + base64.RawURLEncoding.EncodeToString(raw[:]), bucket: c.t.bucket, key: c.t.key,
		contentType: contentType(c.r.Header), meta: userMetadata(c.r.Header), initiated: c.h.o.Now().UTC(),
		initiator: owner{ID: c.caller.ARN, DisplayName: c.caller.Username}, parts: map[int]part{}}
	if err := u.setChecksum(c.r.Header); err != nil {
		return err
	}
	c.h.uploads.mu.Lock()
	c.h.uploads.m[u.id] = u
	c.h.uploads.mu.Unlock()
	return c.writeXML(http.StatusOK, initiateResult{NS: s3NS, Bucket: u.bucket, Key: u.key, UploadID: u.id})
}

// uploadPart is UploadPart: s3:PutObject on the object.
func (c *call) uploadPart() error {
	if err := c.authorize("s3:PutObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	n, err := strconv.Atoi(c.t.query.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return awserr.New(InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
	}
	c.h.uploads.mu.Lock()
	u0, err := c.h.uploads.get(c.t)
	var alg s3.ChecksumAlgorithm
	if err == nil {
		alg = u0.checksum
	}
	c.h.uploads.mu.Unlock()
	if err != nil {
		return err
	}
	if alg == "" {
		alg = s3.CRC64NVME
	}
	seg, sum, check, err := c.stageBody(alg)
	if err != nil {
		return err
	}
	p := part{etag: `"` + hex.EncodeToString(sum[:]) + `"`, seg: seg, modified: c.h.o.Now().UTC(), checksum: check}
	c.h.uploads.mu.Lock()
	u, err := c.h.uploads.get(c.t) // aborted meanwhile?
	var replaced *part
	if err == nil {
		if old, ok := u.parts[n]; ok {
			replaced = &old
		}
		u.parts[n] = p
	}
	c.h.uploads.mu.Unlock()
	if err != nil {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), seg)
		return err
	}
	if replaced != nil {
		c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), replaced.seg)
	}
	h := c.ok()
	h.Set("ETag", p.etag)
	if check.Algorithm == alg && (u0.checksum != "" || declaredAny(c.r.Header)) {
		h.Set(check.Algorithm.Header(), check.Value)
	}
	return c.empty(http.StatusOK)
}

// abortUpload is AbortMultipartUpload: s3:AbortMultipartUpload.
func (c *call) abortUpload() error {
	if err := c.authorize("s3:AbortMultipartUpload", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	c.h.uploads.mu.Lock()
	u, err := c.h.uploads.get(c.t)
	if err == nil {
		delete(c.h.uploads.m, u.id)
	}
	c.h.uploads.mu.Unlock()
	if err != nil {
		return err
	}
	c.h.o.Objects.Drop(c.ctx, u.segments(nil)...)
	return c.empty(http.StatusNoContent)
}

type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumElements
}

// checksumElements are the Checksum* elements of S3's XML results.
type checksumElements struct {
	CRC32        string `xml:"ChecksumCRC32,omitempty"`
	CRC32C       string `xml:"ChecksumCRC32C,omitempty"`
	CRC64NVME    string `xml:"ChecksumCRC64NVME,omitempty"`
	SHA1         string `xml:"ChecksumSHA1,omitempty"`
	SHA256       string `xml:"ChecksumSHA256,omitempty"`
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

func checksumXML(sum *s3.Checksum) checksumElements {
	var e checksumElements
	if sum == nil {
		return e
	}
	switch sum.Algorithm {
	case s3.CRC32:
		e.CRC32 = sum.Value
	case s3.CRC32C:
		e.CRC32C = sum.Value
	case s3.CRC64NVME:
		e.CRC64NVME = sum.Value
	case s3.SHA1:
		e.SHA1 = sum.Value
	case s3.SHA256:
		e.SHA256 = sum.Value
	}
	e.ChecksumType = sum.Type
	return e
}

// completeUpload is CompleteMultipartUpload: the listed parts, in order,
// become the object; its ETag is the MD5 of the parts' MD5s, "-" and the
// part count, as S3 computes it.
func (c *call) completeUpload() error {
	if err := c.authorize("s3:PutObject", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	var req completeRequest
	if err := c.readXML(&req); err != nil {
		return err
	}
	c.h.uploads.mu.Lock()
	u, err := c.h.uploads.get(c.t)
	var segs []s3.Segment
	var etag string
	var sum *s3.Checksum
	if err == nil {
		segs, etag, err = assemble(u, req)
	}
	if err == nil {
		sum, err = u.compositeChecksum(req)
	}
	c.h.uploads.mu.Unlock()
	if err != nil {
		return err
	}
	if u.checksumType == s3.ChecksumFullObject {
		if sum, err = c.fullObjectChecksum(u, segs); err != nil {
			return err
		}
	}
	o, err := c.h.o.Objects.Commit(c.ctx, u.bucket, u.key, segs, etag, u.contentType, u.meta, sum)
	if err != nil {
		return err
	}
	setChecksumHeaders(c.ok(), o.Checksum)
	c.h.uploads.mu.Lock()
	delete(c.h.uploads.m, u.id)
	unused := u.segments(segs)
	c.h.uploads.mu.Unlock()
	// Parts uploaded but not listed are not part of the object.
	c.h.o.Objects.Drop(context.WithoutCancel(c.ctx), unused...)
	loc := "http://" + c.r.Host + "/" + u.bucket + "/" + u.key
	return c.writeXML(http.StatusOK, completeResult{NS: s3NS, Location: loc, Bucket: u.bucket, Key: u.key, ETag: o.ETag,
		checksumElements: checksumXML(o.Checksum)})
}

// assemble checks the part list against the uploaded parts and returns
// their segments in order with the multipart ETag.
func assemble(u *upload, req completeRequest) ([]s3.Segment, string, error) {
	if len(req.Parts) == 0 {
		return nil, "", awserr.New(MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	var segs []s3.Segment
	var sums []byte
	for i, rp := range req.Parts {
		if i > 0 && rp.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, "", awserr.New(InvalidPartOrder, "The list of parts was not in ascending order. The parts list must be specified in order by part number.")
		}
		p, ok := u.parts[rp.PartNumber]
		if !ok || strings.Trim(rp.ETag, `"`) != strings.Trim(p.etag, `"`) {
			return nil, "", awserr.New(InvalidPart, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
		}
		if i < len(req.Parts)-1 && p.seg.Size < minPartSize {
			return nil, "", awserr.New(EntityTooSmall, "Your proposed upload is smaller than the minimum allowed object size.")
		}
		segs = append(segs, p.seg)
		raw, _ := hex.DecodeString(strings.Trim(p.etag, `"`))
		sums = append(sums, raw...)
	}
	sum := md5.Sum(sums)
	return segs, `"` + hex.EncodeToString(sum[:]) + "-" + strconv.Itoa(len(req.Parts)) + `"`, nil
}

// segments returns the upload's part segments not in keep. The caller
// holds the uploads lock.
func (u *upload) segments(keep []s3.Segment) []s3.Segment {
	var out []s3.Segment
	for _, p := range u.parts {
		if !slices.ContainsFunc(keep, func(k s3.Segment) bool { return k.ID == p.seg.ID }) {
			out = append(out, p.seg)
		}
	}
	return out
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"ListPartsResult"`
	NS                   string      `xml:"xmlns,attr"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
	Initiator            owner       `xml:"Initiator"`
	Owner                owner       `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
}

type partEntry struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
}

// listParts is ListParts: s3:ListMultipartUploadParts.
func (c *call) listParts() error {
	if err := c.authorize("s3:ListMultipartUploadParts", objectARN(c.t.bucket, c.t.key)); err != nil {
		return err
	}
	marker, _ := strconv.Atoi(c.t.query.Get("part-number-marker"))
	maxParts := 1000
	if v, err := strconv.Atoi(c.t.query.Get("max-parts")); err == nil && v >= 0 && v < maxParts {
		maxParts = v
	}
	c.h.uploads.mu.Lock()
	u, err := c.h.uploads.get(c.t)
	var res listPartsResult
	if err == nil {
		res = listPartsResult{NS: s3NS, Bucket: u.bucket, Key: u.key, UploadID: u.id, PartNumberMarker: marker,
			MaxParts: maxParts, Initiator: u.initiator, Owner: c.h.owner, StorageClass: "STANDARD"}
		nums := make([]int, 0, len(u.parts))
		for n := range u.parts {
			if n > marker {
				nums = append(nums, n)
			}
		}
		sort.Ints(nums)
		for _, n := range nums {
			if len(res.Parts) == maxParts {
				res.IsTruncated = true
				break
			}
			p := u.parts[n]
			res.Parts = append(res.Parts, partEntry{PartNumber: n, LastModified: iso(p.modified), ETag: p.etag, Size: p.seg.Size})
			res.NextPartNumberMarker = n
		}
	}
	c.h.uploads.mu.Unlock()
	if err != nil {
		return err
	}
	return c.writeXML(http.StatusOK, res)
}

type listUploadsResult struct {
	XMLName            xml.Name      `xml:"ListMultipartUploadsResult"`
	NS                 string        `xml:"xmlns,attr"`
	Bucket             string        `xml:"Bucket"`
	KeyMarker          string        `xml:"KeyMarker"`
	UploadIDMarker     string        `xml:"UploadIdMarker"`
	NextKeyMarker      string        `xml:"NextKeyMarker"`
	NextUploadIDMarker string        `xml:"NextUploadIdMarker"`
	MaxUploads         int           `xml:"MaxUploads"`
	IsTruncated        bool          `xml:"IsTruncated"`
	Uploads            []uploadEntry `xml:"Upload"`
}

type uploadEntry struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    owner  `xml:"Initiator"`
	Owner        owner  `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

// listMultipartUploads is ListMultipartUploads (one page of at most 1000).
func (c *call) listMultipartUploads() error {
	if err := c.authorize("s3:ListBucketMultipartUploads", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	if _, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	prefix := c.t.query.Get("prefix")
	res := listUploadsResult{NS: s3NS, Bucket: c.t.bucket, MaxUploads: 1000}
	c.h.uploads.mu.Lock()
	for _, u := range c.h.uploads.m {
		if u.bucket == c.t.bucket && strings.HasPrefix(u.key, prefix) {
			res.Uploads = append(res.Uploads, uploadEntry{Key: u.key, UploadID: u.id, Initiator: u.initiator,
				Owner: c.h.owner, StorageClass: "STANDARD", Initiated: iso(u.initiated)})
		}
	}
	c.h.uploads.mu.Unlock()
	sort.Slice(res.Uploads, func(i, j int) bool {
		a, b := res.Uploads[i], res.Uploads[j]
		return a.Key < b.Key || a.Key == b.Key && a.Initiated < b.Initiated
	})
	if len(res.Uploads) > 1000 {
		res.Uploads, res.IsTruncated = res.Uploads[:1000], true
	}
	return c.writeXML(http.StatusOK, res)
}
