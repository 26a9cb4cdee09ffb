package httpapi

import (
	"fmt"
	"strings"
)

// routeMethods are the methods a route key may name.
var routeMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true, MethodAny: true,
}

// segment is one part of a route path: a literal, a {param} or, last only,
// a greedy {param+}.
type segment struct {
	literal string
	param   string
	greedy  bool
}

// routeKey is a parsed route key.
type routeKey struct {
	method string
	path   string
	segs   []segment
	// isDefault is the $default route.
	isDefault bool
}

// parseRouteKey reads "METHOD /path" or "$default", rejecting what
// CreateRoute rejects: an unknown method, a path not starting with "/",
// empty segments, a greedy variable not at the end, a repeated variable.
func parseRouteKey(key string) (routeKey, error) {
	if key == DefaultRoute {
		return routeKey{isDefault: true}, nil
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok || !routeMethods[method] {
		return routeKey{}, fmt.Errorf("Invalid route key: %s", key)
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t?#") {
		return routeKey{}, fmt.Errorf("Invalid route key: %s", key)
	}
	rk := routeKey{method: method, path: path}
	if path == "/" {
		return rk, nil
	}
	seen := map[string]bool{}
	parts := strings.Split(path[1:], "/")
	for i, p := range parts {
		seg, err := parseSegment(p)
		if err != nil {
			return routeKey{}, fmt.Errorf("Invalid route key: %s: %v", key, err)
		}
		if seg.greedy && i != len(parts)-1 {
			return routeKey{}, fmt.Errorf("Invalid route key: %s: a greedy path variable must be at the end of the path", key)
		}
		if seg.param != "" {
			if seen[seg.param] {
				return routeKey{}, fmt.Errorf("Invalid route key: %s: path variable %s is repeated", key, seg.param)
			}
			seen[seg.param] = true
		}
		rk.segs = append(rk.segs, seg)
	}
	return rk, nil
}

func parseSegment(p string) (segment, error) {
	if p == "" {
		return segment{}, fmt.Errorf("empty path segment")
	}
	if !strings.HasPrefix(p, "{") {
		if strings.ContainsAny(p, "{}") {
			return segment{}, fmt.Errorf("segment %q mixes a literal and a variable", p)
		}
		return segment{literal: p}, nil
	}
	name, ok := strings.CutSuffix(p[1:], "}")
	if !ok {
		return segment{}, fmt.Errorf("segment %q is not a path variable", p)
	}
	greedy := false
	if n, g := strings.CutSuffix(name, "+"); g {
		name, greedy = n, true
	}
	if name == "" || !validParamName(name) {
		return segment{}, fmt.Errorf("path variable %q has an invalid name", p)
	}
	return segment{param: name, greedy: greedy}, nil
}

func validParamName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// RouteKeyPath is the path of a route key ("" for $default).
func RouteKeyPath(key string) string {
	_, p, _ := strings.Cut(key, " ")
	return p
}
