package lambdaapi

import (
	"github.com/iamgate/iamgate/internal/functions"
	"strings"
	"testing"
)

func TestParseRoute(t *testing.T) {
	tests := []struct {
		method, path string
		want         route
		ok           bool
	}{
		{"GET", "/2015-03-31/functions/", route{op: "ListFunctions"}, true},
		{"GET", "/2015-03-31/functions", route{op: "ListFunctions"}, true},
		{"POST", "/2015-03-31/functions", route{op: "CreateFunction"}, true},
		{"GET", "/2015-03-31/functions/f", route{op: "GetFunction", function: "f"}, true},
		// Each concurrency operation has its own API version (botocore's model).
		{"PUT", "/2017-10-31/functions/f/concurrency", route{op: "PutFunctionConcurrency", function: "f"}, true},
		{"DELETE", "/2017-10-31/functions/f/concurrency", route{op: "DeleteFunctionConcurrency", function: "f"}, true},
		{"GET", "/2019-09-30/functions/f/concurrency", route{op: "GetFunctionConcurrency", function: "f"}, true},
		{"GET", "/2017-10-31/functions/f/concurrency", route{}, false},
		{"PUT", "/2017-10-31/functions/a/b/concurrency", route{}, false},
		{"PUT", "/2017-10-31/functions//concurrency", route{}, false},
		{"GET", "/2016-08-19/account-settings", route{op: "GetAccountSettings"}, true},
		{"POST", "/2016-08-19/account-settings", route{}, false},
		{"DELETE", "/2015-03-31/functions/f", route{op: "DeleteFunction", function: "f"}, true},
		{"GET", "/2015-03-31/functions/f/configuration", route{op: "GetFunctionConfiguration", function: "f"}, true},
		{"POST", "/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations", route{op: "Invoke", function: "arn:aws:lambda:us-east-1:1:function:f"}, true},
		{"GET", "/2015-03-31/functions/f/policy", route{op: "GetPolicy", function: "f"}, true},
		{"POST", "/2015-03-31/functions/f/policy", route{op: "AddPermission", function: "f"}, true},
		{"DELETE", "/2015-03-31/functions/f/policy/sid1", route{op: "RemovePermission", function: "f", sid: "sid1"}, true},
		{"PUT", "/2015-03-31/functions/f/code", route{op: "UpdateFunctionCode", function: "f"}, true},
		{"PUT", "/2015-03-31/functions/f", route{}, false},
		{"GET", "/2015-03-31/functionsx", route{}, false},
		{"POST", "/2015-03-31/functions/f/versions", route{op: "PublishVersion", function: "f"}, true},
		{"GET", "/2015-03-31/functions/f/versions", route{op: "ListVersionsByFunction", function: "f"}, true},
		{"POST", "/2015-03-31/functions/f/aliases", route{op: "CreateAlias", function: "f"}, true},
		{"GET", "/2015-03-31/functions/f/aliases", route{op: "ListAliases", function: "f"}, true},
		{"GET", "/2015-03-31/functions/f/aliases/live", route{op: "GetAlias", function: "f", alias: "live"}, true},
		{"PUT", "/2015-03-31/functions/f/aliases/live", route{op: "UpdateAlias", function: "f", alias: "live"}, true},
		{"DELETE", "/2015-03-31/functions/f/aliases/live", route{op: "DeleteAlias", function: "f", alias: "live"}, true},
		{"POST", "/2015-03-31/functions/f/aliases/live", route{}, false},
		{"DELETE", "/2015-03-31/functions/f/versions", route{}, false},
		// Escaped paths: an encoded "/" stays in the name, which then fails
		// Lambda's pattern (handler.go) rather than routing elsewhere.
		{"GET", "/2015-03-31/functions/a%2Fb", route{op: "GetFunction", function: "a/b"}, true},
		{"DELETE", "/2015-03-31/functions/..%2F..", route{op: "DeleteFunction", function: "../.."}, true},
		{"GET", "/2015-03-31/functions/f%24LATEST%3", route{}, false},
		// A dot segment is a name (refused by ValidateName), not a step up.
		{"PUT", "/2015-03-31/functions/../code", route{op: "UpdateFunctionCode", function: ".."}, true},
		{"GET", "/2015-03-31/functions/.", route{op: "GetFunction", function: "."}, true},
		// Layers (botocore's model: /2018-10-31/layers...).
		{"PUT", "/2015-03-31/functions/f/configuration", route{op: "UpdateFunctionConfiguration", function: "f"}, true},
		{"GET", "/2018-10-31/layers", route{op: "ListLayers"}, true},
		{"POST", "/2018-10-31/layers/l/versions", route{op: "PublishLayerVersion", layer: "l"}, true},
		{"GET", "/2018-10-31/layers/l/versions", route{op: "ListLayerVersions", layer: "l"}, true},
		{"GET", "/2018-10-31/layers/l/versions/3", route{op: "GetLayerVersion", layer: "l", version: "3"}, true},
		{"DELETE", "/2018-10-31/layers/l/versions/3", route{op: "DeleteLayerVersion", layer: "l", version: "3"}, true},
		{"POST", "/2018-10-31/layers/l/versions/3/policy", route{op: "AddLayerVersionPermission", layer: "l", version: "3"}, true},
		{"GET", "/2018-10-31/layers/l/versions/3/policy", route{op: "GetLayerVersionPolicy", layer: "l", version: "3"}, true},
		{"DELETE", "/2018-10-31/layers/l/versions/3/policy/s1", route{op: "RemoveLayerVersionPermission", layer: "l", version: "3", sid: "s1"}, true},
		{"GET", "/2018-10-31/layers/..%2Fx/versions", route{op: "ListLayerVersions", layer: "../x"}, true},
		{"PUT", "/2018-10-31/layers/l/versions", route{}, false},
		{"GET", "/2018-10-31/layers/l/versions/3/policy/s1", route{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			got, ok := parseRoute(tc.method, tc.path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseRoute = %+v %v; want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFunctionName(t *testing.T) {
	tests := map[string]string{
		"f":                       "f",
		"f:$LATEST":               "f",
		"123456789012:function:f": "f",
		"arn:aws:lambda:us-east-1:1:function:f:prod": "f",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := functions.NameOf(in); got != want {
				t.Errorf("NameOf(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

// FuzzParseRoute checks that a routed request names a function without
// "/" or ":" once reduced, and that every routed op has a handler.
func FuzzParseRoute(f *testing.F) {
	f.Add("GET", "/2015-03-31/functions/f/configuration")
	f.Add("POST", "/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f:1/invocations")
	f.Add("DELETE", "/2015-03-31/functions/f/policy/s")
	f.Add("GET", "/2015-03-31/functions//")
	f.Add("PUT", "/2015-03-31/functions/f/aliases/live")
	f.Add("POST", "/2015-03-31/functions/f/versions")
	f.Add("PUT", "/2017-10-31/functions/f/concurrency")
	f.Add("GET", "/2019-09-30/functions/arn:aws:lambda:us-east-1:1:function:f/concurrency")
	f.Add("DELETE", "/2017-10-31/functions/a%2Fb/concurrency")
	f.Add("GET", "/2016-08-19/account-settings/")
	f.Fuzz(func(t *testing.T, method, path string) {
		rt, ok := parseRoute(method, path)
		if !ok {
			return
		}
		if ops[rt.op] == nil {
			t.Fatalf("route %q has no handler", rt.op)
		}
		if n := functions.NameOf(rt.function); strings.ContainsAny(n, "/:") {
			t.Fatalf("NameOf(%q) = %q", rt.function, n)
		}
	})
}
