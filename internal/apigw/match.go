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

// Match finds the resource and method serving method on path (the resource
// path, without the stage, e.g. "/hello/world"). Exact path parts beat
// {param} parts, which beat a greedy {proxy+}; a resource without the method
// falls back to its ANY method. A resource that has no methods at all is
// passed over, so /{proxy+} still serves paths below a bare intermediate
// resource. pathParams holds the decoded values of the variables.
func (s *Snapshot) Match(method, path string) (res *Resource, m *Method, pathParams map[string]string, ok bool) {
	if s == nil {
		return nil, nil, nil, false
	}
	params := map[string]string{}
	n := s.root().find(requestParts(path), params)
	if n == nil {
		return nil, nil, nil, false
	}
	m = methodOf(n.res, method)
	if m == nil {
		return nil, nil, nil, false
	}
	if len(params) == 0 {
		params = nil
	}
	return n.res, m, params, true
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
func (n *node) find(parts []string, params map[string]string) *node {
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
			params[n.param.name] = parts[0]
			return found
		}
	}
	if g := n.greedy; g != nil && g.res != nil && len(g.res.Methods) > 0 {
		params[g.name] = strings.Join(parts, "/")
		return g
	}
	return nil
}

func methodOf(r *Resource, method string) *Method {
	if m, ok := r.Methods[strings.ToUpper(method)]; ok {
		return m
	}
	return r.Methods[MethodAny]
}

// requestParts splits a request path into parts; one trailing slash is
// ignored as API Gateway ignores it ("/hello/" serves "/hello").
func requestParts(path string) []string {
	p := strings.TrimPrefix(path, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
