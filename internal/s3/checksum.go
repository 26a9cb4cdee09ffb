package s3

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// ChecksumAlgorithm is one of S3's additional checksum algorithms
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
type ChecksumAlgorithm string

// The algorithms S3 accepts, by their wire names.
const (
	CRC32     ChecksumAlgorithm = "CRC32"
	CRC32C    ChecksumAlgorithm = "CRC32C"
	CRC64NVME ChecksumAlgorithm = "CRC64NVME"
	SHA1      ChecksumAlgorithm = "SHA1"
	SHA256    ChecksumAlgorithm = "SHA256"
)

// ChecksumAlgorithms lists them in the order S3 documents them.
var ChecksumAlgorithms = []ChecksumAlgorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

// crc64NVME is the CRC-64/NVME polynomial (0xAD93D23594C93659), bit-reversed
// as hash/crc64 takes it; init and final XOR are all ones, as crc64 does.
var crc64NVME = crc64.MakeTable(0x9A6C9329AC4BC9B5)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ParseChecksumAlgorithm reads an algorithm name, in any case.
func ParseChecksumAlgorithm(s string) (ChecksumAlgorithm, bool) {
	a := ChecksumAlgorithm(strings.ToUpper(strings.TrimSpace(s)))
	for _, k := range ChecksumAlgorithms {
		if a == k {
			return a, true
		}
	}
	return "", false
}

// Header is the request and response header carrying the checksum.
func (a ChecksumAlgorithm) Header() string { return "x-amz-checksum-" + strings.ToLower(string(a)) }

// New returns a hash computing the checksum; its Sum is big-endian, as S3
// encodes CRCs.
func (a ChecksumAlgorithm) New() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(castagnoli)
	case CRC64NVME:
		return crc64.New(crc64NVME)
	case SHA1:
		return sha1.New()
	default:
		return sha256.New()
	}
}

// Valid reports whether v is a well-formed checksum value: the base64 of a
// digest of the algorithm's size.
func (a ChecksumAlgorithm) Valid(v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(b) == a.New().Size()
}

// Encode is the wire form of a digest.
func Encode(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

// Checksum is an object's additional checksum as stored and returned.
type Checksum struct {
	Algorithm ChecksumAlgorithm `json:"algorithm"`
	Value     string            `json:"value"`
	// Type is FULL_OBJECT, or COMPOSITE for a multipart object whose value
	// is the checksum of its parts' checksums with a "-N" suffix.
	Type string `json:"type,omitempty"`
}

// Checksum types.
const (
	ChecksumFullObject = "FULL_OBJECT"
	ChecksumComposite  = "COMPOSITE"
)
