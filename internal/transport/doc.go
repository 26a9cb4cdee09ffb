// Package transport is what sits between the TCP listener and iamgate's
// HTTP handler: one address that speaks both TLS and plain HTTP (the first
// byte of a connection tells which: 0x16 opens a TLS handshake record, an
// HTTP request starts with a letter), and an HTTP proxy front that lets
// clients reach iamgate through their real AWS endpoint URLs.
//
// Proxy mode (HTTPS_PROXY=http://127.0.0.1:4566): a CONNECT to an AWS host
// iamgate serves (*.amazonaws.com:443) is never forwarded anywhere; the
// tunnel is terminated here with a certificate from the local CA and its
// requests are served by iamgate as that endpoint. A CONNECT to any other
// host, and an absolute-URI request for one, is refused with 403 and a
// sentence saying why: iamgate dials no one and is never an open proxy.
//
// Certificates come from internal/tlsca through a *tls.Config; which host
// names count as AWS's is Classify's table (host.go), after the endpoint
// forms in https://docs.aws.amazon.com/general/latest/gr/rande.html and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html.
package transport
