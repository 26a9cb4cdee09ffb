package s3api

import (
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// S3 error codes the central awserr table does not carry
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
const (
	InternalError             awserr.Code = "InternalError"
	NoSuchUpload              awserr.Code = "NoSuchUpload"
	InvalidPart               awserr.Code = "InvalidPart"
	InvalidPartOrder          awserr.Code = "InvalidPartOrder"
	EntityTooSmall            awserr.Code = "EntityTooSmall"
	EntityTooLarge            awserr.Code = "EntityTooLarge"
	InvalidRange              awserr.Code = "InvalidRange"
	InvalidArgument           awserr.Code = "InvalidArgument"
	MalformedXML              awserr.Code = "MalformedXML"
	MethodNotAllowed          awserr.Code = "MethodNotAllowed"
	NotImplemented            awserr.Code = "NotImplemented"
	IllegalLocationConstraint awserr.Code = "IllegalLocationConstraintException"
	InvalidLocationConstraint awserr.Code = "InvalidLocationConstraint"
	IncompleteBody            awserr.Code = "IncompleteBody"
	InvalidRequest            awserr.Code = "InvalidRequest"
	PreconditionFailed        awserr.Code = "PreconditionFailed"
	NotModified               awserr.Code = "NotModified"
	BucketNotEmpty                        = s3.BucketNotEmpty
	InvalidBucketName                     = s3.InvalidBucketName
	NoSuchBucket                          = s3.NoSuchBucket
	NoSuchKey                             = s3.NoSuchKey
	BucketAlreadyOwnedByYou               = s3.BucketAlreadyOwnedByYou
)
