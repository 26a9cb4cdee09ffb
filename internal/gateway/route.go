package gateway

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// target is where a data-plane request goes.
type target struct {
	APIID string
	Stage string
	// Parts are the decoded parts of the resource path ("/hello/world" →
	// ["hello" "world"]); Path is "/" + their join.
	Parts []string
	Path  string
	// PathStyle is true for /restapis/{id}/{stage}/_user_request_/... URLs.
	PathStyle bool
}

const (
	restapisPrefix = "/restapis/"
	userRequest    = "_user_request_"
)

// Match tells the server whether a request is for the data plane.
func Match(r *http.Request) bool {
	if _, ok := hostAPIID(r.Host); ok {
		return true
	}
	_, ok := pathStyle(r.URL.EscapedPath())
	return ok
}

// route finds the API, stage and resource path of r. ok is false when the
// request names no API or no stage; callers answer Missing Authentication
// Token then.
func route(r *http.Request) (target, bool) {
	escaped := r.URL.EscapedPath()
	if id, ok := hostAPIID(r.Host); ok {
		parts, ok := splitEscaped(escaped)
		if !ok || len(parts) == 0 || parts[0] == "" {
			return target{}, false
		}
		return newTarget(id, parts[0], parts[1:], false), true
	}
	if t, ok := pathStyle(escaped); ok {
		return t, true
	}
	return target{}, false
}

// pathStyle parses /restapis/{id}/{stage}/_user_request_[/{path}].
func pathStyle(escaped string) (target, bool) {
	if !strings.HasPrefix(escaped, restapisPrefix) {
		return target{}, false
	}
	parts, ok := splitEscaped(escaped)
	if !ok || len(parts) < 4 || parts[0] != "restapis" || parts[3] != userRequest || parts[1] == "" || parts[2] == "" {
		return target{}, false
	}
	return newTarget(parts[1], parts[2], parts[4:], true), true
}

func newTarget(id, stage string, rest []string, pathStyle bool) target {
	// One trailing slash addresses the same resource ("/hello/").
	if n := len(rest); n > 0 && rest[n-1] == "" {
		rest = rest[:n-1]
	}
	return target{APIID: id, Stage: stage, Parts: rest, Path: "/" + strings.Join(rest, "/"), PathStyle: pathStyle}
}

// splitEscaped splits an escaped path on "/" and decodes each part, so an
// encoded slash stays inside its part.
func splitEscaped(escaped string) ([]string, bool) {
	p := strings.TrimPrefix(escaped, "/")
	if p == "" {
		return nil, true
	}
	raw := strings.Split(p, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		out[i] = d
	}
	return out, true
}

// hostAPIID recognises {apiId}.execute-api.{region}.amazonaws.com and
// {apiId}.execute-api.localhost, with or without a port.
func hostAPIID(host string) (string, bool) {
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
