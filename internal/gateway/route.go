package gateway

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// target is where a data-plane request goes.
type target struct {
	APIID string
	Stage string
	// Parts are the parts of the resource path ("/hello/world" →
	// ["hello" "world"]); Path is "/" + their join. No part is empty, ".",
	// ".." or contains "/": see resourceParts.
	Parts []string
	Path  string
	// PathStyle is true for /restapis/{id}/{stage}/_user_request_/... URLs.
	PathStyle bool
}

const (
	restapisPrefix = "/restapis/"
	userRequest    = "_user_request_"
)

// Match tells the server whether a request is for the data plane. It
// agrees with route: a request route accepts is always matched.
//
// It runs for every request (the metrics and the dispatcher ask), so it
// splits the path into a stack buffer and keeps nothing: the checks are
// v2DefaultPathStyle's and route's over the same resourceParts.
func Match(r *http.Request) bool {
	if _, ok := hostAPIID(r.Host); ok {
		return true
	}
	path, decoded := routingPath(r.URL)
	if !strings.HasPrefix(strings.TrimLeft(path, "/"), restapisPrefix[1:]) {
		return false
	}
	var buf [16]string
	parts, ok := urlParts(buf[:0], path, decoded)
	return ok && (isV2PathStyle(parts) || isRESTPathStyle(parts))
}

// routingPath is what resourceParts reads of u: its escaped path, or,
// when u has no RawPath, its Path, decoded already. Without a RawPath the
// escaped path is escape(Path), which decodes back to Path and keeps
// every '/' and letter of it, so the prefix checks and the parts are the
// same (FuzzURLParts), without escaping and decoding every request's path.
func routingPath(u *url.URL) (path string, decoded bool) {
	if u.RawPath == "" {
		return u.Path, true
	}
	return u.EscapedPath(), false
}

// urlParts is appendParts of a routingPath.
func urlParts(dst []string, path string, decoded bool) ([]string, bool) {
	if decoded {
		return splitParts(dst, path)
	}
	return appendParts(dst, path)
}

// isRESTPathStyle: /restapis/{id}/{stage}/_user_request_/...
func isRESTPathStyle(parts []string) bool {
	return len(parts) >= 4 && parts[0] == "restapis" && parts[3] == userRequest && validAPIID(parts[1])
}

// isV2PathStyle: /restapis/{id}/_user_request_/... (an HTTP API's $default stage)
func isV2PathStyle(parts []string) bool {
	return len(parts) >= 3 && parts[0] == "restapis" && parts[2] == userRequest && validAPIID(parts[1])
}

// requestPath is what routing reads of a request's URL, worked out once
// per call (c.path): a request to a REST API is routed as an HTTP API
// candidate first, then as a REST API, and each used to split the path
// again.
type requestPath struct {
	hostID string // the API id of a host-style Host
	// parts are resourceParts of the escaped path; ok is its answer.
	parts []string
	// clean is the decoded path when it is exactly "/" + the parts joined
	// by "/" (no empty or dot segment), else "": a target's Path is then a
	// slice of it instead of a new string.
	clean     string
	ok        bool
	hostStyle bool
	// restapis: the escaped path starts with /restapis/ (after slashes).
	restapis bool
	parsed   bool // set by c.path
}

func parseRequestPath(r *http.Request) requestPath {
	path, decoded := routingPath(r.URL)
	p := requestPath{restapis: strings.HasPrefix(strings.TrimLeft(path, "/"), restapisPrefix[1:])}
	p.hostID, p.hostStyle = hostAPIID(r.Host)
	p.parts, p.ok = urlParts(nil, path, decoded)
	if decoded && p.ok && isClean(path, p.parts) {
		p.clean = path
	}
	return p
}

// isClean reports whether path, split into parts by splitParts, is
// "/" + strings.Join(parts, "/"): with its leading slash, a segment
// splitParts dropped (empty, ".", "..", or popped by "..") makes the path
// longer than the parts and their slashes.
func isClean(path string, parts []string) bool {
	n := 0
	for _, part := range parts {
		n += 1 + len(part)
	}
	return strings.HasPrefix(path, "/") && n == len(path)
}

// restPath is "/" + strings.Join(p.parts[k:], "/"), sliced from the clean
// path when there is one.
func (p *requestPath) restPath(k int) string {
	if p.clean == "" || k >= len(p.parts) {
		return "/" + strings.Join(p.parts[k:], "/")
	}
	off := 0
	for _, part := range p.parts[:k] {
		off += 1 + len(part)
	}
	return p.clean[off:]
}

// path is the call's requestPath, parsed on first use.
func (c *call) path() *requestPath {
	if !c.reqPath.parsed {
		c.reqPath = parseRequestPath(c.r)
		c.reqPath.parsed = true
	}
	return &c.reqPath
}

// route finds the API, stage and resource path of r. ok is false when the
// request names no API or no stage; callers answer Missing Authentication
// Token then. The resource path comes from resourceParts, the one decision
// of what is both routed and authorized.
func route(r *http.Request) (target, bool) {
	p := parseRequestPath(r)
	return routeOf(&p)
}

