// Package sigv4 verifies AWS Signature Version 4 on incoming requests, in
// both the Authorization-header and presigned-query forms, the way AWS
// services do: canonical request over the raw URI, credential scope, clock
// window, session tokens, payload hashes and S3 chunk signatures.
//
// It owns no identities: it asks a KeyLookup for an access key's secret. It
// writes no HTTP errors: failures are *Error values with a Reason that the
// protocol edges (package awserr) word for each service.
// Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html.
package sigv4
