package s3api

import (
	"net/http"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
)

// S3's size errors, both 400
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList):
// an upload over the object (or part) limit, and any other request body
// over what S3 takes.
const MaxMessageLengthExceeded awserr.Code = "MaxMessageLengthExceeded"

const (
	// maxUpload is S3's single-PUT limit, 5 GiB, for PutObject and
	// UploadPart alike ("you can upload a single object up to 5 GB",
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html;
	// parts: 5 MiB to 5 GiB).
	maxUpload = 5 << 30
	// maxXML bounds the XML bodies (DeleteObjects: 1,000 keys of up to
	// 1,024 bytes; CompleteMultipartUpload: 10,000 parts); S3 publishes no
	// byte figure for them.
	maxXML = 4 << 20
)

func entityTooLarge() *awserr.Error {
	return awserr.New(EntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
}

func messageTooLarge() *awserr.Error {
	return awserr.New(MaxMessageLengthExceeded, "Your request was too big.")
}

// BodyLimit is the mount's controlplane.Mount.Limit: uploads may be up to
// 5 GiB of payload (x-amz-decoded-content-length for aws-chunked bodies,
// whose framing the limit allows for), every other body up to maxXML.
func BodyLimit(r *http.Request) controlplane.BodyLimit {
	op, err := parseTarget(r).operation(r.Method)
	if err != nil || (op.name != "PutObject" && op.name != "UploadPart") || r.Header.Get("x-amz-copy-source") != "" {
		return controlplane.BodyLimit{Max: maxXML, Err: messageTooLarge()}
	}
	max := int64(maxUpload)
	if d := r.Header.Get("X-Amz-Decoded-Content-Length"); d != "" {
		n, perr := strconv.ParseInt(d, 10, 64)
		if perr == nil && n > maxUpload {
			max = 0 // refused before reading
		} else {
			// Chunk headers with signatures cost ~90 bytes per chunk; the
			// SDKs send 64 KiB chunks, S3 requires at least 8 KiB.
			max += max / 64
		}
	}
	return controlplane.BodyLimit{Max: max, Err: entityTooLarge()}
}
