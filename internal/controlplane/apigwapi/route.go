package apigwapi

import "strings"

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

// parseRoute maps a control-plane path to its shape. No id holds "/" and
// none is empty.
func parseRoute(path string) (route, bool) {
	p := strings.Split(strings.Trim(path, "/"), "/")
	for _, s := range p {
		if s == "" {
			return route{}, false
		}
	}
	switch p[0] {
	case "restapis":
		return restAPIRoute(p)
	case "apikeys":
		switch len(p) {
		case 1:
			return route{shape: shapeAPIKeys}, true
		case 2:
			return route{shape: shapeAPIKey, key: p[1]}, true
		}
	case "usageplans":
		return usagePlanRoute(p)
	case "account":
		if len(p) == 1 {
			return route{shape: shapeAccount}, true
		}
	}
	return route{}, false
}

func restAPIRoute(p []string) (route, bool) {
	if len(p) == 1 {
		return route{shape: shapeRestAPIs}, true
	}
	r := route{api: p[1]}
	if len(p) == 2 {
		r.shape = shapeRestAPI
		return r, true
	}
	rest := p[2:]
	switch rest[0] {
	case "resources":
		return resourceRoute(r, rest)
	case "stages":
		switch len(rest) {
		case 1:
			r.shape = shapeStages
		case 2:
			r.shape, r.stage = shapeStage, rest[1]
		case 4:
			if rest[2] != "exports" {
				return route{}, false
			}
			r.shape, r.stage, r.exportType = shapeExport, rest[1], rest[3]
		default:
			return route{}, false
		}
		return r, true
	case "deployments":
		return item(r, rest, shapeDeployments, shapeDeployment, func(r *route, id string) { r.depID = id })
	case "models":
		return item(r, rest, shapeModels, shapeModel, func(r *route, id string) { r.name = id })
	case "requestvalidators":
		return item(r, rest, shapeValidators, shapeValidator, func(r *route, id string) { r.name = id })
	case "authorizers":
		return item(r, rest, shapeAuthorizers, shapeAuthorizer, func(r *route, id string) { r.name = id })
	case "gatewayresponses":
		return item(r, rest, shapeGatewayResponses, shapeGatewayResponse, func(r *route, id string) { r.name = id })
	}
	return route{}, false
}

// item routes "{collection}" and "{collection}/{id}".
func item(r route, rest []string, list, one string, set func(*route, string)) (route, bool) {
	switch len(rest) {
	case 1:
		r.shape = list
	case 2:
		r.shape = one
		set(&r, rest[1])
	default:
		return route{}, false
	}
	return r, true
}

// resourceRoute routes resources/{id}[/methods/{verb}[/integration[/responses/{code}] | /responses/{code}]].
func resourceRoute(r route, rest []string) (route, bool) {
	switch {
	case len(rest) == 1:
		r.shape = shapeResources
	case len(rest) == 2:
		r.shape, r.resource = shapeResource, rest[1]
	case len(rest) >= 4 && rest[2] == "methods":
		r.resource, r.method = rest[1], strings.ToUpper(rest[3])
		switch {
		case len(rest) == 4:
			r.shape = shapeMethod
		case len(rest) == 5 && rest[4] == "integration":
			r.shape = shapeIntegration
		case len(rest) == 7 && rest[4] == "integration" && rest[5] == "responses":
			r.shape, r.name = shapeIntegrationResponse, rest[6]
		case len(rest) == 6 && rest[4] == "responses":
			r.shape, r.name = shapeMethodResponse, rest[5]
		default:
			return route{}, false
		}
	default:
		return route{}, false
	}
	return r, true
}

func usagePlanRoute(p []string) (route, bool) {
	switch {
	case len(p) == 1:
		return route{shape: shapeUsagePlans}, true
	case len(p) == 2:
		return route{shape: shapeUsagePlan, plan: p[1]}, true
	case len(p) == 3 && p[2] == "keys":
		return route{shape: shapeUsagePlanKeys, plan: p[1]}, true
	case len(p) == 4 && p[2] == "keys":
		return route{shape: shapeUsagePlanKey, plan: p[1], key: p[3]}, true
	case len(p) == 3 && p[2] == "usage":
		return route{shape: shapeUsage, plan: p[1]}, true
	}
	return route{}, false
}
