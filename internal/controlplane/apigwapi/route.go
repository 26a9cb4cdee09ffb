package apigwapi

import (
	"strings"
	"sync"

	"github.com/iamgate/iamgate/internal/controlplane/restroute"
)

// route is a decoded control-plane path: its shape (which collection or
// item it addresses) and the ids in it.
type route struct {
	shape                               string
	api, resource, method, stage, depID string
	// name is the last named item: a model name, validator id, gateway
	// response type, status code, export type, key or plan id.
	name       string
	plan, key  string
	op         string // the operation, once the method is known
	exportType string
}

// Path shapes. Each pairs with HTTP methods in the ops table.
const (
	shapeRestAPIs            = "restapis"
	shapeRestAPI             = "restapi"
	shapeResources           = "resources"
	shapeResource            = "resource"
	shapeMethod              = "method"
	shapeIntegration         = "integration"
	shapeIntegrationResponse = "integrationresponse"
	shapeMethodResponse      = "methodresponse"
	shapeStages              = "stages"
	shapeStage               = "stage"
	shapeExport              = "export"
	shapeDeployments         = "deployments"
	shapeDeployment          = "deployment"
	shapeModels              = "models"
	shapeModel               = "model"
	shapeValidators          = "requestvalidators"
	shapeValidator           = "requestvalidator"
	shapeGatewayResponses    = "gatewayresponses"
	shapeGatewayResponse     = "gatewayresponse"
	shapeAPIKeys             = "apikeys"
	shapeAPIKey              = "apikey"
	shapeUsagePlans          = "usageplans"
	shapeUsagePlan           = "usageplan"
	shapeUsagePlanKeys       = "usageplankeys"
	shapeUsagePlanKey        = "usageplankey"
	shapeUsage               = "usage"
	shapeAccount             = "account"
	shapeAuthorizers         = "authorizers"
	shapeAuthorizer          = "authorizer"
)

// shapePaths are the path patterns of the shapes, with the parameter names
// of API Gateway's REST bindings
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html).
var shapePaths = map[string]string{
	shapeRestAPIs:            "/restapis",
	shapeRestAPI:             "/restapis/{restapi_id}",
	shapeResources:           "/restapis/{restapi_id}/resources",
	shapeResource:            "/restapis/{restapi_id}/resources/{resource_id}",
	shapeMethod:              "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
	shapeIntegration:         "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
	shapeIntegrationResponse: "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}",
	shapeMethodResponse:      "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}",
	shapeStages:              "/restapis/{restapi_id}/stages",
	shapeStage:               "/restapis/{restapi_id}/stages/{stage_name}",
	shapeExport:              "/restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}",
	shapeDeployments:         "/restapis/{restapi_id}/deployments",
	shapeDeployment:          "/restapis/{restapi_id}/deployments/{deployment_id}",
	shapeModels:              "/restapis/{restapi_id}/models",
	shapeModel:               "/restapis/{restapi_id}/models/{model_name}",
	shapeValidators:          "/restapis/{restapi_id}/requestvalidators",
	shapeValidator:           "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}",
	shapeGatewayResponses:    "/restapis/{restapi_id}/gatewayresponses",
	shapeGatewayResponse:     "/restapis/{restapi_id}/gatewayresponses/{response_type}",
	shapeAuthorizers:         "/restapis/{restapi_id}/authorizers",
	shapeAuthorizer:          "/restapis/{restapi_id}/authorizers/{authorizer_id}",
	shapeAPIKeys:             "/apikeys",
	shapeAPIKey:              "/apikeys/{api_Key}",
	shapeUsagePlans:          "/usageplans",
	shapeUsagePlan:           "/usageplans/{usageplanId}",
	shapeUsagePlanKeys:       "/usageplans/{usageplanId}/keys",
	shapeUsagePlanKey:        "/usageplans/{usageplanId}/keys/{keyId}",
	shapeUsage:               "/usageplans/{usageplanId}/usage",
	shapeAccount:             "/account",
}

// routes binds "METHOD path" of every operation in ops to its shape (built
// on first use: ops is filled by init).
var routes = sync.OnceValue(func() *restroute.Router {
	rt := restroute.New()
	for key := range ops {
		method, shape, _ := strings.Cut(key, " ")
		rt.Handle(method+" "+shapePaths[shape], shape)
	}
	return rt
})

// parseRoute maps a request's method and escaped path to its shape and
// ids. No id holds "/" and none is empty.
func parseRoute(method, escapedPath string) (route, bool) {
	m, ok := routes().Match(method, escapedPath)
	if !ok {
		return route{}, false
	}
	r := route{shape: m.Op, api: m.Param("restapi_id"), resource: m.Param("resource_id"),
		method: strings.ToUpper(m.Param("http_method")), stage: m.Param("stage_name"),
		depID: m.Param("deployment_id"), exportType: m.Param("export_type"), plan: m.Param("usageplanId")}
	for _, n := range []string{"status_code", "model_name", "requestvalidator_id", "authorizer_id", "response_type"} {
		if v := m.Param(n); v != "" {
			r.name = v
		}
	}
	for _, n := range []string{"api_Key", "keyId"} {
		if v := m.Param(n); v != "" {
			r.key = v
		}
	}
	for _, v := range []string{r.api, r.resource, r.method, r.stage, r.depID, r.name, r.plan, r.key, r.exportType} {
		if strings.Contains(v, "/") {
			return route{}, false // an encoded "/" is in no API Gateway id
		}
	}
	return r, true
}
