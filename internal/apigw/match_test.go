package apigw

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSnapshotMatch(t *testing.T) {
	def, err := ParseDefinition(`
openapi: 3.0.1
paths:
  /: {get: {}}
  /hello: {get: {}}
  /hello/world: {post: {}}
  /items/{id}: {get: {}, delete: {}}
  /items/{id}/tags: {x-amazon-apigateway-any-method: {}}
  /items/special: {get: {}}
  /files/{path+}: {get: {}}
  /bare/child: {get: {}}
  /{proxy+}: {x-amazon-apigateway-any-method: {}}
`)
	if err != nil {
		t.Fatal(err)
	}
	snap := &Snapshot{Resources: assignIDs(nil, def.Resources), tree: &routeTree{}}
	tests := []struct {
		method, path string
		resource     string
		params       map[string]string
	}{
		{"GET", "/", "/", nil},
		{"GET", "/hello", "/hello", nil},
		{"GET", "/hello/", "/hello", nil},
		// The resource is chosen first, then its method: a missing method
		// does not fall through to /{proxy+}.
		{"POST", "/hello", "", nil},
		{"POST", "/hello/world", "/hello/world", nil},
		{"GET", "/hello/world", "", nil},
		{"GET", "/hello/there", "/{proxy+}", map[string]string{"proxy": "hello/there"}},
		{"GET", "/items/42", "/items/{id}", map[string]string{"id": "42"}},
		{"DELETE", "/items/42", "/items/{id}", map[string]string{"id": "42"}},
		{"GET", "/items/special", "/items/special", nil},
		{"PATCH", "/items/42/tags", "/items/{id}/tags", map[string]string{"id": "42"}},
		{"GET", "/files/a/b/c.txt", "/files/{path+}", map[string]string{"path": "a/b/c.txt"}},
		{"GET", "/bare", "/{proxy+}", map[string]string{"proxy": "bare"}},
		{"GET", "/bare/child", "/bare/child", nil},
		{"PUT", "/", "", nil},
		// Methods are case-sensitive (RFC 9110 section 9.1): "get" is not
		// GET, and ANY stands for API Gateway's seven methods only.
		{"get", "/hello", "", nil},
		{"Get", "/items/42", "", nil},
		{"get", "/items/42/tags", "", nil},
		{"PROPFIND", "/items/42/tags", "", nil},
		{"get", "/anything", "", nil},
		{"HEAD", "/items/42/tags", "/items/{id}/tags", map[string]string{"id": "42"}},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			res, m, params, ok := snap.Match(tc.method, SplitPath(tc.path))
			if tc.resource == "" {
				if ok {
					t.Fatalf("matched %s", res.Path)
				}
				return
			}
			if !ok {
				t.Fatal("no match")
			}
			if res.Path != tc.resource || m == nil {
				t.Errorf("resource = %s, want %s", res.Path, tc.resource)
			}
			if diff := cmp.Diff(tc.params, params); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}
