package s3api

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// Multipart checksums
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums):
// CreateMultipartUpload names the algorithm (x-amz-checksum-algorithm) and
// the type (x-amz-checksum-type: COMPOSITE, the default, or FULL_OBJECT,
// for CRCs only; CRC64NVME is FULL_OBJECT only). A COMPOSITE value is the
// checksum of the parts' binary checksums, "-" and the part count.

// setChecksum reads CreateMultipartUpload's checksum headers.
func (u *upload) setChecksum(h http.Header) error {
	name := h.Get("x-amz-checksum-algorithm")
	typ := strings.ToUpper(h.Get("x-amz-checksum-type"))
	if name == "" {
		if typ != "" {
			return awserr.New(InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		return nil
	}
	alg, ok := s3.ParseChecksumAlgorithm(name)
	if !ok {
		return awserr.New(InvalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	}
	if typ == "" {
		typ = s3.ChecksumComposite
		if alg == s3.CRC64NVME {
			typ = s3.ChecksumFullObject
		}
	}
	switch {
	case typ != s3.ChecksumComposite && typ != s3.ChecksumFullObject:
		return awserr.New(InvalidRequest, "Value for x-amz-checksum-type header is invalid.")
	case typ == s3.ChecksumFullObject && (alg == s3.SHA1 || alg == s3.SHA256):
		return awserr.New(InvalidRequest, "The %s checksum algorithm does not support the FULL_OBJECT checksum type.", alg)
	case typ == s3.ChecksumComposite && alg == s3.CRC64NVME:
		return awserr.New(InvalidRequest, "The CRC64NVME checksum algorithm does not support the COMPOSITE checksum type.")
	}
	u.checksum, u.checksumType = alg, typ
	return nil
}

// declaredAny reports whether a request sent a checksum of its own.
func declaredAny(h http.Header) bool {
	d, err := declaredChecksum(h)
	return err == nil && d != nil
}

// compositeChecksum is the COMPOSITE checksum of the listed parts. The
// caller holds the uploads lock.
func (u *upload) compositeChecksum(req completeRequest) (*s3.Checksum, error) {
	if u.checksum == "" || u.checksumType != s3.ChecksumComposite {
		return nil, nil
	}
	h := u.checksum.New()
	for _, rp := range req.Parts {
		p := u.parts[rp.PartNumber]
		if p.checksum == nil || p.checksum.Algorithm != u.checksum {
			return nil, awserr.New(InvalidRequest, "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
				strings.ToLower(string(u.checksum)), rp.PartNumber)
		}
		raw, _ := base64.StdEncoding.DecodeString(p.checksum.Value)
		h.Write(raw)
	}
	return &s3.Checksum{Algorithm: u.checksum, Value: s3.Encode(h.Sum(nil)) + "-" + strconv.Itoa(len(req.Parts)), Type: s3.ChecksumComposite}, nil
}

// fullObjectChecksum computes a FULL_OBJECT checksum over the assembled
// data and checks it against the value CompleteMultipartUpload sent, if any.
func (c *call) fullObjectChecksum(u *upload, segs []s3.Segment) (*s3.Checksum, error) {
	h := u.checksum.New()
	o := s3.Object{Bucket: u.bucket, Key: u.key, Segments: segs}
	for _, sg := range segs {
		o.Size += sg.Size
	}
	if err := c.h.o.Objects.ReadObject(c.ctx, o, 0, -1, h.(io.Writer)); err != nil {
		return nil, err
	}
	got := s3.Encode(h.Sum(nil))
	if claimed := c.r.Header.Get(u.checksum.Header()); claimed != "" && claimed != got {
		return nil, badDigest(string(u.checksum))
	}
	return &s3.Checksum{Algorithm: u.checksum, Value: got, Type: s3.ChecksumFullObject}, nil
}