// routeOf is route over a parsed path. Targets share p.parts' array:
// nothing writes to it.
func routeOf(p *requestPath) (target, bool) {
	if !p.hostStyle && !p.restapis {
		return target{}, false // cheap refusal of every control-plane path
	}
	parts := p.parts
	if !p.ok {
		return target{}, false
	}
	if p.hostStyle {
		if len(parts) == 0 {
			return target{}, false
		}
		return target{APIID: p.hostID, Stage: parts[0], Parts: parts[1:], Path: p.restPath(1)}, true
	}
	if !isRESTPathStyle(parts) {
		return target{}, false
	}
	return target{APIID: parts[1], Stage: parts[2], Parts: parts[4:], Path: p.restPath(4), PathStyle: true}, true
}

func newTarget(id, stage string, rest []string, pathStyle bool) target {
	return target{APIID: id, Stage: stage, Parts: rest, Path: "/" + strings.Join(rest, "/"), PathStyle: pathStyle}
}

// resourceParts is the one function that decides, from the escaped request
// path, the path that is routed, matched against resources, named in the
// method ARN and sent to the function. Every step keeps those the same
// string:
//
//   - The path is percent-decoded once, before it is split, so an encoded
//     slash (%2F or %2f) separates parts like "/" does. API Gateway decodes
//     a request path once before it routes it, which is why a path
//     parameter cannot carry a slash, encoded or not
//     (https://dev.classmethod.jp/articles/amazon-api-gateway-path-parameter-slash/;
//     a slash must be sent double-encoded, %252F, to reach a parameter as
//     %2F). Keeping "a%2Fb" as one part would let a request for
//     /items/42%2F be served by /items/{id} while the method ARN reads
//     items/42/.
//   - Empty parts (repeated and trailing slashes), "." and ".." are removed
//     as RFC 3986 section 5.2.4 does, the normalization that SigV4 applies
//     to the path it signs for every service but S3 ("Normalize URI paths
//     according to RFC 3986. Remove redundant and relative path
//     components.", https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
//     Dot segments spelled %2e are resolved too: they are dots once decoded.
//
// ok is false for an escape that does not decode and for a path that is
// not UTF-8 once decoded (the proxy event, JSON, cannot carry it: the
// function would be told another path than the one authorized); the
// request then names no resource.
func resourceParts(escaped string) ([]string, bool) {
	return appendParts(nil, escaped)
}

// appendParts is resourceParts appending to dst (a caller's stack buffer).
func appendParts(dst []string, escaped string) ([]string, bool) {
	decoded := escaped
	if strings.IndexByte(escaped, '%') >= 0 {
		d, err := url.PathUnescape(escaped)
		if err != nil {
			return nil, false
		}
		decoded = d
	}
	return splitParts(dst, decoded)
}

// splitParts is appendParts of a path decoded already.
func splitParts(dst []string, decoded string) ([]string, bool) {
	if !utf8.ValidString(decoded) {
		return nil, false
	}
	out := dst
	if out == nil {
		out = make([]string, 0, strings.Count(decoded, "/"))
	}
	for part := range strings.SplitSeq(decoded, "/") {
		switch part {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, part)
		}
	}
	return out, true
}

// hostAPIID recognises {apiId}.execute-api.{region}.amazonaws.com and
// {apiId}.execute-api.localhost, with or without a port.
func hostAPIID(host string) (string, bool) {
	// Every request asks (Match): a Host without upper case is not lowered.
	if !strings.Contains(host, ".execute-api.") && (!hasUpper(host) || !strings.Contains(strings.ToLower(host), ".execute-api.")) {
		return "", false
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	id, rest, ok := strings.Cut(host, ".execute-api.")
	if !ok || !validAPIID(id) {
		return "", false
	}
	if rest == "localhost" {
		return id, true
	}
	region, ok := strings.CutSuffix(rest, ".amazonaws.com")
	if !ok || region == "" || strings.Contains(region, ".") {
		return "", false
	}
	return id, true
}

// hasUpper reports whether strings.ToLower might change s: an ASCII
// upper-case letter or any non-ASCII byte.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

func validAPIID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Domains resolves custom domain names; *apigw.Service satisfies it.
type Domains interface {
	IsDomain(ctx context.Context, host string) bool
	ResolveDomain(ctx context.Context, host, first string) (apiID, stage string, consumed, ok bool)
}

// MatchDomain tells the server whether r's Host is a custom domain the
// gateway serves.
func (g *Gateway) MatchDomain(r *http.Request) bool {
	return g.o.Domains != nil && g.o.Domains.IsDomain(r.Context(), requestHost(r.Host))
}

// domainRoute routes a request to a custom domain through its base path
// mappings: the resource path is what follows the base path.
func (g *Gateway) domainRoute(c *call) (target, bool) {
	if g.o.Domains == nil {
		return target{}, false
	}
	r := c.r
	parts, ok := c.path().parts, c.path().ok
	if !ok {
		return target{}, false
	}
	first := ""
	if len(parts) > 0 {
		first = parts[0]
	}
	api, stage, consumed, ok := g.o.Domains.ResolveDomain(r.Context(), requestHost(r.Host), first)
	if !ok {
		return target{}, false
	}
	if consumed {
		parts = parts[1:]
	}
	return newTarget(api, stage, parts, false), true
}

// requestHost is the Host without its port, lower case.
func requestHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
