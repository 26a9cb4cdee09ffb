package auth

import (
	"context"
	"net"
	"net/http"
)

type reqCtxKey struct{}

// WithRequest records the request-derived condition keys of r
// (aws:SourceIp, aws:UserAgent, aws:SecureTransport, aws:Referer) in ctx, so
// that every Authorize made while serving r sees them, whichever handler
// makes it.
func WithRequest(ctx context.Context, r *http.Request) context.Context {
	keys := map[string][]string{"aws:SecureTransport": {boolString(r.TLS != nil)}}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		keys["aws:SourceIp"] = []string{host}
	}
	if ua := r.UserAgent(); ua != "" {
		keys["aws:UserAgent"] = []string{ua}
	}
	if ref := r.Referer(); ref != "" {
		keys["aws:Referer"] = []string{ref}
	}
	return context.WithValue(ctx, reqCtxKey{}, keys)
}

func requestKeys(ctx context.Context) map[string][]string {
	m, _ := ctx.Value(reqCtxKey{}).(map[string][]string)
	return m
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
