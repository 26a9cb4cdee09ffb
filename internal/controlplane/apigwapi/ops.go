package apigwapi

import (
	"net/http"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// op is one operation: its name (for logs) and status on success.
type op struct {
	name   string
	status int // 0 means 200
	fn     func(*call) (any, error)
}

// ops maps "METHOD shape" to the operation API Gateway serves there
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html).
var ops map[string]op

func init() {
	ops = map[string]op{}
	add := func(method, shape, name string, status int, fn func(*call) (any, error)) {
		ops[method+" "+shape] = op{name: name, status: status, fn: fn}
	}
	const (
		get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
		created, accepted          = http.StatusCreated, http.StatusAccepted
	)
	add(get, shapeRestAPIs, "GetRestApis", 0, getRestAPIs)
	add(get, shapeRestAPI, "GetRestApi", 0, getRestAPI)
	add(get, shapeResources, "GetResources", 0, getResources)
	add(get, shapeResource, "GetResource", 0, getResource)
	add(get, shapeMethod, "GetMethod", 0, getMethod)
	add(get, shapeIntegration, "GetIntegration", 0, getIntegration)
	add(get, shapeStages, "GetStages", 0, getStages)
	add(get, shapeStage, "GetStage", 0, getStage)
	add(get, shapeDeployments, "GetDeployments", 0, getDeployments)
	add(get, shapeDeployment, "GetDeployment", 0, getDeployment)
	add(get, shapeAuthorizers, "GetAuthorizers", 0, getAuthorizers)
	add(get, shapeAuthorizer, "GetAuthorizer", 0, getAuthorizer)

	add(post, shapeRestAPIs, "CreateRestApi", created, createRestAPI)
	add(put, shapeRestAPI, "PutRestApi", 0, putRestAPI)
	add(patch, shapeRestAPI, "UpdateRestApi", 0, updateRestAPI)
	add(del, shapeRestAPI, "DeleteRestApi", accepted, deleteRestAPI)
	add(post, shapeResource, "CreateResource", created, createResource)
	add(del, shapeResource, "DeleteResource", accepted, deleteResource)
	add(put, shapeMethod, "PutMethod", created, putMethod)
	add(patch, shapeMethod, "UpdateMethod", 0, updateMethod)
	add(del, shapeMethod, "DeleteMethod", accepted, deleteMethod)
	add(post, shapeMethod, "TestInvokeMethod", 0, testInvokeMethod)
	add(put, shapeIntegration, "PutIntegration", created, putIntegration)
	add(patch, shapeIntegration, "UpdateIntegration", 0, updateIntegration)
	add(del, shapeIntegration, "DeleteIntegration", accepted, deleteIntegration)
	add(put, shapeIntegrationResponse, "PutIntegrationResponse", created, putIntegrationResponse)
	add(get, shapeIntegrationResponse, "GetIntegrationResponse", 0, getIntegrationResponse)
	add(del, shapeIntegrationResponse, "DeleteIntegrationResponse", accepted, deleteIntegrationResponse)
	add(put, shapeMethodResponse, "PutMethodResponse", created, putMethodResponse)
	add(get, shapeMethodResponse, "GetMethodResponse", 0, getMethodResponse)
	add(del, shapeMethodResponse, "DeleteMethodResponse", accepted, deleteMethodResponse)

	add(post, shapeDeployments, "CreateDeployment", created, createDeployment)
	add(del, shapeDeployment, "DeleteDeployment", accepted, deleteDeployment)
	add(post, shapeStages, "CreateStage", created, createStage)
	add(patch, shapeStage, "UpdateStage", 0, updateStage)
	add(del, shapeStage, "DeleteStage", accepted, deleteStage)

	add(post, shapeModels, "CreateModel", created, createModel)
	add(get, shapeModels, "GetModels", 0, getModels)
	add(get, shapeModel, "GetModel", 0, getModel)
	add(del, shapeModel, "DeleteModel", accepted, deleteModel)
	add(post, shapeValidators, "CreateRequestValidator", created, createValidator)
	add(get, shapeValidators, "GetRequestValidators", 0, getValidators)
	add(get, shapeValidator, "GetRequestValidator", 0, getValidator)
	add(del, shapeValidator, "DeleteRequestValidator", accepted, deleteValidator)
	add(put, shapeGatewayResponse, "PutGatewayResponse", created, putGatewayResponse)
	add(get, shapeGatewayResponse, "GetGatewayResponse", 0, getGatewayResponse)
	add(get, shapeGatewayResponses, "GetGatewayResponses", 0, getGatewayResponses)
	add(del, shapeGatewayResponse, "DeleteGatewayResponse", accepted, deleteGatewayResponse)

	add(post, shapeAPIKeys, "CreateApiKey", created, createAPIKey)
	add(get, shapeAPIKeys, "GetApiKeys", 0, getAPIKeys)
	add(get, shapeAPIKey, "GetApiKey", 0, getAPIKey)
	add(patch, shapeAPIKey, "UpdateApiKey", 0, updateAPIKey)
	add(del, shapeAPIKey, "DeleteApiKey", accepted, deleteAPIKey)
	add(post, shapeUsagePlans, "CreateUsagePlan", created, createUsagePlan)
	add(get, shapeUsagePlans, "GetUsagePlans", 0, getUsagePlans)
	add(get, shapeUsagePlan, "GetUsagePlan", 0, getUsagePlan)
	add(patch, shapeUsagePlan, "UpdateUsagePlan", 0, updateUsagePlan)
	add(del, shapeUsagePlan, "DeleteUsagePlan", accepted, deleteUsagePlan)
	add(post, shapeUsagePlanKeys, "CreateUsagePlanKey", created, createUsagePlanKey)
	add(get, shapeUsagePlanKeys, "GetUsagePlanKeys", 0, getUsagePlanKeys)
	add(del, shapeUsagePlanKey, "DeleteUsagePlanKey", accepted, deleteUsagePlanKey)

	add(get, shapeUsage, "GetUsage", 0, getUsage)
	add(get, shapeExport, "GetExport", 0, getExport)
	add(get, shapeAccount, "GetAccount", 0, getAccount)
	add(patch, shapeAccount, "UpdateAccount", 0, updateAccount)
}

