// Package responsebucket is the S3 bucket CloudFormation's custom resources
// answer through: on AWS, cloudformation-custom-resource-response-{region
// without dashes}, owned by CloudFormation, not by the stack's account. The
// stack engine puts a pre-signed PUT URL for one object key in each request
// it sends (ResponseURL) and takes the object the function put there.
//
// The bucket is served at iamgate's S3 endpoint (path style, and host style
// for proxy mode) by this package alone, never by the account's S3: no
// account identity may read, list or write it. The only request it allows
// is the PUT of a key the engine opened, signed with a key known to this
// process only (what the URL carries), before the URL expires. Everything
// else is refused as S3 refuses requests to another account's bucket
// (403 AccessDenied), or with S3's signature errors for a URL that was
// altered or has expired.
//
// Follows https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html
// and https://docs.aws.amazon.com/AmazonS3/latest/userguide/PresignedUrlUploadObject.html.
package responsebucket
