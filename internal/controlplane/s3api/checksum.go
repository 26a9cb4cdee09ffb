package s3api

import (
	"hash"
	"io"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// S3 checks the additional checksums a request declares and stores them
// with the object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
// a value in an x-amz-checksum-{algorithm} header, or in an aws-chunked
// trailer named by x-amz-trailer; x-amz-sdk-checksum-algorithm names the
// algorithm the SDK used. An object stored without one gets a CRC64NVME
// full-object checksum, as S3 computes for every new object since 2024.

// declared is the checksum a request says its body has.
type declared struct {
	alg     s3.ChecksumAlgorithm
	name    string // the algorithm as the client named it, for BadDigest's text
	value   string // "" when the value comes in a trailer, or was not sent
	trailer bool
}

// declaredChecksum reads the checksum headers of a PutObject or UploadPart.
func declaredChecksum(h http.Header) (*declared, error) {
	var d *declared
	for k, v := range h {
		name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-checksum-")
		if !ok || name == "mode" || name == "algorithm" || name == "type" {
			continue
		}
		alg, ok := s3.ParseChecksumAlgorithm(name)
		if !ok {
			continue
		}
		if d != nil {
			return nil, awserr.New(InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		if len(v) == 0 || !alg.Valid(v[0]) {
			return nil, awserr.New(InvalidRequest, "Value for %s header is invalid.", alg.Header())
		}
		d = &declared{alg: alg, name: string(alg), value: v[0]}
	}
	if t := strings.ToLower(strings.TrimSpace(h.Get("x-amz-trailer"))); d == nil && strings.HasPrefix(t, "x-amz-checksum-") {
		alg, ok := s3.ParseChecksumAlgorithm(strings.TrimPrefix(t, "x-amz-checksum-"))
		if !ok {
			return nil, awserr.New(InvalidRequest, "The value specified in the x-amz-trailer header is not supported")
		}
		d = &declared{alg: alg, name: string(alg), trailer: true}
	}
	if sdk := h.Get("x-amz-sdk-checksum-algorithm"); sdk != "" {
		alg, ok := s3.ParseChecksumAlgorithm(sdk)
		switch {
		case !ok:
			return nil, awserr.New(InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		case d == nil:
			d = &declared{alg: alg}
		case d.alg != alg:
			// PutObjectRequest.ChecksumAlgorithm's documentation: a value
			// header of another algorithm fails with BadDigest.
			return nil, badDigest(sdk)
		}
		if d != nil {
			d.name = sdk
		}
	}
	return d, nil
}

func badDigest(name string) error {
	return awserr.New(BadDigest, "The %s you specified did not match the calculated checksum.", name)
}

// checksumming hashes a body on its way to the store.
type checksumming struct {
	d *declared
	h hash.Hash
}

func newChecksumming(d *declared) *checksumming {
	if d == nil {
		d = &declared{alg: s3.CRC64NVME}
	}
	return &checksumming{d: d, h: d.alg.New()}
}

func (k *checksumming) reader(r io.Reader) io.Reader { return io.TeeReader(r, k.h) }

// result compares the computed checksum with the declared one (the header,
// or the trailer read after the body) and returns what to store.
func (k *checksumming) result(c *call) (*s3.Checksum, error) {
	got := s3.Encode(k.h.Sum(nil))
	claimed := k.d.value
	if k.d.trailer {
		claimed = trailerValue(c, k.d.alg)
		if claimed == "" {
			return nil, awserr.New(InvalidRequest, "The x-amz-trailer header was sent but no %s trailer was received.", k.d.alg.Header())
		}
	}
	if claimed != "" && claimed != got {
		return nil, badDigest(k.d.name)
	}
	return &s3.Checksum{Algorithm: k.d.alg, Value: got, Type: s3.ChecksumFullObject}, nil
}

// trailerValue is the aws-chunked trailer carrying alg's checksum.
func trailerValue(c *call, alg s3.ChecksumAlgorithm) string {
	if c.chunks == nil {
		return ""
	}
	for _, t := range c.chunks.Trailers() {
		name, v, ok := strings.Cut(t, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), alg.Header()) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// setChecksumHeaders writes an object's checksum as PutObject, UploadPart
// and (with x-amz-checksum-mode: ENABLED) GetObject/HeadObject return it.
func setChecksumHeaders(h http.Header, sum *s3.Checksum) {
	if sum == nil {
		return
	}
	h.Set(sum.Algorithm.Header(), sum.Value)
	if sum.Type != "" {
		h.Set("x-amz-checksum-type", sum.Type)
	}
}

// checksumMode reports whether a GetObject or HeadObject asked for the
// object's checksum.
func checksumMode(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("x-amz-checksum-mode"), "ENABLED")
}

// copyChecksum is the algorithm of a CopyObject's checksum: the one
// x-amz-checksum-algorithm asks for, else the source's.
func copyChecksum(h http.Header, src *s3.Checksum) *declared {
	if alg, ok := s3.ParseChecksumAlgorithm(h.Get("x-amz-checksum-algorithm")); ok {
		return &declared{alg: alg, name: string(alg)}
	}
	if src != nil {
		return &declared{alg: src.Algorithm, name: string(src.Algorithm)}
	}
	return nil
}
