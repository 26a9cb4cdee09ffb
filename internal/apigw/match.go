package apigw

import "strings"

// node is one path part of the route tree.
type node struct {
	res    *Resource
	exact  map[string]*node
	param  *node // {name}
	greedy *node // {name+}
	name   string
}

func buildTree(resources []Resource) *node {
	root := &node{exact: map[string]*node{}}
	for i := range resources {
		r := &resources[i]
		cur := root
		parts, _ := splitResourcePath(r.Path)
		for _, part := range parts {
			cur = cur.child(part)
		}
		cur.res = r
	}
	return root
}

func (n *node) child(part string) *node {
	switch {
	case isGreedy(part):
		if n.greedy == nil {
			n.greedy = &node{exact: map[string]*node{}, name: varName(part)}
		}
		return n.greedy
	case isVariable(part):
		if n.param == nil {
			n.param = &node{exact: map[string]*node{}, name: varName(part)}
		}
		return n.param
	}
	c, ok := n.exact[part]
	if !ok {
		c = &node{exact: map[string]*node{}}
		n.exact[part] = c
	}
	return c
}

// Match finds the resource and method serving method on the resource path
// made of parts (without the stage: ["hello" "world"] for "/hello/world";
// the caller has decoded and normalized them, see gateway's resourceParts).
// Exact path parts beat
// {param} parts, which beat a greedy {proxy+}; a resource without the method
// falls back to its ANY method. A resource that has no methods at all is
// passed over, so /{proxy+} still serves paths below a bare intermediate
// resource. pathParams holds the values of the variables. The method is
// matched exactly (methods are case-sensitive, RFC 9110 section 9.1): "get"
// is no method of API Gateway's, not even of ANY.
func (s *Snapshot) Match(method string, parts []string) (res *Resource, m *Method, pathParams map[string]string, ok bool) {
	if s == nil || !IsHTTPMethod(method) {
		return nil, nil, nil, false
	}
	var params map[string]string
	n := s.root().find(parts, &params)
	if n == nil {
		return nil, nil, nil, false
	}
	m = methodOf(n.res, method)
	if m == nil {
		return nil, nil, nil, false
	}
	return n.res, m, params, true
}

// IsHTTPMethod reports whether m is one of the methods API Gateway serves
// (the httpMethod values PutMethod accepts besides ANY, which stands for
// all of them). Its execution engine knows methods as an upper-case enum
// (a method created as "get" fails with "No enum constant ...HttpMethod.get",
// architect/architect issue 14), and an unknown method is an "unsupported
// API method": Missing Authentication Token
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
func IsHTTPMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
		return true
	}
	return false
}

// root returns the deployment's shared tree, or builds a private one for a
// Snapshot made by hand (no tree to share, nothing cached, no race).
func (s *Snapshot) root() *node {
	if s.tree == nil {
		return buildTree(s.Resources)
	}
	s.tree.once.Do(func() { s.tree.root = buildTree(s.Resources) })
	return s.tree.root
}

// find walks parts depth first in priority order and returns the first node
// whose resource has methods; params collects the variables on that route.
func (n *node) find(parts []string, params *map[string]string) *node {
	if len(parts) == 0 {
		if n.res != nil && len(n.res.Methods) > 0 {
			return n
		}
		return nil
	}
	if c, ok := n.exact[parts[0]]; ok {
		if found := c.find(parts[1:], params); found != nil {
			return found
		}
	}
	if n.param != nil {
		if found := n.param.find(parts[1:], params); found != nil {
			setParam(params, n.param.name, parts[0])
			return found
		}
	}
	if g := n.greedy; g != nil && g.res != nil && len(g.res.Methods) > 0 {
		setParam(params, g.name, strings.Join(parts, "/"))
		return g
	}
	return nil
}

// setParam records a path variable, making the map on the first one so
// that a route without variables allocates none.
func setParam(params *map[string]string, name, value string) {
	if *params == nil {
		*params = make(map[string]string, 2)
	}
	(*params)[name] = value
}

func methodOf(r *Resource, method string) *Method {
	if m, ok := r.Methods[method]; ok {
		return m
	}
	return r.Methods[MethodAny]
}

// SplitPath splits a resource path into the parts Match takes; one
// trailing slash is ignored as API Gateway ignores it ("/hello/" serves
// "/hello"). It does no decoding or normalization: for paths iamgate
// writes itself (tests, OpenAPI keys), not for request paths.
func SplitPath(path string) []string {
	p := strings.TrimPrefix(path, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
