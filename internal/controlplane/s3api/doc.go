// Package s3api serves the S3 REST-XML protocol over package s3: bucket and
// object operations, listings (ListObjects and ListObjectsV2), CopyObject,
// DeleteObjects and multipart uploads, in path style
// (http://127.0.0.1:4566/bucket/key) and virtual-host style
// (bucket.s3.localhost, bucket.s3.amazonaws.com, bucket.s3.REGION.amazonaws.com).
//
// It is mounted in package controlplane under the signing name "s3": the
// dispatcher verifies the signature and hands over the caller; this package
// decodes aws-chunked bodies (sigv4.NewChunkReader), authorizes each
// operation with IAM for the action and resource ARN of the Service
// Authorization Reference, and writes AWS's response shapes. Errors are
// written only through awserr.S3.Write.
//
// It owns no state: buckets and objects live in package s3; multipart
// uploads in progress are kept in memory (they do not survive a restart).
//
// Follows https://docs.aws.amazon.com/AmazonS3/latest/API/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html.
package s3api
