package s3

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// KeyTooLong is S3's error for a key over 1024 bytes.
const KeyTooLong awserr.Code = "KeyTooLongError"

// maxKey is S3's object key limit: 1024 bytes of UTF-8
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
const maxKey = 1024

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$`)

// ValidateBucketName applies S3's general purpose bucket naming rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
// 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending
// with a letter or digit, no two adjacent dots, not an IPv4 address, none of
// the reserved prefixes and suffixes. Bucket names are store keys, never
// paths, and this keeps them so.
func ValidateBucketName(name string) error {
	bad := !bucketName.MatchString(name) || strings.Contains(name, "..") ||
		strings.Contains(name, ".-") || strings.Contains(name, "-.")
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		bad = true
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		bad = bad || strings.HasPrefix(name, p)
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		bad = bad || strings.HasSuffix(name, s)
	}
	if bad {
		return awserr.New(InvalidBucketName, "The specified bucket is not valid.")
	}
	return nil
}

// ValidateKey applies S3's key length limit. Keys are store keys, never
// paths.
func ValidateKey(key string) error {
	if len(key) > maxKey {
		return awserr.New(KeyTooLong, "Your key is too long")
	}
	return nil
}
