// Package mount is what the control plane's dispatcher hands a mounted
// service and what every mounted service shares: the verified caller and
// request id in the request context (With, CallerFrom, RequestIDFrom), the
// defaults of their options (Options.Filled) and AWS's AccessDenied wording
// (Authorize). HTTP statuses belong to awserr's table.
//
// It is a leaf below package controlplane (the dispatcher) and the service
// packages (iamapi, stsapi, cfnapi, s3api, ...), so that none of them
// imports another. It owns no AWS behaviour beyond those words.
package mount
