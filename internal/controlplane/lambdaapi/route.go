package lambdaapi

import (
	"net/http"
	"net/url"
	"strings"
)

const prefix = "/2015-03-31/functions"

// route is a decoded request: the operation and its path parameters.
type route struct {
	op       string
	function string // FunctionName path parameter, as sent
	sid      string // StatementId of RemovePermission
	alias    string // Name of GetAlias, UpdateAlias, DeleteAlias
	layer    string // LayerName of the layer operations
	version  string // VersionNumber of GetLayerVersion, DeleteLayerVersion
}

// Each API version prefix of Lambda's REST bindings
// (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html).
const (
	urlPrefix   = "/2021-10-31/functions"
	layerPrefix = "/2018-10-31/layers"
)

// splitPath cuts an escaped path under prefix into unescaped segments; a
// "%2F" inside a FunctionName stays in the name (and fails its pattern)
// instead of making a new segment.
func splitPath(path, prefix string) ([]string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return nil, false
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// parseRoute maps method and path to an operation, as Lambda's REST
// bindings do.
func parseRoute(method, path string) (route, bool) {
	if rt, ok := parseConcurrencyRoute(method, path); ok {
		return rt, true
	}
	if parts, ok := splitPath(path, urlPrefix); ok {
		return urlRoute(method, parts)
	}
	if parts, ok := splitPath(path, layerPrefix); ok {
		return layerRoute(method, parts)
	}
	parts, ok := splitPath(path, prefix)
	if !ok {
		return route{}, false
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
		op := map[string]string{
			http.MethodGet + " configuration": "GetFunctionConfiguration",
			http.MethodPut + " configuration": "UpdateFunctionConfiguration",
			http.MethodPost + " invocations":  "Invoke",
			http.MethodGet + " policy":        "GetPolicy",
			http.MethodPost + " policy":       "AddPermission",
			http.MethodPut + " code":          "UpdateFunctionCode",
			http.MethodPost + " versions":     "PublishVersion",
			http.MethodGet + " versions":      "ListVersionsByFunction",
			http.MethodPost + " aliases":      "CreateAlias",
			http.MethodGet + " aliases":       "ListAliases",
		}[method+" "+parts[1]]
		if op != "" && ops[op] != nil {
			return route{op: op, function: fn}, true
		}
	case 3:
		switch {
		case method == http.MethodDelete && parts[1] == "policy" && parts[2] != "":
			return route{op: "RemovePermission", function: fn, sid: parts[2]}, true
		case parts[1] == "aliases" && parts[2] != "":
			op := map[string]string{http.MethodGet: "GetAlias", http.MethodPut: "UpdateAlias", http.MethodDelete: "DeleteAlias"}[method]
			if op != "" {
				return route{op: op, function: fn, alias: parts[2]}, true
			}
		}
	}
	return route{}, false
}

// urlRoute maps the function URL operations
// (/2021-10-31/functions/{fn}/url and /urls).
func urlRoute(method string, parts []string) (route, bool) {
	if len(parts) != 2 || parts[0] == "" {
		return route{}, false
	}
	op := map[string]string{
		http.MethodPost + " url":   "CreateFunctionUrlConfig",
		http.MethodGet + " url":    "GetFunctionUrlConfig",
		http.MethodPut + " url":    "UpdateFunctionUrlConfig",
		http.MethodDelete + " url": "DeleteFunctionUrlConfig",
		http.MethodGet + " urls":   "ListFunctionUrlConfigs",
	}[method+" "+parts[1]]
	if op == "" || ops[op] == nil {
		return route{}, false
	}
	return route{op: op, function: parts[0]}, true
}

// layerRoute maps the layer operations (/2018-10-31/layers...).
func layerRoute(method string, parts []string) (route, bool) {
	var op string
	rt := route{}
	switch {
	case len(parts) == 1 && parts[0] == "" && method == http.MethodGet:
		op = "ListLayers"
	case len(parts) == 2 && parts[0] != "" && parts[1] == "versions":
		op = map[string]string{http.MethodPost: "PublishLayerVersion", http.MethodGet: "ListLayerVersions"}[method]
		rt.layer = parts[0]
	case len(parts) == 3 && parts[0] != "" && parts[1] == "versions" && parts[2] != "":
		op = map[string]string{http.MethodGet: "GetLayerVersion", http.MethodDelete: "DeleteLayerVersion"}[method]
		rt.layer, rt.version = parts[0], parts[2]
	case len(parts) == 4 && parts[0] != "" && parts[1] == "versions" && parts[2] != "" && parts[3] == "policy":
		op = map[string]string{http.MethodPost: "AddLayerVersionPermission", http.MethodGet: "GetLayerVersionPolicy"}[method]
		rt.layer, rt.version = parts[0], parts[2]
	case len(parts) == 5 && parts[0] != "" && parts[1] == "versions" && parts[2] != "" && parts[3] == "policy" && parts[4] != "" && method == http.MethodDelete:
		op = "RemoveLayerVersionPermission"
		rt.layer, rt.version, rt.sid = parts[0], parts[2], parts[4]
	}
	if op == "" || ops[op] == nil {
		return route{}, false
	}
	rt.op = op
	return rt, true
}