func getRestAPIs(c *call) (any, error) {
	all, err := c.h.o.APIs.ListRestAPIs(c.ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		return all[i].Name < all[j].Name || all[i].Name == all[j].Name && all[i].ID < all[j].ID
	})
	return collect(all, toRestAPI), nil
}

func getRestAPI(c *call) (any, error) {
	a, err := c.h.o.APIs.GetRestAPI(c.ctx, c.rt.api)
	return toRestAPI(a), err
}

func getResources(c *call) (any, error) {
	rs, err := c.h.o.APIs.GetResources(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	if c.r.URL.Query().Get("embed") == "methods" {
		return collect(rs, embedded), nil
	}
	return collect(rs, toResource), nil
}

func getResource(c *call) (any, error) {
	r, err := c.resource()
	return toResource(r), err
}

func getMethod(c *call) (any, error) {
	m, err := c.method()
	if err != nil {
		return nil, err
	}
	return toMethod(m, c.rt.resource), nil
}

func getIntegration(c *call) (any, error) {
	m, err := c.method()
	if err != nil {
		return nil, err
	}
	if m.Integration == nil {
		return nil, awserr.New(awserr.NotFoundException, "No integration defined for method")
	}
	return toMethod(m, c.rt.resource).MethodIntegration, nil
}

func getStages(c *call) (any, error) {
	ss, err := c.h.o.APIs.GetStages(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(ss, toStage), nil
}

func getStage(c *call) (any, error) {
	s, err := c.h.o.APIs.GetStage(c.ctx, c.rt.api, c.rt.stage)
	return toStage(s), err
}

func getDeployments(c *call) (any, error) {
	ds, err := c.h.o.APIs.GetDeployments(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(ds, toDeployment), nil
}

func getDeployment(c *call) (any, error) {
	d, err := c.h.o.APIs.GetDeployment(c.ctx, c.rt.api, c.rt.depID)
	return toDeployment(d), err
}

// getUsage answers Usage; its items travel as "values" on the wire
// (the service model's locationName).
func getUsage(c *call) (any, error) {
	q := c.r.URL.Query()
	u, err := c.h.o.APIs.GetUsage(c.ctx, c.rt.plan, q.Get("keyId"), q.Get("startDate"), q.Get("endDate"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"usagePlanId": u.UsagePlanID, "startDate": u.StartDate, "endDate": u.EndDate, "values": u.Items}, nil
}

// getExport answers the document in JSON, or YAML when Accept asks.
func getExport(c *call) (any, error) {
	accept := c.r.Header.Get("Accept")
	yamlOut := strings.Contains(accept, "yaml")
	b, err := c.h.o.APIs.Export(c.ctx, c.rt.api, c.rt.stage, c.rt.exportType, c.r.URL.Query().Get("extensions"), yamlOut)
	if err != nil {
		return nil, err
	}
	ct := "application/json"
	if yamlOut {
		ct = "application/yaml"
	}
	return rawBody{contentType: ct, data: b}, nil
}
