package httpapi

import (
	"strings"
	"sync"
)

// Route selection, as API Gateway ranks HTTP API routes
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html,
// "Routing API requests"): a full match of route and method first (path
// variables match one segment: a literal segment beats a variable at the
// first place they differ), then a greedy {proxy+} route (the longest
// literal prefix first), then $default. At each rank a route naming the
// method beats ANY. No match: the gateway answers 404 Not Found.

// router holds the compiled routes of one deployment; built once, read
// concurrently.
type router struct {
	once   sync.Once
	routes []compiled
	def    *Route
}

type compiled struct {
	route *Route
	key   routeKey
}

func (rt *router) build(routes []Route) {
	rt.once.Do(func() {
		for i := range routes {
			r := &routes[i]
			k, err := parseRouteKey(r.RouteKey)
			if err != nil {
				continue // stored routes were validated; an old record never routes
			}
			if k.isDefault {
				rt.def = r
				continue
			}
			rt.routes = append(rt.routes, compiled{route: r, key: k})
		}
	})
}

// match finds the route for method and the decoded path parts. params are
// the path variables ({proxy+} joined with "/"), nil when none.
func (rt *router) match(method string, parts []string) (*Route, map[string]string, bool) {
	var best *compiled
	for i := range rt.routes {
		c := &rt.routes[i]
		if c.key.method != MethodAny && c.key.method != method {
			continue
		}
		if !c.key.matches(parts) {
			continue
		}
		if best == nil || c.key.better(best.key) {
			best = c
		}
	}
	if best == nil {
		if rt.def != nil {
			return rt.def, nil, true
		}
		return nil, nil, false
	}
	return best.route, best.key.params(parts), true
}

func (k routeKey) greedy() bool {
	return len(k.segs) > 0 && k.segs[len(k.segs)-1].greedy
}

func (k routeKey) matches(parts []string) bool {
	if k.greedy() {
		fixed := k.segs[:len(k.segs)-1]
		if len(parts) <= len(fixed) { // {proxy+} takes one segment at least
			return false
		}
		return segsMatch(fixed, parts[:len(fixed)])
	}
	return len(parts) == len(k.segs) && segsMatch(k.segs, parts)
}

func segsMatch(segs []segment, parts []string) bool {
	for i, s := range segs {
		if s.param == "" && s.literal != parts[i] {
			return false
		}
	}
	return true
}

// better reports whether k ranks above o, both matching the same request.
func (k routeKey) better(o routeKey) bool {
	if kg, og := k.greedy(), o.greedy(); kg != og {
		return !kg
	}
	if k.greedy() && len(k.segs) != len(o.segs) {
		return len(k.segs) > len(o.segs) // the longer prefix
	}
	for i := range min(len(k.segs), len(o.segs)) {
		kl, ol := k.segs[i].param == "", o.segs[i].param == ""
		if kl != ol {
			return kl
		}
	}
	if (k.method == MethodAny) != (o.method == MethodAny) {
		return k.method != MethodAny
	}
	return false
}

func (k routeKey) params(parts []string) map[string]string {
	var out map[string]string
	for i, s := range k.segs {
		if s.param == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		if s.greedy {
			out[s.param] = strings.Join(parts[i:], "/")
			break
		}
		out[s.param] = parts[i]
	}
	return out
}
