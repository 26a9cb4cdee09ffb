package apigwapi

import (
	"strings"
	"testing"
)

// Every operation in ops has a path pattern, and its method and path
// route back to it.
func TestEveryOperationRoutes(t *testing.T) {
	for key, o := range ops {
		method, shape, _ := strings.Cut(key, " ")
		pattern, ok := shapePaths[shape]
		if !ok {
			t.Errorf("%s: shape %q has no path pattern", o.name, shape)
			continue
		}
		path := strings.NewReplacer("{", "", "}", "").Replace(pattern)
		rt, ok := parseRoute(method, path)
		if !ok || rt.shape != shape {
			t.Errorf("%s: %s %s routed to %+v %v", o.name, method, path, rt, ok)
		}
	}
}
