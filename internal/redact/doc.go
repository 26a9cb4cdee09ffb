// Package redact removes request credentials from text that outlives the
// request: decision traces (`iamgate why`), log lines and metric labels.
//
// A SigV4 signature and a session token are bearer material: a presigned
// URL works for anyone who holds it until it expires, and a token with its
// session's secret signs anything. Someone allowed to read traces must not
// learn either. Query masks the X-Amz-Signature and X-Amz-Security-Token
// parameters of a URL; Secrets collects every spelling of a request's
// signature and token (as sent, decoded, and as the canonical request
// encodes them) so that any text derived from the request (a
// SignatureDoesNotMatch message quoting the canonical request, an error
// body) can be scrubbed of them. Secret keys never reach such text: they
// are typed values that log themselves as a mask (seal.Secret, sigv4.Key).
//
// It is a leaf: it knows HTTP and nothing of iamgate.
package redact
