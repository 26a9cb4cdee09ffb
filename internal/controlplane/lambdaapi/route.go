package lambdaapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

const prefix = "/2015-03-31/functions"

// route is a decoded request: the operation and its path parameters.
type route struct {
	op       string
	function string // FunctionName path parameter, as sent
	sid      string // StatementId of RemovePermission
}

// parseRoute maps method and path to an operation, as Lambda's REST
// bindings do (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html).
func parseRoute(method, path string) (route, bool) {
	if rt, ok := parseConcurrencyRoute(method, path); ok {
		return rt, true
	}
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return route{}, false
	}
	// path is the escaped path: a "%2F" inside a FunctionName stays in the
	// name (and fails its pattern) instead of making a new segment.
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return route{}, false
		}
		parts[i] = u
	}
	if parts[0] == "" {
		switch method {
		case http.MethodGet:
			return route{op: "ListFunctions"}, true
		case http.MethodPost:
			return route{op: "CreateFunction"}, true
		}
		return route{}, false
	}
	fn := parts[0]
	switch len(parts) {
	case 1:
		switch method {
		case http.MethodGet:
			return route{op: "GetFunction", function: fn}, true
		case http.MethodDelete:
			return route{op: "DeleteFunction", function: fn}, true
		}
	case 2:
		switch {
		case method == http.MethodGet && parts[1] == "configuration":
			return route{op: "GetFunctionConfiguration", function: fn}, true
		case method == http.MethodPost && parts[1] == "invocations":
			return route{op: "Invoke", function: fn}, true
		case method == http.MethodGet && parts[1] == "policy":
			return route{op: "GetPolicy", function: fn}, true
		case method == http.MethodPost && parts[1] == "policy":
			return route{op: "AddPermission", function: fn}, true
		case method == http.MethodPut && parts[1] == "code":
			return route{op: "UpdateFunctionCode", function: fn}, true
		}
	case 3:
		if method == http.MethodDelete && parts[1] == "policy" && parts[2] != "" {
			return route{op: "RemovePermission", function: fn, sid: parts[2]}, true
		}
	}
	return route{}, false
}

// checkQualifier accepts only $LATEST: there are no published versions or
// aliases here.
func checkQualifier(fullName, arn string) error {
	rest := fullName
	if i := strings.Index(rest, ":function:"); i >= 0 {
		rest = rest[i+len(":function:"):]
	}
	if _, q, ok := strings.Cut(rest, ":"); ok && q != "$LATEST" {
		return awserr.New(ResourceNotFound, "Function not found: %s:%s", arn, q)
	}
	return nil
}
