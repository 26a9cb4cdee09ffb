package apigw

import (
	"fmt"
	"sort"
	"strings"
)

// importTree collects the resources of a definition by path, creating the
// intermediate resources API Gateway creates for "/a/b" ("/a").
type importTree struct {
	byPath map[string]*Resource
}

func newImportTree() *importTree {
	t := &importTree{byPath: map[string]*Resource{}}
	t.byPath["/"] = &Resource{Path: "/", Methods: map[string]*Method{}}
	return t
}

// add returns the resource at path p, creating it and its ancestors.
func (t *importTree) add(p string) (*Resource, error) {
	parts, err := splitResourcePath(p)
	if err != nil {
		return nil, err
	}
	cur := t.byPath["/"]
	for i, part := range parts {
		path := "/" + strings.Join(parts[:i+1], "/")
		next, ok := t.byPath[path]
		if !ok {
			if err := t.checkSiblings(cur.Path, part); err != nil {
				return nil, err
			}
			next = &Resource{PathPart: part, Path: path, Methods: map[string]*Method{}}
			t.byPath[path] = next
		}
		cur = next
	}
	return cur, nil
}

// checkSiblings applies API Gateway's rule that a resource has at most one
// variable child ({x} or {x+}).
func (t *importTree) checkSiblings(parent, part string) error {
	if !isVariable(part) {
		return nil
	}
	for path := range t.byPath {
		if path == "/" || parentPath(path) != parent {
			continue
		}
		if sib := path[strings.LastIndexByte(path, '/')+1:]; isVariable(sib) && sib != part {
			return fmt.Errorf("Unable to create resource at path '%s': A sibling (%s) of this resource already has a variable path part -- only one is allowed", joinPath(parent, part), sib)
		}
	}
	return nil
}

// resources returns the tree sorted by path, methods kept.
func (t *importTree) resources() []Resource {
	out := make([]Resource, 0, len(t.byPath))
	for _, r := range t.byPath {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// msgBadPathPart is API Gateway's CreateResource wording for an invalid path part.
const msgBadPathPart = "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace."

// splitResourcePath validates an OpenAPI path key and splits it into path
// parts. "/" has none; a greedy {x+} part must be last.
func splitResourcePath(p string) ([]string, error) {
	trimmed := strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if trimmed == "" {
		return nil, nil
	}
	parts := strings.Split(trimmed, "/")
	for i, part := range parts {
		if !validPathPart(part) {
			return nil, fmt.Errorf("Unable to create resource at path '%s': %s", p, msgBadPathPart)
		}
		if isGreedy(part) && i != len(parts)-1 {
			return nil, fmt.Errorf("Unable to create resource at path '%s': A greedy resource path variable must be the last path part", p)
		}
	}
	return parts, nil
}

func validPathPart(part string) bool {
	if part == "" {
		return false
	}
	name := part
	if strings.HasPrefix(part, "{") {
		if !strings.HasSuffix(part, "}") {
			return false
		}
		name = strings.TrimSuffix(strings.TrimSuffix(part[1:], "}"), "+")
		if name == "" {
			return false
		}
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func isVariable(part string) bool {
	return strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}")
}
func isGreedy(part string) bool { return isVariable(part) && strings.HasSuffix(part, "+}") }

// varName is the parameter name of {name} or {name+}.
func varName(part string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(part, "{"), "}"), "+")
}

func parentPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

func joinPath(parent, part string) string {
	if parent == "/" {
		return "/" + part
	}
	return parent + "/" + part
}
