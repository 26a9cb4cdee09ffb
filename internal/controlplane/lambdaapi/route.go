package lambdaapi

import (
	"strings"

	"github.com/iamgate/iamgate/internal/controlplane/restroute"
)

// route is a decoded request: the operation and its path parameters.
type route struct {
	op       string
	function string // FunctionName path parameter, as sent
	sid      string // StatementId of RemovePermission
	alias    string // Name of GetAlias, UpdateAlias, DeleteAlias
	layer    string // LayerName of the layer operations
	version  string // VersionNumber of GetLayerVersion, DeleteLayerVersion
}

// routes are Lambda's REST bindings, each operation under its own API
// version prefix, with the service model's parameter names
// (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html;
// botocore's lambda model for the concurrency and account operations).
var routes = func() *restroute.Router {
	rt := restroute.New()
	for pattern, op := range map[string]string{
		"GET /2015-03-31/functions":                                        "ListFunctions",
		"POST /2015-03-31/functions":                                       "CreateFunction",
		"GET /2015-03-31/functions/{FunctionName}":                         "GetFunction",
		"DELETE /2015-03-31/functions/{FunctionName}":                      "DeleteFunction",
		"GET /2015-03-31/functions/{FunctionName}/configuration":           "GetFunctionConfiguration",
		"PUT /2015-03-31/functions/{FunctionName}/configuration":           "UpdateFunctionConfiguration",
		"POST /2015-03-31/functions/{FunctionName}/invocations":            "Invoke",
		"GET /2015-03-31/functions/{FunctionName}/policy":                  "GetPolicy",
		"POST /2015-03-31/functions/{FunctionName}/policy":                 "AddPermission",
		"DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}": "RemovePermission",
		"PUT /2015-03-31/functions/{FunctionName}/code":                    "UpdateFunctionCode",
		"POST /2015-03-31/functions/{FunctionName}/versions":               "PublishVersion",
		"GET /2015-03-31/functions/{FunctionName}/versions":                "ListVersionsByFunction",
		"POST /2015-03-31/functions/{FunctionName}/aliases":                "CreateAlias",
		"GET /2015-03-31/functions/{FunctionName}/aliases":                 "ListAliases",
		"GET /2015-03-31/functions/{FunctionName}/aliases/{Name}":          "GetAlias",
		"PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}":          "UpdateAlias",
		"DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}":       "DeleteAlias",

		"POST /2021-10-31/functions/{FunctionName}/url":   "CreateFunctionUrlConfig",
		"GET /2021-10-31/functions/{FunctionName}/url":    "GetFunctionUrlConfig",
		"PUT /2021-10-31/functions/{FunctionName}/url":    "UpdateFunctionUrlConfig",
		"DELETE /2021-10-31/functions/{FunctionName}/url": "DeleteFunctionUrlConfig",
		"GET /2021-10-31/functions/{FunctionName}/urls":   "ListFunctionUrlConfigs",

		"GET /2018-10-31/layers":                                                              "ListLayers",
		"POST /2018-10-31/layers/{LayerName}/versions":                                        "PublishLayerVersion",
		"GET /2018-10-31/layers/{LayerName}/versions":                                         "ListLayerVersions",
		"GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}":                         "GetLayerVersion",
		"DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}":                      "DeleteLayerVersion",
		"POST /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy":                 "AddLayerVersionPermission",
		"GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy":                  "GetLayerVersionPolicy",
		"DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}": "RemoveLayerVersionPermission",

		"PUT /2017-10-31/functions/{FunctionName}/concurrency":    "PutFunctionConcurrency",
		"DELETE /2017-10-31/functions/{FunctionName}/concurrency": "DeleteFunctionConcurrency",
		"GET /2019-09-30/functions/{FunctionName}/concurrency":    "GetFunctionConcurrency",
		"GET /2016-08-19/account-settings":                        "GetAccountSettings",
	} {
		rt.Handle(pattern, op)
	}
	return rt
}()

// parseRoute maps method and escaped path to an operation, as Lambda's REST
// bindings do. A "%2F" inside a FunctionName stays in the name (and fails
// its pattern in ServeHTTP) instead of making a new segment. Operations
// without a handler yet are unknown.
func parseRoute(method, escapedPath string) (route, bool) {
	m, ok := routes.Match(method, escapedPath)
	if !ok || ops[m.Op] == nil {
		return route{}, false
	}
	rt := route{op: m.Op, function: m.Param("FunctionName"), sid: m.Param("StatementId"), alias: m.Param("Name"),
		layer: m.Param("LayerName"), version: m.Param("VersionNumber")}
	if strings.HasSuffix(rt.op, "Concurrency") && strings.Contains(rt.function, "/") {
		return route{}, false // an encoded slash never names a function
	}
	return rt, true
}
