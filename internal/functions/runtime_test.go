package functions

import (
	"context"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestPutRefusesRuntime: a runtime Lambda does not have is the API's
// ValidationException (aws/aws-cli#3229), one iamgate does not run is
// InvalidParameterValueException, and neither is stored (both were stored
// and then answered 500).
func TestPutRefusesRuntime(t *testing.T) {
	ctx := context.Background()
	s, rt, _ := newLayerService(t)
	code := zipOf(t, map[string]string{"app.py": "x"})
	for _, tc := range []struct {
		runtime string
		code    awserr.Code
		msg     string
	}{
		{"g1.x", awserr.ValidationException, "1 validation error detected: Value 'g1.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, "},
		{"java21", InvalidParameter, "iamgate does not run the java21 runtime"},
		{"", InvalidParameter, "Runtime and Handler are mandatory parameters for functions created with deployment packages."},
	} {
		_, err := s.Put(ctx, Config{Name: "f", Runtime: tc.runtime, Handler: "app.h"}, code)
		e := awserr.As(err)
		if e.Code != tc.code || !strings.HasPrefix(e.Message, tc.msg) {
			t.Errorf("runtime %q: %v, want %s %q", tc.runtime, err, tc.code, tc.msg)
		}
		if _, err := s.Get(ctx, "f"); err == nil {
			t.Errorf("runtime %q: the function was stored", tc.runtime)
		}
		if _, ok := rt.deployed["f"]; ok {
			t.Errorf("runtime %q: the function was deployed", tc.runtime)
		}
	}
}
