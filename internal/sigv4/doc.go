// Package sigv4 verifies AWS Signature Version 4 on incoming requests, in
// both the Authorization-header and presigned-query forms, the way AWS
// services do: canonical request over the raw URI, credential scope, clock
// window, session tokens, payload hashes and S3 chunk signatures.
//
// Verifier.Verify is the entry point; HasAuth tells an unsigned request from
// a signed one. The canonicalization building blocks (CanonicalURI,
// CanonicalQuery, CanonicalHeaders, CanonicalRequest, StringToSign,
// SigningKey, Signature) are exported so tests and `iamgate why` can show
// what the server computed; Verify itself writes the same bytes into
// buffers on its stack (no string per part), and a mismatch's *Error
// carries the canonical request and string to sign. NewChunkReader decodes and verifies S3's
// aws-chunked bodies after Verify accepted the headers.
//
// Per-service rules: S3 encodes the path once and never normalizes it;
// every other service (execute-api included) removes dot segments and
// repeated slashes, then encodes the already-encoded path again. S3 allows
// 15 minutes of clock skew, the others 5.
//
// It owns no identities: it asks a KeyLookup for an access key's secret. It
// writes no HTTP errors: failures are *Error values with a Reason that the
// protocol edges (package awserr) word for each service; Error.Message holds
// API Gateway's wording. It never logs: Key and Result redact themselves.
//
// Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html.
package sigv4
